import BNNDashboard
import BNNEngine
import Foundation

/// Several training runs steered together: what the dashboard drives.
///
/// Adapts the engine's `TrainingRun`s to the dashboard's `RunController`
/// protocol, so the dashboard sees only snapshots and commands. Forks add runs
/// at the end and continuing replaces a finished run in place, so the list is
/// guarded by a lock.
final class RunGroup: RunController, @unchecked Sendable {
    private let lock = NSLock()
    private var runList: [TrainingRun]
    /// Where `saveCheckpoints` writes: `<directory>/bnn-tui-<run>.ckpt`.
    let checkpointDirectory: String
    /// The data new runs (forks, continuations) train on.
    private let data: TrainingData?
    /// The per-epoch callback of a run called `name` (e.g. appending to its metrics file).
    private let epochCallback: (String) -> (@Sendable (EpochMetrics) -> Void)?
    private var forkCount: [String: Int] = [:]

    init(runs: [TrainingRun], checkpointDirectory: String, data: TrainingData? = nil,
         epochCallback: @escaping (String) -> (@Sendable (EpochMetrics) -> Void)? = { _ in nil }) {
        runList = runs
        self.checkpointDirectory = checkpointDirectory
        self.data = data
        self.epochCallback = epochCallback
    }

    var runs: [TrainingRun] { lock.withLock { runList } }

    private func run(_ index: Int) -> TrainingRun? {
        lock.withLock { runList.indices.contains(index) ? runList[index] : nil }
    }

    func startAll() { runs.forEach { $0.start() } }

    func snapshots() -> [RunSnapshot] { runs.map { $0.snapshot() } }

    func pause(run index: Int) { run(index)?.pause() }

    func resume(run index: Int) { run(index)?.resume() }

    func setLearningRate(_ rate: Double, run index: Int) {
        guard rate.isFinite, rate > 0 else { return }
        run(index)?.setLearningRate(rate)
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

    /// This group owns its runs: it forks and continues them.
    var branchingRefusal: String? { nil }

    func fork(run index: Int, learningRate: Double?, mode: BinarizationMode?) throws -> String {
        guard let parent = run(index), let data else { throw RunControlError("no run \(index + 1) to fork") }
        let saved = try parent.checkpoint()
        // It may have finished while the prompt was open.
        guard saved.completedEpochs < saved.configuration.epochs else {
            throw RunControlError("\(parent.name) finished (epoch \(saved.completedEpochs)/\(saved.configuration.epochs)) before the fork: c continues it, then f forks")
        }
        let rate = learningRate ?? saved.learningRate
        let name = lock.withLock { () -> String in
            forkCount[parent.name, default: 0] += 1
            return "\(parent.name).f\(forkCount[parent.name]!)"
        }
        let state = try saved.forked(name: name, learningRate: rate, mode: mode)
        let child = try TrainingRun(name: name, configuration: state.configuration, data: data, resumingFrom: state,
                                    onEpochCompleted: epochCallback(name))
        lock.withLock { runList.append(child) }
        child.start()
        return child.snapshot().displayName()
    }

    func continueRun(_ index: Int, epochs: Int) throws {
        guard let finished = run(index), let data else { throw RunControlError("no run \(index + 1) to continue") }
        guard finished.snapshot().state.isFinished else { throw RunControlError("\(finished.name) is still training") }
        let state = try finished.checkpoint().continued(forMoreEpochs: epochs)
        let next = try TrainingRun(name: finished.name, configuration: state.configuration, data: data,
                                   resumingFrom: state,
                                   onEpochCompleted: epochCallback(finished.name))
        lock.withLock { runList[index] = next }
        next.start()
    }

    func stopAll() {
        let all = runs
        all.forEach { $0.stop() }
        for run in all { run.waitUntilFinished(timeout: 10) }
    }
}
