import Foundation
import Testing
import BNNSupport
@testable import BNNEngine

@Suite struct TrainingRunTests {
    func config(_ mode: BinarizationMode, epochs: Int = 3, lr: Double = 0.01, seed: UInt64 = 1) -> TrainingConfiguration {
        TrainingConfiguration(architecture: Architecture(widths: [32, 64, 10]), mode: mode,
                              schedule: .exponential(start: lr, end: lr / 10), batchSize: 50,
                              epochs: epochs, seed: seed)
    }

    func train(_ c: TrainingConfiguration, data: TrainingData = SyntheticImages.splits()) throws -> RunSnapshot {
        let run = try TrainingRun(name: c.mode.rawValue, configuration: c, data: data)
        run.start()
        #expect(run.waitUntilFinished(timeout: 120))
        return run.snapshot()
    }

    @Test(arguments: BinarizationMode.allCases)
    func everyModeLearnsSyntheticData(mode: BinarizationMode) throws {
        let s = try train(config(mode))
        #expect(s.state == .done)
        #expect(s.history.count == 3)
        let last = try #require(s.history.last)
        // Chance is 90% error; the classes are separable.
        #expect(last.testError < 0.2, "\(mode): test error \(last.testError)")
        #expect(last.trainLoss < s.history[0].trainLoss || last.trainLoss < 0.1)
        for m in s.history {
            for e in [m.trainError, m.valError, m.testError] { #expect(e >= 0 && e <= 1) }
            #expect(m.epochSeconds > 0 && m.samplesPerSecond > 0 && m.rssMB > 0)
            #expect(m.clipFraction.count == 2 && m.flipRatio.count == 2 && m.steCancelFraction.count == 2)
            #expect(m.weightHistogram[0].reduce(0, +) == 32 * 64 && m.weightHistogram[1].reduce(0, +) == 64 * 10)
        }
    }

    @Test func sameSeedGivesIdenticalMetrics() throws {
        let a = try train(config(.stochastic, epochs: 2))
        let b = try train(config(.stochastic, epochs: 2))
        #expect(a.history.map(\.trainLoss) == b.history.map(\.trainLoss))
        #expect(a.history.map(\.testError) == b.history.map(\.testError))
        let c = try train(config(.stochastic, epochs: 2, seed: 2))
        #expect(a.history.map(\.trainLoss) != c.history.map(\.trainLoss))
    }

    /// The latent weights of binary layers stay in [-1, 1] after every update, even with a huge learning rate.
    @Test func latentWeightsStayClipped() {
        var g = SeededGenerator(seed: 3)
        let c = config(.deterministic)
        let net = Network(configuration: c, maxRows: 50, generator: &g)
        let data = SyntheticImages(count: 50, features: 32, seed: 4)
        var x = [Float](repeating: 0, count: 50 * 32), y = [Int32](repeating: 0, count: 50)
        let idx = Array(0..<50)
        idx.withUnsafeBufferPointer { i in x.withUnsafeMutableBufferPointer { xp in y.withUnsafeMutableBufferPointer { yp in
            data.gather(indices: i, pixels: xp.baseAddress!, labels: yp.baseAddress!)
        } } }
        var sawClip = false
        for _ in 0..<20 {
            _ = x.withUnsafeBufferPointer { xp in y.withUnsafeBufferPointer { yp in
                net.trainStep(input: xp.baseAddress!, labels: yp.baseAddress!, rows: 50, learningRate: 0.5, generator: &g)
            } }
            for layer in net.weightLayers {
                for i in 0..<layer.weights.count {
                    let w = layer.weights.value.pointer[i]
                    #expect(abs(w) <= 1)
                    if abs(w) == 1 { sawClip = true }
                }
            }
        }
        #expect(sawClip)
        #expect(net.layerStatistics()[0].clipFraction > 0)
    }

    @Test func pauseResumeAndLearningRateFromAnotherThread() throws {
        let c = config(.deterministic, epochs: 50)
        let run = try TrainingRun(name: "det", configuration: c, data: SyntheticImages.splits(train: 4000))
        run.start()
        // Wait for some progress, then pause from another thread.
        while run.snapshot().batchesDone < 3 && run.snapshot().epoch == 0 { usleep(1000) }
        DispatchQueue.global().sync { run.pause() }
        var s = run.snapshot()
        for _ in 0..<2000 where s.state != .paused(reason: nil) { usleep(1000); s = run.snapshot() }
        #expect(s.state == .paused(reason: nil))
        let frozen = run.snapshot()
        usleep(100_000)
        let later = run.snapshot()
        #expect(later.batchesDone == frozen.batchesDone && later.epoch == frozen.epoch)
        // A new learning rate shows at once and is used from the next batch.
        DispatchQueue.global().sync { run.setLearningRate(0.0123) }
        #expect(run.snapshot().learningRate == 0.0123)
        run.resume()
        let resumedFrom = (later.epoch, later.batchesDone)
        var progressed = false
        for _ in 0..<5000 {
            let now = run.snapshot()
            if (now.epoch, now.batchesDone) > resumedFrom { progressed = true; break }
            usleep(1000)
        }
        #expect(progressed)
        run.stop()
        #expect(run.waitUntilFinished(timeout: 30))
        let final = run.snapshot()
        #expect(final.state == .stopped)
        if let m = final.history.first(where: { $0.epoch > resumedFrom.0 }) {
            #expect(m.lr <= 0.0123 && m.lr > 0.0123 * 0.5)
        }
    }

    /// A learning rate absurdly high makes the loss non-finite (float mode): the run pauses
    /// itself with a reason instead of crashing, and its parameters stay finite.
    @Test func divergencePausesTheRunWithAReason() throws {
        var c = config(.float, epochs: 5, lr: 1e30)
        c.optimizer = .sgd
        let run = try TrainingRun(name: "float", configuration: c, data: SyntheticImages.splits())
        run.start()
        var s = run.snapshot()
        for _ in 0..<10_000 {
            s = run.snapshot()
            if case .diverged = s.state { break }
            usleep(1000)
        }
        guard case .diverged(let reason) = s.state else {
            Issue.record("run did not diverge: \(s.state)"); run.stop(); return
        }
        #expect(reason.contains("loss became"))
        run.stop()
        #expect(run.waitUntilFinished(timeout: 30))
    }

    @Test func checkpointResumeReproducesUninterruptedTraining() throws {
        let dir = try TemporaryCheckpointDirectory()
        defer { dir.remove() }
        let path = dir.path, data = SyntheticImages.splits()
        let full = try train(config(.stochastic, epochs: 4), data: data)

        // Train the same 4-epoch run, stopping it after epoch 2 and saving from the epoch callback.
        let box = RunBox()
        let first = try TrainingRun(name: "stoch", configuration: config(.stochastic, epochs: 4), data: data) { m in
            if m.epoch == 2 { try? box.run?.saveCheckpoint(to: path); box.run?.stop() }
        }
        box.run = first
        first.start(); first.waitUntilFinished()
        #expect(first.snapshot().state == .stopped)
        let checkpoint = try RunCheckpoint(contentsOf: path)
        #expect(checkpoint.completedEpochs == 2)
        let second = try TrainingRun(name: "stoch", configuration: config(.stochastic, epochs: 4), data: data,
                                     resumingFrom: checkpoint)
        second.start(); second.waitUntilFinished()
        let resumed = second.snapshot()
        #expect(resumed.history.count == 4)
        #expect(resumed.history.map(\.trainLoss) == full.history.map(\.trainLoss))
        #expect(resumed.history.map(\.testError) == full.history.map(\.testError))
    }

    /// A checkpoint taken between two batches (the dashboard's `s` while training) records where
    /// the epoch stood: resumed, the run finishes that epoch with the same batches and the same
    /// statistics, and trains on exactly as the uninterrupted run did.
    @Test func checkpointInsideAnEpochResumesThatEpoch() throws {
        let dir = try TemporaryCheckpointDirectory()
        defer { dir.remove() }
        let path = dir.path, data = SyntheticImages.splits()
        let full = try train(config(.stochastic, epochs: 4), data: data)

        let box = RunBox()
        let first = try TrainingRun(name: "stoch", configuration: config(.stochastic, epochs: 4), data: data)
        first.batchCompleted = { epoch, batches in
            if epoch == 2 && batches == 7 { try? box.run?.saveCheckpoint(to: path); box.run?.stop() }
        }
        box.run = first
        first.start(); first.waitUntilFinished()
        #expect(first.snapshot().state == .stopped)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(bytes[8] == 3, "a checkpoint inside an epoch is version 3")
        let checkpoint = try RunCheckpoint(contentsOf: path)
        #expect(checkpoint.completedEpochs == 1)
        let progress = try #require(checkpoint.epochProgress)
        #expect(progress.batchesDone == 7)

        let second = try TrainingRun(name: "stoch", configuration: config(.stochastic, epochs: 4), data: data,
                                     resumingFrom: checkpoint)
        #expect(second.snapshot().batchesDone == 7)
        second.start(); second.waitUntilFinished()
        let resumed = second.snapshot().history
        #expect(resumed.count == 4)
        #expect(resumed.map(\.trainLoss) == full.history.map(\.trainLoss))
        #expect(resumed.map(\.trainError) == full.history.map(\.trainError))
        #expect(resumed.map(\.testError) == full.history.map(\.testError))
        #expect(resumed.map(\.flipRatio) == full.history.map(\.flipRatio))
        #expect(resumed.map(\.steCancelFraction) == full.history.map(\.steCancelFraction))

        // Other batches per epoch cannot hold 7 done of epoch 2: refused, not resumed wrongly.
        var larger = config(.stochastic, epochs: 4)
        larger.batchSize = 500
        #expect(throws: CheckpointError.self) {
            _ = try TrainingRun(name: "stoch", configuration: larger, data: data, resumingFrom: checkpoint)
        }
        // Between epochs a checkpoint stays version 2.
        try second.saveCheckpoint(to: path)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path))[8] == 2)
    }

    /// A run that finished 2 epochs and is resumed to 4 (`train --resume`) trains as the
    /// 4-epoch run did, with a decay factor too: its checkpoint holds the rate epoch 2 used,
    /// and the resume multiplies it by λ once before epoch 3. The checkpoint also records the
    /// data sizes the run had.
    @Test func finishedRunResumedToMoreEpochsReproducesTheLongerRun() throws {
        let data = SyntheticImages.splits(train: 600, eval: 200)
        var long = config(.deterministic, epochs: 4)
        long.schedule = .factor(start: 0.01, lambda: 0.5)
        let full = try train(long, data: data)
        var short = long
        short.epochs = 2
        let first = try TrainingRun(name: "det", configuration: short, data: data)
        first.start(); first.waitUntilFinished()
        let saved = try first.checkpoint()
        #expect(saved.dataSizes == DataSizes(train: 600, validation: 200, test: 200))
        let resumed = saved.resumed(toEpochs: 4)
        #expect(resumed.configuration.epochs == 4)
        let second = try TrainingRun(name: "det", configuration: resumed.configuration, data: data, resumingFrom: resumed)
        second.start(); second.waitUntilFinished()
        let history = second.snapshot().history
        #expect(history.map(\.lr) == full.history.map(\.lr))
        #expect(history.map(\.trainLoss) == full.history.map(\.trainLoss))
        #expect(history.map(\.testError) == full.history.map(\.testError))
        // Saved before its last epoch, a run holds its next rate: resuming keeps it.
        #expect(resumed.resumed(toEpochs: 6).learningRate == resumed.learningRate)
    }

    /// A run's checkpoints splice in their history's cached JSON: the same bytes as encoding
    /// the whole header, after every epoch (a cache that went stale would differ).
    @Test func cachedHistoryJSONGivesTheSameCheckpointBytes() throws {
        let box = RunBox()
        let failures = FailureList()
        let run = try TrainingRun(name: "det", configuration: config(.deterministic, epochs: 3),
                                  data: SyntheticImages.splits(train: 300, eval: 100)) { _ in
            do {
                guard let cached = try box.run?.checkpoint() else { return failures.add("no run") }
                let plain = RunCheckpoint(copying: cached)
                if cached.encodedHistory == nil || plain.encodedHistory != nil { failures.add("cache not where expected") }
                if try cached.serialized() != plain.serialized() { failures.add("epoch \(cached.completedEpochs) differs") }
                failures.add("checked")
            } catch { failures.add("\(error)") }
        }
        box.run = run
        run.start(); run.waitUntilFinished()
        #expect(run.snapshot().history.count == 3)
        #expect(failures.items == ["checked", "checked", "checked"], "\(failures.items)")
    }

    @Test func corruptTruncatedAndForeignCheckpointsAreClearErrors() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bnn-ckpt-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("run.ckpt").path
        let run = try TrainingRun(name: "det", configuration: config(.deterministic, epochs: 1), data: SyntheticImages.splits())
        try run.saveCheckpoint(to: path)
        let good = try Data(contentsOf: URL(fileURLWithPath: path))
        _ = try RunCheckpoint(data: good, path: path)

        var flipped = good
        flipped[good.count / 2] ^= 0x40
        #expect(throws: CheckpointError.checksumMismatch(path: "x")) { try RunCheckpoint(data: flipped, path: "x") }
        #expect(throws: CheckpointError.truncated(path: "x")) { try RunCheckpoint(data: good.prefix(good.count - 100), path: "x") }
        #expect(throws: CheckpointError.notACheckpoint(path: "x")) { try RunCheckpoint(data: Data("hello world, not a checkpoint".utf8), path: "x") }
        #expect(throws: CheckpointError.self) { try RunCheckpoint(contentsOf: dir.appendingPathComponent("missing").path) }
        // A checkpoint of another architecture is refused.
        let other = TrainingConfiguration(architecture: Architecture(widths: [32, 16, 10]), mode: .deterministic)
        #expect(throws: CheckpointError.self) {
            _ = try TrainingRun(name: "x", configuration: other, data: SyntheticImages.splits(),
                                resumingFrom: try RunCheckpoint(data: good, path: path))
        }
    }
}

final class RunBox: @unchecked Sendable {
    var run: TrainingRun?
}

/// Strings collected from a run's callbacks (on its queue), read after it finished.
final class FailureList: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [String] = []
    func add(_ item: String) { lock.lock(); list.append(item); lock.unlock() }
    var items: [String] { lock.lock(); defer { lock.unlock() }; return list }
}

/// A fresh directory for one test's checkpoint file (`path`), removed by `remove()`.
struct TemporaryCheckpointDirectory {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("bnn-ckpt-\(UUID().uuidString)")
    var path: String { url.appendingPathComponent("run.ckpt").path }
    init() throws { try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true) }
    func remove() { try? FileManager.default.removeItem(at: url) }
}
