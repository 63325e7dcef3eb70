import BNNSupport
import CBinaryKernels
import Dispatch

/// The forward product of a binary 3×3 convolution during training, s = cols · W_bᵀ,
/// computed with XNOR-popcount on bit-packed im2col rows.
///
/// The engine keeps float ±1 patches (the backward pass needs them for sgemm), so each
/// call packs the patch rows and W_b (Cout rows of 9·Cin), runs the binary GEMM and
/// converts the integer sums to float. With one-padding every tap is ±1 and the sums are
/// the ones sgemm computes. With zero-padding a padded tap is 0, which packing reads as
/// +1; the product then subtracts, per border position, the sum of the weights on its
/// padded taps, which restores the exact sum. Every sum is an integer below 2^24 in
/// magnitude, so the result is bit-identical to sgemm's either way.
public final class BinaryConvolutionProduct {
    public let geometry: ConvolutionGeometry
    public let padding: ConvolutionPadding
    public let maxRows: Int
    public let gemm: BinaryGEMM
    private let wordsPerRow: Int
    private let packedPatches: AlignedWords
    private let packedWeights: AlignedWords
    private let sums: UnsafeMutablePointer<Int32>
    /// Per output channel and tap (ky, kx): Σ_c W_b (zero-padding correction).
    private let tapSums: UnsafeMutablePointer<Int32>

    public init(geometry: ConvolutionGeometry, padding: ConvolutionPadding, maxRows: Int, gemm: BinaryGEMM) {
        precondition(maxRows > 0 && geometry.patchLength < 1 << 24)
        self.geometry = geometry
        self.padding = padding
        self.maxRows = maxRows
        self.gemm = gemm
        wordsPerRow = BitPackedMatrix.wordsPerRow(forColumns: geometry.patchLength)
        packedPatches = AlignedWords(count: maxRows * geometry.outputPositions * wordsPerRow)
        packedWeights = AlignedWords(count: geometry.outputChannels * wordsPerRow)
        sums = .allocate(capacity: maxRows * geometry.outputSize)
        tapSums = .allocate(capacity: geometry.outputChannels * 9)
    }

    deinit { sums.deallocate(); tapSums.deallocate() }

    /// output (rows·H·W x Cout) = columns (rows·H·W x 9·Cin, ±1 taps and padded taps) · weightsᵀ
    /// (Cout x 9·Cin, ±1; only signs are read, x >= 0 counts as +1).
    public func multiply(columns: UnsafePointer<Float>, rows: Int, weights: UnsafePointer<Float>,
                         output: UnsafeMutablePointer<Float>) {
        precondition(rows > 0 && rows <= maxRows)
        let g = geometry, k = g.patchLength, n = g.outputChannels, ld = wordsPerRow
        let m = rows * g.outputPositions
        let a = SendablePointer(packedPatches.pointer), x = SendablePointer(readOnly: columns)
        ImageBands.run(count: m, threads: gemm.threadCount, work: m * k) { band in
            bnn_pack_rows_f32(band.count, k, x.pointer + band.lowerBound * k, k, a.pointer + band.lowerBound * ld, ld)
        }
        bnn_pack_rows_f32(n, k, weights, k, packedWeights.pointer, ld)
        gemm.multiply(m: m, n: n, kBits: k, a: packedPatches.pointer, lda: ld,
                      b: packedWeights.pointer, ldb: ld, c: sums, ldc: n)
        for i in 0..<m * n { output[i] = Float(sums[i]) }
        if padding == .zero { correctBorders(rows: rows, weights: weights, output: output) }
    }

    /// Subtracts, at every border position, the weights on its padded taps (read as +1 by packing).
    private func correctBorders(rows: Int, weights: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>) {
        let g = geometry, c = g.inputChannels, n = g.outputChannels, h = g.outputHeight, w = g.outputWidth
        for o in 0..<n {
            for tap in 0..<9 {
                var s: Int32 = 0
                let row = weights + o * g.patchLength + tap * c
                for j in 0..<c { s += row[j] >= 0 ? 1 : -1 }
                tapSums[o * 9 + tap] = s
            }
        }
        for image in 0..<rows {
            for y in 0..<h {
                let rowBorder = y == 0 || y == h - 1
                for x in 0..<w where rowBorder || x == 0 || x == w - 1 {
                    let out = output + ((image * h + y) * w + x) * n
                    for o in 0..<n {
                        var correction: Int32 = 0
                        for ky in 0..<3 {
                            let iy = y + ky - 1
                            for kx in 0..<3 {
                                let ix = x + kx - 1
                                if iy < 0 || iy >= h || ix < 0 || ix >= w { correction += tapSums[o * 9 + ky * 3 + kx] }
                            }
                        }
                        out[o] -= Float(correction)
                    }
                }
            }
        }
    }
}
