/// A latent-weight histogram over the weights' own range (the 0.5th to the
/// 99.5th percentile) instead of [-1, 1], for the weight panel's zoom (`z`):
/// under Glorot initialization the weights sit within about ±0.03, where the
/// full-range histogram is a single spike.
///
/// It keeps the counts it leaves out (below and above the range) and the count
/// pinned at the clip (|w| >= 1 - 1e-6), so the zoom never hides saturation.
public struct ZoomedHistogram: Sendable, Equatable {
    public var low: Double
    public var high: Double
    public var counts: [Int]
    public var below: Int
    public var above: Int
    /// Weights at the clip edges ±1.
    public var clipped: Int
    public var total: Int

    /// The percentiles the range spans.
    public static let lowPercentile = 0.005, highPercentile = 0.995

    public init(low: Double, high: Double, counts: [Int], below: Int, above: Int, clipped: Int, total: Int) {
        self.low = low; self.high = high; self.counts = counts; self.below = below; self.above = above
        self.clipped = clipped; self.total = total
    }

    /// Fraction of [-1, 1] the range covers.
    public var occupiedFraction: Double { (high - low) / 2 }

    /// The histogram of `count` values in [-1, 1] with `bins` bins over their percentile range.
    /// Percentiles come from a 4000-bin pass over [-1, 1] (resolution 0.0005), then the values are binned again.
    public init(values: UnsafePointer<Float>, count: Int, bins: Int = LayerStatistics.binCount) {
        let fine = 4000
        var histogram = [Int](repeating: 0, count: fine)
        var clipped = 0
        // Latent weights live in [-1, 1]; a checkpoint from elsewhere may hold anything, so values
        // outside count at the nearer edge and non-finite ones are left out (never trap on them).
        for i in 0..<count {
            let v = Double(values[i])
            guard v.isFinite else { continue }
            if abs(v) >= 1 - 1e-6 { clipped += 1 }
            let unit = (Swift.min(1, Swift.max(-1, v)) + 1) / 2
            histogram[Swift.min(fine - 1, Swift.max(0, Int(unit * Double(fine))))] += 1
        }
        func percentile(_ p: Double, upper: Bool) -> Double {
            let target = Int((p * Double(count)).rounded(.down))
            var seen = 0
            for (b, n) in histogram.enumerated() {
                seen += n
                if seen > target { return -1 + 2 * Double(b + (upper ? 1 : 0)) / Double(fine) }
            }
            return 1
        }
        var low = percentile(Self.lowPercentile, upper: false), high = percentile(Self.highPercentile, upper: true)
        if high - low < 2e-3 { low -= 1e-3; high += 1e-3 }
        var counts = [Int](repeating: 0, count: bins)
        var below = 0, above = 0
        let width = (high - low) / Double(bins)
        for i in 0..<count {
            let v = Double(values[i])
            guard v.isFinite else { continue }
            if v < low { below += 1 } else if v >= high { above += 1 }
            else { counts[Swift.min(bins - 1, Int((v - low) / width))] += 1 }
        }
        self.init(low: low, high: high, counts: counts, below: below, above: above, clipped: clipped, total: count)
    }
}
