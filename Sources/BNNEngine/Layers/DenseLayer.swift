import BNNSupport
import BNNKernels
import CTrainingKernels

/// A fully connected layer without bias (BatchNorm's β plays that role),
/// holding latent real-valued weights W (inputs x outputs, row-major).
///
/// In binary modes the forward and backward passes use the binary weights
/// W_b = sign(W) (or a stochastic draw, for `stoch` with stochastic weights),
/// refreshed from W before every batch; the gradient is accumulated in the
/// real-valued W, which the optimizer clips to [-1, 1]. In float mode W is used as it is.
final class DenseLayer {
    let inputs: Int
    let outputs: Int
    let binary: Bool
    let threads: Int
    /// The latent (real-valued) weights and their gradient/optimizer state.
    let weights: Parameter
    /// W_b, the ±1 weights used by the products (binary modes only).
    private let binaryWeights: FloatBuffer?
    /// When set, the forward product runs through XNOR-popcount (inputs must be ±1);
    /// chosen per layer by `Network.tuneForwardProducts`.
    var xnorForward: BinaryDenseProduct?
    /// Sign of every weight at the start of the epoch (1 = +1), for the flip ratio.
    private var signsAtEpochStart: [UInt8]

    init(inputs: Int, outputs: Int, binary: Bool, learningRateScale: Float, index: Int,
         threads: Int = 1, initialization: WeightInitialization = .glorot, generator: inout SeededGenerator) {
        self.threads = threads
        self.inputs = inputs
        self.outputs = outputs
        self.binary = binary
        // Uniform initialization in [-H, H] (BinaryNet's H = sqrt(1.5 / (fan_in + fan_out)), or 1).
        let h = initialization.bound(inputs: inputs, outputs: outputs)
        let value = FloatBuffer(count: inputs * outputs)
        for i in 0..<value.count { value.pointer[i] = (generator.nextUnitFloat() * 2 - 1) * h }
        weights = Parameter(name: "dense\(index).W", value: value,
                            learningRateScale: learningRateScale, clipsToUnitInterval: binary)
        binaryWeights = binary ? FloatBuffer(count: inputs * outputs) : nil
        weights.binaryOutput = binaryWeights
        signsAtEpochStart = []
        markEpochStart()
    }

    /// The weights the products use: W_b in binary modes, W in float mode.
    var effectiveWeights: UnsafePointer<Float> { UnsafePointer((binaryWeights ?? weights.value).pointer) }

    /// W_b = sign(W) (deterministic), or +1 with probability hard_sigmoid(W) when `generator` is given.
    /// (After an update the optimizer has already written sign(W); this is for initialization,
    /// restored checkpoints, evaluation and stochastic draws.)
    func refreshBinaryWeights(stochasticWith generator: UnsafeMutablePointer<SeededGenerator>? = nil) {
        guard let wb = binaryWeights?.pointer else { return }
        let w = weights.value.pointer
        let n = weights.count
        if let generator {
            _ = generator.pointee.withStateWords { bnn_stochastic_sign($0, w, wb, n) }
        } else {
            for i in 0..<n { wb[i] = w[i] >= 0 ? 1 : -1 }
        }
    }

    /// out (rows x outputs) = input (rows x inputs) · W_b.
    func forward(input: UnsafePointer<Float>, rows: Int, output: UnsafeMutablePointer<Float>) {
        if let xnorForward {
            xnorForward.multiply(input: input, rows: rows, weights: effectiveWeights, output: output)
            return
        }
        SplitGEMM.gemm(m: rows, n: outputs, k: inputs, a: input, lda: inputs,
                       b: effectiveWeights, ldb: outputs, c: output, ldc: outputs, threads: threads)
    }

    /// ∂C/∂W = inputᵀ · ∂C/∂s (the gradient w.r.t. W_b, applied to the latent W);
    /// if `inputGradient` is given, ∂C/∂input = ∂C/∂s · W_bᵀ.
    func backward(input: UnsafePointer<Float>, outputGradient gs: UnsafePointer<Float>, rows: Int,
                  inputGradient: UnsafeMutablePointer<Float>?) {
        SplitGEMM.gemm(transposeA: true, m: inputs, n: outputs, k: rows, a: input, lda: inputs,
                       b: gs, ldb: outputs, c: weights.gradient.pointer, ldc: outputs, threads: threads)
        if let inputGradient {
            SplitGEMM.gemm(transposeB: true, m: rows, n: inputs, k: outputs, a: gs, lda: outputs,
                           b: effectiveWeights, ldb: outputs, c: inputGradient, ldc: inputs, threads: threads)
        }
    }

    // MARK: Statistics for the weight-clip panel

    func markEpochStart() {
        let w = weights.value.pointer
        signsAtEpochStart = (0..<weights.count).map { w[$0] >= 0 ? 1 : 0 }
    }

    /// Histogram of latent weights over [-1, 1], the clip fraction and the flip ratio since `markEpochStart`.
    func statistics(steCancelFraction: Double) -> LayerStatistics {
        let bins = LayerStatistics.binCount
        var histogram = [Int](repeating: 0, count: bins)
        var clipped = 0, flipped = 0
        let w = weights.value.pointer
        let n = weights.count
        signsAtEpochStart.withUnsafeBufferPointer { signs in
            for i in 0..<n {
                let x = w[i]
                // (x.isNaN can only come from a bug elsewhere; never trap on it here.)
                let position = x.isNaN ? 0 : (min(max(x, -1), 1) + 1) * 0.5 * Float(bins)
                histogram[min(max(Int(position), 0), bins - 1)] += 1
                if abs(x) >= 1 - 1e-6 { clipped += 1 }
                if (x >= 0 ? 1 : 0) != signs[i] { flipped += 1 }
            }
        }
        return LayerStatistics(inputs: inputs, outputs: outputs, histogram: histogram,
                               clipFraction: Double(clipped) / Double(n),
                               flipRatio: Double(flipped) / Double(n),
                               steCancelFraction: steCancelFraction)
    }
}
