/// Reading a pair of IDX files (images + labels) into one checked `LabeledImages`.
extension LabeledImages {
    /// Reads the image file and the label file and checks that they belong together:
    /// same number of records, every label in `0..<classCount`.
    public static func load(
        imagesAt imagesPath: String, labelsAt labelsPath: String,
        classCount: Int = LabeledImages.defaultClassCount, limits: IDXLimits = .standard
    ) throws(DatasetError) -> LabeledImages {
        // Labels first: they are small, and a bad label file should not cost a full image read.
        let labels = try IDXReader.readLabels(at: labelsPath, limits: limits)
        let images = try IDXReader.readImages(at: imagesPath, limits: limits)
        guard images.count == labels.count else {
            throw .countMismatch(imagesFile: imagesPath, imageCount: images.count,
                                 labelsFile: labelsPath, labelCount: labels.count)
        }
        if let bad = labels.firstIndex(where: { Int($0) >= classCount }) {
            throw .labelOutOfRange(file: labelsPath, index: bad, value: labels[bad], classCount: classCount)
        }
        return try LabeledImages(rows: images.rows, cols: images.cols, pixels: images.pixels,
                                 labels: labels, classCount: classCount, name: imagesPath)
    }
}
