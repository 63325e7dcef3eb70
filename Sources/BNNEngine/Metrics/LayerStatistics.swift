import BNNKernels

/// A live view of one weight layer's latent weights (dense or convolution), for the
/// weight-clip panel.
///
/// Latent weights are the real values in [-1, 1] that training updates; the
/// binary weights used in the forward pass are their signs.
public struct LayerStatistics: Sendable, Equatable, Codable {
    /// Number of histogram bins over [-1, 1].
    public static let binCount = 40

    /// Dense: inputs and units. Convolution: input and output channels.
    public var inputs: Int
    public var outputs: Int
    /// The kernel side of a convolution (3), nil for a dense layer.
    public var kernelSize: Int?
    /// For a binary convolution: how many of its Cout·Cin 3×3 binary kernels are distinct,
    /// a kernel and its negation counted as one (see `UniqueFilters`); nil otherwise.
    public var uniqueFilters: Int?
    /// Counts of latent weights per bin over [-1, 1]; the first and last bins hold the clip edges.
    public var histogram: [Int]
    /// Fraction of latent weights with |w| >= 1 - 1e-6 (pinned at the clip).
    public var clipFraction: Double
    /// Fraction of binary weights whose sign flipped during the last completed epoch.
    public var flipRatio: Double
    /// Fraction of pre-activations in the last completed epoch where the STE cancelled the gradient.
    public var steCancelFraction: Double
    /// The product the layer's training forward pass ran in the last batch, a
    /// `ForwardProductKind` raw value ("pixels", "xnor", "sgemm", "direct"); nil for a
    /// recorded run, whose log does not say. A string, so that a client reading a newer
    /// server's snapshot shows a name it does not know instead of failing to decode.
    public var forwardProduct: String?

    public init(inputs: Int, outputs: Int, histogram: [Int], clipFraction: Double,
                flipRatio: Double, steCancelFraction: Double) {
        self.inputs = inputs; self.outputs = outputs; self.histogram = histogram
        self.clipFraction = clipFraction; self.flipRatio = flipRatio
        self.steCancelFraction = steCancelFraction
    }

    /// The layer's shape for panels: `784×1024` for dense, `3×3×32→64` for a convolution
    /// (`times` and `arrow` are the glyphs to use, e.g. "x" and "->" without Unicode).
    public func shapeLabel(times: String, arrow: String) -> String {
        guard let k = kernelSize else { return "\(inputs)\(times)\(outputs)" }
        return "\(k)\(times)\(k)\(times)\(inputs)\(arrow)\(outputs)"
    }

    /// The most distinct kernels a convolution can have, min(256, Cout·Cin); nil for dense.
    public var uniqueFilterLimit: Int? {
        kernelSize == nil ? nil : UniqueFilters.maximum(outputChannels: outputs, inputChannels: inputs)
    }

    /// Kernels of a convolution (Cout·Cin), or nil for a dense layer.
    public var filterCount: Int? { kernelSize == nil ? nil : inputs * outputs }
}
