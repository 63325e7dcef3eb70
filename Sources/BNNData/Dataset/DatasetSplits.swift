/// The three sets a run uses: train on one, pick and watch on validation, report test.
///
/// The training file is divided by the dataset's `ValidationSplit` (the course
/// report's rule: the last sixth validates, 50,000 / 10,000 of 60,000; 5,000 / 1,000
/// of the 6,000-image embedded subset); the test file tests.
public struct DatasetSplits: Sendable {
    /// Images the network learns from (shuffled into mini-batches).
    public let train: LabeledImages
    /// Held-out images from the training file, for per-epoch validation error.
    public let validation: LabeledImages
    /// The test file's images.
    public let test: LabeledImages
    /// Where the data came from (for notices and the dashboard).
    public let source: DatasetSource
    /// Which dataset it is (for headers, reports and messages).
    public let dataset: DatasetDescriptor

    public init(train: LabeledImages, validation: LabeledImages, test: LabeledImages, source: DatasetSource,
                dataset: DatasetDescriptor = .default) {
        self.train = train
        self.validation = validation
        self.test = test
        self.source = source
        self.dataset = dataset
    }

    /// How many of `trainingFileCount` images the default dataset's validation split takes
    /// (the last sixth, rounded down).
    public static func validationCount(forTrainingFileCount trainingFileCount: Int) -> Int {
        DatasetDescriptor.default.validationSplit.validationCount(forTrainingFileCount: trainingFileCount)
    }

    /// The dataset's name, with "subset" when it is the embedded one (e.g. for a header).
    public var datasetLabel: String {
        source.isEmbeddedSubset ? "\(dataset.name) subset" : dataset.name
    }

    /// One line saying what the run reads, e.g. "<name>, embedded subset (6,000
    /// training + 1,000 test images)" or "MNIST, /data/mnist (from --data)".
    public var summary: String {
        if source.isEmbeddedSubset, let subset = dataset.embeddedSubset {
            return "\(dataset.name), embedded subset (\(subset))"
        }
        return "\(dataset.name), \(source)"
    }

    /// Splits a training file and a test file by `dataset`'s rule, then applies `options`.
    ///
    /// Throws if the training file is too small for one validation image (fewer than 6
    /// for the last sixth), if the two files' image sizes differ, if a limit is not
    /// positive, or if `trainLimit` exceeds the training split.
    public init(
        trainingFile: LabeledImages, testFile: LabeledImages, source: DatasetSource,
        dataset: DatasetDescriptor = .default, options: SplitOptions = .none
    ) throws(DatasetError) {
        try options.validate()
        guard testFile.rows == trainingFile.rows, testFile.cols == trainingFile.cols else {
            throw .shapeMismatch(file: "test images", rows: testFile.rows, cols: testFile.cols,
                                 expectedRows: trainingFile.rows, expectedCols: trainingFile.cols)
        }
        let split = dataset.validationSplit
        let validationCount = split.validationCount(forTrainingFileCount: trainingFile.count)
        guard validationCount >= 1 else {
            throw .notEnoughImages(what: "training file (a validation split needs \(split))",
                                   available: trainingFile.count, needed: split.denominator)
        }
        let trainCount = trainingFile.count - validationCount
        var trainTake = trainCount
        if let limit = options.trainLimit {
            guard limit <= trainCount else {
                throw .notEnoughImages(what: "train limit \(limit): training split", available: trainCount, needed: limit)
            }
            trainTake = limit
        }
        let evalCap = options.evalLimit ?? Int.max
        let validationTake = min(validationCount, evalCap)
        let validationStart = trainCount

        self.init(
            train: trainingFile.slice(0..<trainTake),
            validation: trainingFile.slice(validationStart ..< validationStart + validationTake),
            test: testFile.prefix(min(testFile.count, evalCap)),
            source: source, dataset: dataset)
    }
}
