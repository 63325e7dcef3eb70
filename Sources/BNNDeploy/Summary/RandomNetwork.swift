import BNNKernels
import BNNSupport

/// A network of a given shape with seeded random weights: what `summary ARCH` times, since
/// inference time does not depend on the weights' values, and what the generator's tests
/// compile (with their own BatchNorm statistics).
public enum RandomNetwork {
    /// One layer, in the paper's notation: `NC3`, `MP2`, `NFC` (the CLI maps its parsed architecture here).
    public enum Layer: Sendable, Equatable {
        case convolution(outputChannels: Int)
        case maxPool
        case dense(units: Int)
    }

    /// The BatchNorm parameters of one layer of `count` outputs.
    public struct BatchNorm: Sendable {
        public var gamma: [Float], beta: [Float], mean: [Float], variance: [Float]
        public init(gamma: [Float], beta: [Float], mean: [Float], variance: [Float]) {
            self.gamma = gamma
            self.beta = beta
            self.mean = mean
            self.variance = variance
        }

        /// γ = 1, β = 0, μ = 0, σ² = the fan-in: sums of ±1 terms normalized to about unit variance.
        public static func plain(count n: Int, fanIn: Int) -> BatchNorm {
            BatchNorm(gamma: [Float](repeating: 1, count: n), beta: [Float](repeating: 0, count: n),
                      mean: [Float](repeating: 0, count: n), variance: [Float](repeating: Float(fanIn), count: n))
        }
    }

    /// `layers` on images of `input` (a vector for an MLP) with latent weights uniform in [−1, 1]
    /// from `seed`; `batchNorm(layer index, outputs, fan-in)` gives each weight layer's BatchNorm.
    public static func parameters(input: FeatureShape, layers: [Layer], padding: ConvolutionPadding = .one, seed: UInt64 = 1,
                                  batchNorm: (Int, Int, Int) -> BatchNorm = { BatchNorm.plain(count: $1, fanIn: $2) })
        -> InferenceNetworkParameters {
        var rng = SeededGenerator(seed: seed)
        func weights(_ count: Int) -> [Float] { (0..<count).map { _ in 2 * rng.nextUnitFloat() - 1 } }
        var shape = input
        var network: [InferenceLayerParameters] = []
        for (index, layer) in layers.enumerated() {
            switch layer {
            case .convolution(let n):
                let g = ConvolutionGeometry(inputHeight: shape.height, inputWidth: shape.width, inputChannels: shape.channels, outputChannels: n)
                let bn = batchNorm(index, n, g.patchLength)
                network.append(.convolution(ConvolutionLayerParameters(
                    geometry: g, padding: padding, latentWeights: weights(g.weightCount),
                    bnGamma: bn.gamma, bnBeta: bn.beta, bnRunningMean: bn.mean, bnRunningVar: bn.variance, bnEpsilon: 1e-4)))
                shape = FeatureShape(height: g.outputHeight, width: g.outputWidth, channels: n)
            case .maxPool:
                network.append(.maxPool)
                shape = FeatureShape(height: shape.height / 2, width: shape.width / 2, channels: shape.channels)
            case .dense(let n):
                let bn = batchNorm(index, n, shape.count)
                network.append(.dense(DenseLayerParameters(
                    inputs: shape.count, outputs: n, latentWeights: weights(shape.count * n),
                    bnGamma: bn.gamma, bnBeta: bn.beta, bnRunningMean: bn.mean, bnRunningVar: bn.variance, bnEpsilon: 1e-4)))
                shape = .vector(n)
            }
        }
        return InferenceNetworkParameters(inputShape: input, layers: network)
    }

    /// The packed model of `parameters(input:layers:padding:seed:)` with plain BatchNorm.
    public static func model(input: FeatureShape, layers: [Layer], padding: ConvolutionPadding = .one,
                             seed: UInt64 = 1) throws -> PackedModel {
        try PackedModel(network: parameters(input: input, layers: layers, padding: padding, seed: seed))
    }
}
