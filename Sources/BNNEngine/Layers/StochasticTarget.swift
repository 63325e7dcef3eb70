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
