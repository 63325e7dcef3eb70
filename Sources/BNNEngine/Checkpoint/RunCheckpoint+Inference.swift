import BNNKernels

extension RunCheckpoint {
    /// The trained parameters of every layer, for a packed inference model:
    /// latent weights (their signs are the binary weights) and BatchNorm's γ, β
    /// and running statistics. A float run has no binary weights to pack.
    public func denseLayerParameters() throws(CheckpointError) -> [DenseLayerParameters] {
        guard configuration.mode.isBinary else {
            throw .incompatible(reason: "a float run has no binary weights to pack; export a det or stoch checkpoint")
        }
        let arch = configuration.architecture
        return try (0..<arch.layerCount).map { (k: Int) throws(CheckpointError) -> DenseLayerParameters in
            let (inputs, outputs) = arch.layerShape(k)
            func named(_ name: String, _ count: Int) throws(CheckpointError) -> [Float] {
                guard let values = tensor(named: name), values.count == count else {
                    throw .incompatible(reason: "tensor \(name) is missing or has the wrong size")
                }
                return values
            }
            return DenseLayerParameters(
                inputs: inputs, outputs: outputs,
                latentWeights: try named("dense\(k).W", inputs * outputs),
                bnGamma: try named("bn\(k).gamma", outputs), bnBeta: try named("bn\(k).beta", outputs),
                bnRunningMean: try named("bn\(k).running_mean", outputs),
                bnRunningVar: try named("bn\(k).running_var", outputs),
                bnEpsilon: configuration.batchNormEpsilon)
        }
    }
}
