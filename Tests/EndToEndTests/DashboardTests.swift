import Foundation
import Testing

/// The dashboard as a person meets it: the real `bnn-tui` in a tmux pane,
/// keys in, screen text out.
///
/// Timing: every wait polls the screen until what is expected shows, with
/// generous deadlines (the tests run in parallel on two shared cores, so an
/// epoch can take several times longer than alone); "stays the same" is
/// measured against the other runs' progress, never against the clock.
@Suite("dashboard in tmux", .requiresTmux)
struct DashboardTests {
    /// Small runs that keep training until the test quits: epochs of a
    /// fraction of a second in a debug build.
    static let quickRuns = ["--arch", "784-128-10", "--train-limit", "2000", "--eval-limit", "1000", "--epochs", "1000"]
    /// How long to wait for training progress (epochs) under load.
    static let progressTimeout: Duration = .seconds(60)
    /// How long to wait for the screen to answer a key or a resize.
    static let screenTimeout: Duration = .seconds(20)

    typealias Table = ScreenReading.RunTable

    /// Waits until the run table shows all of det, stoch and float, det with at least `epochs` epochs.
    @discardableResult
    static func waitForTable(_ session: TmuxSession, detEpochs epochs: Int = 0) async throws -> String {
        try await session.waitUntil("the run table with det at epoch \(epochs) or later", timeout: progressTimeout) { screen in
            guard let table = Table(screen), table.row("stoch") != nil, table.row("float") != nil,
                  let epoch = table.epoch("det") else { return false }
            return epoch >= epochs
        }
    }

    // MARK: - 1. Live charts

    @Test("charts draw in braille, the legend names det, stoch and float, and the table follows the epochs")
    func liveCharts() async throws {
        let session = try await TmuxSession.launchBNNTUI(["--train-limit", "2000", "--eval-limit", "1000", "--epochs", "30"])
        defer { session.close() }

        let first = try await session.waitUntil("braille in the error chart", timeout: Self.progressTimeout) { screen in
            ScreenReading.plotArea(of: screen).map(ScreenReading.brailleCount) ?? 0 > 0 && Table(screen)?.epoch("det") != nil
        }
        let legend = try #require(ScreenReading.legend(of: first), "no chart legend:\n\(first)")
        for name in ["det", "stoch", "float"] {
            #expect(legend.contains(name), "legend lacks \(name): \(legend)")
        }
        #expect(!ScreenReading.colorParameters(try await session.capturePane(escapes: true)).isEmpty,
                "the dashboard draws in color by default (the control for the NO_COLOR test)")

        // The table follows training: det's epoch moves on, twice, and the screen with it.
        let start = try #require(Table(first)?.epoch("det"))
        let second = try await session.waitUntil("det's epoch to pass \(start)", timeout: Self.progressTimeout) {
            (Table($0)?.epoch("det") ?? 0) > start
        }
        let middle = try #require(Table(second)?.epoch("det"))
        let third = try await session.waitUntil("det's epoch to pass \(middle)", timeout: Self.progressTimeout) {
            (Table($0)?.epoch("det") ?? 0) > middle
        }
        #expect(first != second && second != third)
        #expect(ScreenReading.brailleCount(ScreenReading.plotArea(of: third) ?? "")
                    >= ScreenReading.brailleCount(ScreenReading.plotArea(of: first) ?? ""),
                "more epochs, no fewer points:\n\(first)\n---\n\(third)")

        try await session.sendKeys("q")
        try await session.expectExit(status: 0)
    }

    // MARK: - 2. Pause and resume

    @Test("space pauses the selected run (det): it shows paused and its progress stands still; space resumes it")
    func pauseAndResume() async throws {
        let session = try await TmuxSession.launchBNNTUI(Self.quickRuns)
        defer { session.close() }
        try await Self.waitForTable(session, detEpochs: 1)

        try await session.sendKeys("Space")
        let paused = try await session.waitUntil("det paused", timeout: Self.screenTimeout) { screen in
            Table(screen)?.state("det") == "paused" && screen.contains("‖ paused")
                && (ScreenReading.progress(screen)?.hasPrefix("det epoch") ?? false)
        }
        let pausedEpoch = try #require(Table(paused)?.epoch("det"))
        let pausedProgress = try #require(ScreenReading.progress(paused))
        let lastLine = paused.split(separator: "\n").last.map(String.init) ?? ""
        #expect(lastLine.contains("paused"), "the progress line says paused: \(lastLine)")

        // While stoch trains on for two more epochs, det's epoch and progress do not move:
        // every look at the screen until then (at least three) finds them where they stopped.
        let stochStart = try #require(Table(paused)?.epoch("stoch"))
        var looks = 0
        _ = try await session.waitUntil("stoch to train two more epochs", timeout: Self.progressTimeout) { screen in
            guard let table = Table(screen), let stoch = table.epoch("stoch") else { return false }
            looks += 1
            #expect(table.state("det") == "paused", "det left the paused state:\n\(screen)")
            #expect(table.epoch("det") == pausedEpoch, "det's epoch moved while paused:\n\(screen)")
            #expect(ScreenReading.progress(screen) == pausedProgress, "det's progress moved while paused:\n\(screen)")
            return looks >= 3 && stoch >= stochStart + 2
        }

        try await session.sendKeys("Space")
        try await session.waitUntil("det running again and past epoch \(pausedEpoch)", timeout: Self.progressTimeout) { screen in
            guard let table = Table(screen) else { return false }
            return table.state("det") == "running" && (table.epoch("det") ?? 0) > pausedEpoch
        }
        try await session.sendKeys("q")
        try await session.expectExit(status: 0)
    }

    // MARK: - 3. + doubles the learning rate; export

    @Test("+ doubles det's learning rate on screen and in the engine; e exports charts, table and histograms")
    func doubleLearningRateAndExport() async throws {
        let directory = try TemporaryDirectory(prefix: "bnn-e2e-lr")
        defer { directory.remove() }
        // A schedule with a visible decay: the engine multiplies its rate by 0.9 after every
        // epoch, so a rate it really trained with shows up decayed after the next epoch.
        let session = try await TmuxSession.launchBNNTUI(Self.quickRuns + ["--lr", "0.003", "--lr-decay", "0.9"],
                                                         workingDirectory: directory.url.path)
        defer { session.close() }
        try await Self.waitForTable(session, detEpochs: 1)

        // Pause det so that no epoch ends between reading the rate and doubling it.
        try await session.sendKeys("Space")
        let paused = try await session.waitUntil("det paused", timeout: Self.screenTimeout) { Table($0)?.state("det") == "paused" }
        let table = try #require(Table(paused))
        let epoch = try #require(table.epoch("det"))
        let shown = try #require(table.learningRate("det"), "no lr for det:\n\(table)")
        let scheduled = 0.003 * pow(0.9, Double(epoch))
        #expect(abs(shown / scheduled - 1) < 0.01, "det's lr \(shown) at epoch \(epoch), schedule says \(scheduled)")

        try await session.sendKeys("+")
        let doubled = try await session.waitUntil("det's lr to change", timeout: Self.screenTimeout) {
            Table($0)?.learningRate("det").map { abs($0 / shown - 1) > 0.01 } ?? false
        }
        let newRate = try #require(Table(doubled)?.learningRate("det"))
        #expect(abs(newRate / (2 * shown) - 1) < 0.01, "+ took det's lr from \(shown) to \(newRate), not double")
        #expect(Table(doubled)?.epoch("det") == epoch)

        // Resume; after det's next epoch ends, export. The engine trained with 2x and decayed from it.
        try await session.sendKeys("Space")
        try await session.waitUntil("det past epoch \(epoch)", timeout: Self.progressTimeout) {
            (Table($0)?.epoch("det") ?? 0) > epoch && Table($0)?.state("det") == "running"
        }
        try await session.sendKeys("e")
        let exported = try await session.waitUntil("the export message", timeout: Self.screenTimeout) {
            $0.contains("exported to bnn-tui-export-")
        }
        let name = try #require(exported.firstMatch(of: /bnn-tui-export-\d{8}-\d{6}\.txt/).map { String($0.output) },
                                "no export path on screen:\n\(exported)")
        let text = try String(contentsOfFile: directory.url.appendingPathComponent(name).path, encoding: .utf8)

        let exportTable = try #require(Table(text), "no run table in the export:\n\(text)")
        let exportEpoch = try #require(exportTable.epoch("det"))
        let exportRate = try #require(exportTable.learningRate("det"))
        let expected = 0.006 * pow(0.9, Double(exportEpoch))
        #expect(exportEpoch > epoch)
        #expect(abs(exportRate / expected - 1) < 0.01,
                "det's engine lr after epoch \(exportEpoch): \(exportRate), expected 2 x schedule = \(expected)\n\(exportTable)")
        for other in ["stoch", "float"] {
            let e = try #require(exportTable.epoch(other))
            let rate = try #require(exportTable.learningRate(other))
            #expect(abs(rate / (0.003 * pow(0.9, Double(e))) - 1) < 0.01, "\(other)'s lr changed too: \(rate)\n\(exportTable)")
        }

        // The export holds the charts (braille), the table and every run's histograms.
        for chart in ["Error vs epoch", "Loss vs epoch"] {
            let area = try #require(ScreenReading.plotArea(of: text, title: chart), "no \(chart) in the export:\n\(text)")
            #expect(ScreenReading.brailleCount(area) > 0, "\(chart) has no braille:\n\(area)")
        }
        for run in ["det", "stoch", "float"] {
            for layer in 1...2 {
                #expect(text.contains("Latent weights · \(run) · layer \(layer) of 2"), "no histogram of \(run) layer \(layer)")
            }
        }
        #expect(text.contains("█"), "histogram bars missing")
        #expect(text.contains("Saturation by layer"))

        try await session.sendKeys("q")
        try await session.expectExit(status: 0)
    }

    // MARK: - 4, 5. Ways out

    @Test("q exits 0 and gives the terminal back")
    func quit() async throws {
        let session = try await TmuxSession.launchBNNTUI(Self.quickRuns)
        defer { session.close() }
        try await Self.waitForTable(session)
        #expect(try await session.state().alternateScreen, "the dashboard runs on the alternate screen")
        try await session.sendKeys("q")
        try await session.expectExit(status: 0)
    }

    @Test("Ctrl-C exits 130 and gives the terminal back")
    func controlC() async throws {
        let session = try await TmuxSession.launchBNNTUI(Self.quickRuns)
        defer { session.close() }
        try await Self.waitForTable(session)
        try await session.sendKeys("C-c")
        try await session.expectExit(status: 130)
    }

    @Test("SIGTERM exits 143 and gives the terminal back")
    func sigterm() async throws {
        let session = try await TmuxSession.launchBNNTUI(Self.quickRuns)
        defer { session.close() }
        try await Self.waitForTable(session)
        try await session.signal(SIGTERM)
        try await session.expectExit(status: 143)
    }

    // MARK: - 6. Resize

    @Test("resizing redraws to fit; below 80x24 it says the terminal is too small, and q still quits")
    func resize() async throws {
        let session = try await TmuxSession.launchBNNTUI(Self.quickRuns)
        defer { session.close() }
        try await Self.waitForTable(session)

        // The repaint after a resize is larger than ncurses' output buffer, so it reaches
        // tmux in several writes: a look at the screen can find a frame half drawn. Wait
        // for the whole frame (panels, table rows, progress line), then check it.
        try await session.resize(width: 100, height: 30)
        let fitted = try await session.waitUntil("the layout redrawn at 100x30", timeout: Self.screenTimeout) { screen in
            let lines = screen.split(separator: "\n", omittingEmptySubsequences: false).map { Array($0) }
            // Panels redrawn for 100 columns: their right borders sit in the last column.
            let chartTop = lines.first { String($0).contains("Error vs epoch") }
            let tableBottom = lines.last { $0.first == "╰" }
            guard chartTop?.count == 100 && chartTop?.last == "╮" && tableBottom?.count == 100 && tableBottom?.last == "╯",
                  let table = Table(screen) else { return false }
            return table.row("det") != nil && table.row("stoch") != nil && table.row("float") != nil
                && (ScreenReading.progress(screen)?.hasPrefix("det epoch") ?? false)
        }
        let rows = fitted.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(rows.allSatisfy { $0.count <= 100 })
        #expect(!fitted.contains("terminal too small"))

        try await session.resize(width: 70, height: 20)
        let small = try await session.waitUntil("the whole too-small line", timeout: Self.screenTimeout) {
            $0.contains("terminal too small") && $0.contains("q quits")
        }
        #expect(small.contains("terminal too small (needs 80x24, have 70x20)"), "\(small)")
        #expect(try await session.state().width == 70)

        try await session.sendKeys("q")
        try await session.expectExit(status: 0)
    }

    // MARK: - 7. NO_COLOR, --ascii

    @Test("NO_COLOR=1 starts and draws without colors")
    func noColor() async throws {
        let session = try await TmuxSession.launchBNNTUI(Self.quickRuns, environment: ["NO_COLOR": "1"])
        defer { session.close() }
        let screen = try await Self.waitForTable(session, detEpochs: 1)
        #expect(ScreenReading.brailleCount(ScreenReading.plotArea(of: screen) ?? "") > 0, "\(screen)")
        let colors = ScreenReading.colorParameters(try await session.capturePane(escapes: true))
        #expect(colors.isEmpty, "color escapes under NO_COLOR: \(colors.prefix(5))")
        try await session.sendKeys("q")
        try await session.expectExit(status: 0)
    }

    @Test("--ascii starts and draws only ASCII: no braille")
    func ascii() async throws {
        let session = try await TmuxSession.launchBNNTUI(Self.quickRuns + ["--ascii"])
        defer { session.close() }
        let screen = try await Self.waitForTable(session, detEpochs: 1)
        #expect(screen.contains("Error vs epoch"), "\(screen)")
        #expect(ScreenReading.brailleCount(screen) == 0, "braille under --ascii:\n\(screen)")
        let strays = screen.unicodeScalars.filter { !$0.isASCII }
        #expect(strays.isEmpty, "non-ASCII characters under --ascii: \(String(String.UnicodeScalarView(strays.prefix(20))))")
        try await session.sendKeys("q")
        try await session.expectExit(status: 0)
    }

    // MARK: - 8. Typing a learning rate

    @Test("l with 'abc' shows an error and keeps the lr; l with 0.0005 sets it")
    func typedLearningRate() async throws {
        // A constant schedule: the shown rate is the engine's from epoch to epoch.
        let session = try await TmuxSession.launchBNNTUI(Self.quickRuns + ["--lr", "0.003", "--lr-decay", "1"])
        defer { session.close() }
        let before = try await Self.waitForTable(session, detEpochs: 1)
        #expect(Table(before)?.learningRate("det") == 0.003, "\(before)")

        try await session.sendKeys("l")
        try await session.waitForText("learning rate for det:", timeout: Self.screenTimeout)
        try await session.sendText("abc")
        try await session.waitForText("learning rate for det: abc", timeout: Self.screenTimeout)
        try await session.sendKeys("Enter")
        let refused = try await session.waitForText("bad learning rate 'abc'", timeout: Self.screenTimeout)
        let refusedEpoch = try #require(Table(refused)?.epoch("det"))
        #expect(Table(refused)?.learningRate("det") == 0.003, "\(refused)")
        // Still 0.003 once det has trained another epoch.
        let later = try await session.waitUntil("det past epoch \(refusedEpoch)", timeout: Self.progressTimeout) {
            (Table($0)?.epoch("det") ?? 0) > refusedEpoch
        }
        #expect(Table(later)?.learningRate("det") == 0.003, "\(later)")

        // The prompt stays open on a refused value, to be fixed or left with Esc.
        #expect(refused.contains("learning rate for det: abc"), "\(refused)")
        try await session.sendKeys("Escape")
        try await session.waitUntil("the prompt to close", timeout: Self.screenTimeout) { !$0.contains("learning rate for det:") }

        try await session.sendKeys("l")
        try await session.waitUntil("an empty prompt", timeout: Self.screenTimeout) { screen in
            screen.split(separator: "\n").contains { $0.hasPrefix(" learning rate for det: █") }
        }
        try await session.sendText("0.0005")
        try await session.sendKeys("Enter")
        let set = try await session.waitUntil("det's lr at 0.0005", timeout: Self.screenTimeout) {
            Table($0)?.learningRate("det") == 0.0005
        }
        let setEpoch = try #require(Table(set)?.epoch("det"))
        let after = try await session.waitUntil("det past epoch \(setEpoch)", timeout: Self.progressTimeout) {
            (Table($0)?.epoch("det") ?? 0) > setEpoch
        }
        let final = try #require(Table(after))
        #expect(final.learningRate("det") == 0.0005, "\(final)")
        #expect(final.learningRate("stoch") == 0.003 && final.learningRate("float") == 0.003, "\(final)")

        try await session.sendKeys("q")
        try await session.expectExit(status: 0)
    }
}
