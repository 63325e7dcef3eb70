import Foundation

/// The range and round tick values of one chart axis, linear or logarithmic.
///
/// Charts pick ticks here so labels are always round numbers (1-2-2.5-5 steps,
/// or 1-2-5 / 1-1.5-2-3-5-7 per decade on a log axis) and never crowd.
public struct AxisScale: Sendable, Equatable {
    public var lower: Double
    public var upper: Double
    public var ticks: [Double]
    public var isLogarithmic: Bool

    public init(lower: Double, upper: Double, ticks: [Double], isLogarithmic: Bool) {
        self.lower = lower; self.upper = upper; self.ticks = ticks; self.isLogarithmic = isLogarithmic
    }

    /// Where `value` sits between `lower` (0) and `upper` (1); nil when it cannot be drawn
    /// (not finite, or not positive on a log axis). Values outside the range are not clamped.
    public func fraction(of value: Double) -> Double? {
        guard value.isFinite else { return nil }
        if isLogarithmic {
            guard value > 0, lower > 0, upper > lower else { return nil }
            return (log10(value) - log10(lower)) / (log10(upper) - log10(lower))
        }
        guard upper > lower else { return nil }
        return (value - lower) / (upper - lower)
    }

    /// The row (0 = top) of `value` on a plot of `rows` rows of `dotsPerRow` dots each:
    /// the row of the dot the chart draws the value at. Nil when it cannot be drawn.
    public func row(of value: Double, rows: Int, dotsPerRow: Int) -> Int? {
        guard let f = fraction(of: value), rows > 0 else { return nil }
        let dot = Int(((1 - f) * Double(rows * dotsPerRow - 1)).rounded())
        return dot / dotsPerRow
    }

    /// A linear axis covering `min...max` whose ends are multiples of the tick step;
    /// the smallest 1-2-2.5-5 step giving at most `maxTicks` ticks.
    public static func linear(min lo: Double, max hi: Double, maxTicks: Int) -> AxisScale {
        var lo = lo, hi = hi
        if !(lo.isFinite && hi.isFinite) { lo = 0; hi = 1 }
        if hi < lo { swap(&lo, &hi) }
        if hi - lo <= 1e-9 * Swift.max(1, abs(hi)) {
            // A flat series: open a small range around it, not below zero for a non-negative value.
            let value = (lo + hi) / 2
            let pad = value == 0 ? 1 : abs(value) * 0.1
            lo = value >= 0 ? Swift.max(0, value - pad) : value - pad
            hi = value + pad
        }
        let limit = Swift.max(2, maxTicks)
        let rough = (hi - lo) / Double(limit - 1)
        var exponent = Int(floor(log10(rough))) - 1
        while true {
            let base = pow(10, Double(exponent))
            for mantissa in [1.0, 2.0, 2.5, 5.0] {
                let step = mantissa * base
                let first = (lo / step + 1e-9).rounded(.down)
                let last = (hi / step - 1e-9).rounded(.up)
                let count = Int(last - first) + 1
                if count >= 2 && count <= limit {
                    let ticks = (0..<count).map { clean((first + Double($0)) * step, step: step) }
                    return AxisScale(lower: ticks[0], upper: ticks[count - 1], ticks: ticks, isLogarithmic: false)
                }
            }
            exponent += 1
        }
    }

    /// A logarithmic axis covering `min...max` (both > 0) whose ends are tick values.
    /// Uses the densest tick set per decade whose ticks land on rows at least
    /// `minimumGap` apart on a plot of `rows` rows of `dotsPerRow` dots, falling back to sparser sets.
    public static func logarithmic(min lo: Double, max hi: Double, rows: Int, dotsPerRow: Int,
                                   minimumGap: Int) -> AxisScale {
        var lo = lo, hi = hi
        if !(lo > 0 && lo.isFinite) { lo = Swift.min(hi > 0 && hi.isFinite ? hi : 1, 1) / 10 }
        if !(hi > 0 && hi.isFinite) { hi = lo * 10 }
        if hi < lo { swap(&lo, &hi) }
        let sets: [[Double]] = [[1, 1.5, 2, 3, 5, 7], [1, 2, 3, 5], [1, 2, 5], [1, 3], [1]]
        for set in sets {
            let scale = logScale(lo: lo, hi: hi, mantissas: set)
            if fits(scale, rows: rows, dotsPerRow: dotsPerRow, minimumGap: minimumGap) { return scale }
        }
        // Many decades: every k-th decade.
        var every = 2
        while true {
            let lowerExp = Int(floor(log10(lo) + 1e-9)), upperExp = Int(ceil(log10(hi) - 1e-9))
            let start = Int((Double(lowerExp) / Double(every)).rounded(.down)) * every
            var ticks: [Double] = []
            var e = start
            while true {
                ticks.append(pow(10, Double(e)))
                if e >= upperExp { break }
                e += every
            }
            let scale = AxisScale(lower: ticks[0], upper: ticks[ticks.count - 1], ticks: ticks, isLogarithmic: true)
            if fits(scale, rows: rows, dotsPerRow: dotsPerRow, minimumGap: minimumGap) || every > 64 { return scale }
            every *= 2
        }
    }

    private static func logScale(lo: Double, hi: Double, mantissas: [Double]) -> AxisScale {
        let e0 = Int(floor(log10(lo))) - 1, e1 = Int(ceil(log10(hi))) + 1
        var candidates: [Double] = []
        for e in e0...e1 {
            let base = pow(10, Double(e))
            for m in mantissas { candidates.append(clean(m * base, step: base / 10)) }
        }
        let lower = candidates.last(where: { $0 <= lo * (1 + 1e-9) }) ?? candidates[0]
        var upper = candidates.first(where: { $0 >= hi * (1 - 1e-9) }) ?? candidates[candidates.count - 1]
        if upper <= lower { upper = candidates.first(where: { $0 > lower }) ?? lower * 10 }
        let ticks = candidates.filter { $0 >= lower && $0 <= upper }
        return AxisScale(lower: lower, upper: upper, ticks: ticks, isLogarithmic: true)
    }

    private static func fits(_ scale: AxisScale, rows: Int, dotsPerRow: Int, minimumGap: Int) -> Bool {
        guard rows > 1 else { return scale.ticks.count <= 1 }
        // Ticks ascend, so their rows descend.
        let positions = scale.ticks.compactMap { scale.row(of: $0, rows: rows, dotsPerRow: dotsPerRow) }
        for i in 1..<Swift.max(1, positions.count) where positions[i - 1] - positions[i] < minimumGap {
            return false
        }
        return true
    }

    /// Rounds away binary noise (0.30000000000000004 → 0.3) at the step's precision.
    private static func clean(_ v: Double, step: Double) -> Double {
        let digits = Swift.max(0, Swift.min(15, -Int(floor(log10(step))) + 3))
        let p = pow(10, Double(digits))
        return (v * p).rounded() / p
    }

    /// Labels for `ticks` with the fewest decimals that show every tick exactly;
    /// `suffix` is appended (e.g. "%").
    public static func labels(for ticks: [Double], suffix: String = "") -> [String] {
        var decimals = 0
        while decimals < 6 {
            let p = pow(10, Double(decimals))
            if ticks.allSatisfy({ abs($0 * p - ($0 * p).rounded()) < 1e-6 * Swift.max(1, abs($0 * p)) }) { break }
            decimals += 1
        }
        return ticks.map { String(format: "%.\(decimals)f", $0) + suffix }
    }
}
