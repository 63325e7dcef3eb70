import BNNSupport
import BNNKernels

/// A fully connected layer without bias (BatchNorm's β plays that role): s = x · W_b with
/// latent weights W (inputs x outputs, row-major; see `LatentWeights`).
final class DenseLayer: WeightLayer {
    let inputs: Int
    let outputs: Int
    let threads: Int
    let latent: LatentWeights
    /// When set, the forward product runs through XNOR-popcount (inputs must be ±1);
    /// chosen per layer by `Network.tuneForwardProducts`.
    var xnorForward: BinaryDenseProduct?
    /// The XNOR product's buffers, made the first time it is chosen.
    var xnorProduct: BinaryDenseProduct?
    /// Set on a binary network's first layer when its input is the image: the exact integer
    /// product of the pixels (see `PixelDenseProduct`); sgemm when a batch is not pixels.
    var pixelForward: PixelDenseProduct?
    /// Set by `Network` when the input is ±1 (binary modes, after a sign): the weight
    /// gradient then runs through tables of signed sums (`SignGEMM`) instead of sgemm.
    var signInputGradient: SignGEMM?
    /// Set by `Network` on the first layer when its input is the image (every mode): the
    /// weight gradient then skips black pixels (`PixelWeightGradient`); sgemm when a batch
    /// is not pixels.
    var pixelGradient: PixelWeightGradient?
    /// The product the last training batch's forward pass ran.
    private(set) var trainingProduct = ForwardProductKind.sgemm
    private let output: FloatBuffer
    private let inputGradient: FloatBuffer?

    init(inputs: Int, outputs: Int, binary: Bool, learningRateScale: Float, index: Int, maxRows: Int,
         passesGradient: Bool, threads: Int = 1, initialization: WeightInitialization = .glorot,
         generator: inout SeededGenerator) {
        self.threads = threads
        self.inputs = inputs
        self.outputs = outputs
        // Uniform initialization in [-H, H] (BinaryNet's H = sqrt(1.5 / (fan_in + fan_out)), or 1).
        latent = LatentWeights(name: "dense\(index).W", count: inputs * outputs,
                               bound: initialization.bound(inputs: inputs, outputs: outputs), binary: binary,
                               learningRateScale: learningRateScale, generator: &generator)
        output = FloatBuffer(count: maxRows * outputs)
        inputGradient = passesGradient ? FloatBuffer(count: maxRows * inputs) : nil
    }

    var inputSize: Int { inputs }
    var outputSize: Int { outputs }

    func forward(_ input: UnsafePointer<Float>, rows: Int, training: Bool,
                 generator: inout SeededGenerator) -> UnsafePointer<Float> {
        let ran = product(input, rows: rows)
        if training { trainingProduct = ran }
        return UnsafePointer(output.pointer)
    }

    /// output (rows x outputs) = input (rows x inputs) · W_b. Returns the product that ran.
    @discardableResult
    func product(_ input: UnsafePointer<Float>, rows: Int) -> ForwardProductKind {
        if let pixelForward {
            if pixelForward.multiply(input: input, rows: rows, floatWeights: latent.floatSigns(unless: pixelForward.weights),
                                     output: output.pointer) {
                return .pixels
            }
        }
        if let xnorForward {
            xnorForward.multiply(input: input, rows: rows, floatWeights: latent.floatSigns(unless: xnorForward.weights),
                                 output: output.pointer)
            return .xnor
        }
        SplitGEMM.gemm(m: rows, n: outputs, k: inputs, a: input, lda: inputs,
                       b: latent.effective, ldb: outputs, c: output.pointer, ldc: outputs, threads: threads)
        return .sgemm
    }

    /// ∂C/∂W = inputᵀ · ∂C/∂s (the gradient w.r.t. W_b, applied to the latent W);
    /// ∂C/∂input = ∂C/∂s · W_bᵀ.
    func backward(input: UnsafePointer<Float>, outputGradient gs: UnsafeMutablePointer<Float>, rows: Int,
                  needsInputGradient: Bool) -> UnsafeMutablePointer<Float>? {
        let weightGradient = latent.parameter.gradient.pointer
        if let signInputGradient {
            signInputGradient.weightGradient(signs: input, rows: rows, gradient: gs, outputs: outputs,
                                             into: weightGradient)
        } else if !pixelWeightGradient(input: input, outputGradient: gs, rows: rows, into: weightGradient) {
            SplitGEMM.gemm(transposeA: true, m: inputs, n: outputs, k: rows, a: input, lda: inputs,
                           b: gs, ldb: outputs, c: weightGradient, ldc: outputs, threads: threads)
        }
        guard needsInputGradient, let inputGradient = inputGradient?.pointer else { return nil }
        SplitGEMM.gemm(transposeB: true, m: rows, n: inputs, k: outputs, a: gs, lda: outputs,
                       b: latent.effective, ldb: outputs, c: inputGradient, ldc: inputs, threads: threads)
        return inputGradient
    }

    /// ∂C/∂W through `pixelGradient` (with the forward product's bytes of this batch when it
    /// made them); false when there is none or the input is not pixels.
    private func pixelWeightGradient(input: UnsafePointer<Float>, outputGradient gs: UnsafePointer<Float>, rows: Int,
                                     into weightGradient: UnsafeMutablePointer<Float>) -> Bool {
        guard let pixelGradient else { return false }
        return pixelGradient.weightGradient(input: input, bytes: pixelForward?.pixelBytes(of: input, rows: rows),
                                            rows: rows, gradient: gs, outputs: outputs, into: weightGradient)
    }

    func statistics(steCancelFraction: Double) -> LayerStatistics {
        var s = latent.statistics(inputs: inputs, outputs: outputs, steCancelFraction: steCancelFraction)
        s.forwardProduct = trainingProduct.rawValue
        return s
    }
}
