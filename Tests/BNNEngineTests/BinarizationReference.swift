import BNNSupport

/// Plain scalar references for the binarization functions of Courbariaux et al. 2016 (the C loops
/// of `CTrainingKernels` are what training runs; tests check them against these).
///
/// - `sign` (deterministic): +1 if x >= 0, else -1. sign(0) is +1, never 0:
///   a zero would make the network ternary.
/// - `hardSigmoid`: σ(x) = clip((x + 1) / 2, 0, 1), the probability of +1 in
///   stochastic binarization.
/// - `straightThroughGradient`: the gradient of either binarization is taken
///   as that of hardtanh: it passes where |x| <= 1 and is cancelled elsewhere.
enum Binarization {
    /// Deterministic binarization: sign with sign(0) = +1.
    @inline(__always)
    static func sign(_ x: Float) -> Float { x >= 0 ? 1 : -1 }

    /// The hard sigmoid σ(x) = clip((x + 1) / 2, 0, 1).
    @inline(__always)
    static func hardSigmoid(_ x: Float) -> Float { min(max((x + 1) * 0.5, 0), 1) }

    /// Stochastic binarization: +1 with probability σ(x), else -1.
    @inline(__always)
    static func stochastic(_ x: Float, using generator: inout SeededGenerator) -> Float {
        generator.nextUnitFloat() < hardSigmoid(x) ? 1 : -1
    }

    /// The straight-through estimator's gate: 1 where |x| <= 1, 0 elsewhere.
    @inline(__always)
    static func straightThroughGradient(_ x: Float) -> Float { abs(x) <= 1 ? 1 : 0 }
}
