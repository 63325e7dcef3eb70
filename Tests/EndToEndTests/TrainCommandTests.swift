import Foundation
import Testing

/// `bnn-tui train` and `bnn-tui plot` as a script uses them: epoch lines,
/// metrics JSONL, checkpoints, resume, interruption, and the text charts.
@Suite("bnn-tui train and plot")
struct TrainCommandTests {
    /// A small network on a slice of the data: epochs of a fraction of a second.
    static let quick = ["--arch", "784-64-10", "--train-limit", "2000", "--eval-limit", "500"]

    /// The keys every metrics line must carry (the EpochMetrics coding keys, the JSONL contract).
    static let documentedKeys = ["run", "mode", "arch", "epoch", "train_loss", "train_error", "val_error", "test_error",
                                 "lr", "epoch_seconds", "samples_per_second", "rss_mb", "clip_fraction", "flip_ratio",
                                 "ste_cancel_fraction"]

    /// The lines of `text` that report a finished epoch ("epoch 1/2  loss ...").
    static func epochLines(_ text: String) -> [String] {
        text.split(separator: "\n").map(String.init).filter { $0.wholeMatch(of: /epoch +\d+\/\d+  loss .*/) != nil }
    }

    /// The JSON objects of a metrics file, one per line.
    static func metrics(_ path: String) throws -> [[String: Any]] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return try text.split(separator: "\n").map { line in
            try #require(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "not an object: \(line)")
        }
    }

    /// The forward product does not change a number: the same run with BLAS and with
    /// XNOR-popcount prints the same epoch lines (timings aside), and says which it used.
    @Test("BNN_TRAIN_PRODUCT=xnor and =sgemm give the same epochs; train names the product")
    func forwardProductsAgree() async throws {
        let binary = try BNNTUIBinary.path()
        let arguments = [binary, "train", "--arch", "784-64-48-10", "--train-limit", "1000", "--eval-limit", "300",
                         "--epochs", "2", "--dropout-in", "0.1"]
        var outputs: [String: ProcessResult] = [:]
        for product in ["sgemm", "xnor"] {
            let result = try await runProcess(arguments, environment: ["BNN_TRAIN_PRODUCT": product], timeout: .seconds(120))
            #expect(result.status == 0, "\(result)")
            outputs[product] = result
        }
        let xnor = try #require(outputs["xnor"]), blas = try #require(outputs["sgemm"])
        #expect(xnor.stdout.contains("forward product: layer 2 · 100x48x64"), "\(xnor.stdout)")
        #expect(xnor.stdout.contains("forward product: layer 3 · 100x10x48"), "\(xnor.stdout)")
        #expect(!blas.stdout.contains("forward product:"), "\(blas.stdout)")
        // Everything before the timing columns ("… lr 3.00e-03") must agree.
        let numbers = { (text: String) in Self.epochLines(text).map { $0.components(separatedBy: "  lr ")[0] } }
        #expect(numbers(xnor.stdout).count == 2)
        #expect(numbers(xnor.stdout) == numbers(blas.stdout))
    }

    /// --save-best keeps the checkpoint of the epoch with the lowest validation error.
    @Test("--save-best holds the best validation epoch, which --resume continues from")
    func saveBestKeepsTheBestEpoch() async throws {
        let directory = try TemporaryDirectory(prefix: "bnn-e2e-best")
        defer { directory.remove() }
        let best = directory.url.appendingPathComponent("best.ckpt").path
        let metricsPath = directory.url.appendingPathComponent("m.jsonl").path
        let binary = try BNNTUIBinary.path()
        // A learning rate that triples every epoch (0.05 to 4.05) makes the last epochs the
        // worst, whatever the arithmetic's last bits: the best epoch is not the last.
        let result = try await runProcess([binary, "train"] + Self.quick
                                          + ["--epochs", "5", "--lr", "0.05", "--lr-decay", "3", "--seed", "1", "--threads", "2", "--save-best", best,
                                             "--metrics", metricsPath], timeout: .seconds(120))
        #expect(result.status == 0, "\(result)")
        let validation = try Self.metrics(metricsPath).map { try #require(($0["val_error"] as? NSNumber)?.doubleValue) }
        #expect(validation.count == 5)
        // So saving every epoch would fail this.
        #expect(validation.last! > validation.min()!, "\(validation)")
        let bestEpoch = (validation.indices.min { validation[$0] < validation[$1] } ?? 0) + 1
        #expect(result.stdout.contains("at epoch \(bestEpoch) (test error there"), "\(result.stdout)")
        #expect(result.stdout.contains("saved in \(best)"), "\(result.stdout)")
        let again = directory.url.appendingPathComponent("again.ckpt").path
        let resumed = try await runProcess([binary, "train"] + Self.quick + ["--resume", best, "--epochs", "6", "--save-best", again],
                                           timeout: .seconds(120))
        #expect(resumed.status == 0, "\(resumed)")
        #expect(resumed.stdout.contains("at epoch \(bestEpoch + 1)"), "\(resumed.stdout)")
        // The summary says where the best epoch is only when this run wrote it.
        let wrote = FileManager.default.fileExists(atPath: again)
        #expect(resumed.stdout.contains(wrote ? "saved in \(again)" : "not saved in \(again): epoch"), "\(resumed.stdout)")
    }

    /// A resumed run goes on with the checkpoint's data sizes and learning rate, not the
    /// full data set and the last rate again: resumed to 3 epochs, a 2-epoch run with a
    /// decay factor prints the same lines as the 3-epoch run; another --arch is refused.
    @Test("--resume keeps the checkpoint's data sizes and schedule and refuses another --arch")
    func resumeKeepsDataAndSchedule() async throws {
        let directory = try TemporaryDirectory(prefix: "bnn-e2e-resume")
        defer { directory.remove() }
        let checkpointPath = directory.url.appendingPathComponent("c.ckpt").path
        let binary = try BNNTUIBinary.path()
        let run = Self.quick + ["--lr-decay", "0.5", "--threads", "1", "--no-control"]
        let straight = try await runProcess([binary, "train"] + run + ["--epochs", "3"], timeout: .seconds(120))
        #expect(straight.status == 0, "\(straight)")
        let first = try await runProcess([binary, "train"] + run + ["--epochs", "2", "--save", checkpointPath],
                                         timeout: .seconds(120))
        #expect(first.status == 0, "\(first)")
        let resumed = try await runProcess([binary, "train", "--resume", checkpointPath, "--epochs", "3",
                                            "--threads", "1", "--no-control"], timeout: .seconds(120))
        #expect(resumed.status == 0, "\(resumed)")
        #expect(resumed.stdout.contains("train 2000 · validation 500 · test 500"), "\(resumed.stdout)")
        // Timings aside, epoch 3 is the uninterrupted run's.
        func withoutTimes(_ line: String?) -> String? { line?.firstMatch(of: /^epoch .* lr \S+/).map { String($0.output) } }
        #expect(withoutTimes(Self.epochLines(resumed.stdout).last) != nil, "\(resumed.stdout)")
        #expect(withoutTimes(Self.epochLines(resumed.stdout).last) == withoutTimes(Self.epochLines(straight.stdout).last),
                "\(resumed.stdout)\n\(straight.stdout)")
        let other = try await runProcess([binary, "train", "--resume", checkpointPath, "--epochs", "3", "--arch", "784-32-10"],
                                         timeout: .seconds(60))
        #expect(other.status == 64, "\(other)")
        #expect(other.stderr.contains("784-32-10"), "\(other)")
        // So is any other training option given explicitly: it would be dropped without a word.
        let batch = try await runProcess([binary, "train", "--resume", checkpointPath, "--epochs", "3", "--batch", "50", "--loss", "xent"],
                                         timeout: .seconds(60))
        #expect(batch.status == 64, "\(batch)")
        #expect(batch.stderr.contains("--batch 50 (checkpoint: 100), --loss xent (checkpoint: hinge) differ from"), "\(batch)")
    }

    @Test("train writes epoch lines, metrics and a checkpoint; --resume continues; plot draws the file")
    func trainResumePlot() async throws {
        let directory = try TemporaryDirectory(prefix: "bnn-e2e-train")
        defer { directory.remove() }
        let metricsPath = directory.url.appendingPathComponent("m.jsonl").path
        let checkpointPath = directory.url.appendingPathComponent("c.ckpt").path
        let binary = try BNNTUIBinary.path()

        // Two epochs.
        let first = try await runProcess([binary, "train"] + Self.quick
                                         + ["--epochs", "2", "--metrics", metricsPath, "--save", checkpointPath],
                                         timeout: .seconds(120))
        #expect(first.status == 0 && !first.signaled, "\(first)")
        let firstEpochs = Self.epochLines(first.stdout)
        #expect(firstEpochs.count == 2, "\(first)")
        #expect(firstEpochs.first?.hasPrefix("epoch 1/2") ?? false, "\(first)")
        #expect(firstEpochs.last?.hasPrefix("epoch 2/2") ?? false, "\(first)")
        #expect(FileManager.default.fileExists(atPath: checkpointPath))

        let lines = try Self.metrics(metricsPath)
        #expect(lines.count == 2)
        for (index, line) in lines.enumerated() {
            for key in Self.documentedKeys {
                #expect(line[key] != nil, "metrics line \(index + 1) lacks \(key): \(line.keys.sorted())")
            }
            #expect(line["run"] as? String == "det" && line["mode"] as? String == "det")
            #expect(line["arch"] as? String == "784-64-10")
            #expect((line["epoch"] as? NSNumber)?.intValue == index + 1)
            for key in ["train_error", "val_error", "test_error"] {
                let value = try #require((line[key] as? NSNumber)?.doubleValue, "\(key) is not a number")
                #expect((0...1).contains(value), "\(key) = \(value) is not a fraction")
            }
            for key in ["lr", "epoch_seconds", "samples_per_second", "rss_mb"] {
                let value = try #require((line[key] as? NSNumber)?.doubleValue, "\(key) is not a number")
                #expect(value > 0 && value.isFinite, "\(key) = \(value)")
            }
            #expect(((line["train_loss"] as? NSNumber)?.doubleValue ?? -1) >= 0)
            for key in ["clip_fraction", "flip_ratio", "ste_cancel_fraction"] {
                let values = try #require(line[key] as? [NSNumber], "\(key) is not a list")
                #expect(values.count == 2, "\(key): one value per layer")
                #expect(values.allSatisfy { (0...1).contains($0.doubleValue) }, "\(key) = \(values)")
            }
        }

        // Resume to a third epoch.
        let resumed = try await runProcess([binary, "train"] + Self.quick
                                           + ["--resume", checkpointPath, "--epochs", "3", "--metrics", metricsPath],
                                           timeout: .seconds(120))
        #expect(resumed.status == 0 && !resumed.signaled, "\(resumed)")
        #expect(resumed.stdout.contains("resuming \(checkpointPath) at epoch 3"), "\(resumed)")
        let resumedEpochs = Self.epochLines(resumed.stdout)
        #expect(resumedEpochs.count == 1 && resumedEpochs.first?.hasPrefix("epoch 3/3") == true, "\(resumed)")
        let all = try Self.metrics(metricsPath)
        #expect(all.map { ($0["epoch"] as? NSNumber)?.intValue } == [1, 2, 3])

        // Plot the three epochs.
        let plot = try await runProcess([binary, "plot", metricsPath])
        #expect(plot.status == 0 && !plot.signaled, "\(plot)")
        for chart in ["Error vs epoch", "Loss vs epoch"] {
            let area = try #require(ScreenReading.plotArea(of: plot.stdout, title: chart), "no \(chart):\n\(plot.stdout)")
            #expect(ScreenReading.brailleCount(area) > 0, "\(chart) has no braille:\n\(area)")
        }
        let table = try #require(ScreenReading.RunTable(plot.stdout), "no run table:\n\(plot.stdout)")
        #expect(table.epoch("det") == 3, "\(table)")
        #expect(plot.stdout.contains("Latent weights · det · layer 1 of 2"), "\(plot.stdout)")
    }

    @Test("SIGINT during train --save exits 130 and leaves a checkpoint that resumes")
    func interruptedTrainingResumes() async throws {
        let directory = try TemporaryDirectory(prefix: "bnn-e2e-sigint")
        defer { directory.remove() }
        let checkpointPath = directory.url.appendingPathComponent("long.ckpt").path
        let binary = try BNNTUIBinary.path()

        let long = try BackgroundProcess([binary, "train"] + Self.quick + ["--epochs", "100000", "--save", checkpointPath])
        defer { long.close() }
        try await long.waitUntil("the first checkpoint", timeout: .seconds(120)) {
            FileManager.default.fileExists(atPath: checkpointPath)
        }
        long.send(SIGINT)
        let interrupted = try await long.waitForExit(timeout: .seconds(30))
        #expect(interrupted.status == 130 && !interrupted.signaled, "\(interrupted)")
        let match = try #require(interrupted.stderr.firstMatch(of: /interrupted after (\d+) epochs?; last checkpoint: (.+)/),
                                 "\(interrupted)")
        let epochs = try #require(Int(match.output.1))
        #expect(String(match.output.2) == checkpointPath)
        #expect(epochs >= 1)

        let resumed = try await runProcess([binary, "train"] + Self.quick
                                           + ["--resume", checkpointPath, "--epochs", "\(epochs + 1)"],
                                           timeout: .seconds(120))
        #expect(resumed.status == 0 && !resumed.signaled, "\(resumed)")
        #expect(resumed.stdout.contains("resuming \(checkpointPath) at epoch \(epochs + 1)"), "\(resumed)")
        let lines = Self.epochLines(resumed.stdout)
        #expect(lines.count == 1 && lines.first?.hasPrefix("epoch \(epochs + 1)/\(epochs + 1)") == true, "\(resumed)")
    }
}
