import BNNSupport
import BNNKernels

/// Turns an `Architecture` and a configuration into a `Network`'s stack of layers, drawing
/// the initial weights in layer order from the run's generator.
struct NetworkBuilder {
    let configuration: TrainingConfiguration
    let maxRows: Int

    struct Stack {
        var layers: [any NetworkLayer] = []
        var weightLayers: [any WeightLayer] = []
        var batchNorms: [BatchNorm] = []
        var binarizations: [BinarizationLayer?] = []
        var weightLayerPositions: [Int] = []
        var scoreGradient = FloatBuffer(count: 0)
    }

    func build(generator: inout SeededGenerator) -> Stack {
        let config = configuration, arch = config.architecture
        var stack = Stack()
        if config.inputDropout > 0 {
            stack.layers.append(DropoutLayer(size: arch.inputSize, probability: config.inputDropout, maxRows: maxRows))
        }
        for (k, shape) in arch.weightLayers.enumerated() {
            stack.weightLayerPositions.append(stack.layers.count)
            let layer = weightLayer(k, shape, generator: &generator)
            stack.weightLayers.append(layer)
            stack.layers.append(layer)
            if let g = shape.convolution, shape.pooled {
                let pool = MaxPoolLayer(height: g.outputHeight, width: g.outputWidth, channels: g.outputChannels,
                                        maxRows: maxRows, threads: config.threads)
                (layer as? ConvolutionLayer)?.fuse(pool: pool)
                stack.layers.append(pool)
            }
            let bn = BatchNorm(features: shape.outputs, positions: shape.positions, maxRows: maxRows,
                               epsilon: config.batchNormEpsilon, momentum: config.batchNormMomentum, index: k,
                               threads: config.threads)
            stack.batchNorms.append(bn)
            stack.layers.append(bn)
            guard k < arch.layerCount - 1 else { stack.binarizations.append(nil); continue }
            let stochastic = config.mode == .stochastic && config.stochasticTarget.activations
            let sign = BinarizationLayer(size: shape.outputSize, mode: config.mode,
                                         stochasticInTraining: stochastic, maxRows: maxRows, threads: config.threads)
            stack.binarizations.append(sign)
            stack.layers.append(sign)
            if config.hiddenDropout > 0 {
                stack.layers.append(DropoutLayer(size: shape.outputSize, probability: config.hiddenDropout, maxRows: maxRows))
            }
        }
        stack.scoreGradient = FloatBuffer(count: maxRows * arch.outputSize)
        return stack
    }

    /// Weight layer `k`: a convolution or a dense layer, its weights drawn from `generator`.
    private func weightLayer(_ k: Int, _ shape: WeightLayerShape, generator: inout SeededGenerator) -> any WeightLayer {
        let config = configuration, binary = config.mode.isBinary
        // BinaryNet's W_LR_scale = 1/H, H = sqrt(1.5 / (fan_in + fan_out)). Like the
        // initialization option, it applies to binary layers only, as in BinaryNet's code.
        let scale: Float = config.glorotLearningRateScale && binary
            ? Float(1 / (1.5 / Double(shape.fanIn + shape.fanOut)).squareRoot()) : 1
        let initialization = binary ? config.weightInitialization : .glorot
        guard let geometry = shape.convolution else {
            return DenseLayer(inputs: shape.inputs, outputs: shape.outputs, binary: binary, learningRateScale: scale,
                              index: k, maxRows: maxRows, passesGradient: k > 0, threads: config.threads,
                              initialization: initialization, generator: &generator)
        }
        // The first convolution sees the real image, always zero-padded; later ones read the padding option.
        return ConvolutionLayer(geometry: geometry, paddingValue: k == 0 ? 0 : config.padding.value, binary: binary,
                                learningRateScale: scale,
                                bound: initialization.bound(inputs: shape.fanIn, outputs: shape.fanOut),
                                index: k, maxRows: maxRows, passesGradient: k > 0, threads: config.threads,
                                generator: &generator)
    }
}
