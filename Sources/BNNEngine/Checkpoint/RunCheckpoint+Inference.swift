import BNNKernels

extension RunCheckpoint {
    /// The trained network for a packed inference model: per weight layer k, the latent
    /// weights (`conv{k}.W`, Cout x 9·Cin, or `dense{k}.W`, inputs x outputs; their signs
    /// are the binary weights) and BatchNorm's γ, β and running statistics (`bn{k}.*`),
    /// with a max-pooling after each pooled convolution. The input shape is the
    /// architecture's image for a ConvNet and a flat vector for an MLP (whose packed file
    /// then stays version 1). A float run has no binary weights to pack.
    public func inferenceNetwork() throws(CheckpointError) -> InferenceNetworkParameters {
        guard configuration.mode.isBinary else {
            throw .notBinary
        }
        let arch = configuration.architecture
        func named(_ name: String, _ count: Int) throws(CheckpointError) -> [Float] {
            guard let values = tensor(named: name), values.count == count else {
                throw .incompatible(reason: "tensor \(name) is missing or has the wrong size")
            }
            return values
        }
        let epsilon = configuration.batchNormEpsilon
        var layers: [InferenceLayerParameters] = []
        for (k, shape) in arch.weightLayers.enumerated() {
            let n = shape.outputs
            let gamma = try named("bn\(k).gamma", n), beta = try named("bn\(k).beta", n)
            let mean = try named("bn\(k).running_mean", n), variance = try named("bn\(k).running_var", n)
            if let geometry = shape.convolution {
                layers.append(.convolution(ConvolutionLayerParameters(
                    geometry: geometry, padding: configuration.padding,
                    latentWeights: try named("conv\(k).W", geometry.weightCount),
                    bnGamma: gamma, bnBeta: beta, bnRunningMean: mean, bnRunningVar: variance, bnEpsilon: epsilon)))
                if shape.pooled { layers.append(.maxPool) }
            } else {
                layers.append(.dense(DenseLayerParameters(
                    inputs: shape.inputs, outputs: n, latentWeights: try named("dense\(k).W", shape.inputs * n),
                    bnGamma: gamma, bnBeta: beta, bnRunningMean: mean, bnRunningVar: variance, bnEpsilon: epsilon)))
            }
        }
        let input = arch.input
        let inputShape = arch.hasConvolutions
            ? FeatureShape(height: input.height, width: input.width, channels: input.channels)
            : .vector(input.size)
        return InferenceNetworkParameters(inputShape: inputShape, layers: layers)
    }

    /// The dense layers of an MLP checkpoint (see `inferenceNetwork()`).
    public func denseLayerParameters() throws(CheckpointError) -> [DenseLayerParameters] {
        try inferenceNetwork().layers.map { (layer) throws(CheckpointError) -> DenseLayerParameters in
            guard case .dense(let d) = layer else { throw .incompatible(reason: "a ConvNet is not a stack of dense layers") }
            return d
        }
    }
}
