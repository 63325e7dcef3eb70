import BNNSupport

import CBinaryKernels

/// One 3×3 convolution (stride 1, padding 1) packed for inference, with its
/// BatchNorm + sign folded into integer thresholds per output channel and border class.
///
/// A binary convolution is one XNOR-popcount GEMM over bit patches, as Larq Compute
/// Engine's bgemm path does: its input is NHWC with ⌈Cin/64⌉ words per position
/// (`PositionWordLayout`), so the patch of output position (y, x) is nine whole-word
/// copies, 9·⌈Cin/64⌉ words ordered (ky, kx, c); the weights are packed in the same
/// layout, Cout rows. Channel gaps (Cin not a multiple of 64) are 0 in both operands, so
/// they add no popcount, and the kernel is given the true patch length 9·Cin as its k:
/// its sums k − 2·popcount are then the true ones, and with at most 32 channels it takes
/// the paired-tap kernel (two taps to a word), as training does. Outside taps are +1
/// words (one-padding: exact) or 0 words (zero-padding: each counts −1·w, a per-class
/// constant that shifts the thresholds), so the product runs unchanged on every variant.
///
/// The first convolution sees the real image x = p/127.5 − 1, zero-padded: its patch
/// is 9·Cin raw pixels (0 outside), multiplied exactly in integers (`pixelSums`), and its
/// pre-activation P/127.5 − Σ_inside W_b depends on
/// the border class, so it keeps one folded threshold set per class.
struct PackedConvolution: Sendable, Equatable {
    enum Input: Sendable, Equatable {
        /// The 8-bit image (the first layer), always zero-padded.
        case image
        /// Packed ±1 activations, padded as given.
        case binary(ConvolutionPadding)
    }

    let geometry: ConvolutionGeometry
    let input: Input
    /// W_b as Cout rows of 9·Cin bits ordered (ky, kx, c): what the model file stores.
    let logicalWeights: BitPackedMatrix
    /// The thresholds the model file stores: for `.image` one set per border class on
    /// P = p·W_b; for `.binary` one set on the true sum.
    let folded: [NeuronThresholds]
    /// W_b in the kernels' layout: `.image` as `logicalWeights`, `.binary` in `patchLayout`.
    let weights: BitPackedMatrix
    let weightPopcounts: [Int32]
    /// The first layer's weights for `bnn_conv3x3_pixels`: sign masks [tap][c][o] (0 for +1,
    /// −1 for −1); empty for binary inputs.
    let pixelSignMasks: [Int32]
    /// The words an outside tap of a binary input reads (`inputLayout.wordsPerPosition` of
    /// them): +1 on every real channel bit (one-padding), or all −1 (0, zero-padding);
    /// empty for the image.
    let padWords: [UInt64]
    /// Thresholds on the raw product, one set per border class.
    let rawThresholds: [NeuronThresholds]

    /// `folded` sets must share their flip bits (which say where BatchNorm decreases).
    init(geometry: ConvolutionGeometry, input: Input, logicalWeights: BitPackedMatrix, folded: [NeuronThresholds]) {
        precondition(folded.allSatisfy { $0.flip == folded[0].flip }, "threshold sets with different flip bits")
        self.geometry = geometry
        self.input = input
        self.logicalWeights = logicalWeights
        self.folded = folded
        switch input {
        case .image:
            weights = logicalWeights
            rawThresholds = folded
        case .binary(let padding):
            weights = PositionWordLayout(positions: 9, channels: geometry.inputChannels).scatter(logicalWeights)
            let inside = ConvolutionBorder.insideWeightSums(weights: logicalWeights, inputChannels: geometry.inputChannels)
            let set = folded[0]
            rawThresholds = (0..<ConvolutionBorder.classCount).map { cls in
                // raw = true (one-padding), raw = true − Σ_outside W_b (zero-padding).
                set.shifted { j in padding == .zero ? inside[cls][j] - inside[0][j] : 0 }
            }
        }
        let w = weights
        weightPopcounts = (0..<w.rows).map { Int32(w.popcount(row: $0)) }
        switch input {
        case .image: padWords = []
        case .binary(let padding):
            let layout = PositionWordLayout(positions: 1, channels: geometry.inputChannels)
            padWords = padding == .one ? layout.plusOneWords : [UInt64](repeating: 0, count: layout.wordsPerPosition)
        }
        if case .image = input {
            let n = geometry.outputChannels, k = geometry.patchLength
            var masks = [Int32](repeating: 0, count: k * n)
            for o in 0..<n { for j in 0..<k where !logicalWeights[o, j] { masks[j * n + o] = -1 } }
            pixelSignMasks = masks
        } else {
            pixelSignMasks = []
        }
    }

    /// Packs trained parameters; `isFirst` for the layer that sees the image.
    init(parameters p: ConvolutionLayerParameters, isFirst: Bool) {
        let g = p.geometry
        let logical = BitPackedMatrix(packingRowsOf: p.latentWeights, rows: g.outputChannels, columns: g.patchLength)
        let bn = BatchNormInference(p)
        let direction = NeuronThresholds.decreasing(bn)
        let folded: [NeuronThresholds]
        if isFirst {
            let sums = ConvolutionBorder.insideWeightSums(weights: logical, inputChannels: g.inputChannels)
            let bound = 255 * g.patchLength
            folded = sums.map { classSums in
                NeuronThresholds.fold(batchNorm: bn, range: -bound...bound) { j, s in
                    PixelScaling.preactivation(pixelProduct: Float(s), weightSum: Float(classSums[j]))
                }.withFlip(direction)
            }
        } else {
            folded = [NeuronThresholds.fold(batchNorm: bn, range: -g.patchLength...g.patchLength) { _, s in Float(s) }
                .withFlip(direction)]
        }
        self.init(geometry: g, input: isFirst ? .image : .binary(p.padding), logicalWeights: logical, folded: folded)
    }

    var inputShape: FeatureShape {
        FeatureShape(height: geometry.inputHeight, width: geometry.inputWidth, channels: geometry.inputChannels)
    }
    var outputLayout: PositionWordLayout {
        PositionWordLayout(positions: geometry.outputPositions, channels: geometry.outputChannels)
    }
    var inputLayout: PositionWordLayout {
        PositionWordLayout(positions: geometry.inputHeight * geometry.inputWidth, channels: geometry.inputChannels)
    }
    /// Operations per output row of the direct product, for splitting work: 9·Cin pixels,
    /// or 9·⌈Cin/64⌉ words.
    var patchWork: Int {
        switch input {
        case .image: return geometry.patchLength
        case .binary: return 9 * inputLayout.wordsPerPosition
        }
    }
    /// The output channels' flip bits (set where BatchNorm decreases, γ < 0), ⌈Cout/64⌉
    /// words: what max-pooling needs.
    var flip: [UInt64] { folded[0].flip }
}

extension PackedConvolution {
    /// The raw sums (Cout per row, ldc Cout) of output rows `rows` (row r: image r / (H·W),
    /// position r % (H·W)) from packed activations (`inputLayout.words` words per image):
    /// the direct XNOR-popcount convolution, which reads each 3×3 patch where it lies
    /// (`padWords` outside the image) and gives the sums an XNOR GEMM over gathered
    /// patches of 9·⌈Cin/64⌉ words would.
    func binarySums(_ activations: UnsafePointer<UInt64>, rows: Range<Int>, variant: KernelVariant,
                    into sums: UnsafeMutablePointer<Int32>) {
        guard case .binary = input else { preconditionFailure("not a binary convolution") }
        let g = geometry, wpp = inputLayout.wordsPerPosition, n = g.outputChannels
        padWords.withUnsafeBufferPointer { pad in
            weights.withUnsafeWords { w in
                let status = bnn_conv3x3_xnor(variant.cValue, g.inputHeight, g.inputWidth, wpp, activations, pad.baseAddress!,
                                              w, weights.wordsPerRow, n, g.patchLength, rows.lowerBound, rows.count, sums, n)
                precondition(status == 0, "direct binary convolution failed with status \(status)")
            }
        }
    }

    /// The first layer's sums P = p·W_b (0 outside the image) of output rows `rows` from
    /// images of H·W·Cin bytes: the direct integer convolution (`bnn_conv3x3_pixels`), exact,
    /// the sums the bit-plane product of gathered pixel patches gives.
    func pixelSums(_ pixels: UnsafePointer<UInt8>, rows: Range<Int>, variant: KernelVariant,
                   into sums: UnsafeMutablePointer<Int32>) {
        let g = geometry, n = g.outputChannels
        pixelSignMasks.withUnsafeBufferPointer { masks in
            let status = bnn_conv3x3_pixels(variant.cValue, g.inputHeight, g.inputWidth, g.inputChannels, pixels,
                                            masks.baseAddress!, n, rows.lowerBound, rows.count, sums, n)
            precondition(status == 0, "direct pixel convolution failed with status \(status)")
        }
    }

    /// The folded BatchNorm + sign of output rows `rows`: raw sums (Cout per row) to packed
    /// output bits (`outputLayout.wordsPerPosition` words per row), by border class.
    func threshold(sums: UnsafePointer<Int32>, rows: Range<Int>, variant: KernelVariant, into out: UnsafeMutablePointer<UInt64>) {
        let n = geometry.outputChannels, ldo = outputLayout.wordsPerPosition
        let flip = folded[0].flip
        flip.withUnsafeBufferPointer { fl in
            ConvolutionBorder.forEachRun(rows: rows, height: geometry.outputHeight, width: geometry.outputWidth) { cls, run in
                rawThresholds[cls].thresholds.withUnsafeBufferPointer { th in
                    let status = bnn_threshold_pack(variant.cValue, run.count, n, sums + run.lowerBound * n, n,
                                                    th.baseAddress!, fl.baseAddress!, out + run.lowerBound * ldo, ldo)
                    precondition(status == 0, "threshold kernel failed with status \(status)")
                }
            }
        }
    }

    /// The true integer sums of output rows: raw sums corrected for zero-padded taps (for
    /// tests and the reference; inference uses `rawThresholds`).
    func trueSums(raw: [Int32], rows: Int) -> [Int32] {
        guard case .binary(let padding) = input, padding == .zero else { return raw }
        let n = geometry.outputChannels
        let inside = ConvolutionBorder.insideWeightSums(weights: logicalWeights, inputChannels: geometry.inputChannels)
        var out = raw
        ConvolutionBorder.forEachRun(rows: 0..<rows, height: geometry.outputHeight, width: geometry.outputWidth) { cls, run in
            for r in run {
                for j in 0..<n { out[r * n + j] = raw[r * n + j] + Int32(inside[0][j] - inside[cls][j]) }
            }
        }
        return out
    }
}
