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

    /// Layer `index` of `model` (with `fixedPoint` for the output layer).
    init(layer index: Int, of model: PackedModel, fixedPoint: OutputFixedPoint) {
        let inputs = model.widths[index]
        input = index == 0 ? .pixelPlanes(pixels: inputs) : .bits(count: inputs)
        outputs = model.widths[index + 1]
        weights = Self.words(of: model.weights(layer: index))
        if let t = model.thresholds(layer: index) {
            step = .threshold(t.thresholds, flip: Self.words(bits: outputs, of: t.flip))
        } else {
            step = .scores(fixedPoint)
        }
    }

    /// The 64-bit rows of a packed matrix as 32-bit words, row by row (low half first).
    static func words(of matrix: BitPackedMatrix) -> [UInt32] {
        let perRow = CWords.count(forBits: matrix.columns)
        var out = [UInt32](repeating: 0, count: matrix.rows * perRow)
        matrix.withUnsafeWords { w in
            for r in 0..<matrix.rows {
                let row = w + r * matrix.wordsPerRow
                for i in 0..<perRow { out[r * perRow + i] = UInt32(truncatingIfNeeded: row[i / 2] >> UInt64(32 * (i % 2))) }
            }
        }
        return out
    }

    /// The first `bits` bits of 64-bit words as 32-bit words.
    static func words(bits: Int, of words64: [UInt64]) -> [UInt32] {
        (0..<CWords.count(forBits: bits)).map { UInt32(truncatingIfNeeded: words64[$0 / 2] >> UInt64(32 * ($0 % 2))) }
    }

    var outputBits: Int? {
        if case .threshold = step { return outputs }
        return nil
    }

    /// Words per weight row (and per bit plane of the image).
    private var rowWords: Int { CWords.count(forBits: inputCount) }

    private var inputCount: Int {
        switch input {
        case .pixelPlanes(let pixels): return pixels
        case .bits(let count): return count
        }
    }

    private var isFirst: Bool {
        if case .pixelPlanes = input { return true }
        return false
    }

    var runtimeFunctions: [CRuntimeFunction] {
        switch (isFirst, outputBits != nil) {
        case (true, true): return [.bitPlanes, .denseHiddenFromPixels]
        case (true, false): return [.bitPlanes, .denseOutputFromPixels]
        case (false, true): return [.denseHiddenFromBits]
        case (false, false): return [.denseOutputFromBits]
        }
    }

    func constants(prefix: String, into text: inout CSourceText) {
        text.line("/* \(summary): W_b, \(outputs) rows of \(rowWords) words (bit i of row j = weight from input i to neuron j, 1 = +1). */")
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
        let from = isFirst ? "8-bit pixels in (bit planes)" : "binary in (XNOR-popcount)"
        let to = outputBits != nil ? "sign out (integer thresholds)" : "class scores (fixed-point BatchNorm), argmax"
        return "dense \(inputCount) -> \(outputs), \(from), \(to)"
    }
}
