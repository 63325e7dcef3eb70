import Foundation
import Testing

/// `bnn-tui report`: every requested run trained, and report.md, the text
/// plots and the metrics files written with plausible numbers.
@Suite("bnn-tui report")
struct ReportCommandTests {
    /// The cells of a Markdown table row ("| a | b |" → ["a", "b"]).
    static func cells(_ line: String) -> [String] {
        line.split(separator: "|", omittingEmptySubsequences: false).dropFirst().dropLast()
            .map { $0.trimmingCharacters(in: .whitespaces) }
    }

    /// The number at the start of a cell ("51.40%" → 51.4, "47.60% @ 1" → 47.6).
    static func number(_ cell: String) -> Double? {
        cell.firstMatch(of: /^-?[0-9]+(\.[0-9]+)?/).flatMap { Double($0.output.0) }
    }

    @Test("report trains det and float and writes report.md, plots and metrics")
    func report() async throws {
        let directory = try TemporaryDirectory(prefix: "bnn-e2e-report")
        defer { directory.remove() }
        let output = directory.url.appendingPathComponent("out").path
        let result = try await runProcess(
            [try BNNTUIBinary.path(), "report", "--epochs", "1", "--train-limit", "1000", "--eval-limit", "500",
             "--archs", "784-32-10", "--modes", "det,float", "--output", output],
            timeout: .seconds(180))
        #expect(result.status == 0 && !result.signaled, "\(result)")

        let markdown = try String(contentsOfFile: output + "/report.md", encoding: .utf8)
        let lines = markdown.split(separator: "\n").map(String.init)
        let section = try #require(lines.firstIndex(of: "## Architecture 784-32-10"), "\(markdown)")
        // The measured table: the first table after the section heading.
        let tableStart = try #require(lines[section...].firstIndex { $0.hasPrefix("|") }, "\(markdown)")
        let tableLines = lines[tableStart...].prefix { $0.hasPrefix("|") }
        let header = Self.cells(tableLines.first ?? "")
        #expect(header.count == 3, "one column per run: \(header)")
        #expect(header.dropFirst().first?.contains("(det)") == true, "\(header)")
        #expect(header.dropFirst().last?.contains("(float)") == true, "\(header)")
        var rows: [String: [String]] = [:]
        for line in tableLines.dropFirst(2) {
            let cells = Self.cells(line)
            rows[cells[0]] = Array(cells.dropFirst())
        }

        for title in ["Training accuracy", "Validation accuracy", "Testing accuracy"] {
            let values = try #require(rows[title], "no \(title) row: \(rows.keys.sorted())")
            #expect(values.count == 2, "\(title): \(values)")
            for value in values {
                let percent = try #require(Self.number(value), "\(title): \(value)")
                #expect(value.hasSuffix("%") && (0...100).contains(percent), "\(title): \(value)")
            }
        }
        for title in ["Speed (s/epoch)", "Peak memory (MB)", "Training images/s"] {
            let values = try #require(rows[title], "no \(title) row: \(rows.keys.sorted())")
            #expect(values.count == 2, "\(title): \(values)")
            for value in values {
                #expect((Self.number(value) ?? 0) > 0, "\(title): \(value)")
            }
        }
        let trainTimes = try #require(rows["Train time (s)"], "no train time row")
        #expect(trainTimes.count == 2)
        for value in trainTimes { #expect((Self.number(value) ?? 0) > 0, "Train time (s): \(value)") }

        let plots = try String(contentsOfFile: output + "/plots-784-32-10.txt", encoding: .utf8)
        let area = try #require(ScreenReading.plotArea(of: plots), "no error chart in the plots:\n\(plots)")
        #expect(ScreenReading.brailleCount(area) > 0, "no braille:\n\(area)")
        for mode in ["det", "float"] {
            let path = output + "/784-32-10-\(mode).jsonl"
            let text = try String(contentsOfFile: path, encoding: .utf8)
            let epochs = text.split(separator: "\n")
            #expect(epochs.count == 1, "\(path): \(text)")
            #expect(epochs.first?.contains("\"mode\":\"\(mode)\"") == true, "\(path): \(text)")
        }
    }
}
