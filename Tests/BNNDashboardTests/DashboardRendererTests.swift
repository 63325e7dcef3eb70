import Testing
import BNNEngine
@testable import BNNDashboard

@Suite("Dashboard render")
struct DashboardRendererTests {
    let runs = FakeRuns.three()
    let header = DashboardHeader(batchSize: 100, optimizer: "Adam", seed: 1, startedAt: 0)

    func render(_ state: DashboardState = DashboardState(), width: Int = 160, height: Int = 48,
                snapshots: [RunSnapshot]? = nil, now: Double = 221) -> CellGrid {
        DashboardRenderer.render(snapshots: snapshots ?? runs, state: state, header: header,
                                 width: width, height: height, now: now)
    }

    @Test(arguments: [(79, 24), (80, 23), (60, 20), (200, 10)])
    func tooSmallShowsOneCenteredLine(_ size: (Int, Int)) {
        let grid = render(width: size.0, height: size.1)
        #expect(grid.width == size.0 && grid.height == size.1)
        let line = "terminal too small (needs 80x24, have \(size.0)x\(size.1)) — q quits"
        let row = grid.row(size.1 / 2)
        #expect(row.trimmingCharacters(in: .whitespaces) == line)
        let left = row.prefix { $0 == " " }.count
        #expect(abs(left - (size.0 - line.count) / 2) <= 0)
        #expect(grid.text().filter { !$0.isWhitespace }.count == line.filter { !$0.isWhitespace }.count)
    }

    /// Narrower than the message, it wraps at spaces and loses no word; too small even for
    /// that, it shows the size it needs.
    @Test(arguments: [(40, 12), (20, 5), (8, 2), (5, 1)])
    func tooSmallWrapsOrShowsTheMinimum(_ size: (Int, Int)) {
        let grid = render(width: size.0, height: size.1)
        let words = grid.text().split(whereSeparator: \.isWhitespace).map(String.init)
        let full = "terminal too small (needs 80x24, have \(size.0)x\(size.1)) — q quits".split(separator: " ").map(String.init)
        #expect(words == full || words == ["80x24"], "\(words)")
        if size.0 >= 20 { #expect(words == full) }
    }

    @Test func standardSizeHasEveryPanel() {
        var state = DashboardState()
        state.post("lr det set to 0.002", now: 220)
        let grid = render(state)
        #expect(grid.width == 160 && grid.height == 48)
        let text = grid.text()
        let rows = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(rows[0].hasPrefix(" bnn-tui · Fashion-MNIST · 784-1024-10 · batch 100 · Adam · seed 1"))
        #expect(rows[0].hasSuffix("det epoch 13/20 · 0:03:41 · ? help"), "the epoch training, as the status line shows it")
        #expect(rows[1].hasPrefix("╭ Error vs epoch ─"))
        #expect(rows[1].contains("╭ Latent weights · det · layer 1 of 2 (784×1024) ─"))
        #expect(text.contains("╭ Saturation by layer ─"))
        #expect(text.contains("╭ Runs ─"))
        let table = squeezed(text)
        #expect(table.contains("│ ▸ d det ▶ running 12/20 8.40% 11.80% 12.40% 11.40% @10 0.00100 1.31 0:00:17 38,168 84 │"))
        #expect(table.contains("│ s stoch ‖ paused 11/20 9.80% 13.00% 13.60% 12.90% @10 0.00100 1.42 0:00:16 35,211 84 │"))
        #expect(rows[46].contains("d det ▶ running · s stoch ‖ paused · f float ▶ running"))
        #expect(rows[46].hasSuffix("lr det set to 0.002"))
        #expect(rows[47].hasPrefix(" det epoch 13/20 "))
        #expect(rows[47].contains(" 68% · ETA "))
        #expect(rows[47].contains("space pause"))
        // The chart's legend and the histogram's axis.
        #expect(text.contains("d det  s stoch  f float  ⠒⠒⠒⠒ val  ⠂⠂⠂⠂ train"))
        #expect(text.contains("-1                  0                 +1"))
        #expect(text.contains("clip       3.10%"))
        // Box corners close: every top-left corner has a matching top-right on the same row.
        for row in rows { #expect(row.filter { $0 == "╭" }.count == row.filter { $0 == "╮" }.count) }
    }

    @Test func everySizeFromMinimumToLargeRendersCompletely() {
        for width in [80, 81, 99, 120, 159, 160, 161, 200, 250] {
            for height in [24, 25, 30, 40, 48, 60, 70] {
                let grid = render(width: width, height: height)
                #expect(grid.width == width && grid.height == height)
                let text = grid.text()
                #expect(grid.row(0).hasPrefix(" bnn-tui"), "\(width)x\(height)")
                #expect(text.contains("Error vs epoch"), "\(width)x\(height)")
                #expect(text.contains("-1"), "\(width)x\(height)")
                for name in ["d det", "s stoch", "f float"] {
                    #expect(text.contains("  \(name) "), "\(width)x\(height) \(name)")
                }
                #expect(grid.row(height - 1).hasPrefix(" det epoch 13/20"), "\(width)x\(height)")
                #expect(grid.row(height - 3).hasPrefix("╰"), "\(width)x\(height)")
            }
        }
    }

    @Test func asciiModeIsPureASCII() {
        var state = DashboardState()
        state.ascii = true
        state.showTest = true
        for (w, h) in [(80, 24), (160, 48)] {
            let text = render(state, width: w, height: h).text()
            #expect(text.unicodeScalars.allSatisfy { $0.isASCII }, "\(w)x\(h)")
            #expect(text.contains("* d det  o s stoch  + f float"), "the legend: each run's symbol and letter")
        }
        state.helpVisible = true
        #expect(render(state).text().unicodeScalars.allSatisfy { $0.isASCII })
    }

    @Test func monochromeHasNoColorsButLettersTellRunsApart() {
        var state = DashboardState()
        state.monochrome = true
        let grid = render(state)
        #expect(grid.cells.allSatisfy { $0.style.color == .normal })
        // Each validation line carries its run's letter at its end and once mid-line.
        let colored = render()
        let plotText = { (g: CellGrid) in (2..<40).map { String(g.row($0).prefix(98)) }.joined() }
        for letter in ["d", "s", "f"] {
            let count = plotText(grid).filter { String($0) == letter }.count
            #expect(count >= 2 + 1, "\(letter)")   // + the legend
            #expect(plotText(colored).filter { String($0) == letter }.count < count)
        }
    }

    @Test func runColorsAreConsistentAcrossPanels() {
        let grid = render()
        // The table row of stoch and its legend entry share run1's color.
        let text = grid.text().split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let y = text.firstIndex { squeezed($0).contains("s stoch ‖ paused") }!
        let x = text[y].distance(from: text[y].startIndex, to: text[y].range(of: "stoch")!.lowerBound)
        #expect(grid[x, y].style.color == .run1)
        let ly = text.firstIndex { $0.contains("d det  s stoch  f float") }!
        let lx = text[ly].distance(from: text[ly].startIndex, to: text[ly].range(of: "s stoch")!.lowerBound)
        #expect(grid[lx, ly].style.color == .run1)
    }

    /// Settings beyond the paper's defaults appear in the header line, after the seed.
    @Test func headerNamesNonDefaultSettings() {
        var withSettings = header
        withSettings.settings = ["init unit", "glorot-lr"]
        let line = DashboardRenderer.render(snapshots: runs, state: DashboardState(), header: withSettings,
                                            width: 160, height: 48, now: 221).text().split(separator: "\n")[0]
        #expect(line.contains("seed 1 · init unit · glorot-lr"), "\(line)")
        #expect(!render().text().split(separator: "\n")[0].contains("glorot-lr"))
    }

    /// A run continued to four-digit totals keeps its whole "epoch/total" in the table.
    @Test func runTableShowsLongEpochTotals() {
        var snapshots = runs
        snapshots[0].epoch = 275
        snapshots[0].totalEpochs = 1003
        let text = render(snapshots: snapshots).text()
        #expect(text.contains(" 275/1003 "), "\(text)")
    }

    /// The weight panel names the product the selected layer's training forward pass ran, as
    /// the engine reported it, and "-" for a recorded run whose log does not say.
    @Test func weightPanelShowsTheForwardProduct() {
        var snapshots = runs
        snapshots[0].layers[1].forwardProduct = ForwardProductKind.xnor.rawValue
        let first = render(DashboardState(selectedLayer: 0), snapshots: snapshots).text()
        #expect(first.contains("forward   pixels"))
        let second = render(DashboardState(selectedLayer: 1), snapshots: snapshots).text()
        #expect(second.contains("forward     xnor"))
        snapshots[0].layers[1].forwardProduct = nil
        let recorded = render(DashboardState(selectedLayer: 1), snapshots: snapshots).text()
        #expect(recorded.contains("forward        -"))
    }

    @Test func transientMessageDisappears() {
        var state = DashboardState()
        state.post("exported to /tmp/bnn-tui-export.txt", now: 100)
        #expect(render(state, now: 102).text().contains("exported to /tmp/bnn-tui-export.txt"))
        #expect(!render(state, now: 104.5).text().contains("exported to"))
    }

    @Test func errorMessagesUseTheErrorStyle() {
        var state = DashboardState()
        state.post("bad learning rate 'abc': needs a positive finite number, e.g. 0.001", kind: .error, now: 220)
        let grid = render(state)
        let row = grid.row(46)
        let x = row.distance(from: row.startIndex, to: row.range(of: "bad learning")!.lowerBound)
        #expect(grid[x, 46].style.color == .error)
    }

    @Test func learningRatePromptReplacesTheProgressLine() {
        var state = DashboardState()
        state.learningRatePrompt = LearningRatePrompt(run: 2, text: "0.00")
        #expect(render(state).row(47).hasPrefix(" learning rate for float: 0.00█   Enter apply · Esc cancel"))
    }

    @Test func divergedRunShowsItsReason() {
        var runs = self.runs
        runs[1].state = .diverged(reason: "loss is NaN at epoch 7")
        let text = render(snapshots: runs).text()
        #expect(text.contains("s stoch ✗ diverged: loss is NaN at epoch 7"))
        #expect(text.contains("✗ diverged "))
    }

    @Test func helpOverlayListsEveryKey() {
        var state = DashboardState()
        state.helpVisible = true
        for (w, h) in [(80, 24), (160, 48)] {
            let text = render(state, width: w, height: h).text()
            for binding in KeyBindings.all {
                #expect(text.contains(binding.keys), "\(binding.keys) at \(w)x\(h)")
                #expect(text.contains(binding.action), "\(binding.action) at \(w)x\(h)")
            }
        }
    }

    @Test func selectionFollowsTheState() {
        var state = DashboardState()
        state.selectedRun = 2
        state.selectedLayer = 1
        let text = render(state).text()
        #expect(text.contains("╭ Latent weights · float · layer 2 of 2 (1024×10) ─"))
        #expect(squeezed(text).contains("│ d det ▶ running"))
        #expect(squeezed(text).contains("│ ▸ f float ▶ running"))
        #expect(text.contains(" float epoch 13/20 "))
        // An out-of-range selection (runs went away) is clamped, not a crash.
        state.selectedRun = 9
        state.selectedLayer = 9
        #expect(render(state).text().contains("Latent weights · float · layer 2 of 2"))
    }

    @Test func partialEpochExtendsTheTrainSeries() {
        let chart = RunChart(kind: .error).chart(runs)
        // Per run: train (dotted), then validation; the train series ends at epoch + progress.
        let detTrain = chart.series[0]
        #expect(detTrain.pen.pattern == .dotted)
        #expect(detTrain.points.last == ChartPoint(x: 12.68, y: 0.085))
        #expect(chart.series[1].points.last?.x == 12)
        // With test shown, three series per run; the selected run is drawn last.
        let withTest = RunChart(kind: .loss, showTest: true, selectedRun: 0).chart(runs)
        #expect(withTest.series.count == 9)
        #expect(withTest.series[8].pen.style.color == .run0 && withTest.series[8].pen.style.bold)
        #expect(withTest.series[7].pen.pattern == .dashed)
    }

    @Test func noRunsYet() {
        let text = render(snapshots: []).text()
        #expect(text.contains("waiting for the first epoch"))
        #expect(text.contains("no runs"))
    }
}

import Foundation

/// `text` with every run of spaces collapsed to one (column widths aside).
func squeezed(_ text: String) -> String {
    var out = ""
    var lastSpace = false
    for ch in text {
        if ch == " " { if !lastSpace { out.append(ch) }; lastSpace = true } else { out.append(ch); lastSpace = false }
    }
    return out
}
