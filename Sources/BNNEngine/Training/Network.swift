import BNNSupport
import BNNKernels
import CTrainingKernels

/// A BinaryNet multilayer perceptron: for k = 1…L,
/// s_k = a_{k-1}^b · W_k^b, a_k = BatchNorm(s_k), and for hidden layers
/// a_k^b = Binarize(a_k) (hardtanh in float mode). The first layer's input is
/// the real-valued image; the output layer's BatchNorm output is the score.
/// Optional dropout (the BinaryNet code's, off by default) drops image pixels and
/// hidden binarized activations in training only.
///
/// `trainStep` runs the paper's Algorithm 1 on one batch: forward,
/// backward with the straight-through estimator gated at |a| <= 1, and the
/// update with clipping. All buffers are allocated once for `maxRows` rows.
final class Network {
    let configuration: TrainingConfiguration
    let dense: [DenseLayer]
    let batchNorms: [BatchNorm]
    let maxRows: Int
    var optimizer: Optimizer

    /// Per layer, rows x outputs: s (pre-BN), a (BN output), a^b (the activation passed on).
    private let preActivations: [FloatBuffer]
    private let normalizedOutputs: [FloatBuffer]
    private let activations: [FloatBuffer]
    /// Per layer, rows x outputs: ∂C/∂a, then ∂C/∂s.
    private let outputGradients: [FloatBuffer]
    private let preActivationGradients: [FloatBuffer]
    /// Dropout (training only): the image after input dropout, and per hidden layer the
    /// factor each activation was multiplied by (1 / (1 - p) or 0), for the backward pass.
    private let droppedInput: FloatBuffer?
    private let inputDropoutMask: FloatBuffer?
    private let hiddenDropoutMasks: [FloatBuffer]
    /// Pre-activations where the STE cancelled the gradient, and the total seen, per layer this epoch.
    private(set) var steCancelled: [Int]
    private(set) var steSeen: [Int]

    private var parameters: [Parameter] {
        dense.map(\.weights) + batchNorms.flatMap { [$0.gamma, $0.beta] }
    }

    init(configuration: TrainingConfiguration, maxRows: Int, generator: inout SeededGenerator) {
        self.configuration = configuration
        self.maxRows = maxRows
        let arch = configuration.architecture
        let binary = configuration.mode.isBinary
        var dense: [DenseLayer] = []
        var batchNorms: [BatchNorm] = []
        for k in 0..<arch.layerCount {
            let (fanIn, fanOut) = arch.layerShape(k)
            // BinaryNet's W_LR_scale = 1/H, H = sqrt(1.5 / (fan_in + fan_out)). Like the
            // initialization option, it applies to binary layers only, as in BinaryNet's code.
            let scale: Float = configuration.glorotLearningRateScale && binary
                ? Float(1 / (1.5 / Double(fanIn + fanOut)).squareRoot()) : 1
            dense.append(DenseLayer(inputs: fanIn, outputs: fanOut, binary: binary,
                                    learningRateScale: scale, index: k, threads: configuration.threads,
                                    initialization: binary ? configuration.weightInitialization : .glorot,
                                    generator: &generator))
            batchNorms.append(BatchNorm(features: fanOut, maxRows: maxRows,
                                        epsilon: configuration.batchNormEpsilon,
                                        momentum: configuration.batchNormMomentum, index: k))
        }
        self.dense = dense
        self.batchNorms = batchNorms
        let sizes = (0..<arch.layerCount).map { maxRows * arch.layerShape($0).outputs }
        preActivations = sizes.map { FloatBuffer(count: $0) }
        normalizedOutputs = sizes.map { FloatBuffer(count: $0) }
        activations = sizes.map { FloatBuffer(count: $0) }
        outputGradients = sizes.map { FloatBuffer(count: $0) }
        preActivationGradients = sizes.map { FloatBuffer(count: $0) }
        let inputCount = maxRows * arch.inputSize
        droppedInput = configuration.inputDropout > 0 ? FloatBuffer(count: inputCount) : nil
        inputDropoutMask = configuration.inputDropout > 0 ? FloatBuffer(count: inputCount) : nil
        hiddenDropoutMasks = configuration.hiddenDropout > 0 ? sizes.dropLast().map { FloatBuffer(count: $0) } : []
        steCancelled = Array(repeating: 0, count: arch.layerCount)
        steSeen = Array(repeating: 0, count: arch.layerCount)
        optimizer = Optimizer(kind: configuration.optimizer, threads: configuration.threads)
        for layer in dense { layer.refreshBinaryWeights() }
    }

    var layerCount: Int { dense.count }
    var classCount: Int { configuration.architecture.outputSize }

    private var stochasticActivations: Bool {
        configuration.mode == .stochastic && configuration.stochasticTarget.activations
    }
    private var stochasticWeights: Bool {
        configuration.mode == .stochastic && configuration.stochasticTarget.weights
    }

    /// Forward pass over `rows` inputs (rows x inputSize). Returns the scores (rows x classes).
    /// Training uses batch statistics and, in `stoch` mode, stochastic binarization.
    @discardableResult
    func forward(input: UnsafePointer<Float>, rows: Int, training: Bool,
                 generator: inout SeededGenerator) -> UnsafeMutablePointer<Float> {
        precondition(rows > 0 && rows <= maxRows)
        var previous = training ? applyInputDropout(input, rows: rows, generator: &generator) : input
        let binary = configuration.mode.isBinary
        for k in 0..<layerCount {
            let s = preActivations[k].pointer, a = normalizedOutputs[k].pointer
            dense[k].forward(input: previous, rows: rows, output: s)
            if training {
                batchNorms[k].forwardTraining(input: s, rows: rows, output: a)
            } else {
                batchNorms[k].forwardInference(input: s, rows: rows, output: a)
            }
            if k == layerCount - 1 { return a }
            let ab = activations[k].pointer
            let n = rows * dense[k].outputs
            // a^b = Binarize(a) (hardtanh in float mode); the C loops also count |a| > 1,
            // where the straight-through estimator will cancel the gradient.
            let saturated: Int
            if !binary {
                saturated = bnn_hardtanh_activations(a, ab, n)
            } else if training && stochasticActivations {
                saturated = generator.withStateWords { bnn_stochastic_sign($0, a, ab, n) }
            } else {
                saturated = bnn_sign_activations(a, ab, n)
            }
            if training {
                steCancelled[k] += saturated
                steSeen[k] += n
                if !hiddenDropoutMasks.isEmpty {
                    let keep = 1 - configuration.hiddenDropout, mask = hiddenDropoutMasks[k].pointer
                    generator.withStateWords { bnn_dropout($0, ab, mask, n, keep) }
                }
            }
            previous = UnsafePointer(ab)
        }
        fatalError("unreachable: a network has at least one layer")
    }

    /// The first layer's input in training: the image itself, or a copy with input dropout applied.
    private func applyInputDropout(_ input: UnsafePointer<Float>, rows: Int,
                                   generator: inout SeededGenerator) -> UnsafePointer<Float> {
        guard let dropped = droppedInput?.pointer, let mask = inputDropoutMask?.pointer else { return input }
        let n = rows * configuration.architecture.inputSize
        dropped.update(from: input, count: n)
        let keep = 1 - configuration.inputDropout
        generator.withStateWords { bnn_dropout($0, dropped, mask, n, keep) }
        return UnsafePointer(dropped)
    }

    /// One step of the paper's training algorithm on a batch. Returns the batch's score;
    /// when the loss is not finite, no parameter is changed.
    func trainStep(input: UnsafePointer<Float>, labels: UnsafePointer<Int32>, rows: Int,
                   learningRate: Double, generator: inout SeededGenerator) -> BatchScore {
        if stochasticWeights {
            withUnsafeMutablePointer(to: &generator) { g in
                for layer in dense { layer.refreshBinaryWeights(stochasticWith: g) }
            }
        }
        let score = computeGradients(input: input, labels: labels, rows: rows, generator: &generator)
        guard score.lossSum.isFinite else { return score }
        // The optimizer also writes W_b = sign(W); stochastic weights are drawn before each forward.
        optimizer.apply(to: parameters, learningRate: learningRate)
        return score
    }

    /// Forward in training mode, the loss, and the backward pass: leaves ∂C/∂θ in every
    /// parameter's gradient (C = the batch's mean loss) and changes no parameter.
    func computeGradients(input: UnsafePointer<Float>, labels: UnsafePointer<Int32>, rows: Int,
                          generator: inout SeededGenerator) -> BatchScore {
        let scores = forward(input: input, rows: rows, training: true, generator: &generator)
        let last = layerCount - 1
        let score = Loss.evaluate(configuration.loss, scores: scores, labels: labels, rows: rows,
                                  classes: classCount, gradient: outputGradients[last].pointer)
        if score.lossSum.isFinite { backward(input: input, rows: rows) }
        return score
    }

    /// Backward pass from ∂C/∂y in `outputGradients[last]`.
    private func backward(input: UnsafePointer<Float>, rows: Int) {
        let firstInput = droppedInput.map { UnsafePointer($0.pointer) } ?? input
        for k in stride(from: layerCount - 1, through: 0, by: -1) {
            let ga = outputGradients[k].pointer
            if k < layerCount - 1 {
                // Dropout's backward: the gradient reaches only the kept activations, scaled alike.
                if !hiddenDropoutMasks.isEmpty { bnn_multiply(ga, hiddenDropoutMasks[k].pointer, rows * dense[k].outputs) }
                // Straight-through estimator: g_a = g_{a^b} ∘ 1_{|a| <= 1}.
                bnn_straight_through_gate(ga, normalizedOutputs[k].pointer, rows * dense[k].outputs)
            }
            let gs = preActivationGradients[k].pointer
            batchNorms[k].backward(outputGradient: ga, rows: rows, inputGradient: gs)
            let layerInput = k == 0 ? firstInput : UnsafePointer(activations[k - 1].pointer)
            dense[k].backward(input: layerInput, outputGradient: gs, rows: rows,
                              inputGradient: k > 0 ? outputGradients[k - 1].pointer : nil)
        }
    }

    /// Scores `rows` inputs in evaluation mode (running BatchNorm statistics, deterministic sign).
    /// `observe` sees the scores (rows x classes) before they are scored.
    func evaluate(input: UnsafePointer<Float>, labels: UnsafePointer<Int32>, rows: Int,
                  observe: (UnsafePointer<Float>) -> Void = { _ in }) -> BatchScore {
        if stochasticWeights { for layer in dense { layer.refreshBinaryWeights() } }
        var unused = SeededGenerator(seed: 0)
        let scores = forward(input: input, rows: rows, training: false, generator: &unused)
        observe(scores)
        return Loss.evaluate(configuration.loss, scores: scores, labels: labels, rows: rows,
                             classes: classCount, gradient: nil)
    }

    /// Chooses each binary hidden layer's forward product (see `ForwardProductPolicy`):
    /// eligible are layers after the first in binary modes without hidden dropout, whose
    /// inputs are ±1. With `.auto`, times sgemm and XNOR-popcount on `rows` rows of
    /// (arbitrary) ±1 data and keeps the faster. Changes no parameter and no result.
    func tuneForwardProducts(rows: Int, policy: ForwardProductPolicy) -> [ForwardProductChoice] {
        guard configuration.mode.isBinary, configuration.hiddenDropout == 0, policy != .sgemm,
              let gemm = try? BinaryGEMM(threadCount: configuration.threads) else {
            for layer in dense { layer.xnorForward = nil }
            return []
        }
        let rows = min(max(rows, 1), maxRows)
        let timer = BenchmarkTimer(budget: 0.05, minimumRuns: 3, maximumRuns: 50)
        var choices: [ForwardProductChoice] = []
        for k in 1..<layerCount {
            let layer = dense[k]
            let product = BinaryDenseProduct(maxRows: maxRows, inputs: layer.inputs, outputs: layer.outputs, gemm: gemm)
            var choice = ForwardProductChoice(layer: k, rows: rows, outputs: layer.outputs, inputs: layer.inputs,
                                              kernel: gemm.variant, usesXnor: true)
            if policy == .auto {
                // Time on this layer's own buffers: a ±1 input pattern and the scratch output.
                let input = activations[k - 1].pointer, output = preActivations[k].pointer
                for i in 0..<rows * layer.inputs { input[i] = (i &* 2_654_435_761) & 8 == 0 ? 1 : -1 }
                layer.xnorForward = nil
                choice.sgemmSeconds = timer.median { layer.forward(input: input, rows: rows, output: output) }.seconds
                layer.xnorForward = product
                choice.xnorSeconds = timer.median { layer.forward(input: input, rows: rows, output: output) }.seconds
                choice.usesXnor = choice.xnorSeconds! < choice.sgemmSeconds!
            }
            layer.xnorForward = choice.usesXnor ? product : nil
            choices.append(choice)
        }
        return choices
    }

    /// Starts a new epoch's statistics (flip ratio, STE cancel fraction).
    func beginEpochStatistics() {
        for layer in dense { layer.markEpochStart() }
        for k in 0..<layerCount { steCancelled[k] = 0; steSeen[k] = 0 }
    }

    /// Per-layer statistics since `beginEpochStatistics`. The output layer has no
    /// binarized activation, so its STE-cancel fraction is 0.
    func layerStatistics() -> [LayerStatistics] {
        (0..<layerCount).map { k in
            let fraction = steSeen[k] > 0 ? Double(steCancelled[k]) / Double(steSeen[k]) : 0
            return dense[k].statistics(steCancelFraction: fraction)
        }
    }

    /// Every parameter tensor for gradient checks and checkpoints, in a fixed order.
    var allParameters: [Parameter] { parameters }
}
