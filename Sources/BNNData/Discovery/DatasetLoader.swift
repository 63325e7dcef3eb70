/// Reads a located dataset's four files and splits them: the data layer's front door.
///
/// Typical use by the CLI:
/// ```swift
/// let location = try DatasetLocator(dataset: .mnist, explicitDirectory: dataOption).locate()
/// if let notice = location.notice { print(notice) }
/// let splits = try DatasetLoader.loadSplits(from: location, options: SplitOptions(trainLimit: n))
/// ```
public enum DatasetLoader {
    /// Reads the training and test files and checks them (counts, labels, matching image sizes).
    public static func loadFiles(
        _ files: DatasetFiles, classCount: Int = LabeledImages.defaultClassCount, limits: IDXLimits = .standard
    ) throws(DatasetError) -> (training: LabeledImages, test: LabeledImages) {
        let training = try LabeledImages.load(imagesAt: files.trainImages, labelsAt: files.trainLabels,
                                              classCount: classCount, limits: limits)
        let test = try LabeledImages.load(imagesAt: files.testImages, labelsAt: files.testLabels,
                                          classCount: classCount, limits: limits)
        guard test.rows == training.rows, test.cols == training.cols else {
            throw .shapeMismatch(file: files.testImages, rows: test.rows, cols: test.cols,
                                 expectedRows: training.rows, expectedCols: training.cols)
        }
        return (training, test)
    }

    /// Reads the files of `location` and makes the train / validation / test splits with
    /// its dataset's rule and class count. The options are checked before any file is read.
    public static func loadSplits(
        from location: DatasetLocation, options: SplitOptions = .none, limits: IDXLimits = .standard
    ) throws(DatasetError) -> DatasetSplits {
        try options.validate()
        let (training, test) = try loadFiles(location.files, classCount: location.dataset.classCount, limits: limits)
        return try DatasetSplits(trainingFile: training, testFile: test, source: location.source,
                                 dataset: location.dataset, options: options)
    }
}
