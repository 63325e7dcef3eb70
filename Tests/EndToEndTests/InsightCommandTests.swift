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
                                         "--name", "low", "--metrics", path("low.jsonl")] + quick, timeout: .seconds(120))
        #expect(fork.status == 0, "\(fork)")
        #expect(fork.stdout.contains("as low: det→lr 5e-4 @2 from epoch 3"), "\(fork.stdout)")
        let forked = try TrainCommandTests.metrics(path("low.jsonl"))
        #expect(forked.count == 1 && forked[0]["run"] as? String == "low" && forked[0]["lr"] as? Double == 0.0005)
        let confusion = try #require(forked[0]["val_confusion"] as? [[Int]])
        #expect(confusion.count == 10 && confusion.joined().reduce(0, +) == 500)
        #expect((forked[0]["test_misclassified"] as? [[String: Any]])?.count == 40)

        let bad = try await runProcess([binary, "train", "--fork-lr", "0.001"] + quick)
        #expect(bad.status == 64 && bad.stderr.contains("--fork-lr forks a saved run"), "\(bad)")

        let plot = try await runProcess([binary, "plot", path("det.jsonl"), path("low.jsonl"), "--csv", path("m.csv"),
                                         "--svg", path("e.svg"), "--output", path("plot.txt")] + data, timeout: .seconds(60))
        #expect(plot.status == 0, "\(plot)")
        let csv = try String(contentsOfFile: path("m.csv"), encoding: .utf8).split(separator: "\n")
        #expect(csv.count == 1 + 2 + 1 && csv[3].hasPrefix("low,det,784-64-10,3,"), "\(csv)")
        let parser = try #require(XMLParser(contentsOf: URL(fileURLWithPath: path("e.svg"))))
        #expect(parser.parse(), "the SVG is well-formed XML")
        let text = try String(contentsOfFile: path("plot.txt"), encoding: .utf8)
        #expect(text.contains("Confusion · low · validation · epoch 3") && text.contains("most confused "))
        #expect(text.contains("Misclassified test images") && text.filter { "▀▄█".contains($0) }.count > 100,
                "pictures from --data")
    }
}
