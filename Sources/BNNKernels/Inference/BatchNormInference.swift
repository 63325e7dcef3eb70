/// BatchNorm at inference, a = γ·(s − μ)/sqrt(σ² + ε) + β, evaluated in one fixed order.
///
/// The packed model folds sign(a) of hidden layers into integer thresholds and
/// keeps the output layer's a in float; the float reference evaluates a
/// directly. Both use these functions, with the same float operations in the
/// same order, which is what makes their predictions identical bit for bit.
public struct BatchNormInference: Sendable, Equatable {
    public let gamma: [Float]
    public let beta: [Float]
    public let mean: [Float]
    public let variance: [Float]
    public let epsilon: Float
    /// sqrt(σ² + ε) per neuron.
    public let standardDeviation: [Float]

    public init(gamma: [Float], beta: [Float], mean: [Float], variance: [Float], epsilon: Float) {
        self.gamma = gamma
        self.beta = beta
        self.mean = mean
        self.variance = variance
        self.epsilon = epsilon
        standardDeviation = variance.map { Self.standardDeviation(variance: $0, epsilon: epsilon) }
    }

    /// The BatchNorm of a dense or convolution layer's parameters.
    init(_ layer: some BatchNormalizedLayerParameters) {
        self.init(gamma: layer.bnGamma, beta: layer.bnBeta, mean: layer.bnRunningMean,
                  variance: layer.bnRunningVar, epsilon: layer.bnEpsilon)
    }

    public var count: Int { gamma.count }

    /// Checks a layer's BatchNorm parameters: `count` finite values each and σ² + ε > 0.
    static func validate(gamma: [Float], beta: [Float], mean: [Float], variance: [Float], epsilon: Float,
                         count: Int, layer index: Int) throws(ModelParametersError) {
        try ModelParametersError.check(gamma, "bnGamma", count, layer: index)
        try ModelParametersError.check(beta, "bnBeta", count, layer: index)
        try ModelParametersError.check(mean, "bnRunningMean", count, layer: index)
        try ModelParametersError.check(variance, "bnRunningVar", count, layer: index)
        guard epsilon.isFinite else { throw .nonFinite(layer: index, field: "bnEpsilon", index: 0) }
        for j in 0..<count {
            let sd = standardDeviation(variance: variance[j], epsilon: epsilon)
            guard sd > 0, sd.isFinite else { throw .nonPositiveVariance(layer: index, neuron: j) }
        }
    }

    @inline(__always)
    static func standardDeviation(variance: Float, epsilon: Float) -> Float { (variance + epsilon).squareRoot() }

    /// a = γ·(s − μ)/sd + β for neuron j.
    @inline(__always)
    public func apply(_ s: Float, neuron j: Int) -> Float {
        Self.apply(s, gamma: gamma[j], mean: mean[j], standardDeviation: standardDeviation[j], beta: beta[j])
    }

    @inline(__always)
    static func apply(_ s: Float, gamma: Float, mean: Float, standardDeviation: Float, beta: Float) -> Float {
        gamma * (s - mean) / standardDeviation + beta
    }
}

/// The index of the first largest score (argmax, ties to the lowest class).
@inline(__always)
func argmax(_ scores: UnsafePointer<Float>, count: Int) -> Int {
    var best = 0
    for c in 1..<max(count, 1) where scores[c] > scores[best] { best = c }
    return best
}
