import Foundation
import Testing

/// Issue 15 in the real dashboard: the insight view, forking a running run and
/// continuing a finished one, read off the tmux screen.
@Suite("insight, fork and continue in tmux", .requiresTmux)
struct InsightDashboardTests {
    typealias Table = ScreenReading.RunTable
    static let classNames = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker",
                             "Bag", "Ankle boot"]

    /// The matrix rows on screen: per class name, the integers after it (the row's counts).
    static func matrixRows(_ screen: String) -> [String: [Int]] {
        var rows: [String: [Int]] = [:]
        for line in screen.split(separator: "\n").map(String.init) {
            guard let inner = line.split(separator: "│").first(where: { $0.contains("%") }).map(String.init) else { continue }
            for name in classNames where inner.trimmingCharacters(in: .whitespaces).hasPrefix(name) {
                let rest = inner.trimmingCharacters(in: .whitespaces).dropFirst(name.count)
                let numbers = rest.split(separator: " ").compactMap { Int($0) }
                if numbers.count == 10 { rows[name] = numbers }
            }
        }
        return rows
    }

    @Test("i shows a 10x10 confusion matrix and pictures; f with a learning rate adds a fourth run that trains")
    func insightAndFork() async throws {
        let session = try await TmuxSession.launchBNNTUI(DashboardTests.quickRuns)
        defer { session.close() }
        try await DashboardTests.waitForTable(session, detEpochs: 1)

        try await session.sendKeys("i")
        let insight = try await session.waitUntil("the insight view with a full matrix", timeout: DashboardTests.screenTimeout) { screen in
            screen.contains("Confusion · det · validation") && Self.matrixRows(screen).count == 10
                && screen.contains("Misclassified test images") && screen.contains("Receptive fields")
        }
        let rows = Self.matrixRows(insight)
        // The ten rows hold the 1000 validation images.
        #expect(rows.values.reduce(0) { $0 + $1.reduce(0, +) } == 1000, "\(insight)")
        #expect(insight.contains("most confused "), "\(insight)")
        let blocks = insight.filter { "▀▄█".contains($0) }.count
        #expect(blocks > 300, "half-block pictures of images and receptive fields:\n\(insight)")
        // The misclassified images are grey: ▀ on backgrounds from the terminal's greys (the 256-colour
        // ramp 232-255 with black 16 and white 231, or black/white 40/47 on a basic terminal).
        let colors = ScreenReading.colorParameters(try await session.capturePane(escapes: true))
        let greyBackgrounds = colors.filter { p in
            let v = p.split(separator: ";").compactMap { Int($0) }
            let ramp = v.indices.dropLast(2).contains { i in
                v[i] == 48 && v[i + 1] == 5 && (v[i + 2] >= 232 || v[i + 2] == 16 || v[i + 2] == 231)
            }
            return ramp || v == [40] || v == [47]
        }
        #expect(greyBackgrounds.count > 50, "grey picture cells: \(colors.prefix(20))")
        try await session.sendKeys("n")
        try await session.waitForText("page 2/", timeout: DashboardTests.screenTimeout)
        try await session.sendKeys("i")

        try await session.sendKeys("f")
        try await session.waitForText("fork det as det, learning rate:", timeout: DashboardTests.screenTimeout)
        try await session.sendText("0.0005")
        try await session.sendKeys("Enter")
        let forked = try await session.waitUntil("a fourth run row, the fork of det", timeout: DashboardTests.screenTimeout) { screen in
            Table(screen)?.row("det→lr") != nil
        }
        let table = try #require(Table(forked))
        #expect(table.rows.count == 4, "\(table)")
        let row = String(try #require(table.row("det→lr")))
        #expect(row.contains("det→lr 5e-4 @"), "\(row)")
        let start = try #require(table.epoch("det→lr"))
        try await session.waitUntil("the fork to train two epochs", timeout: DashboardTests.progressTimeout) { screen in
            guard let t = Table(screen), let e = t.epoch("det→lr") else { return false }
            return t.state("det→lr") == "running" && e >= start + 2
        }
        try await session.sendKeys("q")
        try await session.expectExit(status: 0)
    }

    @Test("c on a finished run asks for epochs and trains them, the learning rate decaying on")
    func continueAFinishedRun() async throws {
        let session = try await TmuxSession.launchBNNTUI(["--arch", "784-128-10", "--train-limit", "2000",
                                                         "--eval-limit", "1000", "--epochs", "2", "--runs", "det"])
        defer { session.close() }
        let done = try await session.waitUntil("det done", timeout: DashboardTests.progressTimeout) { screen in
            Table(screen)?.state("det") == "done"
        }
        let rate = try #require(Table(done)?.learningRate("det"))
        try await session.sendKeys("c")
        try await session.waitForText("continue det for how many more epochs:", timeout: DashboardTests.screenTimeout)
        try await session.sendText("2")
        try await session.sendKeys("Enter")
        let finished = try await session.waitUntil("det done again after 4 epochs", timeout: DashboardTests.progressTimeout) { screen in
            guard let t = Table(screen) else { return false }
            return t.cell("det", "epoch") == "4/4" && t.state("det") == "done"
        }
        let later = try #require(Table(finished)?.learningRate("det"))
        #expect(later < rate, "the schedule decays on: \(rate) then \(later)")
        try await session.sendKeys("q")
        try await session.expectExit(status: 0)
    }
}
