import BNNSupport
import CBinaryKernels
import Dispatch

/// The forward product of a binary 3×3 convolution during training, s = conv(x, W_b),
/// computed with the direct XNOR-popcount convolution on bit-packed positions.
///
/// Each call packs the ±1 input (⌈Cin/64⌉ words per position, `bnn_pack_rows_f32`) and
/// W_b (Cout x 9 taps of the same words), runs `bnn_conv3x3_xnor`, which reads every
/// 3×3 patch where it lies (no patch matrix), and converts the integer sums to float.
/// With one-padding an outside tap reads +1 words and the sums are the ones sgemm
/// computes on im2col patches. With zero-padding a padded tap is 0, which the kernel
/// reads as +1 too; the product then subtracts, per border position, the sum of the
/// weights on its padded taps, which restores the exact sum. Every sum is an integer
/// below 2^24 in magnitude, so the result is bit-identical to sgemm's either way.
public final class BinaryConvolutionProduct {
    public let geometry: ConvolutionGeometry
    public let padding: ConvolutionPadding
    public let maxRows: Int
    public let gemm: BinaryGEMM
    /// Words per input position: ⌈Cin/64⌉.
    private let wordsPerPosition: Int
    private let packedInput: AlignedWords
    private let packedWeights: AlignedWords
    /// The words an outside tap reads: +1 on every real channel bit.
    private let padWords: AlignedWords
    private let sums: UnsafeMutablePointer<Int32>
    /// Per output channel and tap (ky, kx): Σ_c W_b (zero-padding correction).
    private let tapSums: UnsafeMutablePointer<Int32>

    public init(geometry: ConvolutionGeometry, padding: ConvolutionPadding, maxRows: Int, gemm: BinaryGEMM) {
        precondition(maxRows > 0 && geometry.patchLength < 1 << 24)
        self.geometry = geometry
        self.padding = padding
        self.maxRows = maxRows
        self.gemm = gemm
        let c = geometry.inputChannels
        wordsPerPosition = (c + 63) / 64
        packedInput = AlignedWords(count: maxRows * geometry.inputHeight * geometry.inputWidth * wordsPerPosition)
        packedWeights = AlignedWords(count: geometry.outputChannels * 9 * wordsPerPosition)
        padWords = AlignedWords(count: wordsPerPosition)
        for (k, word) in PositionWordLayout(positions: 1, channels: c).plusOneWords.enumerated() { padWords.pointer[k] = word }
        sums = .allocate(capacity: maxRows * geometry.outputSize)
        tapSums = .allocate(capacity: geometry.outputChannels * 9)
    }

    deinit { sums.deallocate(); tapSums.deallocate() }

    /// output (rows·H·W x Cout) = the convolution of input (rows x H x W x Cin, ±1) with
    /// weights (Cout x 3 x 3 x Cin, ±1; only signs are read, x >= 0 counts as +1).
    public func multiply(input: UnsafePointer<Float>, rows: Int, weights: UnsafePointer<Float>,
                         output: UnsafeMutablePointer<Float>) {
        precondition(rows > 0 && rows <= maxRows)
        let g = geometry, c = g.inputChannels, n = g.outputChannels, wpp = wordsPerPosition
        let positions = rows * g.inputHeight * g.inputWidth, m = rows * g.outputPositions
        let packed = SendablePointer(packedInput.pointer), x = SendablePointer(readOnly: input)
        ImageBands.run(count: positions, threads: gemm.threadCount, work: positions * c) { band in
            bnn_pack_rows_f32(band.count, c, x.pointer + band.lowerBound * c, c, packed.pointer + band.lowerBound * wpp, wpp)
        }
        bnn_pack_rows_f32(n * 9, c, weights, c, packedWeights.pointer, wpp)
        let w = SendablePointer(packedWeights.pointer), pad = SendablePointer(padWords.pointer), s = SendablePointer(sums)
        let out = SendablePointer(output), variant = gemm.variant.cValue
        ImageBands.run(count: m, threads: gemm.threadCount, work: m * n * 9 * wpp, minimumWork: 1 << 16) { band in
            let status = bnn_conv3x3_xnor(variant, g.inputHeight, g.inputWidth, wpp, packed.pointer, pad.pointer,
                                          w.pointer, 9 * wpp, n, 9 * c, band.lowerBound, band.count, s.pointer, n)
            precondition(status == 0, "direct binary convolution failed with status \(status)")
            for i in band.lowerBound * n..<band.upperBound * n { out.pointer[i] = Float(s.pointer[i]) }
        }
        if padding == .zero { correctBorders(rows: rows, weights: weights, output: output) }
    }

    /// Subtracts, at every border position, the weights on its padded taps (read as +1 words).
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
