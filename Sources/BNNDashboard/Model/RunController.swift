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
    /// Forks run `index` at its current state into a new run appended after the others,
    /// with `learningRate` and `mode` when given; returns the new run's name.
    func fork(run index: Int, learningRate: Double?, mode: BinarizationMode?) throws -> String
    /// Continues the finished run `index` for `epochs` more epochs, in place.
    func continueRun(_ index: Int, epochs: Int) throws
    /// Why these runs cannot be steered (e.g. "watch only reads metrics files"), or nil when they can.
    var readOnlyReason: String? { get }
    /// Why this dashboard cannot fork or continue runs (it does not own them), or nil when it
    /// can: the `f` and `c` keys then say so at once instead of asking for a rate first.
    var branchingRefusal: String? { get }
}

/// Why a controller refused to fork or continue.
public struct RunControlError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

extension RunController {
    public var readOnlyReason: String? { nil }

    /// Controllers that keep the default `fork` and `continueRun` cannot branch.
    public var branchingRefusal: String? { "this dashboard does not own its runs and cannot fork or continue them" }

    /// Controllers that only watch runs (they do not own the training) cannot fork.
    public func fork(run index: Int, learningRate: Double?, mode: BinarizationMode?) throws -> String {
        throw RunControlError("this dashboard does not own its runs and cannot fork them")
    }

    public func continueRun(_ index: Int, epochs: Int) throws {
        throw RunControlError("this dashboard does not own its runs and cannot continue them")
    }
}
