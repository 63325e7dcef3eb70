import BNNSupport
import CBinaryKernels
import CTrainingKernels
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
    /// `multiplyPooled`'s float sums, a chunk of images per thread band.
    private var chunkFloats: [Float] = []

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
        pack(input: input, rows: rows, weights: weights)
        let g = geometry, n = g.outputChannels, m = rows * g.outputPositions
        let s = SendablePointer(sums), out = SendablePointer(output)
        ImageBands.run(count: m, threads: gemm.threadCount, work: m * n * 9 * wordsPerPosition, minimumWork: 1 << 16) { band in
            self.convolve(positions: band, into: s.pointer)
            for i in band.lowerBound * n..<band.upperBound * n { out.pointer[i] = Float(s.pointer[i]) }
        }
        if padding == .zero { correctBorders(images: 0..<rows, output: output) }
    }

    /// Images per chunk of `multiplyPooled`: a chunk's integer and float sums stay in L2.
    public var pooledChunk: Int { max(1, (128 * 1024) / (geometry.outputSize * MemoryLayout<Float>.stride)) }

    /// `multiply` followed by 2×2 max-pooling (`bnn_maxpool2x2_forward`), chunk by chunk of
    /// `pooledChunk` images, so the full-size sums are never written out: pooled and winners
    /// are rows x ⌊H/2⌋ x ⌊W/2⌋ x Cout. The results equal `multiply` then
    /// `MaxPooling.forward` (the sums are integers, exact in float).
    public func multiplyPooled(input: UnsafePointer<Float>, rows: Int, weights: UnsafePointer<Float>,
                               pooled: UnsafeMutablePointer<Float>, winners: UnsafeMutablePointer<UInt8>) {
        pack(input: input, rows: rows, weights: weights)
        let g = geometry, n = g.outputChannels, (h, w) = (g.outputHeight, g.outputWidth)
        let chunk = pooledChunk, image = g.outputSize, pooledImage = (h / 2) * (w / 2) * n
        let threads = gemm.threadCount
        if chunkFloats.count < threads * chunk * image {
            chunkFloats = [Float](repeating: 0, count: threads * chunk * image)
        }
        let s = SendablePointer(sums), out = SendablePointer(pooled), k = SendablePointer(winners)
        chunkFloats.withUnsafeMutableBufferPointer { floats in
            let f = SendablePointer(floats.baseAddress!)
            ImageBands.runIndexed(count: rows, threads: threads, work: rows * image * 9 * wordsPerPosition,
                                  minimumWork: 1 << 16) { band, images in
                let local = f.pointer + band * chunk * image
                for start in stride(from: images.lowerBound, to: images.upperBound, by: chunk) {
                    let count = min(chunk, images.upperBound - start)
                    let positions = start * g.outputPositions..<(start + count) * g.outputPositions
                    self.convolve(positions: positions, into: s.pointer)
                    let first = s.pointer + positions.lowerBound * n
                    for i in 0..<(count * image) { local[i] = Float(first[i]) }
                    if self.padding == .zero { self.correctBorders(images: 0..<count, output: local) }
                    bnn_maxpool2x2_forward(h, w, n, local, 0, count, out.pointer + start * pooledImage,
                                           k.pointer + start * pooledImage)
                }
            }
        }
    }

    /// Packs the ±1 input (rows x H x W x Cin) and the weights into words.
    private func pack(input: UnsafePointer<Float>, rows: Int, weights: UnsafePointer<Float>) {
        precondition(rows > 0 && rows <= maxRows)
        let g = geometry, c = g.inputChannels, n = g.outputChannels, wpp = wordsPerPosition
        let positions = rows * g.inputHeight * g.inputWidth
        let packed = SendablePointer(packedInput.pointer), x = SendablePointer(readOnly: input)
        ImageBands.run(count: positions, threads: gemm.threadCount, work: positions * c) { band in
            bnn_pack_rows_f32(band.count, c, x.pointer + band.lowerBound * c, c, packed.pointer + band.lowerBound * wpp, wpp)
        }
        bnn_pack_rows_f32(n * 9, c, weights, c, packedWeights.pointer, wpp)
        if padding == .zero { sumTaps(weights: weights) }
    }

    /// The integer sums of output positions `positions` (image-major) into `sums` at the
    /// same rows, from the packed input and weights.
    private func convolve(positions: Range<Int>, into sums: UnsafeMutablePointer<Int32>) {
        let g = geometry, n = g.outputChannels
        let status = bnn_conv3x3_xnor(gemm.variant.cValue, g.inputHeight, g.inputWidth, wordsPerPosition,
                                      packedInput.pointer, padWords.pointer, packedWeights.pointer, 9 * wordsPerPosition,
                                      n, 9 * g.inputChannels, positions.lowerBound, positions.count, sums, n)
        precondition(status == 0, "direct binary convolution failed with status \(status)")
    }

    /// Per output channel and tap, Σ_c W_b: what a padded tap adds when read as +1 words.
    private func sumTaps(weights: UnsafePointer<Float>) {
        let g = geometry, c = g.inputChannels
        for o in 0..<g.outputChannels {
            for tap in 0..<9 {
                var s: Int32 = 0
                let row = weights + o * g.patchLength + tap * c
                for j in 0..<c { s += row[j] >= 0 ? 1 : -1 }
                tapSums[o * 9 + tap] = s
            }
        }
    }

    /// Subtracts, at every border position of `images` (output points at image 0 of them),
    /// the weights on its padded taps (read as +1 words); `sumTaps` ran for these weights.
    private func correctBorders(images: Range<Int>, output: UnsafeMutablePointer<Float>) {
        let g = geometry, n = g.outputChannels, h = g.outputHeight, w = g.outputWidth
        for image in images {
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
