/// Version 1 of the packed model file: a BinaryNet MLP.
///
/// After the common header (`PackedModelFormat`):
///
///     36      4·(L+1)     layer widths
///     then per layer k = 1…L, with K inputs and N outputs:
///             ⌈N·K/8⌉     W_b, neuron after neuron, K bits each (1 = +1), bit i at byte i/8, bit i%8
///       hidden layers:
///             4·N         thresholds T_j (int32)
///             ⌈N/8⌉       flip bits (1 = fires when s < T_j)
///       output layer:
///             4           BatchNorm ε, then N float32 each of γ, β, running mean, running variance
///
/// The first layer's float parts (the pixel scale, ΣW_b and its BatchNorm) are
/// folded into its integer thresholds on p·W_b; the output layer's BatchNorm is
/// the only float arithmetic left.
extension PackedModel {
    func encodeVersion1Body(_ w: inout ByteWriter) {
        for width in widths { w.u32(UInt32(width)) }
        for layer in layers {
            guard case .dense(let d) = layer else { preconditionFailure("version 1 holds dense layers only") }
            w.denseRecord(d)
        }
    }

    /// The file size of a version-1 model with these widths.
    static func version1ByteCount(widths: [Int]) -> Int {
        var total = PackedModelFormat.fixedHeaderBytes + 4 * widths.count
        let last = widths.count - 2
        for k in 0...last {
            let inputs = widths[k], outputs = widths[k + 1]
            total += (inputs * outputs + 7) / 8
            total += k == last ? 4 + 16 * outputs : 4 * outputs + (outputs + 7) / 8
        }
        return total + 4
    }

    static func decodeVersion1Body(_ r: inout ByteReader, layerCount: Int, length: Int,
                                   bad: (String) -> PackedModelFileError) throws -> PackedModel {
        var widths: [Int] = []
        for _ in 0...layerCount {
            let width = Int(try r.u32())
            guard (1...DenseLayerParameters.maximumWidth).contains(width) else { throw bad("layer width \(width)") }
            widths.append(width)
        }
        guard version1ByteCount(widths: widths) == length else {
            throw bad("widths \(widths.map(String.init).joined(separator: "-")) do not match the file length \(length)")
        }
        var layers: [PackedLayer] = []
        for k in 0..<layerCount {
            let inputs = widths[k], outputs = widths[k + 1]
            let record = try r.denseRecord(outputs: outputs, inputs: inputs, isOutputLayer: k == layerCount - 1,
                                           layer: k, bad: bad)
            layers.append(.dense(PackedDenseLayer(logicalWeights: record.weights, input: .vector(inputs), output: record.output)))
        }
        return PackedModel(inputShape: .vector(widths[0]), packedLayers: layers)
    }
}
