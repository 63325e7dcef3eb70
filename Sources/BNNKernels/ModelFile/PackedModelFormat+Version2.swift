/// Version 2 of the packed model file: layer kinds, for ConvNets (and MLPs on images).
///
/// After the common header (`PackedModelFormat`):
///
///     36      12          input shape: height, width, channels (uint32)
///     then per layer, with an input of H×W×C (K = H·W·C values, NHWC order):
///             4           kind: 1 = 3×3 convolution, 2 = 2×2 max-pooling, 3 = dense
///       convolution (stride 1, padding 1; output H×W×Cout):
///             4           Cout
///             4           padding of a binary input: 0 = zero, 1 = one (0 for the first layer)
///             ⌈Cout·9C/8⌉ W_b, output channel after channel, 9·C bits each in (ky, kx, c) order
///             4·S·Cout    thresholds (int32): S = 16 sets, one per border class (see
///                         `ConvolutionBorder`), on p·W_b for the first layer; S = 1 set on the
///                         true integer sum for a binary input
///             ⌈Cout/8⌉    flip bits (1 = BatchNorm decreases, γ < 0: fires when s < T)
///       max-pooling (of the preceding convolution's outputs, before its BatchNorm):
///             nothing: OR of the four bits, AND for a flipped channel
///       dense (N outputs):
///             4           N
///             ⌈N·K/8⌉     W_b, neuron after neuron, K bits each in the flattened (NHWC) order
///             hidden: 4·N thresholds on the true sum and ⌈N/8⌉ flip bits; output layer:
///             ε, then N float32 each of γ, β, running mean, running variance
///
/// Layers must chain: pools follow a convolution (or a pool) and leave at least 1×1,
/// no convolution follows a dense layer, and the last layer is dense.
extension PackedModel {
    enum LayerKind: UInt32 {
        case convolution = 1
        case maxPool = 2
        case dense = 3
    }

    func encodeVersion2Body(_ w: inout ByteWriter) {
        for v in [inputShape.height, inputShape.width, inputShape.channels] { w.u32(UInt32(v)) }
        for layer in layers {
            switch layer {
            case .convolution(let c):
                w.u32(LayerKind.convolution.rawValue)
                w.u32(UInt32(c.geometry.outputChannels))
                if case .binary(.one) = c.input { w.u32(1) } else { w.u32(0) }
                w.bits(of: c.logicalWeights)
                for set in c.folded { w.thresholds(set) }
                w.flips(c.flip, count: c.geometry.outputChannels)
            case .maxPool:
                w.u32(LayerKind.maxPool.rawValue)
            case .dense(let d):
                w.u32(LayerKind.dense.rawValue)
                w.u32(UInt32(d.outputs))
                w.denseRecord(d)
            }
        }
    }

    static func decodeVersion2Body(_ r: inout ByteReader, layerCount: Int,
                                   bad: (String) -> PackedModelFileError) throws -> PackedModel {
        let h = Int(try r.u32()), w = Int(try r.u32()), c = Int(try r.u32())
        let limit = DenseLayerParameters.maximumWidth
        guard (1...limit).contains(h), (1...limit).contains(w), (1...limit).contains(c), h * w * c <= FeatureShape.maximumCount else {
            throw bad("input shape \(h)×\(w)×\(c) is not supported")
        }
        let inputShape = FeatureShape(height: h, width: w, channels: c)
        var shape = inputShape
        var layers: [PackedLayer] = []
        var flip: [UInt64] = []
        for k in 0..<layerCount {
            let rawKind = try r.u32()
            guard let kind = LayerKind(rawValue: rawKind) else { throw bad("layer \(k): unknown kind \(rawKind)") }
            let previous = layers.last
            switch kind {
            case .convolution:
                if case .dense? = previous { throw bad("layer \(k): a convolution cannot follow a dense layer") }
                let conv = try decodeConvolution(&r, input: shape, layer: k, bad: bad)
                flip = conv.flip
                layers.append(.convolution(conv))
            case .maxPool:
                switch previous {
                case .convolution?, .maxPool?: break
                default: throw bad("layer \(k): max-pooling must follow a convolution")
                }
                guard shape.height >= 2, shape.width >= 2 else { throw bad("layer \(k): cannot pool a \(shape) input") }
                layers.append(.maxPool(PackedMaxPool(inputShape: shape, flip: flip)))
            case .dense:
                let n = Int(try r.u32())
                guard (1...limit).contains(n), shape.count <= limit else { throw bad("layer \(k): dense shape \(shape.count)x\(n)") }
                let record = try r.denseRecord(outputs: n, inputs: shape.count, isOutputLayer: k == layerCount - 1,
                                               layer: k, bad: bad)
                layers.append(.dense(PackedDenseLayer(logicalWeights: record.weights, input: k == 0 ? .vector(shape.count) : shape,
                                                      output: record.output)))
            }
            shape = layers[k].outputShape
        }
        guard case .dense? = layers.last else { throw bad("the last layer is not a dense layer") }
        return PackedModel(inputShape: inputShape, packedLayers: layers)
    }

    private static func decodeConvolution(_ r: inout ByteReader, input shape: FeatureShape, layer k: Int,
                                          bad: (String) -> PackedModelFileError) throws -> PackedConvolution {
        let cout = Int(try r.u32())
        guard ConvolutionLayerParameters.supports(shape, outputChannels: cout) else {
            throw bad("layer \(k): convolution of \(shape) to \(cout) channels is not supported")
        }
        let paddingCode = try r.u32()
        guard paddingCode <= 1, k > 0 || paddingCode == 0 else { throw bad("layer \(k): padding \(paddingCode)") }
        let geometry = ConvolutionGeometry(inputHeight: shape.height, inputWidth: shape.width,
                                           inputChannels: shape.channels, outputChannels: cout)
        let weights = try r.bits(rows: cout, columns: geometry.patchLength)
        let sets = try (0..<(k == 0 ? ConvolutionBorder.classCount : 1)).map { _ in
            try r.thresholds(count: cout, layer: k, bad: bad)
        }
        let flip = try r.flips(count: cout, layer: k, bad: bad)
        return PackedConvolution(geometry: geometry, input: k == 0 ? .image : .binary(paddingCode == 1 ? .one : .zero),
                                 logicalWeights: weights, folded: sets.map { NeuronThresholds(thresholds: $0, flip: flip) })
    }
}
