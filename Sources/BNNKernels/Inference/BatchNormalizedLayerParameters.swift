/// The trained parameters of a layer that ends in a BatchNorm per output, dense or
/// convolution: latent weights, then γ, β, running mean μ, running variance σ² and ε.
///
/// `DenseLayerParameters` and `ConvolutionLayerParameters` each declare these fields
/// (the engine hands them over field by field); what is done with them, the checks and
/// the conversion to `BatchNormInference`, is written here once.
protocol BatchNormalizedLayerParameters {
    var latentWeights: [Float] { get }
    var bnGamma: [Float] { get }
    var bnBeta: [Float] { get }
    var bnRunningMean: [Float] { get }
    var bnRunningVar: [Float] { get }
    var bnEpsilon: Float { get }
}

extension BatchNormalizedLayerParameters {
    /// Checks `weightCount` finite latent weights and a BatchNorm of `outputs` channels
    /// (finite values, σ² + ε > 0) for layer `index`.
    func validateValues(weightCount: Int, outputs: Int, layer index: Int) throws(ModelParametersError) {
        try ModelParametersError.check(latentWeights, "latentWeights", weightCount, layer: index)
        try BatchNormInference.validate(gamma: bnGamma, beta: bnBeta, mean: bnRunningMean, variance: bnRunningVar,
                                        epsilon: bnEpsilon, count: outputs, layer: index)
    }
}
