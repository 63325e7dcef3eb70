import BNNKernels

/// A dense layer of the generated C: the three kinds a BinaryNet MLP needs.
///
/// - first layer, 8-bit input: P = p · W_b from the image's bit planes, exactly;
/// - hidden layer: s = K − 2·popcount(a XOR w) on packed ±1 inputs;
/// - then either sign(BatchNorm) as the packed model's integer thresholds
///   ((s >= T_j) XOR flip_j, one bit out per neuron), or, in the output layer, the
///   BatchNorm as an integer scale and offset (`OutputFixedPoint`) and the argmax.
struct DenseCLayer: CLayer {
    let input: CLayerInput
    let outputs: Int
    /// W_b, `outputs` rows of `input.rowWords` words (1 = +1, bits past K are 0).
    let weights: [UInt32]
    let step: Step

    enum Step {
        /// Hidden: thresholds T_j and flip bits packed 32 to a word.
        case threshold([Int32], flip: [UInt32])
        /// Output: class scores in fixed point.
        case scores(OutputFixedPoint)
    }

    /// Layer `index` of `model`, reading `input` (with `fixedPoint` for the output layer).
    init(layer index: Int, of model: PackedModel, input shape: FeatureShape, fixedPoint: OutputFixedPoint) {
        input = index == 0 ? .pixelPlanes(pixels: shape.count) : .bits(shape)
        outputs = model.widths[index + 1]
        weights = CWords.rows(of: model.weights(layer: index), positions: index == 0 ? 1 : shape.positions)
        if let t = model.thresholds(layer: index) {
            step = .threshold(t.thresholds, flip: CWords.words(bits: outputs, of: t.flip))
        } else {
            step = .scores(fixedPoint)
        }
    }

    var outputWords: Int? {
        if case .threshold = step { return CWords.count(forBits: outputs) }
        return nil
    }

    /// Words per weight row (and per bit plane of the image, or per input).
    private var rowWords: Int {
        if case .bits(let shape) = input { return CWords.count(shape) }
        return CWords.count(forBits: inputCount)
    }

    private var inputCount: Int {
        switch input {
        case .pixelPlanes(let pixels): return pixels
        case .image(let shape), .bits(let shape): return shape.count
        }
    }

    private var isFirst: Bool {
        if case .pixelPlanes = input { return true }
        return false
    }

    var runtimeFunctions: [CRuntimeFunction] {
        switch (isFirst, outputWords != nil) {
        case (true, true): return [.bitPlanes, .denseHiddenFromPixels]
        case (true, false): return [.bitPlanes, .denseOutputFromPixels]
        case (false, true): return [.denseHiddenFromBits]
        case (false, false): return [.denseOutputFromBits]
        }
    }

    func constants(prefix: String, into text: inout CSourceText) {
        text.line("/* \(summary): W_b, \(outputs) rows of \(rowWords) words (row j = the weights of neuron j from its inputs in their layout, 1 = +1). */")
        text.words("\(prefix)_weights", weights)
        switch step {
        case .threshold(let thresholds, let flip):
            text.line("/* Neuron j outputs +1 when (s_j >= threshold_j) XOR (bit j of flip). */")
            text.int32s("\(prefix)_thresholds", thresholds)
            text.words("\(prefix)_flip", flip)
        case .scores(let fixed):
            text.line("/* Class j scores scale_j * s_j + offset_j, in units of 2^-\(fixed.fractionBits) (BatchNorm in fixed point). */")
            text.int32s("\(prefix)_scale", fixed.scale)
            text.int64s("\(prefix)_offset", fixed.offset)
        }
        text.line()
    }

    var constantBytes: Int {
        switch step {
        case .threshold(let t, let flip): return 4 * (weights.count + t.count + flip.count)
        case .scores(let fixed): return 4 * weights.count + 4 * fixed.scale.count + 8 * fixed.offset.count
        }
    }

    func call(prefix: String, input source: String, output: String) -> String {
        let w = "\(prefix)_weights"
        switch (isFirst, step) {
        case (true, .threshold):
            return "bnn_dense_hidden_from_pixels(\(source), \(rowWords), pixel_sum, \(w), \(prefix)_thresholds, \(prefix)_flip, \(outputs), \(output));"
        case (true, .scores):
            return "return bnn_dense_output_from_pixels(\(source), \(rowWords), pixel_sum, \(w), \(prefix)_scale, \(prefix)_offset, \(outputs));"
        case (false, .threshold):
            return "bnn_dense_hidden_from_bits(\(source), \(rowWords), \(inputCount), \(w), \(prefix)_thresholds, \(prefix)_flip, \(outputs), \(output));"
        case (false, .scores):
            return "return bnn_dense_output_from_bits(\(source), \(rowWords), \(inputCount), \(w), \(prefix)_scale, \(prefix)_offset, \(outputs));"
        }
    }

    var summary: String {
        let kind = isFirst ? "8-bit pixels in (bit planes)" : "binary in (XNOR-popcount)"
        let to = outputWords != nil ? "sign out (integer thresholds)" : "class scores (fixed-point BatchNorm), argmax"
        let from = if case .bits(let shape) = input { shape.asciiText } else { "\(inputCount)" }
        return "dense \(from) -> \(outputs), \(kind), \(to)"
    }
}
