import BNNEngine

/// What the dashboard needs from the training engine: snapshots to read and
/// commands to send. The CLI adapts the engine's runs to it; tests use a fake.
///
/// The dashboard never reaches into the engine beyond this protocol, so the
/// engine never depends on the UI. Every method must be safe to call from any
/// thread and must not block on training work.
public protocol RunController: AnyObject, Sendable {
    /// The latest snapshot of every run, in display order.
    func snapshots() -> [RunSnapshot]
    /// Pauses run `index` (no effect when finished).
    func pause(run index: Int)
    /// Resumes run `index` (no effect when finished or diverged).
    func resume(run index: Int)
    /// Sets run `index`'s learning rate; it takes effect at the next batch.
    func setLearningRate(_ rate: Double, run index: Int)
    /// Saves a checkpoint of every run; returns the paths written.
    func saveCheckpoints() throws -> [String]
    /// Stops every run and waits (bounded) for their queues to finish.
    func stopAll()
    /// Why these runs cannot be steered (e.g. "watch only reads metrics files"), or nil when they can.
    var readOnlyReason: String? { get }
}

extension RunController {
    public var readOnlyReason: String? { nil }
}
