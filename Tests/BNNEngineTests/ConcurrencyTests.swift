import Foundation
import Testing
import BNNSupport
@testable import BNNEngine

/// Several runs training at once while other threads pause, resume, change the
/// learning rate, save checkpoints and read snapshots at random moments. Run
/// under ThreadSanitizer in CI (`swift test --sanitize=thread`), where any data
/// race fails the run.
@Suite struct ConcurrencyTests {
    /// ForkJoin runs every part exactly once and returns only after all have finished:
    /// any part count, nested inside a part, and from several callers at once (which must
    /// fall back to concurrentPerform while the helpers are busy).
    @Test func forkJoinRunsEveryPartOnce() {
        let pool = ForkJoin(helpers: 1)
        for parts in [0, 1, 2, 3, 7, 64] {
            let slots = UnsafeMutablePointer<Int>.allocate(capacity: max(parts, 1))
            slots.initialize(repeating: 0, count: max(parts, 1))
            let box = SendablePointer(slots)
            pool.run(iterations: parts) { box.pointer[$0] += 1 }
            #expect((0..<parts).allSatisfy { slots[$0] == 1 }, "\(parts) parts")
            slots.deallocate()
        }
        let grid = UnsafeMutablePointer<Int>.allocate(capacity: 12)
        grid.initialize(repeating: 0, count: 12)
        let cells = SendablePointer(grid)
        pool.run(iterations: 3) { i in pool.run(iterations: 4) { j in cells.pointer[i * 4 + j] += i + 1 } }
        #expect((0..<12).allSatisfy { grid[$0] == $0 / 4 + 1 })
        grid.deallocate()
        let sums = UnsafeMutablePointer<Int>.allocate(capacity: 4 * 5)
        sums.initialize(repeating: 0, count: 20)
        let shared = SendablePointer(sums)
        DispatchQueue.concurrentPerform(iterations: 4) { caller in
            for _ in 0..<300 { pool.run(iterations: 5) { shared.pointer[caller * 5 + $0] += 1 } }
        }
        #expect((0..<20).allSatisfy { sums[$0] == 300 })
        sums.deallocate()
    }

    @Test func runsSurviveControlFromManyThreads() throws {
        let data = SyntheticImages.splits(train: 1500, eval: 300)
        let runs = try BinarizationMode.allCases.map { mode in
            try TrainingRun(name: mode.rawValue,
                            configuration: TrainingConfiguration(architecture: Architecture(widths: [32, 48, 10]),
                                                                 mode: mode, batchSize: 50, epochs: 1000, seed: 3,
                                                                 threads: 2),
                            data: data)
        }
        runs.forEach { $0.start() }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bnn-conc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let shared = runs
        let saveDirectory = directory.path
        DispatchQueue.concurrentPerform(iterations: 4) { worker in
            var g = SeededGenerator(seed: UInt64(worker + 10))
            for step in 0..<60 {
                let run = shared[g.nextInt(below: shared.count)]
                switch g.nextInt(below: 6) {
                case 0: run.pause()
                case 1: run.resume()
                case 2: run.setLearningRate(0.0001 + g.nextUnitDouble() * 0.01)
                case 3:
                    let s = run.snapshot()
                    #expect(s.batchesDone <= s.batchesPerEpoch)
                    #expect(s.learningRate > 0)
                case 4 where step % 10 == 0:
                    #expect(throws: Never.self) { try run.saveCheckpoint(to: "\(saveDirectory)/\(run.name)-\(worker).ckpt") }
                default:
                    _ = run.snapshot().history.last?.testError
                }
                usleep(UInt32(g.nextInt(below: 3000)))
            }
        }
        // Every run still makes progress once resumed, then stops cleanly.
        let before = runs.map { ($0.snapshot().epoch, $0.snapshot().batchesDone) }
        runs.forEach { $0.resume() }
        for (run, start) in zip(runs, before) {
            var moved = false
            for _ in 0..<5000 {
                let s = run.snapshot()
                if (s.epoch, s.batchesDone) != start { moved = true; break }
                usleep(1000)
            }
            #expect(moved, "\(run.name) did not progress after resume")
        }
        DispatchQueue.concurrentPerform(iterations: runs.count) { runs[$0].stop() }
        for run in runs {
            #expect(run.waitUntilFinished(timeout: 30))
            #expect(run.snapshot().state == .stopped)
        }
        // Checkpoints written under contention are complete and loadable.
        let saved = try FileManager.default.contentsOfDirectory(atPath: saveDirectory).filter { $0.hasSuffix(".ckpt") }
        for name in saved { _ = try RunCheckpoint(contentsOf: "\(saveDirectory)/\(name)") }
    }
}
