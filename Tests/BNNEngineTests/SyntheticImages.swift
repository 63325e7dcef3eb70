import BNNSupport
import BNNEngine

/// A synthetic, learnable data set: each class is a fixed random ±1 prototype
/// plus Gaussian noise, clipped to [-1, 1]. Used where real data would make
/// a unit test slow; the learning tests on real Fashion-MNIST live elsewhere.
struct SyntheticImages: ImageBatchSource {
    let count: Int
    let featureCount: Int
    let pixels: [Float]
    let labels: [Int32]

    init(count: Int, features: Int, classes: Int = 10, noise: Double = 0.8, seed: UInt64) {
        var g = SeededGenerator(seed: 99)  // prototypes shared by every split
        let prototypes = (0..<(classes * features)).map { _ in Float(g.nextUnitDouble() < 0.5 ? -1 : 1) }
        var r = SeededGenerator(seed: seed)
        var pixels = [Float](repeating: 0, count: count * features)
        var labels = [Int32](repeating: 0, count: count)
        for i in 0..<count {
            let c = r.nextInt(below: classes)
            labels[i] = Int32(c)
            for j in 0..<features {
                pixels[i * features + j] = max(-1, min(1, prototypes[c * features + j] * 0.5 + Float(r.nextGaussian() * noise)))
            }
        }
        self.count = count; self.featureCount = features; self.pixels = pixels; self.labels = labels
    }

    func gather(indices: UnsafeBufferPointer<Int>, pixels out: UnsafeMutablePointer<Float>,
                labels outLabels: UnsafeMutablePointer<Int32>) {
        for (row, index) in indices.enumerated() {
            for j in 0..<featureCount { out[row * featureCount + j] = pixels[index * featureCount + j] }
            outLabels[row] = labels[index]
        }
    }

    static func splits(features: Int = 32, train: Int = 2000, eval: Int = 500) -> TrainingData {
        TrainingData(train: SyntheticImages(count: train, features: features, seed: 1),
                     validation: SyntheticImages(count: eval, features: features, seed: 2),
                     test: SyntheticImages(count: eval, features: features, seed: 3))
    }
}
