import BNNSupport
import BNNKernels

/// A BinaryNet network as a sequential stack of `NetworkLayer`s, built from an
/// `Architecture`: for every weight layer k (dense or 3×3 convolution),
/// s_k = a_{k-1}^b · W_k^b, [2×2 max-pool], a_k = BatchNorm(s_k), and for hidden layers
/// a_k^b = Binarize(a_k) (hardtanh in float mode). The first layer's input is the
/// real-valued image; the output layer's BatchNorm output is the score. Optional dropout
/// (the BinaryNet code's, off by default) drops image pixels and hidden binarized
/// activations in training only.
///
/// `trainStep` runs the paper's Algorithm 1 on one batch: forward, backward with the
/// straight-through estimator gated at |a| <= 1, and the update with clipping. Every layer
/// owns its buffers, allocated once for `maxRows` rows; the network only keeps each
/// layer's input for the backward pass. Parameter names (`dense3.W`, `conv0.W`, `bn1.gamma`)
/// are made here, by weight-layer index, and nowhere else.
final class Network {
    let configuration: TrainingConfiguration
    let maxRows: Int
    var optimizer: Optimizer
    /// The stack, input to output.
    let layers: [any NetworkLayer]
    /// The layers with weights, their BatchNorms and the binarization after each (nil for
    /// the output layer), by weight-layer index.
    let weightLayers: [any WeightLayer]
    let batchNorms: [BatchNorm]
    let binarizations: [BinarizationLayer?]
    /// Where each weight layer sits in `layers`.
    private let weightLayerPositions: [Int]
    /// Every layer's input in the last forward pass.
    private var layerInputs: [UnsafePointer<Float>]
    /// ∂C/∂scores, rows x classes.
    private let scoreGradient: FloatBuffer

    init(configuration: TrainingConfiguration, maxRows: Int, generator: inout SeededGenerator) {
        self.configuration = configuration
        self.maxRows = maxRows
        let stack = NetworkBuilder(configuration: configuration, maxRows: maxRows).build(generator: &generator)
        layers = stack.layers
        weightLayers = stack.weightLayers
        batchNorms = stack.batchNorms
        binarizations = stack.binarizations
        weightLayerPositions = stack.weightLayerPositions
        let placeholder = UnsafePointer(stack.scoreGradient.pointer)
        layerInputs = Array(repeating: placeholder, count: stack.layers.count)
        scoreGradient = stack.scoreGradient
        optimizer = Optimizer(kind: configuration.optimizer, threads: configuration.threads)
        for k in weightLayers.indices where hasBinaryInput(k) {
            (weightLayers[k] as? ConvolutionLayer)?.signInput = true
            if let dense = weightLayers[k] as? DenseLayer {
                dense.signInputGradient = SignGEMM(maxRows: maxRows, inputs: dense.inputs, threads: configuration.threads)
            }
        }
        if weightLayerPositions[0] == 0, let first = weightLayers[0] as? DenseLayer {
            if configuration.mode.isBinary {
                let pixelForward = PixelDenseProduct(maxRows: maxRows, inputs: first.inputs, outputs: first.outputs,
                                                     variant: (try? KernelVariant.current) ?? .best,
                                                     threads: configuration.threads)
                first.pixelForward = pixelForward
                // The optimizer packs sign(W) straight into the product's nibbles, with no float W_b.
                first.latent.linkPackedSigns(pixelForward.weights, writtenByOptimizer: !stochasticWeights,
                                             replacingFloat: true)
            }
            first.pixelGradient = PixelWeightGradient(maxRows: maxRows, inputs: first.inputs,
                                                      threads: configuration.threads)
        }
    }

    var layerCount: Int { weightLayers.count }
    var classCount: Int { configuration.architecture.outputSize }

    /// Weights drawn as floats before every batch (their optimizer keeps writing float W_b only).
    var stochasticWeights: Bool {
        configuration.mode == .stochastic && configuration.stochasticTarget.weights
    }

    /// Forward pass over `rows` inputs (rows x inputSize). Returns the scores (rows x classes).
    /// Training uses batch statistics and, in `stoch` mode, stochastic binarization.
    @discardableResult
    func forward(input: UnsafePointer<Float>, rows: Int, training: Bool,
                 generator: inout SeededGenerator) -> UnsafePointer<Float> {
        precondition(rows > 0 && rows <= maxRows)
        var x = input
        for i in layers.indices {
            layerInputs[i] = x
            x = layers[i].forward(x, rows: rows, training: training, generator: &generator)
        }
        return x
    }

    /// One step of the paper's training algorithm on a batch. Returns the batch's score;
    /// when the loss is not finite, no parameter is changed.
    func trainStep(input: UnsafePointer<Float>, labels: UnsafePointer<Int32>, rows: Int,
                   learningRate: Double, generator: inout SeededGenerator) -> BatchScore {
        if stochasticWeights {
            withUnsafeMutablePointer(to: &generator) { g in
                for layer in weightLayers { layer.latent.refresh(stochasticWith: g) }
            }
        }
        let score = computeGradients(input: input, labels: labels, rows: rows, generator: &generator)
        guard score.lossSum.isFinite else { return score }
        // The optimizer also writes W_b = sign(W); stochastic weights are drawn before each forward.
        optimizer.apply(to: allParameters, learningRate: learningRate)
        return score
    }

    /// Forward in training mode, the loss, and the backward pass: leaves ∂C/∂θ in every
    /// parameter's gradient (C = the batch's mean loss) and changes no parameter.
    func computeGradients(input: UnsafePointer<Float>, labels: UnsafePointer<Int32>, rows: Int,
                          generator: inout SeededGenerator) -> BatchScore {
        let scores = forward(input: input, rows: rows, training: true, generator: &generator)
        let score = Loss.evaluate(configuration.loss, scores: scores, labels: labels, rows: rows,
                                  classes: classCount, gradient: scoreGradient.pointer)
        if score.lossSum.isFinite { backward(rows: rows) }
        return score
    }

    /// Backward pass from ∂C/∂scores, down to the first weight layer (whose input is the image).
    private func backward(rows: Int) {
        let first = weightLayerPositions[0]
        var gradient = scoreGradient.pointer
        for i in stride(from: layers.count - 1, through: first, by: -1) {
            guard let next = layers[i].backward(input: layerInputs[i], outputGradient: gradient, rows: rows,
                                                needsInputGradient: i > first) else { return }
            gradient = next
        }
    }

    /// Scores `rows` inputs in evaluation mode (running BatchNorm statistics, deterministic sign).
    /// `observe` sees the scores (rows x classes) before they are scored.
    func evaluate(input: UnsafePointer<Float>, labels: UnsafePointer<Int32>, rows: Int,
                  observe: (UnsafePointer<Float>) -> Void = { _ in }) -> BatchScore {
        if stochasticWeights { for layer in weightLayers { layer.latent.refresh() } }
        var unused = SeededGenerator(seed: 0)
        let scores = forward(input: input, rows: rows, training: false, generator: &unused)
        observe(scores)
        return Loss.evaluate(configuration.loss, scores: scores, labels: labels, rows: rows,
                             classes: classCount, gradient: nil)
    }

    /// Whether weight layer `k` sees ±1 inputs: binary modes, after a sign, no dropout between.
    func hasBinaryInput(_ k: Int) -> Bool {
        let position = weightLayerPositions[k]
        return configuration.mode.isBinary && position > 0 && layers[position - 1] is BinarizationLayer
    }

    /// Starts a new epoch's statistics (flip ratio, STE cancel fraction).
    func beginEpochStatistics() {
        for layer in weightLayers { layer.latent.markEpochStart() }
        for b in binarizations { b?.resetCounts() }
    }

    /// Per weight layer statistics since `beginEpochStatistics`. The output layer has no
    /// binarized activation, so its STE-cancel fraction is 0.
    func layerStatistics() -> [LayerStatistics] {
        weightLayers.indices.map { k in
            weightLayers[k].statistics(steCancelFraction: binarizations[k]?.cancelFraction ?? 0)
        }
    }

    /// Every parameter tensor, for the optimizer, gradient checks and checkpoints, in a fixed
    /// order: the weights of every layer, then every BatchNorm's γ and β.
    var allParameters: [Parameter] {
        weightLayers.map(\.latent.parameter) + batchNorms.flatMap(\.parameters)
    }
}
