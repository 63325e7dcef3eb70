import BNNEngine
import BNNSession
import Foundation

/// A run that records the commands it is given and publishes whatever the test sets.
final class FakeControlledRun: ControlledRun, @unchecked Sendable {
    let name: String
    private let lock = NSLock()
    private var current: RunSnapshot
    private(set) var commands: [String] = []

    init(name: String = "det", epochs: Int = 3) {
        self.name = name
        current = RunSnapshot(name: name, mode: .deterministic, architecture: Architecture(widths: [4, 3, 2]),
                              state: .running, epoch: epochs, totalEpochs: 10, batchesDone: 2, batchesPerEpoch: 5,
                              learningRate: 0.01, partialTrainLoss: 0.5, partialTrainError: .nan,
                              history: (1...max(1, epochs)).prefix(epochs).map { Self.epoch($0, run: name) },
                              layers: [LayerStatistics(inputs: 4, outputs: 3, histogram: [1, 2, 3], clipFraction: 0.1,
                                                       flipRatio: 0.2, steCancelFraction: 0.3)],
                              trainingSeconds: 1.5, version: 1)
    }

    static func epoch(_ n: Int, run: String) -> EpochMetrics {
        EpochMetrics(run: run, mode: "det", arch: "4-3-2", epoch: n, trainLoss: 1.0 / Double(n), trainError: 0.5,
                     valLoss: 0.9, valError: 0.4 - 0.01 * Double(n), testLoss: 0.8, testError: 0.3, lr: 0.01,
                     epochSeconds: 0.2, samplesPerSecond: 1000, rssMB: 50, clipFraction: [0.1, 0.2],
                     flipRatio: [0.01, 0.02], steCancelFraction: [0.3, 0.4], weightHistogram: [[1, 2], [3, 4]])
    }

    func snapshot() -> RunSnapshot { lock.withLock { current } }

    func update(_ change: (inout RunSnapshot) -> Void) {
        lock.withLock { change(&current); current.version += 1 }
    }

    func recorded() -> [String] { lock.withLock { commands } }

    func pause() { lock.withLock { commands.append("pause") } }
    func resume() { lock.withLock { commands.append("resume") } }
    func setLearningRate(_ rate: Double) { lock.withLock { commands.append("lr \(rate)") } }
    func saveCheckpoint(to path: String) throws {
        lock.withLock { commands.append("save \(path)") }
        try Data("checkpoint".utf8).write(to: URL(fileURLWithPath: path))
    }
}

/// Collects the server's log lines.
final class LogLines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func append(_ line: String) { lock.withLock { lines.append(line) } }
    var all: [String] { lock.withLock { lines } }
}

/// A private (0700) temporary directory, removed by `remove()`.
struct PrivateDirectory {
    let path: String
    init() throws {
        var template = Array("/tmp/bnn-session-test-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw CocoaError(.fileWriteUnknown) }
        path = String(cString: made)
    }
    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// Polls `condition` for up to `seconds`.
func eventually(_ seconds: Double = 5, _ condition: () -> Bool) -> Bool {
    let deadline = Date(timeIntervalSinceNow: seconds)
    while Date() < deadline {
        if condition() { return true }
        usleep(10_000)
    }
    return condition()
}
