import Foundation

extension RunCheckpoint {
    /// A copy with the given fields replaced (`lineage` replaces the source's when given).
    public init(copying source: RunCheckpoint, name: String? = nil, configuration: TrainingConfiguration? = nil,
         learningRate: Double? = nil, lineage: RunLineage? = nil) {
        self.name = name ?? source.name
        self.lineage = lineage ?? source.lineage
        dataSizes = source.dataSizes
        epochProgress = source.epochProgress
        self.configuration = configuration ?? source.configuration
        completedEpochs = source.completedEpochs
        self.learningRate = learningRate ?? source.learningRate
        history = source.history
        trainingSeconds = source.trainingSeconds
        generator = source.generator
        optimizerStep = source.optimizerStep
        tensors = source.tensors
    }

    /// The state of a fork: the same weights, optimizer, BatchNorm, RNG and history under a new
    /// name, learning rate and (det ↔ stoch only) mode; it trains to the same total of epochs.
    /// Its `lineage` names this run, its epoch, the new rate and the new mode (if it changed).
    /// Fails with a reason when the run has no epoch left or the mode switch is not det ↔ stoch.
    public func forked(name: String, learningRate: Double, mode: BinarizationMode? = nil) throws(CheckpointError) -> RunCheckpoint {
        guard learningRate.isFinite, learningRate > 0 else { throw .incompatible(reason: "a fork needs a positive learning rate") }
        guard completedEpochs < configuration.epochs else {
            throw .incompatible(reason: "\(self.name) has no epoch left to fork into; continue it first")
        }
        var configuration = configuration
        let switched = mode.flatMap { $0 == configuration.mode ? nil : $0 }
        if let mode, mode != configuration.mode {
            guard mode.isBinary, configuration.mode.isBinary else {
                throw .incompatible(reason: "only det and stoch runs switch mode (same binary weights)")
            }
            configuration.mode = mode
        }
        let lineage = RunLineage(parent: self.name, epoch: completedEpochs, learningRate: learningRate, mode: switched)
        return RunCheckpoint(copying: self, name: name, configuration: configuration, learningRate: learningRate,
                             lineage: lineage)
    }

    /// The state of this run resumed to `totalEpochs` in all (more than it completed), going on
    /// as if it had never stopped: a checkpoint saved before the run's last epoch holds the
    /// next epoch's rate and keeps its schedule; one saved after it holds the rate its last
    /// epoch used and goes on as `continued(forMoreEpochs:)` (the dashboard's `c`).
    public func resumed(toEpochs totalEpochs: Int) -> RunCheckpoint {
        precondition(totalEpochs > completedEpochs)
        if completedEpochs >= configuration.epochs { return continued(forMoreEpochs: totalEpochs - completedEpochs) }
        var configuration = configuration
        configuration.epochs = totalEpochs
        return RunCheckpoint(copying: self, configuration: configuration)
    }

    /// The state of a run continued for `extraEpochs` more epochs. The schedule goes on
    /// decaying from where it ended: an exponential schedule keeps its per-epoch factor
    /// (the one that took it from start to end), a factor schedule keeps λ, a constant stays.
    public func continued(forMoreEpochs extraEpochs: Int) -> RunCheckpoint {
        precondition(extraEpochs >= 1)
        var configuration = configuration
        configuration.epochs = completedEpochs + extraEpochs
        let lambda = Self.perEpochFactor(configuration.schedule, epochs: self.configuration.epochs)
        if case .exponential(let start, _) = configuration.schedule {
            configuration.schedule = .factor(start: start, lambda: lambda)
        }
        return RunCheckpoint(copying: self, configuration: configuration, learningRate: learningRate * lambda)
    }

    /// The factor a schedule multiplies the rate by from one epoch to the next.
    static func perEpochFactor(_ schedule: LearningRateSchedule, epochs: Int) -> Double {
        switch schedule {
        case .constant: return 1
        case .factor(_, let lambda): return lambda
        case .exponential(let start, let end):
            return epochs > 1 ? pow(end / start, 1 / Double(epochs - 1)) : 1
        }
    }
}
