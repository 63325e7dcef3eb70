/// The lifecycle state of a training run as the user sees it.
public enum RunState: Sendable, Equatable {
    /// Built, not yet training (data loading, first batch).
    case starting
    case running
    /// Paused by the user, or automatically with a reason (e.g. a non-finite loss).
    case paused(reason: String?)
    /// All requested epochs completed.
    case done
    /// Stopped by the user before finishing.
    case stopped
    /// The loss became NaN or infinite; the run is paused for good with this reason.
    case diverged(reason: String)
    /// An unrecoverable error (e.g. a checkpoint could not be read).
    case failed(reason: String)

    /// A short word for tables and status lines.
    public var label: String {
        switch self {
        case .starting: return "starting"
        case .running: return "running"
        case .paused: return "paused"
        case .done: return "done"
        case .stopped: return "stopped"
        case .diverged: return "diverged"
        case .failed: return "failed"
        }
    }

    /// Whether the run will never train again.
    public var isFinished: Bool {
        switch self {
        case .done, .stopped, .failed: return true
        default: return false
        }
    }
}

/// An immutable picture of one run at a moment, for the UI and reports.
///
/// The engine publishes a new snapshot after every batch; readers on any
/// thread get a consistent copy and never touch the engine's working state.
public struct RunSnapshot: Sendable, Equatable {
    /// Display name, e.g. "det".
    public var name: String
    public var mode: BinarizationMode
    public var architecture: Architecture
    public var state: RunState
    /// Completed epochs.
    public var epoch: Int
    public var totalEpochs: Int
    /// Progress through the epoch in flight.
    public var batchesDone: Int
    public var batchesPerEpoch: Int
    /// Learning rate the next batch will use.
    public var learningRate: Double
    /// Mean training loss and error so far in the epoch in flight (nil before its first batch).
    public var partialTrainLoss: Double?
    public var partialTrainError: Double?
    /// One entry per completed epoch.
    public var history: [EpochMetrics]
    /// Per dense layer, as of the last completed epoch (or initialization).
    public var layers: [LayerStatistics]
    /// Seconds spent training (pauses excluded), completed and in-flight epochs.
    public var trainingSeconds: Double
    /// The forward product each binary hidden layer uses, once the run has chosen (empty before,
    /// and for runs without eligible layers).
    public var forwardProducts: [ForwardProductChoice] = []
    /// Confusion matrix, misclassified images and receptive fields (see `RunInsight`); nil until computed.
    public var insight: RunInsight? = nil
    /// Set for a run forked from another (see `RunLineage`).
    public var lineage: RunLineage? = nil
    /// A one-line warning about this run that is not its state (e.g. a bad line in the
    /// metrics file `watch` follows); nil for none.
    public var notice: String? = nil
    /// Bumped on every publish, so a reader can tell cheaply whether anything changed.
    public var version: UInt64

    public init(name: String, mode: BinarizationMode, architecture: Architecture, state: RunState,
                epoch: Int, totalEpochs: Int, batchesDone: Int, batchesPerEpoch: Int,
                learningRate: Double, partialTrainLoss: Double?, partialTrainError: Double?,
                history: [EpochMetrics], layers: [LayerStatistics], trainingSeconds: Double,
                version: UInt64) {
        self.name = name; self.mode = mode; self.architecture = architecture; self.state = state
        self.epoch = epoch; self.totalEpochs = totalEpochs; self.batchesDone = batchesDone
        self.batchesPerEpoch = batchesPerEpoch; self.learningRate = learningRate
        self.partialTrainLoss = partialTrainLoss; self.partialTrainError = partialTrainError
        self.history = history; self.layers = layers; self.trainingSeconds = trainingSeconds
        self.version = version
    }

    /// Best (lowest) validation error so far and the epoch it was reached.
    public var bestValidation: (error: Double, epoch: Int)? {
        history.min(by: { $0.valError < $1.valError }).map { ($0.valError, $0.epoch) }
    }

    /// The name to show: the lineage label of a fork (`det→lr 1e-3 @12`), else the name.
    public func displayName(ascii: Bool = false) -> String { lineage?.label(ascii: ascii) ?? name }

    /// The epoch to show as the run's: the one training (completed + 1, at most the total)
    /// while it is starting, running or paused; the last completed one once it has ended.
    /// The header and the status line both show this one.
    public var shownEpoch: Int {
        switch state {
        case .starting, .running, .paused: return Swift.min(epoch + 1, Swift.max(1, totalEpochs))
        default: return epoch
        }
    }

    /// Fraction of the epoch in flight that is done, in [0, 1].
    public var epochProgress: Double {
        batchesPerEpoch > 0 ? Double(batchesDone) / Double(batchesPerEpoch) : 0
    }
}
