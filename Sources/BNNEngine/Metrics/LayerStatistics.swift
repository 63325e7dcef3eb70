/// A live view of one dense layer's latent weights, for the weight-clip panel.
///
/// Latent weights are the real values in [-1, 1] that training updates; the
/// binary weights used in the forward pass are their signs.
public struct LayerStatistics: Sendable, Equatable {
    /// Number of histogram bins over [-1, 1].
    public static let binCount = 40

    public var inputs: Int
    public var outputs: Int
    /// Counts of latent weights per bin over [-1, 1]; the first and last bins hold the clip edges.
    public var histogram: [Int]
    /// Fraction of latent weights with |w| >= 1 - 1e-6 (pinned at the clip).
    public var clipFraction: Double
    /// Fraction of binary weights whose sign flipped during the last completed epoch.
    public var flipRatio: Double
    /// Fraction of pre-activations in the last completed epoch where the STE cancelled the gradient.
    public var steCancelFraction: Double

    public init(inputs: Int, outputs: Int, histogram: [Int], clipFraction: Double,
                flipRatio: Double, steCancelFraction: Double) {
        self.inputs = inputs; self.outputs = outputs; self.histogram = histogram
        self.clipFraction = clipFraction; self.flipRatio = flipRatio
        self.steCancelFraction = steCancelFraction
    }
}
