import BNNSupport

/// Batch normalization (Ioffe & Szegedy 2015) after every dense layer (per feature) and
/// every convolution (per channel: the statistics run over the batch and all positions).
///
/// Training normalizes with the batch's mean and (biased) variance and
/// updates running averages (unbiased variance) with momentum α:
/// running ← (1 - α)·running + α·batch. Evaluation uses the running averages.
/// a = γ·x̂ + β with x̂ = (s - μ) / sqrt(σ² + ε). The backward pass is the
/// full one, through the batch statistics.
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

    init(features: Int, positions: Int = 1, maxRows: Int, epsilon: Float, momentum: Float, index: Int) {
        self.features = features
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

    /// Training forward: out = γ·x̂ + β from batch statistics of `input` (rows x features).
    func forwardTraining(input: UnsafePointer<Float>, rows: Int, output: UnsafeMutablePointer<Float>) {
        let f = features
        let mu = mean.pointer, inv = inverseStd.pointer, xhat = normalized.pointer
        let g = gamma.value.pointer, b = beta.value.pointer
        mu.update(repeating: 0, count: f)
        inv.update(repeating: 0, count: f)
        for r in 0..<rows {
            let row = input + r * f
            for j in 0..<f { mu[j] += row[j] }
        }
        let n = Float(rows)
        for j in 0..<f { mu[j] /= n }
        for r in 0..<rows {
            let row = input + r * f
            for j in 0..<f { let d = row[j] - mu[j]; inv[j] += d * d }
        }
        let rm = runningMean.pointer, rv = runningVariance.pointer
        let alpha = momentum
        let unbiased: Float = rows > 1 ? n / (n - 1) : 1
        for j in 0..<f {
            let variance = inv[j] / n
            rm[j] = (1 - alpha) * rm[j] + alpha * mu[j]
            rv[j] = (1 - alpha) * rv[j] + alpha * variance * unbiased
            inv[j] = 1 / (variance + epsilon).squareRoot()
        }
        for r in 0..<rows {
            let row = input + r * f, xr = xhat + r * f, out = output + r * f
            for j in 0..<f {
                let x = (row[j] - mu[j]) * inv[j]
                xr[j] = x
                out[j] = g[j] * x + b[j]
            }
        }
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
        for r in 0..<rows {
            let row = input + r * f, out = output + r * f
            for j in 0..<f { out[j] = row[j] * scale[j] + shift[j] }
        }
    }

    /// Backward through the last training forward pass: from ∂C/∂a (rows x features)
    /// writes ∂C/∂s and sets γ's and β's gradients.
    func backward(outputGradient ga: UnsafePointer<Float>, rows: Int, inputGradient gs: UnsafeMutablePointer<Float>) {
        let f = features
        let xhat = normalized.pointer, inv = inverseStd.pointer
        let gg = gamma.gradient.pointer, gb = beta.gradient.pointer, g = gamma.value.pointer
        gg.update(repeating: 0, count: f)
        gb.update(repeating: 0, count: f)
        for r in 0..<rows {
            let gr = ga + r * f, xr = xhat + r * f
            for j in 0..<f {
                gb[j] += gr[j]
                gg[j] += gr[j] * xr[j]
            }
        }
        let n = Float(rows)
        // ∂C/∂s = γ/σ · (∂C/∂a - mean(∂C/∂a) - x̂ · mean(∂C/∂a · x̂))
        let coefficient = scratchA.pointer  // γ·inv/n per feature
        for j in 0..<f { coefficient[j] = g[j] * inv[j] / n }
        for r in 0..<rows {
            let gr = ga + r * f, xr = xhat + r * f, out = gs + r * f
            for j in 0..<f {
                out[j] = coefficient[j] * (n * gr[j] - gb[j] - xr[j] * gg[j])
            }
        }
    }
}
