import BNNDashboard
import BNNEngine
import Foundation

/// Runs reached over their control sockets, as the dashboard's `RunController`:
/// what `bnn-tui attach` drives. Every key works as on local runs; quitting
/// (`stopAll`) detaches and leaves the runs training.
public final class RemoteRuns: RunController, @unchecked Sendable {
    public let clients: [ControlClient]
    /// Where `s` asks each run to write its checkpoint (an absolute path).
    public let checkpointDirectory: String

    public init(clients: [ControlClient], checkpointDirectory: String) {
        self.clients = clients
        self.checkpointDirectory = checkpointDirectory
    }

    public func snapshots() -> [RunSnapshot] { clients.map { $0.snapshot() } }

    public func pause(run index: Int) { client(index)?.send(.pause) }
    public func resume(run index: Int) { client(index)?.send(.resume) }

    public func setLearningRate(_ rate: Double, run index: Int) {
        guard rate.isFinite, rate > 0 else { return }
        client(index)?.send(.setLearningRate(rate))
    }

    /// Checkpoints of every run still connected (a run that ended has nothing new to save).
    public func saveCheckpoints() throws -> [String] {
        let live = clients.filter { $0.ended == nil }
        guard !live.isEmpty else { throw SocketError(path: clients.first?.path ?? "", reason: "every run has ended; nothing to save") }
        return try live.map { try $0.saveCheckpoint(directory: checkpointDirectory) }
    }

    /// Detaches from every run; they keep training.
    public func stopAll() { clients.forEach { $0.close() } }

    private func client(_ index: Int) -> ControlClient? {
        clients.indices.contains(index) ? clients[index] : nil
    }
}
