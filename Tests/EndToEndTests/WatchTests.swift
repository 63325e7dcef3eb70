import Foundation
import Testing

/// `bnn-tui watch` in tmux over a metrics file that the test writes line by line,
/// as a training run (here or on another machine) would.
@Suite("watch metrics files", .requiresTmux)
struct WatchTests {
    typealias Table = ScreenReading.RunTable
    static let timeout: Duration = .seconds(30)

    /// The pinned run's JSONL lines (a real `train --metrics` output, kept without its
    /// machine-dependent timing fields), with those fields put back.
    static func fixtureLines() throws -> [String] {
        let path = BNNTUIBinary.packageRoot.appendingPathComponent("Tests/EndToEndTests/Fixtures/pinned-run.jsonl").path
        return try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map { line in
            var record = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            record["epoch_seconds"] = 0.5
            record["samples_per_second"] = 4000.0
            record["rss_mb"] = 80.0
            let data = try JSONSerialization.data(withJSONObject: record, options: [.sortedKeys])
            return String(decoding: data, as: UTF8.self) + "\n"
        }
    }

    static func append(_ text: String, to path: String) throws {
        let handle = try #require(FileHandle(forWritingAtPath: path))
        handle.seekToEndOfFile()
        handle.write(Data(text.utf8))
        try handle.close()
    }

    @Test("a growing file: each new line shows, a partial line waits, a garbage line warns, a truncation restarts")
    func followsAGrowingFile() async throws {
        let lines = try Self.fixtureLines().filter { $0.contains("\"run\":\"det\"") }
        try #require(lines.count >= 3, "the fixture needs three det epochs")
        let directory = try TemporaryDirectory(prefix: "bnn-watch")
        defer { directory.remove() }
        let path = directory.url.appendingPathComponent("run.jsonl").path
        try lines[0].write(toFile: path, atomically: false, encoding: .utf8)

        let session = try await TmuxSession.launchBNNTUI(["watch", path])
        defer { session.close() }
        _ = try await session.waitUntil("epoch 1", timeout: Self.timeout) { Table($0)?.epoch("det") == 1 }

        // Half of the next line: nothing new; the rest: epoch 2.
        let second = lines[1]
        let half = second.index(second.startIndex, offsetBy: second.count / 2)
        try Self.append(String(second[..<half]), to: path)
        try await Task.sleep(for: .seconds(1))  // four of watch's polls
        #expect(Table(try await session.capturePane())?.epoch("det") == 1, "a partial line must wait")
        try Self.append(String(second[half...]), to: path)
        _ = try await session.waitUntil("epoch 2", timeout: Self.timeout) { Table($0)?.epoch("det") == 2 }

        // A garbage line: one warning for the run; the next good line still counts.
        try Self.append("this is not json\n" + lines[2], to: path)
        let warned = try await session.waitUntil("the warning and epoch 3", timeout: Self.timeout) { screen in
            Table(screen)?.epoch("det") == 3 && screen.contains("run.jsonl line 3: not valid JSON")
        }
        #expect(warned.split(separator: "\n").filter { $0.contains("not valid JSON") }.count == 1)

        // Truncation: the file starts again with one epoch.
        try lines[0].write(toFile: path, atomically: false, encoding: .utf8)
        _ = try await session.waitUntil("the truncated file read again", timeout: Self.timeout) { screen in
            Table(screen)?.epoch("det") == 1 && screen.contains("truncated")
        }

        // Read-only: space says so instead of pausing anything.
        try await session.sendKeys("Space")
        _ = try await session.waitForText("read-only", timeout: Self.timeout)
        try await session.sendKeys("q")
        try await session.expectExit(status: 0)
    }
}
