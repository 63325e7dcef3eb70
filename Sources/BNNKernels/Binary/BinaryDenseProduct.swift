import CBinaryKernels
import Dispatch
import BNNSupport

/// The forward product of a binary dense layer during training, s = x_b · W_b, computed
/// with XNOR-popcount from the float ±1 matrices the training engine keeps.
///
/// The engine trains with float buffers (the backward pass needs them for sgemm), so each
/// call packs the batch's activations by rows and W_b (inputs x outputs, row-major) by
/// columns, runs the binary GEMM, and converts the integer sums to float. Every sum is an
/// integer of magnitude at most K < 2^24, which both this product and sgemm represent
/// exactly, so the result is bit-identical to sgemm's: the engine may use whichever is
/// faster for a shape without changing a single metric.
public final class BinaryDenseProduct {
    public let maxRows: Int
    public let inputs: Int
    public let outputs: Int
    public let gemm: BinaryGEMM
    private let wordsPerRow: Int
    private let packedInput: AlignedWords
    private let packedWeights: AlignedWords
    private let sums: UnsafeMutablePointer<Int32>
    /// Column bands of W packed in parallel (each task owns whole rows of the packed matrix).
    private let columnBands: [Range<Int>]

    /// Buffers for up to `maxRows` rows of `inputs` ±1 values times an inputs x outputs ±1 matrix.
    public init(maxRows: Int, inputs: Int, outputs: Int, gemm: BinaryGEMM) {
        precondition(maxRows > 0 && inputs > 0 && outputs > 0)
        precondition(inputs < 1 << 24, "sums of \(inputs) terms are not exact in Float")
        self.maxRows = maxRows
        self.inputs = inputs
        self.outputs = outputs
        self.gemm = gemm
        wordsPerRow = BitPackedMatrix.wordsPerRow(forColumns: inputs)
        packedInput = AlignedWords(count: maxRows * wordsPerRow)
        packedWeights = AlignedWords(count: outputs * wordsPerRow)
        sums = .allocate(capacity: maxRows * outputs)
        columnBands = WorkPartition.bands(count: outputs, parts: gemm.threadCount, alignment: 64)
    }

    deinit { sums.deallocate() }

    /// output (rows x outputs) = input (rows x inputs) · weights (inputs x outputs), where
    /// every input and weight is ±1 (only the sign is read: x >= 0 counts as +1).
    public func multiply(input: UnsafePointer<Float>, rows: Int, weights: UnsafePointer<Float>,
                         output: UnsafeMutablePointer<Float>) {
        precondition(rows > 0 && rows <= maxRows)
        let ld = wordsPerRow, k = inputs, n = outputs
        let a = SendablePointer(packedInput.pointer), b = SendablePointer(packedWeights.pointer)
        let x = SendablePointer(UnsafeMutablePointer(mutating: input))
        let w = SendablePointer(UnsafeMutablePointer(mutating: weights))
        // Pack the rows of x and the columns of W in one parallel pass: a column band of W
        // per task, the rows of x on the first task.
        let bands = columnBands
        ForkJoin.run(iterations: bands.count) { t in
            let band = bands[t]
            bnn_pack_columns_f32(k, band.count, w.pointer + band.lowerBound, n,
                                 b.pointer + band.lowerBound * ld, ld)
            if t == 0 { bnn_pack_rows_f32(rows, k, x.pointer, k, a.pointer, ld) }
        }
        gemm.multiply(m: rows, n: n, kBits: k, a: packedInput.pointer, lda: ld,
                      b: packedWeights.pointer, ldb: ld, c: sums, ldc: n)
        for i in 0..<rows * n { output[i] = Float(sums[i]) }
    }
}
