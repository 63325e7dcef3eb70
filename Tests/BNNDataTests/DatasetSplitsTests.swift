import BNNData
import Testing

@Suite("Splits")
struct DatasetSplitsTests {
    /// `count` one-pixel images whose pixel and label encode their index (pixel = index % 256).
    static func numbered(_ count: Int, offset: Int = 0) throws -> LabeledImages {
        try LabeledImages(rows: 1, cols: 1,
                          pixels: (0..<count).map { UInt8(truncatingIfNeeded: $0 + offset) },
                          labels: (0..<count).map { UInt8(($0 + offset) % 10) })
    }

    static let source = DatasetSource.directory(path: "/data", origin: .explicit)

    @Test("60,000 training images: first 50,000 train, last 10,000 validate; test untouched")
    func fullSize() throws {
        let splits = try DatasetSplits(trainingFile: Self.numbered(60_000), testFile: Self.numbered(10_000, offset: 7),
                                       source: Self.source)
        #expect(splits.train.count == 50_000)
        #expect(splits.validation.count == 10_000)
        #expect(splits.test.count == 10_000)
        #expect(splits.train.labels.first == 0 && splits.train.labels.last == UInt8(49_999 % 10))
        #expect(splits.validation.pixels.first == UInt8(50_000 % 256))
        #expect(splits.validation.labels.last == UInt8(59_999 % 10))
        #expect(splits.test.labels.first == 7)
        #expect(splits.source == Self.source)
        #expect(DatasetSplits.validationCount(forTrainingFileCount: 60_000) == 10_000)
    }

    @Test("6,000 training images (the subset): 5,000 / 1,000")
    func subsetSize() throws {
        let splits = try DatasetSplits(trainingFile: Self.numbered(6_000), testFile: Self.numbered(1_000),
                                       source: .embeddedSubset(path: "/x"))
        #expect(splits.train.count == 5_000 && splits.validation.count == 1_000 && splits.test.count == 1_000)
        #expect(splits.validation.pixels.first == UInt8(5_000 % 256))
    }

    @Test("validation is the last sixth, rounded down", arguments: [(6, 1), (12, 2), (13, 2), (59_999, 9_999), (100, 16)])
    func otherSizes(total: Int, validation: Int) throws {
        let splits = try DatasetSplits(trainingFile: Self.numbered(total), testFile: Self.numbered(3), source: Self.source)
        #expect(splits.validation.count == validation)
        #expect(splits.train.count == total - validation)
    }

    @Test("trainLimit takes the first N of the training split only")
    func trainLimit() throws {
        let splits = try DatasetSplits(trainingFile: Self.numbered(60_000), testFile: Self.numbered(10_000),
                                       source: Self.source, options: SplitOptions(trainLimit: 1_000))
        #expect(splits.train.count == 1_000 && splits.train.pixels.last == UInt8(999 % 256))
        #expect(splits.validation.count == 10_000 && splits.test.count == 10_000)
        #expect(splits.validation.pixels.first == UInt8(50_000 % 256))  // validation does not move

        let all = try DatasetSplits(trainingFile: Self.numbered(6_000), testFile: Self.numbered(10),
                                    source: Self.source, options: SplitOptions(trainLimit: 5_000))
        #expect(all.train.count == 5_000)
    }

    @Test("evalLimit caps validation and test, and is ignored where a split is smaller")
    func evalLimit() throws {
        let splits = try DatasetSplits(trainingFile: Self.numbered(60_000), testFile: Self.numbered(10_000, offset: 3),
                                       source: Self.source, options: SplitOptions(evalLimit: 500))
        #expect(splits.train.count == 50_000)
        #expect(splits.validation.count == 500 && splits.validation.pixels.first == UInt8(50_000 % 256))
        #expect(splits.test.count == 500 && splits.test.labels.first == 3)

        let capped = try DatasetSplits(trainingFile: Self.numbered(6_000), testFile: Self.numbered(1_000),
                                       source: Self.source, options: SplitOptions(trainLimit: 10, evalLimit: 5_000))
        #expect(capped.train.count == 10 && capped.validation.count == 1_000 && capped.test.count == 1_000)
    }

    @Test("bad limits and too-small files are errors")
    func badOptions() throws {
        let training = try Self.numbered(6_000), test = try Self.numbered(10)
        let tooMany = try expectedError {
            try DatasetSplits(trainingFile: training, testFile: test, source: Self.source, options: SplitOptions(trainLimit: 5_001))
        }
        #expect(tooMany == .notEnoughImages(what: "train limit 5001: training split", available: 5_000, needed: 5_001))
        #expect(tooMany.description == "train limit 5001: training split: 5000 images available, 5001 needed")

        let zero = try expectedError {
            try DatasetSplits(trainingFile: training, testFile: test, source: Self.source, options: SplitOptions(trainLimit: 0))
        }
        #expect(zero == .invalidOption(name: "train limit", value: 0, requirement: "at least 1"))
        #expect(zero.description == "train limit 0: must be at least 1")

        let negative = try expectedError {
            try DatasetSplits(trainingFile: training, testFile: test, source: Self.source, options: SplitOptions(evalLimit: -3))
        }
        #expect(negative == .invalidOption(name: "eval limit", value: -3, requirement: "at least 1"))

        let tiny = try expectedError {
            try DatasetSplits(trainingFile: Self.numbered(5), testFile: test, source: Self.source)
        }
        guard case .notEnoughImages(_, 5, 6) = tiny else {
            Issue.record("expected notEnoughImages, got \(tiny)")
            return
        }
    }

    @Test("training and test images must have the same size")
    func shapeMismatch() throws {
        let square = try LabeledImages(rows: 2, cols: 2, pixels: [UInt8](repeating: 0, count: 4), labels: [1])
        let error = try expectedError {
            try DatasetSplits(trainingFile: Self.numbered(12), testFile: square, source: Self.source)
        }
        guard case .shapeMismatch(_, 2, 2, 1, 1) = error else {
            Issue.record("expected shapeMismatch, got \(error)")
            return
        }
    }
}
