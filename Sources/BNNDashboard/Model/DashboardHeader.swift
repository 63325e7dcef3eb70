import BNNData
import BNNEngine

/// The facts about a session that no snapshot carries, for the header line:
/// dataset, batch size, optimizer, seed, start time.
///
/// The app fills it from the command line; `plot` leaves most of it empty. It is
/// also what a run's control server sends an attached client in its hello
/// (`SessionHeader` in BNNSession), with these property names as the JSON keys.
public struct DashboardHeader: Sendable, Equatable, Codable {
    public var dataset: String
    public var batchSize: Int?
    public var optimizer: String?
    public var seed: UInt64?
    /// When the session started, on the same clock as the `now` given to the renderer;
    /// nil shows the longest run's training time instead.
    public var startedAt: Double?
    /// Settings that differ from the paper's defaults (e.g. "init unit", "glorot-lr"),
    /// shown after the seed so that a screen or an export says how its numbers were made.
    public var settings: [String]

    public init(dataset: String = DatasetDescriptor.default.name, batchSize: Int? = nil, optimizer: String? = nil,
                seed: UInt64? = nil, startedAt: Double? = nil, settings: [String] = []) {
        self.dataset = dataset; self.batchSize = batchSize; self.optimizer = optimizer
        self.seed = seed; self.startedAt = startedAt; self.settings = settings
    }

    /// The header facts of a run trained with `configuration` on `dataset`.
    public init(configuration: TrainingConfiguration, dataset: String, startedAt: Double? = nil) {
        self.init(dataset: dataset, batchSize: configuration.batchSize, optimizer: configuration.optimizer.displayName,
                  seed: configuration.seed, startedAt: startedAt, settings: configuration.nonDefaultSettings)
    }
}
