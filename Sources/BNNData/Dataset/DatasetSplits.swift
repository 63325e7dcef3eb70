/// The three sets a run uses: train on one, pick and watch on validation, report test.
///
/// The split follows the course report the project reproduces: of Fashion-MNIST's
/// 60,000 training images the first 50,000 train and the last 10,000 validate; the
/// 10,000 test images test. For a training file of any size the last sixth
/// (rounded down) is the validation split, so the 6,000-image embedded subset gives
/// 5,000 / 1,000.
public struct DatasetSplits: Sendable {
    /// Images the network learns from (shuffled into mini-batches).
    public let train: LabeledImages
    /// Held-out images from the training file, for per-epoch validation error.
    public let validation: LabeledImages
    /// The test file's images.
    public let test: LabeledImages
    /// Where the data came from (for notices and the dashboard).
    public let source: DatasetSource

    public init(train: LabeledImages, validation: LabeledImages, test: LabeledImages, source: DatasetSource) {
        self.train = train
        self.validation = validation
        self.test = test
        self.source = source
    }

    /// How many of `trainingFileCount` images the validation split takes: the last sixth, rounded down.
    public static func validationCount(forTrainingFileCount trainingFileCount: Int) -> Int {
        max(0, trainingFileCount) / 6
    }

    /// Splits a training file and a test file, then applies `options`.
    ///
    /// Throws if the training file has fewer than 6 images (no validation image
    /// would be left), if the two files' image sizes differ, if a limit is not
    /// positive, or if `trainLimit` exceeds the training split.
    public init(
        trainingFile: LabeledImages, testFile: LabeledImages, source: DatasetSource,
        options: SplitOptions = .none
    ) throws(DatasetError) {
        try options.validate()
        guard testFile.rows == trainingFile.rows, testFile.cols == trainingFile.cols else {
            throw .shapeMismatch(file: "test images", rows: testFile.rows, cols: testFile.cols,
                                 expectedRows: trainingFile.rows, expectedCols: trainingFile.cols)
        }
        let validationCount = Self.validationCount(forTrainingFileCount: trainingFile.count)
        guard validationCount >= 1 else {
            throw .notEnoughImages(what: "training file (a validation split needs the last sixth)",
                                   available: trainingFile.count, needed: 6)
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
            source: source)
    }
}
