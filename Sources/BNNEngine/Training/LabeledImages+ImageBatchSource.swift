import BNNData

/// A real IDX data set (either MNIST) as a source of training batches.
extension LabeledImages: ImageBatchSource {
    public func gather(indices: UnsafeBufferPointer<Int>, pixels: UnsafeMutablePointer<Float>,
                       labels: UnsafeMutablePointer<Int32>) {
        gather(indices, into: pixels, labels: labels)
    }
}
