import BNNEngine

/// A data source of `count` identical mid-grey images (all inputs 0, label 0):
/// enough to build a run, or to restore one, when the numbers do not matter.
/// Shared by the reliability tests and the checkpoint fuzz targets.
public struct ConstantImages: ImageBatchSource {
    public let count: Int
    public let featureCount: Int

    public init(count: Int, featureCount: Int) {
        self.count = count
        self.featureCount = featureCount
    }

    public func gather(indices: UnsafeBufferPointer<Int>, pixels: UnsafeMutablePointer<Float>,
                       labels: UnsafeMutablePointer<Int32>) {
        pixels.update(repeating: 0, count: indices.count * featureCount)
        labels.update(repeating: 0, count: indices.count)
    }
}
