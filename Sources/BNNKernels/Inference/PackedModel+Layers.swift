/// What one layer of a packed model holds, read-only, for code that re-expresses the
/// packed model elsewhere (the C generator, the model summary in BNNDeploy).
///
/// The values are the ones the model file stores (`logicalWeights`, `folded`), not the
/// kernels' internal layouts, so a reader can reproduce the packed model's integers.
public enum PackedLayerView: Sendable {
    case convolution(PackedConvolutionView)
    /// 2×2 max-pooling of `input`; `flip` are the pooled channels' flip bits (⌈C/64⌉ words):
    /// OR of the four bits where clear, AND where set.
    case maxPool(input: FeatureShape, flip: [UInt64])
    /// A dense layer reading `input` (NHWC-flattened after a convolution, the flat image first).
    case dense(input: FeatureShape, outputs: Int)
}

/// A packed 3×3 convolution (stride 1, padding 1) as the model file stores it.
public struct PackedConvolutionView: Sendable {
    public let geometry: ConvolutionGeometry
    /// nil for the first layer (the 8-bit image, always zero-padded); else the binary input's padding.
    public let padding: ConvolutionPadding?
    /// W_b as Cout rows of 9·Cin bits ordered (ky, kx, c), 1 = +1.
    public let weights: BitPackedMatrix
    /// First layer: one set per border class (`borderClassCount`) on P = p·W_b over the
    /// zero-padded patch. A binary layer: one set on the true sum over the taps (an outside
    /// tap reads +1 with one-padding, 0 with zero-padding). All sets share their flip bits.
    public let thresholds: [NeuronThresholds]

    /// Number of border classes of the first layer's threshold sets.
    public static let borderClassCount = ConvolutionBorder.classCount

    /// The border class of output position (y, x): which threshold set of the first layer applies.
    public func borderClass(y: Int, x: Int) -> Int {
        ConvolutionBorder.index(y: y, x: x, height: geometry.outputHeight, width: geometry.outputWidth)
    }
}

extension PackedModel {
    /// Layer `index` (0 ..< `layerCount`) as the model file stores it.
    public func view(layer index: Int) -> PackedLayerView {
        switch layers[index] {
        case .convolution(let c):
            var padding: ConvolutionPadding?
            if case .binary(let p) = c.input { padding = p }
            return .convolution(PackedConvolutionView(geometry: c.geometry, padding: padding,
                                                      weights: c.logicalWeights, thresholds: c.folded))
        case .maxPool(let p):
            return .maxPool(input: p.inputShape, flip: p.flip)
        case .dense(let d):
            return .dense(input: index == 0 ? .vector(d.inputs) : shapes[index], outputs: d.outputs)
        }
    }
}
