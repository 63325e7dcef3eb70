import ArgumentParser
import BNNEngine
import BNNKernels
import Foundation

/// The options every training command shares (`train`, the dashboard, `report`):
/// the network, the schedule, the data. Parsed once here so that every command
/// validates them the same way.
struct TrainingOptions: ParsableArguments {
    @Option(help: "Layer widths from input to output, e.g. 784-1024-10 (any number of hidden layers).")
    var arch: String = "784-1024-10"

    @Option(help: "Training epochs.")
    var epochs: Int = 30

    @Option(help: "Mini-batch size.")
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

    @Option(name: .customLong("bn-momentum"), help: "Weight of each batch in BatchNorm's running averages (BinaryNet: 0.1; smaller averages over more batches).")
    var bnMomentum: Float = 0.1

    @Option(name: .customLong("dropout-in"), help: "Dropout probability on the input image in training (BinaryNet's MLP code: 0.2); 0 is off.")
    var dropoutIn: Float = 0

    @Option(name: .customLong("dropout-hidden"), help: "Dropout probability on every hidden layer's binarized activation in training (BinaryNet's MLP code: 0.5); 0 is off.")
    var dropoutHidden: Float = 0

    @Option(help: "Random seed (same seed and thread count, same numbers).")
    var seed: UInt64 = 1

    @Option(name: .customLong("train-limit"), help: "Train on only the first N training images (quick runs).")
    var trainLimit: Int?

    @Option(name: .customLong("eval-limit"), help: "Evaluate on only the first N validation and test images.")
    var evalLimit: Int?

    @OptionGroup var data: DataOptions

    func validate() throws {
        _ = try parsedArchitecture()
        guard epochs >= 1 else { throw ValidationError("--epochs must be at least 1 (got \(epochs))") }
        guard epochs <= 1_000_000 else { throw ValidationError("--epochs \(epochs) is too large") }
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

    func parsedArchitecture() throws -> Architecture {
        do { return try Architecture(parsing: arch) } catch { throw ValidationError(error.description) }
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
                              batchSize: batch, epochs: epochs, seed: seed, batchNormMomentum: bnMomentum, threads: threads,
                              inputDropout: dropoutIn, hiddenDropout: dropoutHidden,
                              weightInitialization: initialization)
    }
}

extension LossKind: ExpressibleByArgument {}
extension OptimizerKind: ExpressibleByArgument {}
extension StochasticTarget: ExpressibleByArgument {}
extension BinarizationMode: ExpressibleByArgument {}
extension WeightInitialization: ExpressibleByArgument {}
