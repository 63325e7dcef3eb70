import ArgumentParser
import BNNEngine
import BNNKernels
import Foundation

/// The options every training command shares (`train`, the dashboard, `report`):
/// the network, the schedule, the data. Parsed once here so that every command
/// validates them the same way, and `report` hands them on to its `train`
/// processes with `trainArguments`.
struct TrainingOptions: ParsableArguments {
    /// The network `train` and the dashboard build when `--arch` is not given.
    static let defaultArchitecture = "784-1024-10"
    /// The epochs `train` and the dashboard run when `--epochs` is not given.
    static let defaultEpochs = 30

    @Option(name: [.long, .customLong("archs")],
            help: "The network in the paper's notation, e.g. 32C3-MP2-64C3-MP2-256FC-10 (NC3: 3x3 convolution with N channels, MP2: 2x2 max-pool, NFC: N dense units, 2x64C3: repeat, last number: classes), or MLP widths from input to output, e.g. 784-1024-10. Default: \(TrainingOptions.defaultArchitecture); report takes a comma-separated list (default 784-128-10,784-1024-10).")
    var arch: String?

    @Option(help: "What binary convolutions after the first read outside the image: one (+1, Larq Compute Engine's one-padding, free in XNOR arithmetic) or zero (BinaryNet's). The first convolution's real image is always zero-padded.")
    var padding: ConvolutionPadding = .one

    @Option(help: "A named recipe (\(TrainingPreset.names)); options given explicitly override it. See train --list-presets.")
    var preset: String?

    @Option(parsing: .unconditional, help: "Training epochs. Default: \(TrainingOptions.defaultEpochs) (report: 10 per run).")
    var epochs: Int?

    @Option(parsing: .unconditional, help: "Mini-batch size.")
    var batch: Int = 100

    @Option(parsing: .unconditional, help: "Initial learning rate (a positive number).")
    var lr: Double = 0.003

    @Option(name: .customLong("lr-end"), parsing: .unconditional, help: "Learning rate of the last epoch; it decays exponentially from --lr.")
    var lrEnd: Double?

    @Option(name: .customLong("lr-decay"), parsing: .unconditional, help: "Multiply the learning rate by this factor after every epoch (instead of --lr-end).")
    var lrDecay: Double?

    @Option(help: "Loss: hinge (square hinge, the paper's) or xent (softmax cross-entropy).")
    var loss: LossKind = .squareHinge

    @Option(help: "Optimizer: adam (the paper's) or sgd (momentum 0.9).")
    var optimizer: OptimizerKind = .adam

    @Option(name: .customLong("stochastic"), help: "What 'stoch' binarizes stochastically: activations (BinaryNet), weights (BinaryConnect) or both.")
    var stochasticTarget: StochasticTarget = .activations

    @Flag(name: .customLong("glorot-lr"), help: "Scale each binary layer's weight learning rate by 1/sqrt(1.5/(fan_in+fan_out)), as the BinaryNet code does (float runs keep plain steps).")
    var glorotLearningRate = false

    @Option(name: .customLong("init"), help: "Latent weight initialization, uniform in [-H, H]: glorot (H = sqrt(1.5/(fan_in+fan_out)), BinaryNet's) or unit (H = 1, BinaryNet's MNIST script; pair it with --glorot-lr). Binary modes only: float runs start from glorot.")
    var initialization: WeightInitialization = .glorot

    @Option(name: .customLong("bn-momentum"), parsing: .unconditional, help: "Weight of each batch in BatchNorm's running averages (BinaryNet: 0.1; smaller averages over more batches).")
    var bnMomentum: Float = 0.1

    @Option(name: .customLong("dropout-in"), parsing: .unconditional, help: "Dropout probability on the input image in training (BinaryNet's MLP code: 0.2); 0 is off.")
    var dropoutIn: Float = 0

    @Option(name: .customLong("dropout-hidden"), parsing: .unconditional, help: "Dropout probability on every hidden layer's binarized activation in training (BinaryNet's MLP code: 0.5); 0 is off.")
    var dropoutHidden: Float = 0

    @Option(parsing: .unconditional, help: "Random seed (same seed and thread count, same numbers).")
    var seed: UInt64 = 1

    @Option(name: .customLong("train-limit"), parsing: .unconditional, help: "Train on only the first N training images (quick runs).")
    var trainLimit: Int?

    @Option(name: .customLong("eval-limit"), parsing: .unconditional, help: "Evaluate on only the first N validation and test images.")
    var evalLimit: Int?

    @OptionGroup var data: DataOptions

    func validate() throws {
        if let preset, TrainingPreset.named(preset) == nil {
            throw ValidationError("--preset \(preset) is not one of \(TrainingPreset.names)")
        }
        _ = try parsedArchitectures(default: Self.defaultArchitecture)
        if let epochs {
            guard epochs >= 1 else { throw ValidationError("--epochs must be at least 1 (got \(epochs))") }
            guard epochs <= 1_000_000 else { throw ValidationError("--epochs \(epochs) is too large") }
        }
        guard batch >= 2 else { throw ValidationError("--batch must be at least 2: BatchNorm needs two rows (got \(batch))") }
        guard lr.isFinite && lr > 0 else { throw ValidationError("--lr must be a positive finite number (got \(lr))") }
        if let lrEnd { guard lrEnd.isFinite && lrEnd > 0 else { throw ValidationError("--lr-end must be a positive finite number (got \(lrEnd))") } }
        if let lrDecay { guard lrDecay.isFinite && lrDecay > 0 else { throw ValidationError("--lr-decay must be a positive finite number (got \(lrDecay))") } }
        if lrEnd != nil && lrDecay != nil { throw ValidationError("give --lr-end or --lr-decay, not both") }
        guard bnMomentum > 0 && bnMomentum <= 1 else { throw ValidationError("--bn-momentum must be in (0, 1] (got \(bnMomentum))") }
        for (flag, p) in [("--dropout-in", dropoutIn), ("--dropout-hidden", dropoutHidden)] {
            guard p >= 0 && p < 1 else { throw ValidationError("\(flag) must be a probability in [0, 1) (got \(p))") }
        }
        // The kernels' environment variables, read by every training run: a typo is an error, not a silent default.
        let environment = ProcessInfo.processInfo.environment
        if let value = environment[ForwardProductPolicy.environmentVariable],
           ForwardProductPolicy.select(environmentValue: value) == nil {
            throw ValidationError("\(ForwardProductPolicy.environmentVariable)=\(value) is not one of auto, sgemm, xnor")
        }
        do { _ = try KernelVariant.current } catch { throw ValidationError(error.description) }
        if let trainLimit { guard trainLimit >= 2 else { throw ValidationError("--train-limit must be at least 2 (got \(trainLimit))") } }
        if let evalLimit { guard evalLimit >= 1 else { throw ValidationError("--eval-limit must be at least 1 (got \(evalLimit))") } }
    }

    /// Epochs to train: `--epochs`, or `defaultEpochs`.
    var epochCount: Int { epochs ?? Self.defaultEpochs }

    /// The one architecture of a single-run command (`train`, the dashboard).
    func parsedArchitecture() throws -> Architecture {
        let list = try parsedArchitectures(default: Self.defaultArchitecture)
        guard list.count == 1 else {
            throw ValidationError("--arch takes one architecture here (a comma-separated list is for report)")
        }
        return list[0]
    }

    /// `--arch` as a comma-separated list (report), or `fallback` when it is not given.
    func parsedArchitectures(default fallback: String) throws -> [Architecture] {
        let text = arch ?? fallback
        let list = try text.split(separator: ",", omittingEmptySubsequences: false).map { part in
            do { return try Architecture(parsing: String(part)) } catch { throw ValidationError("\(error)") }
        }
        guard !list.isEmpty else { throw ValidationError("--arch needs at least one architecture") }
        return list
    }

    /// The `bnn-tui train` arguments that give a child process this recipe for one
    /// network and epoch count: every option is forwarded here and nowhere else.
    func trainArguments(architecture: Architecture, epochs: Int) -> [String] {
        var arguments = ["--arch", architecture.description, "--epochs", "\(epochs)", "--batch", "\(batch)",
                         "--lr", "\(lr)", "--loss", loss.rawValue, "--optimizer", optimizer.rawValue,
                         "--stochastic", stochasticTarget.rawValue, "--init", initialization.rawValue,
                         "--bn-momentum", "\(bnMomentum)", "--dropout-in", "\(dropoutIn)",
                         "--dropout-hidden", "\(dropoutHidden)", "--padding", padding.rawValue, "--seed", "\(seed)"]
        if let lrEnd { arguments += ["--lr-end", "\(lrEnd)"] }
        if let lrDecay { arguments += ["--lr-decay", "\(lrDecay)"] }
        if glorotLearningRate { arguments.append("--glorot-lr") }
        if let trainLimit { arguments += ["--train-limit", "\(trainLimit)"] }
        if let evalLimit { arguments += ["--eval-limit", "\(evalLimit)"] }
        return arguments + data.arguments
    }

    /// The learning-rate schedule the options describe. Default: exponential from
    /// --lr to --lr / 100 over the epochs (0.003 → 0.00003, the paper's MNIST schedule).
    var schedule: LearningRateSchedule {
        if let lrDecay { return .factor(start: lr, lambda: lrDecay) }
        return .exponential(start: lr, end: lrEnd ?? lr / 100)
    }

    func configuration(mode: BinarizationMode, threads: Int) throws -> TrainingConfiguration {
        TrainingConfiguration(architecture: try parsedArchitecture(), mode: mode,
                              stochasticTarget: stochasticTarget, loss: loss, optimizer: optimizer,
                              schedule: schedule, glorotLearningRateScale: glorotLearningRate,
                              batchSize: batch, epochs: epochCount, seed: seed, batchNormMomentum: bnMomentum, threads: threads,
                              inputDropout: dropoutIn, hiddenDropout: dropoutHidden,
                              weightInitialization: initialization, padding: padding)
    }
}

extension LossKind: ExpressibleByArgument {}
extension OptimizerKind: ExpressibleByArgument {}
extension StochasticTarget: ExpressibleByArgument {}
extension BinarizationMode: ExpressibleByArgument {}
extension WeightInitialization: ExpressibleByArgument {}
extension ConvolutionPadding: ExpressibleByArgument {}
