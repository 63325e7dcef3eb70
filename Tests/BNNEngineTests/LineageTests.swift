import Foundation
import Testing
import BNNSupport
@testable import BNNEngine

/// A fork's parent survives what a run goes through: saving and loading its checkpoint
/// (format version 2), resuming from it, and the metrics lines it writes; version-1
/// checkpoints (before lineage) still load.
@Suite struct LineageTests {
    private func scratchPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("bnn-lineage-\(UUID().uuidString)-\(name)").path
    }

    /// A det run of 2 epochs (of 4) and a stoch fork of it at lr 1e-3.
    private func parentAndFork() throws -> (parent: RunCheckpoint, fork: RunCheckpoint) {
        let config = TrainingConfiguration(architecture: Architecture(widths: [32, 16, 10]), mode: .deterministic,
                                           batchSize: 100, epochs: 2, seed: 4)
        let run = try TrainingRun(name: "det", configuration: config, data: SyntheticImages.splits(train: 400, eval: 100))
        run.start()
        #expect(run.waitUntilFinished(timeout: 120))
        let parent = try run.checkpoint().continued(forMoreEpochs: 2)
        return (parent, try parent.forked(name: "det.f1", learningRate: 1e-3, mode: .stochastic))
    }

    @Test func aForkKeepsItsParentThroughSaveResumeAndMetrics() throws {
        let (parent, fork) = try parentAndFork()
        #expect(parent.lineage == nil)
        let expected = RunLineage(parent: "det", epoch: 2, learningRate: 1e-3, mode: .stochastic)
        #expect(fork.lineage == expected)

        // Train the fork one epoch, save it, load the file, resume: still the fork.
        var configuration = fork.configuration
        configuration.epochs = 3
        let first = try TrainingRun(name: "det.f1", configuration: configuration,
                                    data: SyntheticImages.splits(train: 400, eval: 100),
                                    resumingFrom: RunCheckpoint(copying: fork, configuration: configuration))
        first.start()
        #expect(first.waitUntilFinished(timeout: 120))
        let path = scratchPath("fork.ckpt")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try first.saveCheckpoint(to: path)
        let loaded = try RunCheckpoint(contentsOf: path)
        #expect(loaded.lineage == expected)
        #expect(loaded.history.map(\.parent) == [nil, nil, expected], "the epochs the fork trained name its parent")

        configuration.epochs = 4
        let resumed = try TrainingRun(name: "det.f1", configuration: configuration,
                                      data: SyntheticImages.splits(train: 400, eval: 100),
                                      resumingFrom: RunCheckpoint(copying: loaded, configuration: configuration))
        #expect(resumed.snapshot().displayName() == "det\u{2192}stoch lr 1e-3 @2")
        resumed.start()
        #expect(resumed.waitUntilFinished(timeout: 120))
        let last = try #require(resumed.snapshot().history.last)
        #expect(last.epoch == 4 && last.parent == expected)

        // The metrics line carries the parent; reading it back makes the snapshot a fork again.
        let line = MetricsLogWriter.line(for: last)
        #expect(line.contains(#""parent":{"epoch":2,"lr":0.001,"mode":"stoch","run":"det"}"#))
        var log = MetricsLog()
        try log.append(text: resumed.snapshot().history.map { MetricsLogWriter.line(for: $0) }.joined(separator: "\n"),
                       source: "fork.jsonl")
        // The shared epochs are the parent's own lines (run "det"); the fork's lines name their parent.
        #expect(log.snapshots().map { $0.displayName() } == ["det", "det\u{2192}stoch lr 1e-3 @2"])
    }

    @Test func versionOneCheckpointsStillLoadAndNewerOnesAreRefused() throws {
        let (parent, _) = try parentAndFork()
        let current = [UInt8](try parent.serialized())
        #expect(current[8] == 2 && RunCheckpoint.formatVersion == 2)
        // A run that was never forked writes no `parent` key: with version 1 in the frame,
        // these are the bytes a version-1 build wrote.
        #expect(!String(decoding: current, as: UTF8.self).contains(#""parent""#))
        let v1 = reframed(current, version: 1)
        let old = try RunCheckpoint(data: Data(v1), path: "v1.ckpt")
        #expect(old.lineage == nil && old.completedEpochs == 2 && old.history == parent.history)
        // Version 3 (a checkpoint inside an epoch) reads too; a version-3 frame without the
        // `progress` key is a checkpoint between epochs. Version 4 is refused.
        let v3 = try RunCheckpoint(data: Data(reframed(current, version: 3)), path: "v3.ckpt")
        #expect(v3.epochProgress == nil && v3.completedEpochs == 2)
        #expect(throws: CheckpointError.unsupportedVersion(path: "v4.ckpt", version: 4)) {
            try RunCheckpoint(data: Data(reframed(current, version: 4)), path: "v4.ckpt")
        }
        #expect(CheckpointError.unsupportedVersion(path: "v4.ckpt", version: 4).description
                == "v4.ckpt: checkpoint format version 4 is not supported (this build reads versions 1-3)")
    }

    @Test func aLineageThatCannotBeRightIsRefused() throws {
        let (_, fork) = try parentAndFork()
        let later = RunCheckpoint(copying: fork, lineage: RunLineage(parent: "det", epoch: 9, learningRate: 1e-3))
        #expect(throws: CheckpointError.self) { try RunCheckpoint(data: later.serialized(), path: "x.ckpt") }
        let unnamed = RunCheckpoint(copying: fork, lineage: RunLineage(parent: "", epoch: 1, learningRate: 1e-3))
        #expect(throws: CheckpointError.self) { try RunCheckpoint(data: unnamed.serialized(), path: "x.ckpt") }
        #expect(RunLineage(parent: "det", epoch: 2, learningRate: .nan).problem(atEpoch: 3) != nil)
        #expect(RunLineage(parent: "det", epoch: 2, learningRate: 1e-3).problem(atEpoch: 2) == nil)

        // A metrics line whose parent forked after the line's epoch is a malformed line.
        var m = try #require(fork.history.last)
        m.parent = RunLineage(parent: "det", epoch: m.epoch, learningRate: 1e-3)
        var log = MetricsLog()
        #expect(throws: MetricsLogError.self) { try log.append(text: MetricsLogWriter.line(for: m), source: "bad.jsonl") }
    }

    /// `bytes` with another version number and the CRC recomputed.
    private func reframed(_ bytes: [UInt8], version: UInt32) -> [UInt8] {
        var file = Array(bytes.dropLast(4))
        withUnsafeBytes(of: version.littleEndian) { for i in 0..<4 { file[8 + i] = $0[i] } }
        let crc = file.withUnsafeBytes { CRC32.checksum($0) }
        withUnsafeBytes(of: crc.littleEndian) { file += $0 }
        return file
    }
}
