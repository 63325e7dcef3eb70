/// A hidden layer's BatchNorm + sign folded into one integer comparison per neuron.
///
/// For neuron j the activation sign(a_j) with a_j = BatchNorm(s_j) is monotone in
/// the integer sum s_j: non-decreasing when γ_j > 0, non-increasing when γ_j < 0,
/// constant when γ_j = 0. So bit_j = (s_j >= T_j) XOR flip_j for one integer T_j,
/// and the layer needs no float arithmetic at all. T_j is found by bisection on
/// the float expression itself (every float operation rounds monotonically), so
/// the comparison agrees with the float evaluation for every possible s, not
/// just approximately.
public struct NeuronThresholds: Sendable, Equatable {
    /// T_j per neuron, in (−2^30, 2^30] ∪ {±2^30 sentinels}.
    public let thresholds: [Int32]
    /// Bit j set when neuron j's comparison is inverted (γ_j < 0), ceil(n/64) words.
    public let flip: [UInt64]

    /// A threshold no sum reaches: the neuron is always +1 (…always−1 with flip).
    public static let always: Int32 = -(1 << 30)
    /// A threshold every sum stays below: the neuron is always −1.
    public static let never: Int32 = 1 << 30

    public init(thresholds: [Int32], flip: [UInt64]) {
        self.thresholds = thresholds
        self.flip = flip
    }

    /// Whether neuron j fires (+1) for the integer sum s.
    public func activation(neuron j: Int, sum s: Int32) -> Bool {
        let flipped = (flip[j / 64] >> UInt64(j % 64)) & 1 == 1
        return (s >= thresholds[j]) != flipped
    }

    /// The thresholds for a sum that exceeds this one by `offset(j)` for neuron j
    /// (sentinels stay sentinels): (s + d >= T + d) ⇔ (s >= T).
    func shifted(by offset: (Int) -> Int) -> NeuronThresholds {
        let moved = thresholds.enumerated().map { j, t -> Int32 in
            t <= Self.always || t >= Self.never ? t : t + Int32(offset(j))
        }
        return NeuronThresholds(thresholds: moved, flip: flip)
    }

    /// Flip bits set exactly where BatchNorm decreases (γ < 0), ⌈n/64⌉ words.
    static func decreasing(_ batchNorm: BatchNormInference) -> [UInt64] {
        var words = [UInt64](repeating: 0, count: (batchNorm.count + 63) / 64)
        for j in 0..<batchNorm.count where batchNorm.gamma[j] < 0 { words[j / 64] |= 1 << UInt64(j % 64) }
        return words
    }

    /// The same comparisons with `flip` as the flip bits: a constant neuron (a sentinel
    /// threshold) can take either flip by swapping its sentinel. Max-pooling needs the flip
    /// bits to say which way BatchNorm runs (OR or AND), whatever the neuron's constancy.
    func withFlip(_ flip: [UInt64]) -> NeuronThresholds {
        let moved = thresholds.enumerated().map { j, t -> Int32 in
            let bit = UInt64(1) << UInt64(j % 64)
            guard (self.flip[j / 64] ^ flip[j / 64]) & bit != 0 else { return t }
            precondition(t == Self.always || t == Self.never, "neuron \(j) is not constant and its flip bit differs")
            return t == Self.always ? Self.never : Self.always
        }
        return NeuronThresholds(thresholds: moved, flip: flip)
    }

    /// Folds sign(BatchNorm(pre(j, s))) >= 0 over the integer sums `range` into thresholds.
    ///
    /// - Parameters:
    ///   - batchNorm: the layer's BatchNorm.
    ///   - range: every value the integer sum can take (e.g. −K...K).
    ///   - preactivation: the float s the BatchNorm sees for neuron j and integer sum s.
    static func fold(batchNorm: BatchNormInference, range: ClosedRange<Int>,
                     preactivation: (Int, Int) -> Float) -> NeuronThresholds {
        let n = batchNorm.count
        var thresholds = [Int32](repeating: never, count: n)
        var flip = [UInt64](repeating: 0, count: (n + 63) / 64)
        let lo = range.lowerBound, hi = range.upperBound
        for j in 0..<n {
            func fires(_ s: Int) -> Bool { batchNorm.apply(preactivation(j, s), neuron: j) >= 0 }
            let gamma = batchNorm.gamma[j]
            if gamma == 0 {
                thresholds[j] = fires(lo) ? always : never
            } else if gamma > 0 {
                // Non-decreasing: the smallest s that fires.
                if !fires(hi) {
                    thresholds[j] = never
                } else if fires(lo) {
                    thresholds[j] = always
                } else {
                    var off = lo, on = hi
                    while on - off > 1 {
                        let mid = off + (on - off) / 2
                        if fires(mid) { on = mid } else { off = mid }
                    }
                    thresholds[j] = Int32(on)
                }
            } else {
                // Non-increasing: fires for s <= the largest s that fires, i.e. NOT (s >= that + 1).
                if !fires(lo) {
                    thresholds[j] = never
                } else if fires(hi) {
                    thresholds[j] = always
                } else {
                    var on = lo, off = hi
                    while off - on > 1 {
                        let mid = on + (off - on) / 2
                        if fires(mid) { on = mid } else { off = mid }
                    }
                    thresholds[j] = Int32(on + 1)
                    flip[j / 64] |= 1 << UInt64(j % 64)
                }
            }
        }
        return NeuronThresholds(thresholds: thresholds, flip: flip)
    }
}
