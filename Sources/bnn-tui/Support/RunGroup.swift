import BNNDashboard
import BNNEngine
import Foundation

/// Several training runs steered together: what the dashboard drives.
///
/// Adapts the engine's `TrainingRun`s to the dashboard's `RunController`
/// protocol, so the dashboard sees only snapshots and commands.
final class RunGroup: RunController, @unchecked Sendable {
    let runs: [TrainingRun]
    /// Where `saveCheckpoints` writes: `<directory>/bnn-tui-<run>.ckpt`.
    let checkpointDirectory: String

    init(runs: [TrainingRun], checkpointDirectory: String) {
        self.runs = runs
        self.checkpointDirectory = checkpointDirectory
    }

    func startAll() { runs.forEach { $0.start() } }

    func snapshots() -> [RunSnapshot] { runs.map { $0.snapshot() } }

    func pause(run index: Int) {
        guard runs.indices.contains(index) else { return }
        runs[index].pause()
    }

    func resume(run index: Int) {
        guard runs.indices.contains(index) else { return }
        runs[index].resume()
    }

    func setLearningRate(_ rate: Double, run index: Int) {
        guard runs.indices.contains(index), rate.isFinite, rate > 0 else { return }
        runs[index].setLearningRate(rate)
    }

    func checkpointPath(for run: TrainingRun) -> String {
        (checkpointDirectory as NSString).appendingPathComponent("bnn-tui-\(run.name).ckpt")
    }

    func saveCheckpoints() throws -> [String] {
        try runs.map { run in
            let path = checkpointPath(for: run)
            try run.saveCheckpoint(to: path)
            return path
        }
    }

    func stopAll() {
        runs.forEach { $0.stop() }
        for run in runs { run.waitUntilFinished(timeout: 10) }
    }
}
