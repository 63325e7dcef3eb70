import CBinaryKernels
import Dispatch
import BNNSupport

/// The forward product of a binary dense layer during training, s = x_b · W_b, computed
/// with XNOR-popcount from the float ±1 matrices the training engine keeps.
///
/// The engine trains with float buffers (the backward pass needs them for sgemm), so each
/// call packs the batch's activations by rows and, when given float W_b (inputs x outputs,
/// row-major), W_b by columns (`weights`, which the optimizer otherwise keeps current), runs
/// the binary GEMM, and converts the integer sums to float. Every sum is an
/// integer of magnitude at most K < 2^24, which both this product and sgemm represent
/// exactly, so the result is bit-identical to sgemm's: the engine may use whichever is
/// faster for a shape without changing a single metric.
public final class BinaryDenseProduct {
    public let maxRows: Int
    public let inputs: Int
    public let outputs: Int
    public let gemm: BinaryGEMM
    /// W_b packed by columns.
    public let weights: ColumnSignWords
    private let packedInput: AlignedWords
    private let sums: UnsafeMutablePointer<Int32>

    /// Buffers for up to `maxRows` rows of `inputs` ±1 values times an inputs x outputs ±1 matrix.
    public init(maxRows: Int, inputs: Int, outputs: Int, gemm: BinaryGEMM) {
        precondition(maxRows > 0 && inputs > 0 && outputs > 0)
        precondition(inputs < 1 << 24, "sums of \(inputs) terms are not exact in Float")
        self.maxRows = maxRows
        self.inputs = inputs
        self.outputs = outputs
        self.gemm = gemm
        weights = ColumnSignWords(inputs: inputs, outputs: outputs, threads: gemm.threadCount)
        packedInput = AlignedWords(count: maxRows * weights.wordsPerRow)
        sums = .allocate(capacity: maxRows * outputs)
    }

    deinit { sums.deallocate() }

    /// output (rows x outputs) = input (rows x inputs) · W_b, where every input and weight
    /// is ±1 (only the sign is read: x >= 0 counts as +1), with W_b = `floatWeights` (inputs
    /// x outputs) packed first, or when nil the current `weights`.
    public func multiply(input: UnsafePointer<Float>, rows: Int, floatWeights: UnsafePointer<Float>?,
                         output: UnsafeMutablePointer<Float>) {
        precondition(rows > 0 && rows <= maxRows)
        if let floatWeights { weights.pack(from: floatWeights) }
        precondition(weights.isCurrent, "the layer's packed weights are not its current weights")
        let ld = weights.wordsPerRow, k = inputs, n = outputs
        bnn_pack_rows_f32(rows, k, input, k, packedInput.pointer, ld)
        gemm.multiply(m: rows, n: n, kBits: k, a: packedInput.pointer, lda: ld,
                      b: weights.words, ldb: ld, c: sums, ldc: n)
        for i in 0..<rows * n { output[i] = Float(sums[i]) }
    }
}
