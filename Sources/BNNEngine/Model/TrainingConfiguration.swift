import BNNKernels
import BNNSupport

/// The loss a run minimizes.
///
/// `squareHinge` is the paper's: mean over the batch and the classes of
/// max(0, 1 - t·y)², with targets t = +1 for the true class and -1 otherwise.
/// `crossEntropy` (softmax + negative log-likelihood, averaged over the batch)
/// is an option, not the paper's.
public enum LossKind: String, Sendable, Codable, CaseIterable {
    case squareHinge = "hinge"
    case crossEntropy = "xent"
}

/// The optimizer that updates latent weights and BatchNorm parameters.
///
/// `adam` (Kingma & Ba, β1 0.9, β2 0.999, ε 1e-8) is the paper's;
/// `sgd` is SGD with momentum 0.9 as an option.
public enum OptimizerKind: String, Sendable, Codable, CaseIterable {
    case adam
    case sgd

    /// The name for header lines: "Adam" or "SGD".
    public var displayName: String { self == .adam ? "Adam" : "SGD" }
}

/// How the learning rate changes from epoch to epoch.
///
/// `exponential(start, end)` decays geometrically so that the first epoch
/// uses `start` and the last uses `end` (BinaryNet's LR_start → LR_fin); after
/// a live change it decays from the new value to `end` over the remaining epochs.
/// `factor(start, λ)` multiplies by λ after every epoch (η ← λη, the report's
/// pseudo-code), also from a changed value; `constant` keeps it.
public enum LearningRateSchedule: Sendable, Codable, Equatable {
    case constant(Double)
    case exponential(start: Double, end: Double)
    case factor(start: Double, lambda: Double)

    public var start: Double {
        switch self {
        case .constant(let x): return x
        case .exponential(let s, _): return s
        case .factor(let s, _): return s
        }
    }

    /// The rate for the next epoch, given the rate `rate` just used and how many
    /// epochs are still to run. `exponential` moves geometrically from `rate` to `end`
    /// so that the last epoch uses exactly `end` — after a live change or a resume with
    /// more epochs too; `factor` multiplies by λ.
    public func nextRate(after rate: Double, remainingEpochs: Int) -> Double {
        switch self {
        case .constant: return rate
        case .factor(_, let lambda): return rate * lambda
        case .exponential(_, let end):
            guard remainingEpochs >= 1 else { return rate }
            return rate * pow(end / rate, 1.0 / Double(remainingEpochs))
        }
    }
}

/// How latent weights are initialized: uniform in [-H, H].
///
/// `glorot` takes BinaryNet's H = sqrt(1.5 / (fan_in + fan_out)) (the default);
/// `unit` takes H = 1, as BinaryNet's MNIST script does (`H = 1.`), where the weights
/// start spread over the whole clip interval; it is meant to go with `--glorot-lr`.
public enum WeightInitialization: String, Sendable, Codable, CaseIterable {
    case glorot
    case unit

    /// H for a layer with these fan-in and fan-out.
    public func bound(inputs: Int, outputs: Int) -> Float {
        switch self {
        case .glorot: return Float((1.5 / Double(inputs + outputs)).squareRoot())
        case .unit: return 1
        }
    }
}

/// Everything that defines a training run, apart from the data.
public struct TrainingConfiguration: Sendable, Codable, Equatable {
    public var architecture: Architecture
    public var mode: BinarizationMode
    public var stochasticTarget: StochasticTarget
    public var loss: LossKind
    public var optimizer: OptimizerKind
    public var schedule: LearningRateSchedule
    /// Scale each layer's weight learning rate by 1/H with H = sqrt(1.5 / (fan_in + fan_out)),
    /// as the BinaryNet code does (`W_LR_scale`). Off by default; binary modes only (the
    /// float baseline keeps plain steps, as BinaryNet's non-binary layers do).
    public var glorotLearningRateScale: Bool
    /// How the latent weights start (see `WeightInitialization`); binary modes only, the
    /// float baseline always starts from `glorot`.
    public var weightInitialization: WeightInitialization
    public var batchSize: Int
    public var epochs: Int
    public var seed: UInt64
    /// BatchNorm ε and the running-average momentum (BinaryNet: 1e-4 and 0.1).
    public var batchNormEpsilon: Float
    public var batchNormMomentum: Float
    /// Threads for one run's products (BLAS) and large elementwise loops.
    public var threads: Int
    /// Dropout probabilities during training (inverted dropout: kept values are scaled by
    /// 1 / (1 - p), nothing changes at test time). `inputDropout` applies to the image,
    /// `hiddenDropout` to every hidden layer's binarized activation, as in the BinaryNet
    /// code's MLPs (which used 0.2 and 0.5). Both 0 (off) by default; not in the paper's text.
    public var inputDropout: Float
    public var hiddenDropout: Float
    /// What binary convolutions after the first read outside the image (see
    /// `ConvolutionPadding`): +1 by default (Larq Compute Engine's one-padding, which keeps
    /// every tap ±1, so XNOR-popcount and the packed model need no border correction), or 0
    /// (BinaryNet's zero-padding). The first convolution's real image is always zero-padded.
    public var padding: ConvolutionPadding

    /// Why a configuration cannot train, or nil if it can. Files (checkpoints) are
    /// checked with this before a run is built from them.
    public var problem: String? {
        if epochs < 1 || epochs > 1_000_000 { return "epochs \(epochs) is not in 1...1000000" }
        if batchSize < 2 || batchSize > 1_000_000 { return "batch size \(batchSize) is not in 2...1000000" }
        if threads < 1 || threads > 256 { return "threads \(threads) is not in 1...256" }
        if !(batchNormEpsilon > 0 && batchNormEpsilon.isFinite) { return "BatchNorm epsilon \(batchNormEpsilon) is not positive" }
        for (name, p) in [("input dropout", inputDropout), ("hidden dropout", hiddenDropout)] where !(p >= 0 && p < 1) {
            return "\(name) \(p) is not in [0, 1)"
        }
        if !(batchNormMomentum > 0 && batchNormMomentum <= 1) { return "BatchNorm momentum \(batchNormMomentum) is not in (0, 1]" }
        let rates: [Double]
        switch schedule {
        case .constant(let x): rates = [x]
        case .exponential(let a, let b): rates = [a, b]
        case .factor(let a, let l): rates = [a, l]
        }
        if !rates.allSatisfy({ $0.isFinite && $0 > 0 }) { return "learning-rate schedule \(schedule) has a value that is not positive and finite" }
        return nil
    }

    public init(architecture: Architecture, mode: BinarizationMode = .deterministic,
                stochasticTarget: StochasticTarget = .activations, loss: LossKind = .squareHinge,
                optimizer: OptimizerKind = .adam,
                schedule: LearningRateSchedule = .exponential(start: 0.003, end: 0.00003),
                glorotLearningRateScale: Bool = false, batchSize: Int = 100, epochs: Int = 30,
                seed: UInt64 = 1, batchNormEpsilon: Float = 1e-4, batchNormMomentum: Float = 0.1,
                threads: Int = 1, inputDropout: Float = 0, hiddenDropout: Float = 0,
                weightInitialization: WeightInitialization = .glorot, padding: ConvolutionPadding = .one) {
        self.architecture = architecture; self.mode = mode; self.stochasticTarget = stochasticTarget
        self.loss = loss; self.optimizer = optimizer; self.schedule = schedule
        self.glorotLearningRateScale = glorotLearningRateScale; self.batchSize = batchSize
        self.epochs = epochs; self.seed = seed; self.batchNormEpsilon = batchNormEpsilon
        self.batchNormMomentum = batchNormMomentum; self.threads = threads
        self.inputDropout = inputDropout; self.hiddenDropout = hiddenDropout
        self.weightInitialization = weightInitialization
        self.padding = padding
    }

    /// The settings that differ from the paper's defaults, as short labels for headers
    /// and logs ("init unit", "glorot-lr", "dropout-in 0.1", ...), so that a screen or a
    /// log says how its numbers were made. Empty for the paper's configuration.
    public var nonDefaultSettings: [String] {
        let paper = TrainingConfiguration(architecture: architecture)
        var items: [String] = []
        if mode.isBinary && weightInitialization != paper.weightInitialization { items.append("init \(weightInitialization.rawValue)") }
        if mode.isBinary && glorotLearningRateScale != paper.glorotLearningRateScale { items.append("glorot-lr") }
        if inputDropout != paper.inputDropout { items.append("dropout-in \(inputDropout)") }
        if hiddenDropout != paper.hiddenDropout { items.append("dropout-hidden \(hiddenDropout)") }
        if batchNormMomentum != paper.batchNormMomentum { items.append("bn-momentum \(batchNormMomentum)") }
        if loss != paper.loss { items.append("loss \(loss.rawValue)") }
        if mode == .stochastic && stochasticTarget != paper.stochasticTarget { items.append("stochastic \(stochasticTarget.rawValue)") }
        if architecture.hasConvolutions && padding != paper.padding { items.append("padding \(padding.rawValue)") }
        return items
    }

    private enum CodingKeys: String, CodingKey {
        case architecture, mode, stochasticTarget, loss, optimizer, schedule, glorotLearningRateScale
        case batchSize, epochs, seed, batchNormEpsilon, batchNormMomentum, threads
        case inputDropout, hiddenDropout, weightInitialization, padding
    }

    /// Decodes a configuration; checkpoints written before dropout and the initialization
    /// and the initialization and padding options existed lack those keys and mean no
    /// dropout, `glorot` and one-padding (they hold no convolution).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        architecture = try c.decode(Architecture.self, forKey: .architecture)
        mode = try c.decode(BinarizationMode.self, forKey: .mode)
        stochasticTarget = try c.decode(StochasticTarget.self, forKey: .stochasticTarget)
        loss = try c.decode(LossKind.self, forKey: .loss)
        optimizer = try c.decode(OptimizerKind.self, forKey: .optimizer)
        schedule = try c.decode(LearningRateSchedule.self, forKey: .schedule)
        glorotLearningRateScale = try c.decode(Bool.self, forKey: .glorotLearningRateScale)
        batchSize = try c.decode(Int.self, forKey: .batchSize)
        epochs = try c.decode(Int.self, forKey: .epochs)
        seed = try c.decode(UInt64.self, forKey: .seed)
        batchNormEpsilon = try c.decode(Float.self, forKey: .batchNormEpsilon)
        batchNormMomentum = try c.decode(Float.self, forKey: .batchNormMomentum)
        threads = try c.decode(Int.self, forKey: .threads)
        inputDropout = try c.decodeIfPresent(Float.self, forKey: .inputDropout) ?? 0
        hiddenDropout = try c.decodeIfPresent(Float.self, forKey: .hiddenDropout) ?? 0
        weightInitialization = try c.decodeIfPresent(WeightInitialization.self, forKey: .weightInitialization) ?? .glorot
        padding = try c.decodeIfPresent(ConvolutionPadding.self, forKey: .padding) ?? .one
    }
}

