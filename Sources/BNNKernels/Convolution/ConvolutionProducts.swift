import BNNSupport
import CTrainingKernels
/// The float products of a 3×3 convolution, split over a run's threads by bands of rows
/// (output positions), which are many for a convolution.
///
/// Training runs the direct kernels on padded images (`PaddedImages`): the forward product
/// and the input gradient (`direct`, with weights packed by `packWeights`) and the weight
/// gradient (`weightGradient`), none of which makes a patch matrix. The float reference
/// model and the benchmark's float side run im2col and one sgemm (`forward`): with
/// M = rows·H·W positions, K = 9·Cin and the weights W (Cout x K), s = cols · Wᵀ.
/// Each band's result depends only on the band, and a direct product's not even on that.
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

    /// Floats `packWeights` writes: 9 · inputs · (outputs rounded up to 32), where the
    /// forward product maps Cin to Cout channels and the input gradient Cout to Cin.
    public static func packedWeightCount(_ g: ConvolutionGeometry, adjoint: Bool) -> Int {
        let (inputs, outputs) = adjoint ? (g.outputChannels, g.inputChannels) : (g.inputChannels, g.outputChannels)
        return 9 * inputs * bnn_conv3x3_packed_outputs(outputs)
    }

    /// Packs weights (Cout x 3·3·Cin) for `direct`: for the forward product, or with
    /// `adjoint` for the input gradient (the output gradient convolved with the weights'
    /// mirrored taps, Cout channels in, Cin out).
    public static func packWeights(_ weights: UnsafePointer<Float>, geometry g: ConvolutionGeometry, adjoint: Bool,
                                   into packed: UnsafeMutablePointer<Float>) {
        bnn_conv3x3_pack_weights(weights, g.inputChannels, g.outputChannels, adjoint ? 1 : 0, packed)
    }

    /// output (rows·H·W x n) = the 3×3 convolution of the first `rows` images of `padded`
    /// with `packed` weights of n outputs (`bnn_conv3x3_f32`), split over the run's threads
    /// by bands of positions. A position's sum never depends on its band.
    public static func direct(padded: PaddedImages, rows: Int, packed: UnsafePointer<Float>, outputs n: Int,
                              output: UnsafeMutablePointer<Float>, threads: Int) {
        let (h, w, c) = (padded.height, padded.width, padded.channels), m = rows * h * w
        let x = SendablePointer(readOnly: UnsafePointer(padded.pointer)), wt = SendablePointer(readOnly: packed)
        let out = SendablePointer(output)
        ImageBands.run(count: m, threads: threads, work: m * n * 9 * c) { band in
            bnn_conv3x3_f32(h, w, c, x.pointer, wt.pointer, n, band.lowerBound, band.count, out.pointer, n)
        }
    }

    /// Images per chunk of `directPooled` (outputs per image given): the chunk's sums stay
    /// in L2 until pooled.
    static func pooledChunk(outputSize: Int) -> Int { max(1, (256 * 1024) / (outputSize * MemoryLayout<Float>.stride)) }

    /// Floats of `directPooled`'s scratch for a convolution run on `threads` threads.
    public static func pooledScratchCount(_ g: ConvolutionGeometry, threads: Int) -> Int {
        max(threads, 1) * pooledChunk(outputSize: g.outputSize) * g.outputSize
    }

    /// `direct` followed by 2×2 max-pooling (`MaxPooling.forward`), chunk by chunk of
    /// `pooledChunk` images, so the full-size sums are never written out: each band of images
    /// convolves a chunk into its part of `scratch` (threads · chunk · H·W·n floats), then
    /// pools it into `pooled` and `winners` (rows x ⌊H/2⌋ x ⌊W/2⌋ x n). The results equal
    /// `direct` then `MaxPooling.forward`.
    public static func directPooled(padded: PaddedImages, rows: Int, packed: UnsafePointer<Float>, outputs n: Int,
                                    scratch: UnsafeMutablePointer<Float>, pooled: UnsafeMutablePointer<Float>,
                                    winners: UnsafeMutablePointer<UInt8>, threads: Int) {
        let (h, w, c) = (padded.height, padded.width, padded.channels), image = padded.imageFloats
        let chunk = pooledChunk(outputSize: h * w * n), pooledImage = (h / 2) * (w / 2) * n
        let x = SendablePointer(readOnly: UnsafePointer(padded.pointer)), wt = SendablePointer(readOnly: packed)
        let s = SendablePointer(scratch), out = SendablePointer(pooled), k = SendablePointer(winners)
        ImageBands.runIndexed(count: rows, threads: threads, work: rows * h * w * n * 9 * c) { band, images in
            let sums = s.pointer + band * chunk * h * w * n
            for start in stride(from: images.lowerBound, to: images.upperBound, by: chunk) {
                let count = min(chunk, images.upperBound - start)
                bnn_conv3x3_f32(h, w, c, x.pointer + start * image, wt.pointer, n, 0, count * h * w, sums, n)
                bnn_maxpool2x2_forward(h, w, n, sums, 0, count, out.pointer + start * pooledImage,
                                       k.pointer + start * pooledImage)
            }
        }
    }

    /// The weight gradient (Cout x 9·Cin) of a convolution straight from its padded input
    /// and its output gradient (rows·H·W x Cout), without a patch matrix
    /// (`bnn_conv3x3_weight_gradient`), split over the run's threads by bands of patch
    /// indices; every entry sums the positions in order, so it never depends on the split.
    public static func weightGradient(padded: PaddedImages, rows: Int, outputGradient: UnsafePointer<Float>,
                                      outputChannels n: Int, weightGradient: UnsafeMutablePointer<Float>, threads: Int) {
        let (h, w, c) = (padded.height, padded.width, padded.channels), k = 9 * c
        let x = SendablePointer(readOnly: UnsafePointer(padded.pointer)), g = SendablePointer(readOnly: outputGradient)
        let d = SendablePointer(weightGradient)
        ImageBands.run(count: k, threads: threads, work: rows * h * w * k * n, minimumWork: 1 << 21) { band in
            bnn_conv3x3_weight_gradient(h, w, c, x.pointer, rows, g.pointer, n, band.lowerBound, band.count, d.pointer)
        }
    }

    /// Floats of scratch per thread band for `signWeightGradient` (rounded up to 64 bytes):
    /// the kernel's tables and sums, and the band's own weight gradient.
    public static func signGradientScratchCount(_ g: ConvolutionGeometry) -> Int {
        let k = 9 * g.inputChannels
        return (bnn_conv3x3_sign_gradient_scratch(g.inputChannels, g.outputChannels, k) + 15) / 16 * 16
            + (g.outputChannels * k + 15) / 16 * 16
    }

    /// `weightGradient` for a layer whose input is ±1 (binary layers after the first): the
    /// same sums through 16-entry tables of signed gradient sums of four positions
    /// (`bnn_conv3x3_sign_gradient`), up to float rounding. Split over the run's threads by
    /// bands of images (each band builds only its own images' tables): every band sums its
    /// images into its part of `scratch` (`threads` x `signGradientScratchCount` floats,
    /// 64-byte aligned), then the bands' gradients are added in band order, so the result
    /// depends on the thread count but never on scheduling.
    public static func signWeightGradient(padded: PaddedImages, rows: Int, outputGradient: UnsafePointer<Float>,
                                          outputChannels n: Int, pad: Float, scratch: UnsafeMutablePointer<Float>,
                                          scratchPerBand: Int, weightGradient: UnsafeMutablePointer<Float>,
                                          threads: Int) {
        let (h, w, c) = (padded.height, padded.width, padded.channels), k = 9 * c, image = padded.imageFloats
        let x = SendablePointer(readOnly: UnsafePointer(padded.pointer)), g = SendablePointer(readOnly: outputGradient)
        let d = SendablePointer(weightGradient), s = SendablePointer(scratch)
        let tableFloats = scratchPerBand - (n * k + 15) / 16 * 16
        let bands = ImageBands.runIndexed(count: rows, threads: threads, work: rows * h * w * k * n,
                                          minimumWork: 1 << 21) { index, images in
            let band = s.pointer + index * scratchPerBand
            bnn_conv3x3_sign_gradient(h, w, c, x.pointer + images.lowerBound * image, images.count,
                                      g.pointer + images.lowerBound * h * w * n, n, 0, k, pad, band,
                                      index == 0 ? d.pointer : band + tableFloats)
        }
        addBands(bands, of: s.pointer + tableFloats, stride: scratchPerBand, count: n * k, into: weightGradient)
    }

    /// Floats of scratch per thread band for `binaryInputGradient` (rounded up to 64 bytes).
    public static func binaryInputGradientScratchCount(_ g: ConvolutionGeometry) -> Int {
        (bnn_conv3x3_binary_input_gradient_scratch(g.outputHeight, g.outputWidth, g.outputChannels,
                                                   g.inputChannels) + 15) / 16 * 16
    }

    /// The input gradient (rows·H·W x Cin) of a convolution whose weights (Cout x 3·3·Cin)
    /// are ±1, from its output gradient (rows·H·W x Cout): what `direct` computes on the
    /// padded gradient with the mirrored weights, through 8-entry tables of signed sums of
    /// four outputs' gradients (`bnn_conv3x3_binary_input_gradient`), up to float rounding.
    /// Split over the run's threads by bands of images, each with its own part of `scratch`
    /// (`threads` x `binaryInputGradientScratchCount` floats, 64-byte aligned); an image's
    /// sums never depend on its band.
    public static func binaryInputGradient(geometry g: ConvolutionGeometry, rows: Int,
                                           outputGradient: UnsafePointer<Float>, weights: UnsafePointer<Float>,
                                           scratch: UnsafeMutablePointer<Float>, scratchPerBand: Int,
                                           inputGradient: UnsafeMutablePointer<Float>, threads: Int) {
        let (h, w, cin, cout) = (g.outputHeight, g.outputWidth, g.inputChannels, g.outputChannels)
        let gs = SendablePointer(readOnly: outputGradient), wt = SendablePointer(readOnly: weights)
        let s = SendablePointer(scratch), out = SendablePointer(inputGradient)
        ImageBands.runIndexed(count: rows, threads: threads, work: rows * h * w * 9 * cin * cout) { index, images in
            bnn_conv3x3_binary_input_gradient(h, w, cout, gs.pointer, wt.pointer, cin, images.lowerBound, images.count,
                                              s.pointer + index * scratchPerBand, out.pointer)
        }
    }

    /// The weight gradient (Cout x 9) of a one-channel convolution followed by 2×2 max-pooling,
    /// from its padded input, the gradient of the pool's output (rows x ⌊H/2⌋ x ⌊W/2⌋ x Cout)
    /// and the pool's winners, without the full-size gradient
    /// (`bnn_conv3x3_pooled_weight_gradient`): what `MaxPooling.backward` then `weightGradient`
    /// compute, up to float rounding. Split over the run's threads by bands of images, each
    /// summing into its part of `scratch` (`threads` x Cout·9 floats), added in band order.
    public static func pooledWeightGradient(padded: PaddedImages, rows: Int, pooledGradient: UnsafePointer<Float>,
                                            winners: UnsafePointer<UInt8>, outputChannels n: Int,
                                            scratch: UnsafeMutablePointer<Float>,
                                            weightGradient: UnsafeMutablePointer<Float>, threads: Int) {
        precondition(padded.channels == 1)
        let (h, w) = (padded.height, padded.width), count = n * 9
        let x = SendablePointer(readOnly: UnsafePointer(padded.pointer)), g = SendablePointer(readOnly: pooledGradient)
        let k = SendablePointer(readOnly: winners), d = SendablePointer(weightGradient), s = SendablePointer(scratch)
        let bands = ImageBands.runIndexed(count: rows, threads: threads, work: rows * h * w * 9 * n) { index, images in
            bnn_conv3x3_pooled_weight_gradient(h, w, x.pointer, images.lowerBound, images.count, g.pointer, k.pointer, n,
                                               index == 0 ? d.pointer : s.pointer + index * count)
        }
        addBands(bands, of: s.pointer, stride: count, count: count, into: weightGradient)
    }

    /// Adds the gradients bands 1 ..< `bands` wrote at `first + band · stride` (band 0 wrote
    /// `sum` itself), in band order.
    private static func addBands(_ bands: Int, of first: UnsafeMutablePointer<Float>, stride: Int, count: Int,
                                 into sum: UnsafeMutablePointer<Float>) {
        for band in 1..<max(bands, 1) {
            let part = UnsafePointer(first + band * stride)
            for i in 0..<count { sum[i] += part[i] }
        }
    }
}
