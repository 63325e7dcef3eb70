/// A set of images with their class labels, kept as raw bytes.
///
/// Pixels stay `UInt8` (one byte each, `count x featureCount`, row-major) so the
/// a full 70,000-image 28x28 dataset takes 55 MB instead of 220 MB as Float and
/// bnn-tui stays under its 200 MB budget. Batches are converted to Float on the
/// way into the network by `gather` (see `LabeledImages+Gather.swift`).
public struct LabeledImages: Sendable, Equatable {
    /// Number of classes when none is given: the default dataset's (10).
    public static let defaultClassCount = DatasetDescriptor.default.classCount

    /// Rows per image (28 for both MNISTs).
    public let rows: Int
    /// Columns per image (28 for both MNISTs).
    public let cols: Int
    /// Number of classes; every label is in `0..<classCount`.
    public let classCount: Int
    /// All pixels, row-major: image `i` is `pixels[i*featureCount ..< (i+1)*featureCount]`.
    public let pixels: [UInt8]
    /// One class index per image.
    public let labels: [UInt8]

    /// Number of images.
    public var count: Int { labels.count }
    /// Pixels per image (`rows * cols`), the network's input width (784).
    public var featureCount: Int { rows * cols }
    /// The shape of one image (IDX images have one channel).
    public var shape: ImageShape { ImageShape(height: rows, width: cols, channels: 1) }
    /// True when there are no images.
    public var isEmpty: Bool { labels.isEmpty }

    /// Checks that the pieces fit together: positive sizes, `pixels.count == labels.count * rows * cols`,
    /// every label in `0..<classCount`. `name` is used in error messages (a file name, "images").
    public init(
        rows: Int, cols: Int, pixels: [UInt8], labels: [UInt8],
        classCount: Int = LabeledImages.defaultClassCount, name: String = "images"
    ) throws(DatasetError) {
        guard rows > 0, cols > 0 else {
            throw .badDimensions(file: name, detail: "\(rows)x\(cols) images")
        }
        guard (1...256).contains(classCount) else {
            throw .invalidOption(name: "classCount", value: classCount, requirement: "in 1...256")
        }
        guard pixels.count == labels.count * rows * cols else {
            throw .countMismatch(imagesFile: name, imageCount: pixels.count / (rows * cols),
                                 labelsFile: name + " labels", labelCount: labels.count)
        }
        if let bad = labels.firstIndex(where: { Int($0) >= classCount }) {
            throw .labelOutOfRange(file: name, index: bad, value: labels[bad], classCount: classCount)
        }
        self.init(unchecked: rows, cols, classCount, pixels, labels)
    }

    /// For slices of data that was already checked.
    init(unchecked rows: Int, _ cols: Int, _ classCount: Int, _ pixels: [UInt8], _ labels: [UInt8]) {
        self.rows = rows
        self.cols = cols
        self.classCount = classCount
        self.pixels = pixels
        self.labels = labels
    }

    /// The images in `range` (clamped to `0..<count`), as a new set with its own storage.
    public func slice(_ range: Range<Int>) -> LabeledImages {
        let lower = min(max(range.lowerBound, 0), count)
        let upper = min(max(range.upperBound, lower), count)
        return LabeledImages(
            unchecked: rows, cols, classCount,
            Array(pixels[lower * featureCount ..< upper * featureCount]),
            Array(labels[lower..<upper]))
    }

    /// The first `n` images (all of them if `n >= count`).
    public func prefix(_ n: Int) -> LabeledImages { slice(0..<max(0, n)) }

    /// The last `n` images (all of them if `n >= count`).
    public func suffix(_ n: Int) -> LabeledImages { slice(max(0, count - n)..<count) }

    /// The raw pixels of image `index` (precondition: `0 <= index < count`).
    public func pixels(ofImage index: Int) -> ArraySlice<UInt8> {
        precondition(index >= 0 && index < count, "image index \(index) out of 0..<\(count)")
        return pixels[index * featureCount ..< (index + 1) * featureCount]
    }

    /// How many images each class has (`classCount` entries).
    public func classHistogram() -> [Int] {
        var histogram = [Int](repeating: 0, count: classCount)
        for label in labels { histogram[Int(label)] += 1 }
        return histogram
    }
}
