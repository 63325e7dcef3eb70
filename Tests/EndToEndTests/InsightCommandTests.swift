import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing

/// Issue 15 headless: `train --resume --fork-lr --name`, and `plot --csv / --svg / --data`
/// on the metrics file that carries the confusion matrix and the misclassified images.
@Suite("fork and plot exports headless")
struct InsightCommandTests {
    @Test("train --fork-lr forks a checkpoint; plot writes CSV, SVG and the insight view with pictures")
    func forkAndExports() async throws {
        let directory = try TemporaryDirectory(prefix: "bnn-e2e-insight")
        defer { directory.remove() }
        func path(_ name: String) -> String { directory.url.appendingPathComponent(name).path }
        let binary = try BNNTUIBinary.path()
        let data = ["--data", PinnedRunTests.root.appendingPathComponent("Data/BNNEmbeddedData/fashion-mnist-subset").path]
        let quick = TrainCommandTests.quick + data
        let first = try await runProcess([binary, "train", "--epochs", "2", "--save", path("det.ckpt"),
                                          "--metrics", path("det.jsonl")] + quick, timeout: .seconds(120))
        #expect(first.status == 0, "\(first)")
        let fork = try await runProcess([binary, "train", "--resume", path("det.ckpt"), "--epochs", "3", "--fork-lr", "0.0005",
                                         "--name", "low", "--metrics", path("low.jsonl"), "--save", path("low.ckpt")] + quick,
                                        timeout: .seconds(120))
        #expect(fork.status == 0, "\(fork)")
        #expect(fork.stdout.contains("as low: det→lr 5e-4 @2 from epoch 3"), "\(fork.stdout)")
        let forked = try TrainCommandTests.metrics(path("low.jsonl"))
        #expect(forked.count == 1 && forked[0]["run"] as? String == "low" && forked[0]["lr"] as? Double == 0.0005)
        let confusion = try #require(forked[0]["val_confusion"] as? [[Int]])
        #expect(confusion.count == 10 && confusion.joined().reduce(0, +) == 500)
        #expect((forked[0]["test_misclassified"] as? [[String: Any]])?.count == 40)
        let parent = try #require(forked[0]["parent"] as? [String: Any], "a fork's metrics name its parent")
        #expect(parent["run"] as? String == "det" && parent["epoch"] as? Int == 2 && parent["lr"] as? Double == 0.0005)

        // Resuming the saved fork: still the fork, in the banner and in the metrics it goes on writing.
        let resumed = try await runProcess([binary, "train", "--resume", path("low.ckpt"), "--epochs", "4",
                                            "--metrics", path("low.jsonl")] + quick, timeout: .seconds(120))
        #expect(resumed.status == 0, "\(resumed)")
        #expect(resumed.stdout.contains("at epoch 4 (a fork: det→lr 5e-4 @2)"), "\(resumed.stdout)")
        let lines = try TrainCommandTests.metrics(path("low.jsonl"))
        #expect(lines.count == 2 && (lines[1]["parent"] as? [String: Any])?["run"] as? String == "det")

        let bad = try await runProcess([binary, "train", "--fork-lr", "0.001"] + quick)
        #expect(bad.status == 64 && bad.stderr.contains("--fork-lr forks a saved run"), "\(bad)")

        let plot = try await runProcess([binary, "plot", path("det.jsonl"), path("low.jsonl"), "--csv", path("m.csv"),
                                         "--svg", path("e.svg"), "--output", path("plot.txt")] + data, timeout: .seconds(60))
        #expect(plot.status == 0, "\(plot)")
        let csv = try String(contentsOfFile: path("m.csv"), encoding: .utf8).split(separator: "\n")
        #expect(csv.count == 1 + 2 + 2 && csv[3].hasPrefix("low,det,784-64-10,3,"), "\(csv)")
        let parser = try #require(XMLParser(contentsOf: URL(fileURLWithPath: path("e.svg"))))
        #expect(parser.parse(), "the SVG is well-formed XML")
        let text = try String(contentsOfFile: path("plot.txt"), encoding: .utf8)
        #expect(text.contains("Confusion · low · validation · epoch 4") && text.contains("most confused "))
        #expect(text.contains("Misclassified test images") && text.filter { "░▒▓█".contains($0) }.count > 300,
                "grey pictures (shades in text) from --data")
        #expect(text.contains("det→lr 5e-4 @2"), "the run table names the fork's parent")
    }

    @Test("plot's text export tables a ConvNet's unique filters per conv layer per epoch")
    func uniqueFiltersInPlot() async throws {
        let directory = try TemporaryDirectory(prefix: "bnn-e2e-unique")
        defer { directory.remove() }
        let metrics = directory.url.appendingPathComponent("cnn.jsonl").path
        let binary = try BNNTUIBinary.path()
        let data = ["--data", PinnedRunTests.root.appendingPathComponent("Data/BNNEmbeddedData/fashion-mnist-subset").path]
        let train = try await runProcess([binary, "train", "--arch", "4C3-MP2-16FC-10", "--train-limit", "500",
                                          "--eval-limit", "200", "--epochs", "2", "--metrics", metrics] + data,
                                         timeout: .seconds(120))
        #expect(train.status == 0, "\(train)")
        let recorded = try TrainCommandTests.metrics(metrics).map { ($0["unique_filters"] as? [Any])?.first as? Int }
        #expect(recorded.count == 2 && recorded.allSatisfy { ($0 ?? 0) >= 1 && ($0 ?? 5) <= 4 }, "\(recorded)")
        let plot = try await runProcess([binary, "plot", metrics], timeout: .seconds(60))
        #expect(plot.status == 0, "\(plot)")
        #expect(plot.stdout.contains("Unique filters · det · distinct 3×3 binary kernels (up to sign) per epoch"), "\(plot.stdout)")
        // Rows of the table: "│      1        3/4 75%   │" → epoch, count/most, percent.
        func cells(_ line: Substring) -> [String] {
            guard let inner = line.split(separator: "│").first else { return [] }
            return inner.split(separator: " ").map(String.init)
        }
        func isRow(_ c: [String]) -> Bool {
            c.count == 3 && Int(c[0]) != nil && c[1].hasSuffix("/4") && c[2].hasSuffix("%")
        }
        let rows: [[String]] = plot.stdout.split(separator: "\n").map(cells).filter(isRow)
        #expect(rows.map { $0[0] } == ["1", "2"], "one row per epoch: \(rows)")
    }
}
