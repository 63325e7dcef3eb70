import Foundation
import Testing

/// Issue 14's many runs, as a person sees them: `bnn-tui watch DIR` in tmux over ten
/// metrics files (written here in the documented schema, docs/metrics.md) shows
/// every run with a letter of its own, the run table pages to the selected run
/// when the window is small, and `a` toggles the chart between all runs and one.
@Suite("many runs in watch", .requiresTmux)
struct ManyRunsWatchTests {
    typealias Table = ScreenReading.RunTable
    static let timeout: Duration = .seconds(30)

    /// Ten sweep runs: det, stoch, float x three learning rates, and one more.
    static let names = ["det", "stoch", "float"].flatMap { mode in ["0.001", "0.003", "0.01"].map { "\(mode)-lr\($0)" } }
        + ["det-lr0.03"]

    /// One schema-1 line of `run` (an MLP 784-32-10: two layers) at `epoch`.
    static func line(run: String, epoch: Int, offset: Double) throws -> String {
        let e = Double(epoch)
        let val = 0.12 + offset + 0.2 * exp(-e / 2)
        var histogram = Array(repeating: 10, count: 40)
        histogram[0] = 3; histogram[39] = 3
        let record: [String: Any] = [
            "schema": 1, "run": run, "mode": String(run.prefix { $0 != "-" }), "arch": "784-32-10",
            "epoch": epoch, "train_loss": 0.3 + val, "train_error": val - 0.01, "val_loss": 0.35 + val,
            "val_error": val, "test_loss": 0.36 + val, "test_error": val + 0.005,
            "lr": Double(run.components(separatedBy: "-lr").last ?? "") ?? 0.001,
            "epoch_seconds": 0.5, "samples_per_second": 4000.0, "rss_mb": 80.0,
            "clip_fraction": [0.01, 0.02], "flip_ratio": [0.001, 0.002], "ste_cancel_fraction": [0.1, 0.2],
            "weight_histogram": [histogram, histogram],
        ]
        let data = try JSONSerialization.data(withJSONObject: record, options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// The run letter of a table row ("│ ▸ d det-lr0.001 ..." or "│   e det-lr0.003 ...").
    static func letter(_ row: [Character]) -> Character? { row.count > 4 ? row[4] : nil }

    /// Whether a table row is the selected run's (its pointer "▸").
    static func isSelected(_ row: [Character]) -> Bool { row.count > 2 && row[2] == "▸" }

    /// The run table's title line ("╭ Runs 5-10 of 10 ─...").
    static func tableTitle(_ screen: String) -> String? {
        screen.split(separator: "\n").map(String.init).first { $0.hasPrefix("╭ Runs") }
    }

    /// Writes the ten runs' files (three epochs each) into `directory`.
    static func writeRuns(into directory: URL) throws {
        for (i, name) in names.enumerated() {
            let text = try (1...3).map { try line(run: name, epoch: $0, offset: 0.004 * Double(i)) }.joined()
            try text.write(to: directory.appendingPathComponent("\(name).jsonl"), atomically: true, encoding: .utf8)
        }
    }

    @Test("without color and in ASCII (NO_COLOR, --ascii) each of ten runs still has a letter of its own on its line")
    func tenRunsWithoutColor() async throws {
        let directory = try TemporaryDirectory(prefix: "bnn-many-ascii")
        defer { directory.remove() }
        try Self.writeRuns(into: directory.url)
        let session = try await TmuxSession.launchBNNTUI(["watch", directory.url.path, "--ascii"],
                                                         environment: ["NO_COLOR": "1"])
        defer { session.close() }
        // The ASCII table: "+ Runs ---", the column titles, a row per run up to "+---".
        func tableRows(_ screen: String) -> [[Character]] {
            let lines = ScreenReading.lines(screen)
            guard let top = lines.firstIndex(where: { String($0).hasPrefix("+ Runs") }) else { return [] }
            return Array(lines[(top + 2)...].prefix { !String($0).hasPrefix("+-") })
        }
        let screen = try await session.waitUntil("all ten runs", timeout: Self.timeout) { screen in
            let rows = tableRows(screen).map { String($0) }
            return rows.count == Self.names.count && Self.names.allSatisfy { name in rows.contains { $0.contains(" \(name) ") } }
        }
        #expect(ScreenReading.isASCII(screen), "\(screen)")
        #expect(ScreenReading.colorParameters(try await session.capturePane(escapes: true)).isEmpty, "no colors")
        let letters = tableRows(screen).compactMap(Self.letter)
        #expect(Set(letters).count == Self.names.count, "a letter per run: \(letters)")
        // The crowded chart's legend: the selected run's symbol and letter, and the line kinds.
        let legend = ScreenReading.lines(screen).map { String($0) }.first { $0.contains(" val ") && $0.contains(" train") }
        #expect(legend?.contains("* d det-lr0.001  ***** val") == true, "\(screen)")
        try await session.sendKeys("q")
        try await session.expectExit(status: 0)
    }

    @Test("ten runs: all listed with their own letters; a small window pages to the selected run; a toggles")
    func tenRuns() async throws {
        let directory = try TemporaryDirectory(prefix: "bnn-many")
        defer { directory.remove() }
        try Self.writeRuns(into: directory.url)

        let session = try await TmuxSession.launchBNNTUI(["watch", directory.url.path])
        defer { session.close() }
        let screen = try await session.waitUntil("all ten runs", timeout: Self.timeout) { screen in
            guard let table = Table(screen) else { return false }
            return table.rows.count == Self.names.count && Self.names.allSatisfy { table.epoch($0) == 3 }
        }
        let table = try #require(Table(screen))
        let letters = table.rows.compactMap(Self.letter)
        #expect(Set(letters).count == Self.names.count, "a letter per run: \(letters)\n\(screen)")
        #expect(Self.tableTitle(screen)?.contains("╭ Runs ─") == true)
        #expect(ScreenReading.brailleCount(ScreenReading.plotArea(of: screen) ?? "") > 0)

        // `a`: the selected run alone, then all runs again.
        try await session.sendKeys("a")
        let one = try await session.waitForText("Error vs epoch · det-lr0.001 only", timeout: Self.timeout)
        #expect(one.contains("a all runs"))
        #expect(ScreenReading.legend(of: one)?.contains("d det-lr0.001") == true)
        try await session.sendKeys("a")
        let all = try await session.waitForText("a one run", timeout: Self.timeout)
        #expect(!all.contains(" only "))
        #expect(ScreenReading.brailleCount(ScreenReading.plotArea(of: all) ?? "")
                > ScreenReading.brailleCount(ScreenReading.plotArea(of: one) ?? ""), "all ten lines again")

        // A small window: the table has room for six runs and pages to the selected one.
        try await session.resize(width: 100, height: 24)
        let small = try await session.waitUntil("the first page", timeout: Self.timeout) {
            Self.tableTitle($0)?.contains("Runs 1-6 of 10") == true
        }
        #expect(Table(small)?.rows.count == 6)
        try await session.sendKeys("Up")  // from the first run back to the last
        let last = try await session.waitUntil("the last page", timeout: Self.timeout) {
            Self.tableTitle($0)?.contains("Runs 5-10 of 10") == true
        }
        let lastPage = try #require(Table(last))
        #expect(lastPage.rows.count == 6)
        // Files join in name order: the last run is stoch-lr0.01.
        #expect(lastPage.rows.last.map { Self.isSelected($0) && String($0).contains("stoch-lr0.01") } == true,
                "the selected (last) run is shown:\n\(last)")
        try await session.sendKeys("Tab")  // wraps to the first run
        _ = try await session.waitUntil("the first page again", timeout: Self.timeout) {
            Self.tableTitle($0)?.contains("Runs 1-6 of 10") == true && Table($0)?.rows.first.map(Self.isSelected) == true
        }
        try await session.sendKeys("q")
        try await session.expectExit(status: 0)
    }
}
