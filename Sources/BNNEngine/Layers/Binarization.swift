import BNNSupport

/// The binarization functions of Courbariaux et al. 2016 and their gradient.
///
/// - `sign` (deterministic): +1 if x >= 0, else -1. sign(0) is +1, never 0:
///   a zero would make the network ternary.
/// - `hardSigmoid`: σ(x) = clip((x + 1) / 2, 0, 1), the probability of +1 in
///   stochastic binarization.
/// - `straightThroughGradient`: the gradient of either binarization is taken
///   as that of hardtanh: it passes where |x| <= 1 and is cancelled elsewhere.
public enum Binarization {
    /// Deterministic binarization: sign with sign(0) = +1.
    @inline(__always)
    public static func sign(_ x: Float) -> Float { x >= 0 ? 1 : -1 }

    /// The hard sigmoid σ(x) = clip((x + 1) / 2, 0, 1).
    @inlinable @inline(__always)
    public static func hardSigmoid(_ x: Float) -> Float { min(max((x + 1) * 0.5, 0), 1) }

    /// Stochastic binarization: +1 with probability σ(x), else -1.
    @inlinable @inline(__always)
    public static func stochastic(_ x: Float, using generator: inout SeededGenerator) -> Float {
        generator.nextUnitFloat() < hardSigmoid(x) ? 1 : -1
    }

    /// The straight-through estimator's gate: 1 where |x| <= 1, 0 elsewhere.
    @inline(__always)
    public static func straightThroughGradient(_ x: Float) -> Float { abs(x) <= 1 ? 1 : 0 }

    /// hardtanh(x) = clip(x, -1, 1): the float baseline's activation, whose
    /// derivative is exactly the straight-through gate.
    @inline(__always)
    public static func hardTanh(_ x: Float) -> Float { min(max(x, -1), 1) }
}

/// What stochastic binarization applies to in `stoch` runs.
///
/// BinaryNet's Torch7 experiments binarized activations stochastically and
/// weights deterministically; BinaryConnect's stochastic variant binarized
/// weights. The default follows BinaryNet (`activations`). At test time every
/// binarization is deterministic.
public enum StochasticTarget: String, Sendable, Codable, CaseIterable {
    case activations
    case weights
    case both

    var activations: Bool { self != .weights }
    var weights: Bool { self != .activations }
}
