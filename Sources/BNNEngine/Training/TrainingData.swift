/// A set of labelled images that a run can read in batches.
///
/// The engine sees data only through this protocol: `BNNData.LabeledImages`
/// conforms (real IDX data), and tests can supply synthetic sets.
public protocol ImageBatchSource: Sendable {
    var count: Int { get }
    /// Inputs per image (784 for 28x28).
    var featureCount: Int { get }
    /// Writes images `indices` as floats in [-1, 1] (row-major, one row per image) and their labels.
    func gather(indices: UnsafeBufferPointer<Int>, pixels: UnsafeMutablePointer<Float>,
                labels: UnsafeMutablePointer<Int32>)
}

/// The three splits a run uses: it trains on `train`, picks by `validation`, reports `test`.
public struct TrainingData: Sendable {
    public let train: any ImageBatchSource
    public let validation: any ImageBatchSource
    public let test: any ImageBatchSource

    public init(train: any ImageBatchSource, validation: any ImageBatchSource, test: any ImageBatchSource) {
        self.train = train; self.validation = validation; self.test = test
    }
}
