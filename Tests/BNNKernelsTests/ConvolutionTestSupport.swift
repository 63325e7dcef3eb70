import BNNSupport
@testable import BNNKernels

/// Random BatchNorm in the range of sums with standard deviation `spread`, with
/// positive, negative and zero γ and some thresholds landing exactly on integer sums.
func randomBatchNorm(_ n: Int, spread: Float, rng: inout SeededGenerator)
    -> (gamma: [Float], beta: [Float], mean: [Float], variance: [Float]) {
    var gamma = rng.floats(n, in: -1.5...1.5)
    var beta = rng.floats(n, in: -0.5...0.5)
    var mean = rng.floats(n, in: -spread...spread)
    let variance = rng.floats(n, in: (0.2 * spread * spread)...(2 * spread * spread + 0.1))
    for j in 0..<n {
        switch j % 7 {
        case 0: gamma[j] = 0
        case 1: gamma[j] = -gamma[j].magnitude
        case 2: mean[j] = mean[j].rounded(); beta[j] = 0
        default: break
        }
    }
    return (gamma, beta, mean, variance)
}

/// A random 3×3 convolution on `input` (first: it sees the image).
func randomConvolution(_ input: FeatureShape, outputs: Int, padding: ConvolutionPadding, first: Bool,
                       rng: inout SeededGenerator) -> ConvolutionLayerParameters {
    let g = ConvolutionGeometry(inputHeight: input.height, inputWidth: input.width,
                                inputChannels: input.channels, outputChannels: outputs)
    var w = rng.floats(g.weightCount)
    for i in stride(from: 0, to: w.count, by: 31) { w[i] = 0 }
    let spread = Float(g.patchLength).squareRoot() * (first ? 0.6 : 1)
    // Pooled sums sit above the plain ones: shift some means up.
    let bn = randomBatchNorm(outputs, spread: spread, rng: &rng)
    return ConvolutionLayerParameters(geometry: g, padding: padding, latentWeights: w, bnGamma: bn.gamma, bnBeta: bn.beta,
                                      bnRunningMean: bn.mean, bnRunningVar: bn.variance, bnEpsilon: 1e-4)
}

/// A random network from a spec like "8C3-MP2-16C3-MP2-32FC-10" on `input`.
func randomConvNet(_ spec: String, input: FeatureShape, padding: ConvolutionPadding,
                   rng: inout SeededGenerator) -> InferenceNetworkParameters {
    var shape = input
    var layers: [InferenceLayerParameters] = []
    let tokens = spec.split(separator: "-")
    for (i, token) in tokens.enumerated() {
        if token == "MP2" {
            layers.append(.maxPool)
            shape = FeatureShape(height: shape.height / 2, width: shape.width / 2, channels: shape.channels)
        } else if token.hasSuffix("C3") {
            let c = randomConvolution(shape, outputs: Int(token.dropLast(2))!, padding: padding, first: i == 0, rng: &rng)
            layers.append(.convolution(c))
            shape = c.outputShape
        } else {
            let n = Int(token.hasSuffix("FC") ? token.dropLast(2) : token)!
            var dense = randomLayer(inputs: shape.count, outputs: n, first: i == 0, rng: &rng)
            if i == tokens.count - 1 {
                // Output scores that follow the sums (a random BatchNorm there often picks one class).
                dense.bnGamma = (0..<n).map { _ in rng.float(in: 0.5...1.5) }
                dense.bnRunningMean = (0..<n).map { _ in rng.float(in: -1...1) }
                dense.bnBeta = [Float](repeating: 0, count: n)
            }
            layers.append(.dense(dense))
            shape = .vector(n)
        }
    }
    return InferenceNetworkParameters(inputShape: input, layers: layers)
}

/// ±1 values (NHWC, `shape` per image) packed in `PositionWordLayout`, `images` images.
func packActivations(_ values: [Float], shape: FeatureShape, images: Int) -> [UInt64] {
    let layout = PositionWordLayout(positions: shape.positions, channels: shape.channels)
    var words = [UInt64](repeating: 0, count: images * layout.words)
    for i in 0..<images {
        for p in 0..<shape.positions {
            for c in 0..<shape.channels where values[(i * shape.positions + p) * shape.channels + c] >= 0 {
                let b = layout.bit(position: p, channel: c)
                words[i * layout.words + b / 64] |= 1 << UInt64(b % 64)
            }
        }
    }
    return words
}

/// Plain 3×3 convolution sums (stride 1, padding 1, `outside` outside the image) of NHWC
/// values with W_b = sign(W) ([Cout][ky][kx][Cin]): images x H·W x Cout. The float
/// reference on ±1 weights; its sums are integers well below 2^24, so exact.
func referenceConvolution(_ x: [Float], shape: FeatureShape, images: Int, weights: [Float], outputs: Int,
                          outside: Float) -> [Int] {
    let g = ConvolutionGeometry(inputHeight: shape.height, inputWidth: shape.width, inputChannels: shape.channels,
                                outputChannels: outputs)
    return ConvolutionKernelTests.referenceConvolution(x, rows: images, g, weights: weights.map { $0 >= 0 ? 1 : -1 },
                                                       pad: outside).map { Int($0) }
}
