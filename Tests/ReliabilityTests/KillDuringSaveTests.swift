import BNNEngine
import Foundation
import Testing
import BNNSupport
import BNNTestSupport

/// Checkpoints survive kill -9: `bnn-save-loop` saves checkpoints of one run to the
/// same path as fast as it can, and is killed with SIGKILL at random moments, at
/// least 50 times. After every kill the file at the path must be a complete checkpoint that
/// loads, and it must be the last save that finished or the one in flight (save
/// `i` records the learning rate i/1024) — or, before any save finished, the file
/// the previous round left, or none at all in the first round.
///
/// A kill inside `AtomicFile.write` leaves its temporary file (`.run.ckpt.tmp-…`)
/// behind: the test counts those, to show that kills really land mid-write, then
/// deletes them. On a fast machine fewer kills land there, so the test goes on
/// past 50 rounds until 10 have (at most 200 rounds or 25 s) and needs at least 3.
///
/// The kill loop blocks (sleeps, waitpid), so it runs on a thread of its own and
/// reports back: it neither holds one of the test run's few shared threads nor
/// waits for one while the helper is saving.
@Suite(.serialized) struct KillDuringSaveTests {
    static let rounds = 50
    static let wantedInsideWrite = 10

    @Test func checkpointsSurviveSIGKILLAtRandomMoments() async throws {
        let helper = try HelperProcess.executable("bnn-save-loop", override: "BNN_SAVE_LOOP")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("bnn-kill-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var seed = UInt64.random(in: 1...UInt64.max)
        if let fixed = ProcessInfo.processInfo.environment["BNN_KILL_SEED"].flatMap(UInt64.init) { seed = fixed }

        let report = await withCheckedContinuation { (done: CheckedContinuation<KillReport, Never>) in
            Thread { [seed] in done.resume(returning: KillLoop(helper: helper, folder: folder, seed: seed).run()) }.start()
        }
        for failure in report.failures { Issue.record(Comment(rawValue: failure)) }
        print("kill -9 test (seed \(seed)): \(report.kills) kills, \(report.beforeFirstSave) before the first save finished, "
              + "\(report.insideWrite) inside AtomicFile.write (temporary file left), \(report.completedSaves) saves finished, "
              + "median save \(report.medianSaveMicroseconds) µs, \(report.failures.isEmpty ? "every checkpoint loaded" : "FAILURES")")
        // The test proves something only if kills really landed inside writes.
        #expect(report.insideWrite >= 3, "only \(report.insideWrite) of \(report.kills) kills landed inside a write")
        #expect(report.kills >= Self.rounds || !report.failures.isEmpty)
        #expect(report.beforeFirstSave <= report.kills / 2)

        // The surviving file is usable: a run resumes from it.
        let final = try RunCheckpoint(contentsOf: "\(folder)/run.ckpt")
        let images = ConstantImages(count: 10, featureCount: final.configuration.architecture.inputSize)
        let run = try TrainingRun(name: final.name, configuration: final.configuration,
                                  data: TrainingData(train: images, validation: images, test: images),
                                  resumingFrom: final)
        #expect(run.snapshot().learningRate == final.learningRate)
    }
}

/// What the kill loop saw.
struct KillReport: Sendable {
    var kills = 0
    var beforeFirstSave = 0
    var insideWrite = 0
    var completedSaves = 0
    var medianSaveMicroseconds = 0
    var failures: [String] = []
}

/// The rounds of the kill -9 test, blocking, on the calling thread.
struct KillLoop {
    let helper: String
    let folder: String
    let seed: UInt64

    func run() -> KillReport {
        let checkpoint = "\(folder)/run.ckpt"
        var random = SeededGenerator(seed: seed)  // reproducible kill moments from a printed seed
        var report = KillReport()
        var saveMicroseconds: [Int] = []
        var previous: Int?  // save number in the file the last round left
        let started = Date()
        var round = -1
        func finish() -> KillReport {
            var final = report
            final.medianSaveMicroseconds = saveMicroseconds.sorted().dropFirst(saveMicroseconds.count / 2).first ?? 0
            return final
        }
        while true {
            round += 1
            let enough = round >= KillDuringSaveTests.rounds
                && (report.insideWrite >= KillDuringSaveTests.wantedInsideWrite || round >= 4 * KillDuringSaveTests.rounds
                    || Date().timeIntervalSince(started) > 25)
            if enough { return finish() }
            let progress = "\(folder)/progress-\(round)"
            let process: HelperProcess
            do { process = try HelperProcess(helper, [checkpoint, progress]) } catch {
                report.failures.append("round \(round): \(error)"); return finish()
            }
            guard waitForLine("ready", in: progress, timeout: 30) else {
                _ = process.kill()
                report.failures.append("round \(round): bnn-save-loop did not start within 30 s"); return finish()
            }
            // Every fifth round kills within 2 ms of start-up, inside the first save (the file
            // is still the previous round's); the others once the first save is done, at a
            // uniform moment over the next two saves.
            let delay: Int
            if round % 5 == 0 {
                delay = Int(random.next() % 2_000)
            } else {
                guard waitForLine("saved 1", in: progress, timeout: 30, prefix: true) else {
                    _ = process.kill()
                    report.failures.append("round \(round): bnn-save-loop did not save within 30 s"); return finish()
                }
                let typical = saveMicroseconds.isEmpty ? 20_000 : saveMicroseconds.sorted()[saveMicroseconds.count / 2]
                delay = Int(random.next() % UInt64(2 * typical))
            }
            usleep(UInt32(delay))
            let signal = process.kill()
            if signal != SIGKILL {
                report.failures.append("round \(round): bnn-save-loop ended by itself (signal \(String(describing: signal)))")
            }

            let lines = (try? String(contentsOfFile: progress, encoding: .utf8))?.split(separator: "\n") ?? []
            let saved = lines.filter { $0.hasPrefix("saved ") }.map { $0.split(separator: " ") }
            saveMicroseconds += saved.compactMap { Int($0[2]) }
            let finished = saved.last.flatMap { Int($0[1]) } ?? 0
            report.completedSaves += finished
            report.kills += 1
            if finished == 0 { report.beforeFirstSave += 1 }

            let leftovers = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [])
                .filter { $0.hasPrefix(".run.ckpt.tmp-\(process.pid)-") }
            if !leftovers.isEmpty { report.insideWrite += 1 }
            for name in leftovers { try? FileManager.default.removeItem(atPath: "\(folder)/\(name)") }

            guard FileManager.default.fileExists(atPath: checkpoint) else {
                if previous != nil || finished > 0 {
                    report.failures.append("round \(round): the checkpoint vanished after \(finished) saves")
                }
                continue
            }
            do throws(CheckpointError) {
                let loaded = try RunCheckpoint(contentsOf: checkpoint)
                let number = Int((loaded.learningRate * 1024).rounded())
                let allowed = finished == 0 ? [previous, 1].compactMap { $0 } : [finished, finished + 1]
                if !allowed.contains(number) {
                    report.failures.append("round \(round): the file holds save \(number), but \(finished) saves had finished")
                }
                previous = number
            } catch {
                report.failures.append("round \(round) (kill after \(delay) µs, \(finished) saves finished): \(error)")
                previous = nil
            }
        }
    }

    /// Polls `path` until it has the line `line` (or, with `prefix`, one starting with
    /// `line` and a space): true, or false once `timeout` seconds have passed.
    private func waitForLine(_ line: String, in path: String, timeout: Double, prefix: Bool = false) -> Bool {
        let deadline = Date(timeIntervalSinceNow: timeout)
        while Date() < deadline {
            if let text = try? String(contentsOfFile: path, encoding: .utf8),
               text.split(separator: "\n").contains(where: { prefix ? $0.hasPrefix(line + " ") : $0 == line }) { return true }
            usleep(500)
        }
        return false
    }
}
