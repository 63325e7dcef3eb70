import BNNKernels

/// A 3×3 convolution (stride 1, padding 1) of the generated C, its BatchNorm + sign as the
/// packed model's integer thresholds; output bits NHWC in `CWords`' layout.
///
/// - First layer, the 8-bit image (always zero-padded): P = p·W_b over the taps inside the
///   image, exactly in integers (a ±1 weight adds or subtracts a pixel), compared with the
///   packed model's threshold set of the position's border class. Only the sets of the
///   classes that occur are emitted (9 of 16 for a 28×28 image), with a 16-entry row table.
/// - Binary layer: the true sum over the 9 taps, XNOR-popcount over the input position's
///   words; an outside tap adds the sum of its weights (one-padding: it reads +1) or
///   nothing (zero-padding: 0). The packed model gets the same bits from raw products and
///   thresholds shifted per border class; on the true sum one set serves every position.
struct ConvolutionCLayer: CLayer {
    let geometry: ConvolutionGeometry
    let input: CLayerInput
    /// nil for the first layer.
    let padding: ConvolutionPadding?
    /// W_b, Cout rows: the first layer's 9·Cin bits in order, a binary layer's 9 taps of ⌈Cin/32⌉ words.
    let weights: [UInt32]
    /// Threshold rows of Cout: one per occurring border class (first layer) or one.
    let thresholds: [Int32]
    /// First layer: border class → row of `thresholds`.
    let classRows: [UInt8]
    let flip: [UInt32]

    init(_ view: PackedConvolutionView) {
        let g = view.geometry
        geometry = g
        padding = view.padding
        let inputShape = FeatureShape(height: g.inputHeight, width: g.inputWidth, channels: g.inputChannels)
        flip = CWords.words(bits: g.outputChannels, of: view.thresholds[0].flip)
        if padding == nil {
            input = .image(inputShape)
            weights = CWords.rows(of: view.weights)
            var classes = Set<Int>()
            for y in 0..<g.outputHeight { for x in 0..<g.outputWidth { classes.insert(view.borderClass(y: y, x: x)) } }
            let occurring = classes.sorted()
            var rows = [UInt8](repeating: 0, count: PackedConvolutionView.borderClassCount)
            for (row, cls) in occurring.enumerated() { rows[cls] = UInt8(row) }
            classRows = rows
            thresholds = occurring.flatMap { view.thresholds[$0].thresholds }
        } else {
            input = .bits(inputShape)
            weights = CWords.rows(of: view.weights, positions: 9)
            classRows = []
            thresholds = view.thresholds[0].thresholds
        }
    }

    private var outputShape: FeatureShape {
        FeatureShape(height: geometry.outputHeight, width: geometry.outputWidth, channels: geometry.outputChannels)
    }

    var outputWords: Int? { CWords.count(outputShape) }

    var runtimeFunctions: [CRuntimeFunction] { padding == nil ? [.convolutionFromPixels] : [.convolutionFromBits] }

    func constants(prefix: String, into text: inout CSourceText) {
        let perRow = weights.count / geometry.outputChannels
        let order = padding == nil ? "bit (ky * 3 + kx) * Cin + c" : "tap ky * 3 + kx in words tap * \(CWords.count(forBits: geometry.inputChannels)) onwards, channel c at bit c % 32"
        text.line("/* \(summary): W_b, \(geometry.outputChannels) rows of \(perRow) words (\(order); 1 = +1). */")
        text.words("\(prefix)_weights", weights)
        if padding == nil {
            text.line("/* Output channel j fires when (P >= threshold) XOR (bit j of flip), the thresholds of border class")
            text.line("   edge(y) * 4 + edge(x) in row class_row[class], \(geometry.outputChannels) per row. */")
            text.int32s("\(prefix)_thresholds", thresholds)
            text.bytes("\(prefix)_class_row", classRows)
        } else {
            text.line("/* Output channel j fires when (s_j >= threshold_j) XOR (bit j of flip). */")
            text.int32s("\(prefix)_thresholds", thresholds)
        }
        text.words("\(prefix)_flip", flip)
        text.line()
    }

    var constantBytes: Int { 4 * (weights.count + thresholds.count + flip.count) + classRows.count }

    func call(prefix: String, input source: String, output: String) -> String {
        let g = geometry, p = prefix
        let shape = "\(g.inputHeight), \(g.inputWidth), \(g.inputChannels)"
        guard let padding else {
            return "bnn_conv_from_pixels(\(source), \(shape), \(p)_weights, \(weights.count / g.outputChannels), \(p)_thresholds, \(p)_class_row, \(p)_flip, \(g.outputChannels), \(output));"
        }
        return "bnn_conv_from_bits(\(source), \(shape), \(p)_weights, \(p)_thresholds, \(p)_flip, \(g.outputChannels), \(padding == .one ? 1 : 0), \(output));"
    }

    var summary: String {
        let g = geometry
        let shape = "conv 3x3x\(g.inputChannels) -> \(g.outputChannels) on \(g.inputHeight)x\(g.inputWidth)"
        guard let padding else {
            return "\(shape), 8-bit pixels in (zero-padded), sign out (integer thresholds per border class)"
        }
        return "\(shape), binary in (XNOR-popcount, \(padding == .one ? "one" : "zero")-padding), sign out (integer thresholds)"
    }
}

/// 2×2 max-pooling (stride 2) of packed bits in the generated C: OR of the four bits for a
/// channel whose BatchNorm increases (flip 0), AND for one whose BatchNorm decreases (flip 1),
/// as the packed model pools before BatchNorm + sign.
struct MaxPoolCLayer: CLayer {
    let inputShape: FeatureShape
    let flip: [UInt32]

    init(input: FeatureShape, flip: [UInt64]) {
        inputShape = input
        self.flip = CWords.words(bits: input.channels, of: flip)
    }

    var input: CLayerInput { .bits(inputShape) }
    private var outputShape: FeatureShape {
        FeatureShape(height: inputShape.height / 2, width: inputShape.width / 2, channels: inputShape.channels)
    }
    var outputWords: Int? { CWords.count(outputShape) }
    var runtimeFunctions: [CRuntimeFunction] { [.maxPool] }

    func constants(prefix: String, into text: inout CSourceText) {
        text.line("/* \(summary): channel c pools by AND where bit c of flip is set (BatchNorm decreases), else OR. */")
        text.words("\(prefix)_flip", flip)
        text.line()
    }

    var constantBytes: Int { 4 * flip.count }

    func call(prefix: String, input source: String, output: String) -> String {
        "bnn_max_pool(\(source), \(inputShape.height), \(inputShape.width), \(CWords.count(forBits: inputShape.channels)), \(prefix)_flip, \(output));"
    }

    var summary: String { "max-pool 2x2 \(inputShape.asciiText) -> \(outputShape.asciiText), OR / AND of bits" }
}
