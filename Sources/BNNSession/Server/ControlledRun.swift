import BNNEngine

/// What a control server needs from the run it serves: snapshots to send and
/// the commands a dashboard may give. `TrainingRun` is one; tests use fakes.
public protocol ControlledRun: AnyObject, Sendable {
    var name: String { get }
    func snapshot() -> RunSnapshot
    func pause()
    func resume()
    func setLearningRate(_ rate: Double)
    /// Writes a checkpoint (atomically); may wait for the next batch boundary.
    func saveCheckpoint(to path: String) throws
}

extension TrainingRun: ControlledRun {}
