import BNNSupport
import CTrainingKernels
/// The float products of a 3×3 convolution through im2col and BLAS sgemm, split over a
/// run's threads by bands of rows (output positions), which are many for a convolution.
///
/// With M = rows·H·W positions, K = 9·Cin and the weights W (Cout x K):
/// forward s = cols · Wᵀ; weight gradient ∂W = ∂sᵀ · cols; patch gradient ∂cols = ∂s · W.
/// Each band is one sgemm whose result depends only on the band, so results depend only on
/// the thread count, as for dense layers.
public enum ConvolutionProducts {
    /// output (M x Cout) = columns (M x K) · weightsᵀ.
    public static func forward(columns: UnsafePointer<Float>, positions m: Int, patchLength k: Int,
                               weights: UnsafePointer<Float>, outputChannels n: Int,
                               output: UnsafeMutablePointer<Float>, threads: Int) {
        let a = SendablePointer(readOnly: columns), b = SendablePointer(readOnly: weights), c = SendablePointer(output)
        ImageBands.run(count: m, threads: threads, work: m * n * k, minimumWork: 1 << 21) { band in
            FloatGEMM.gemm(transposeB: true, m: band.count, n: n, k: k, a: a.pointer + band.lowerBound * k, lda: k,
                           b: b.pointer, ldb: k, c: c.pointer + band.lowerBound * n, ldc: n)
        }
    }

    /// Input channels up to which `directForward` beats im2col + sgemm (whose product is
    /// then only 9·Cin deep): the first layer of an image network.
    public static let directChannelLimit = 4

    /// output (rows·H·W x Cout) = the zero-padded 3×3 convolution of input (rows x H x W x
    /// Cin) with weights (Cout x 3·3·Cin), computed directly (`bnn_conv3x3_f32`), without
    /// patches; `transposed` (9·Cin·Cout floats) is scratch for the weights as [tap][c][o].
    public static func directForward(input: UnsafePointer<Float>, rows: Int, geometry g: ConvolutionGeometry,
                                     weights: UnsafePointer<Float>, transposed: UnsafeMutablePointer<Float>,
                                     output: UnsafeMutablePointer<Float>, threads: Int) {
        let n = g.outputChannels, k = g.patchLength, m = rows * g.outputPositions
        for o in 0..<n { for j in 0..<k { transposed[j * n + o] = weights[o * k + j] } }
        let x = SendablePointer(readOnly: input), wt = SendablePointer(readOnly: UnsafePointer(transposed)), c = SendablePointer(output)
        ImageBands.run(count: m, threads: threads, work: m * n * k) { band in
            bnn_conv3x3_f32(g.inputHeight, g.inputWidth, g.inputChannels, x.pointer, wt.pointer, n,
                            band.lowerBound, band.count, c.pointer, n)
        }
    }

    /// weightGradient (Cout x K) = outputGradientᵀ (M x Cout)ᵀ · columns (M x K), split by
    /// whichever of Cout and K is larger (the sum over M stays in one piece).
    public static func weightGradient(outputGradient: UnsafePointer<Float>, columns: UnsafePointer<Float>,
                                      positions m: Int, patchLength k: Int, outputChannels n: Int,
                                      weightGradient: UnsafeMutablePointer<Float>, threads: Int) {
        let g = SendablePointer(readOnly: outputGradient), a = SendablePointer(readOnly: columns), d = SendablePointer(weightGradient)
        if k >= n {
            ImageBands.run(count: k, threads: threads, work: m * n * k, minimumWork: 1 << 21) { band in
                FloatGEMM.gemm(transposeA: true, m: n, n: band.count, k: m, a: g.pointer, lda: n,
                               b: a.pointer + band.lowerBound, ldb: k, c: d.pointer + band.lowerBound, ldc: k)
            }
        } else {
            ImageBands.run(count: n, threads: threads, work: m * n * k, minimumWork: 1 << 21) { band in
                FloatGEMM.gemm(transposeA: true, m: band.count, n: k, k: m, a: g.pointer + band.lowerBound, lda: n,
                               b: a.pointer, ldb: k, c: d.pointer + band.lowerBound * k, ldc: k)
            }
        }
    }

    /// columnGradient (M x K) = outputGradient (M x Cout) · weights (Cout x K).
    public static func columnGradient(outputGradient: UnsafePointer<Float>, positions m: Int, patchLength k: Int,
                                      weights: UnsafePointer<Float>, outputChannels n: Int,
                                      columnGradient: UnsafeMutablePointer<Float>, threads: Int) {
        let g = SendablePointer(readOnly: outputGradient), b = SendablePointer(readOnly: weights), c = SendablePointer(columnGradient)
        ImageBands.run(count: m, threads: threads, work: m * n * k, minimumWork: 1 << 21) { band in
            FloatGEMM.gemm(m: band.count, n: k, k: n, a: g.pointer + band.lowerBound * n, lda: n,
                           b: b.pointer, ldb: k, c: c.pointer + band.lowerBound * k, ldc: k)
        }
    }
}
