/// How a run turns real values into ±1, the axis the source report compares.
///
/// - `deterministic` (`det`): sign(x), with sign(0) = +1 (never 0).
/// - `stochastic` (`stoch`): +1 with probability hard_sigmoid(x) = clip((x+1)/2, 0, 1)
///   during training, deterministic sign at test time.
/// - `float`: the same architecture and BatchNorm without binarization (hardtanh
///   activations, real weights): the report's non-binary baseline.
public enum BinarizationMode: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    case deterministic = "det"
    case stochastic = "stoch"
    case float = "float"

    public var description: String { rawValue }

    /// Whether weights and hidden activations are binarized at all.
    public var isBinary: Bool { self != .float }
}
