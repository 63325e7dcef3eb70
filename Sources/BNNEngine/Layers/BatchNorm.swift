import BNNSupport
import CTrainingKernels

/// Batch normalization (Ioffe & Szegedy 2015) after every dense layer (per feature) and
/// every convolution (per channel: the statistics run over the batch and all positions).
///
/// Training normalizes with the batch's mean and (biased) variance and
/// updates running averages (unbiased variance) with momentum α:
/// running ← (1 - α)·running + α·batch. Evaluation uses the running averages.
/// a = γ·x̂ + β with x̂ = (s - μ) / sqrt(σ² + ε). The backward pass is the
/// full one, through the batch statistics. The loops over the batch run in C
/// (`bnn_bn_statistics` …), split over the run's threads by bands of features; every
/// per-feature sum runs over the rows in order, so results never depend on the split.
final class BatchNorm: NetworkLayer {
    let features: Int
    /// Positions per example sharing one feature's statistics (H·W for a convolution, 1 for dense).
    let positions: Int
    let gamma: Parameter
    let beta: Parameter
    let runningMean: FloatBuffer
    let runningVariance: FloatBuffer
    let epsilon: Float
    let momentum: Float
    let threads: Int

    /// x̂ of the last training forward pass, rows x features.
    let normalized: FloatBuffer
    /// 1 / sqrt(σ² + ε) per feature of the last training forward pass.
    private let inverseStd: FloatBuffer
    private let mean: FloatBuffer
    /// Per-feature scratch for inference (scale, shift) and backward (coefficient).
    private let scratchA: FloatBuffer
    private let scratchB: FloatBuffer
    /// a = BN(s) of the last forward pass, and ∂C/∂s of the last backward pass.
    private let output: FloatBuffer
    private let inputGradient: FloatBuffer

    init(features: Int, positions: Int = 1, maxRows: Int, epsilon: Float, momentum: Float, index: Int, threads: Int = 1) {
        self.features = features
        self.threads = threads
        self.positions = positions
        let maxRows = maxRows * positions
        output = FloatBuffer(count: maxRows * features)
        inputGradient = FloatBuffer(count: maxRows * features)
        gamma = Parameter(name: "bn\(index).gamma", value: FloatBuffer(count: features, value: 1))
        beta = Parameter(name: "bn\(index).beta", value: FloatBuffer(count: features, value: 0))
        runningMean = FloatBuffer(count: features, value: 0)
        runningVariance = FloatBuffer(count: features, value: 1)
        self.epsilon = epsilon
        self.momentum = momentum
        normalized = FloatBuffer(count: maxRows * features)
        inverseStd = FloatBuffer(count: features)
        mean = FloatBuffer(count: features)
        scratchA = FloatBuffer(count: features)
        scratchB = FloatBuffer(count: features)
    }

    var outputSize: Int { features * positions }
    var parameters: [Parameter] { [gamma, beta] }

    func forward(_ input: UnsafePointer<Float>, rows: Int, training: Bool,
                 generator: inout SeededGenerator) -> UnsafePointer<Float> {
        if training {
            forwardTraining(input: input, rows: rows * positions, output: output.pointer)
        } else {
            forwardInference(input: input, rows: rows * positions, output: output.pointer)
        }
        return UnsafePointer(output.pointer)
    }

    func backward(input: UnsafePointer<Float>, outputGradient: UnsafeMutablePointer<Float>, rows: Int,
                  needsInputGradient: Bool) -> UnsafeMutablePointer<Float>? {
        backward(outputGradient: outputGradient, rows: rows * positions, inputGradient: inputGradient.pointer)
        return inputGradient.pointer
    }

    /// Runs `body(j0, j1)` over bands of the features (multiples of 16, one AVX-512 vector),
    /// on several threads only for batches of over 2^21 values: below, these memory-bound
    /// loops take less time than waking a thread costs (about 50 µs in the VMs measured).
    private func featureBands(rows: Int, _ body: (Int, Int) -> Void) {
        let work = rows * features >= 1 << 21 ? rows * features : 0
        ParallelLoop.forEachChunk(count: features, threads: threads, work: work, alignment: 16, body)
    }

    /// Training forward: out = γ·x̂ + β from batch statistics of `input` (rows x features).
    func forwardTraining(input: UnsafePointer<Float>, rows: Int, output: UnsafeMutablePointer<Float>) {
        let f = features
        let mu = mean.pointer, inv = inverseStd.pointer, xhat = normalized.pointer
        let g = gamma.value.pointer, b = beta.value.pointer
        featureBands(rows: rows) { j0, j1 in bnn_bn_statistics(input, rows, f, j0, j1, mu, inv) }
        let n = Float(rows)
        let rm = runningMean.pointer, rv = runningVariance.pointer
        let alpha = momentum
        let unbiased: Float = rows > 1 ? n / (n - 1) : 1
        for j in 0..<f {
            let variance = inv[j] / n
            rm[j] = (1 - alpha) * rm[j] + alpha * mu[j]
            rv[j] = (1 - alpha) * rv[j] + alpha * variance * unbiased
            inv[j] = 1 / (variance + epsilon).squareRoot()
        }
        featureBands(rows: rows) { j0, j1 in bnn_bn_normalize(input, rows, f, j0, j1, mu, inv, g, b, xhat, output) }
    }

    /// Evaluation forward with the running averages.
    func forwardInference(input: UnsafePointer<Float>, rows: Int, output: UnsafeMutablePointer<Float>) {
        let f = features
        let rm = runningMean.pointer, rv = runningVariance.pointer
        let g = gamma.value.pointer, b = beta.value.pointer
        let scale = scratchA.pointer, shift = scratchB.pointer
        for j in 0..<f {
            let s = g[j] / (rv[j] + epsilon).squareRoot()
            scale[j] = s
            shift[j] = b[j] - rm[j] * s
        }
        featureBands(rows: rows) { j0, j1 in bnn_bn_affine(input, rows, f, j0, j1, scale, shift, output) }
    }

    /// Backward through the last training forward pass: from ∂C/∂a (rows x features)
    /// writes ∂C/∂s and sets γ's and β's gradients.
    func backward(outputGradient ga: UnsafePointer<Float>, rows: Int, inputGradient gs: UnsafeMutablePointer<Float>) {
        let f = features
        let xhat = normalized.pointer, inv = inverseStd.pointer
        let gg = gamma.gradient.pointer, gb = beta.gradient.pointer, g = gamma.value.pointer
        featureBands(rows: rows) { j0, j1 in bnn_bn_gradient_sums(ga, xhat, rows, f, j0, j1, gb, gg) }
        let n = Float(rows)
        // ∂C/∂s = γ/σ · (∂C/∂a - mean(∂C/∂a) - x̂ · mean(∂C/∂a · x̂))
        let coefficient = scratchA.pointer  // γ·inv/n per feature
        for j in 0..<f { coefficient[j] = g[j] * inv[j] / n }
        featureBands(rows: rows) { j0, j1 in bnn_bn_input_gradient(ga, xhat, rows, f, j0, j1, coefficient, gb, gg, gs) }
    }
}
