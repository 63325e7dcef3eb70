import BNNDashboard
import BNNEngine

extension SessionHeader {
    /// The header facts of a run trained with `configuration` on `dataset`.
    public init(configuration: TrainingConfiguration, dataset: String, startedAt: Double) {
        self.init(dataset: dataset, batchSize: configuration.batchSize,
                  optimizer: configuration.optimizer == .adam ? "Adam" : "SGD", seed: configuration.seed,
                  startedAt: startedAt, settings: configuration.nonDefaultSettings)
    }

    /// The dashboard's header line for these facts.
    public var dashboardHeader: DashboardHeader {
        DashboardHeader(dataset: dataset, batchSize: batchSize, optimizer: optimizer, seed: seed,
                        startedAt: startedAt, settings: settings)
    }
}
