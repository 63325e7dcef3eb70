/// Everything measured at the end of one epoch of one run.
///
/// It is what `train --metrics` writes as one JSON line, what `plot` reads
/// back, and what the dashboard draws. Errors are fractions in [0, 1].
public struct EpochMetrics: Sendable, Equatable, Codable {
    public var run: String
    public var mode: String
    public var arch: String
    public var epoch: Int
    public var trainLoss: Double
    public var trainError: Double
    public var valLoss: Double
    public var valError: Double
    public var testLoss: Double
    public var testError: Double
    public var lr: Double
    public var epochSeconds: Double
    public var samplesPerSecond: Double
    public var rssMB: Double
    /// Per dense layer: fraction of latent weights with |w| >= 1 - 1e-6.
    public var clipFraction: [Double]
    /// Per dense layer: fraction of binary weights whose sign changed this epoch.
    public var flipRatio: [Double]
    /// Per dense layer: fraction of pre-activations where the STE cancelled the gradient (|x| > 1).
    public var steCancelFraction: [Double]
    /// Per dense layer: histogram of latent weights over [-1, 1] (`LayerStatistics.binCount` bins).
    public var weightHistogram: [[Int]]
    /// The validation set's confusion matrix (rows: true class, columns: predicted); nil in logs
    /// written before it existed.
    public var valConfusion: ConfusionMatrix? = nil
    /// The test images most confidently misclassified this epoch (by output margin, at most
    /// `RunInsight.keptMisclassified`); nil in older logs.
    public var testMisclassified: [MisclassifiedImage]? = nil
    /// Per weight layer: distinct binary 3×3 kernels up to negation of a binary convolution
    /// (JSONL `unique_filters`), null for dense layers and float runs; absent in logs
    /// written before ConvNets.
    public var uniqueFilters: [Int?]?
    /// The run's parent when it is a fork (JSONL `parent`, see `RunLineage`); nil otherwise
    /// and in older logs.
    public var parent: RunLineage?
    /// The epochs the run was set to train when this line was written (JSONL `total_epochs`),
    /// so that a follower (`watch`) knows how far it has to go; nil in older logs.
    public var totalEpochs: Int?
    /// The run's settings that differ from the paper's (`TrainingConfiguration.nonDefaultSettings`:
    /// "padding zero", "init unit", ...; JSONL `settings`), so that `plot` and `watch` say how
    /// the numbers were made; nil when there are none and in older logs.
    public var settings: [String]?

    public init(run: String, mode: String, arch: String, epoch: Int,
                trainLoss: Double, trainError: Double, valLoss: Double, valError: Double,
                testLoss: Double, testError: Double, lr: Double, epochSeconds: Double,
                samplesPerSecond: Double, rssMB: Double, clipFraction: [Double],
                flipRatio: [Double], steCancelFraction: [Double], weightHistogram: [[Int]],
                uniqueFilters: [Int?]? = nil, parent: RunLineage? = nil, totalEpochs: Int? = nil,
                settings: [String]? = nil) {
        self.run = run; self.mode = mode; self.arch = arch; self.epoch = epoch
        self.trainLoss = trainLoss; self.trainError = trainError
        self.valLoss = valLoss; self.valError = valError
        self.testLoss = testLoss; self.testError = testError
        self.lr = lr; self.epochSeconds = epochSeconds; self.samplesPerSecond = samplesPerSecond
        self.rssMB = rssMB; self.clipFraction = clipFraction; self.flipRatio = flipRatio
        self.steCancelFraction = steCancelFraction; self.weightHistogram = weightHistogram
        self.uniqueFilters = uniqueFilters
        self.parent = parent
        self.totalEpochs = totalEpochs
        self.settings = settings
    }

    /// What tells one recorded run from another: its name, network and mode. Two networks
    /// trained under one name into one file are two runs (`MetricsLog`, `watch`'s follower).
    public struct RunIdentity: Hashable, Sendable {
        public let name: String
        public let arch: String
        public let mode: String
    }

    /// This line's run.
    public var runIdentity: RunIdentity { RunIdentity(name: run, arch: arch, mode: mode) }

    enum CodingKeys: String, CodingKey {
        case run, mode, arch, epoch, lr
        case trainLoss = "train_loss", trainError = "train_error"
        case valLoss = "val_loss", valError = "val_error"
        case testLoss = "test_loss", testError = "test_error"
        case epochSeconds = "epoch_seconds", samplesPerSecond = "samples_per_second"
        case rssMB = "rss_mb", clipFraction = "clip_fraction", flipRatio = "flip_ratio"
        case steCancelFraction = "ste_cancel_fraction", weightHistogram = "weight_histogram"
        case valConfusion = "val_confusion", testMisclassified = "test_misclassified"
        case uniqueFilters = "unique_filters"
        case parent
        case totalEpochs = "total_epochs"
        case settings
    }
}
