import Testing
import BNNEngine
@testable import BNNDashboard

/// Issue 14's many runs: ten runs at once keep a color and a letter each, the run
/// table pages to the selected run, and the chart stays readable (`a`).
@Suite("Many runs")
struct ManyRunsTests {
    let runs = FakeRuns.sweep(count: 10)
    let header = DashboardHeader(batchSize: 100, optimizer: "Adam", seed: 1, startedAt: 0)

    func render(_ state: DashboardState = DashboardState(), width: Int = 160, height: Int = 48,
                snapshots: [RunSnapshot]? = nil) -> CellGrid {
        DashboardRenderer.render(snapshots: snapshots ?? runs, state: state, header: header,
                                 width: width, height: height, now: 221)
    }

    // MARK: - Colors and letters

    @Test("twelve runs have twelve colors on 16 and 256 colors; on 8 the six hues repeat", arguments: [16, 256])
    func twelveRunColors(_ colors: Int) {
        let foregrounds = (0..<CellColor.runColorCount).map {
            ColorPalette.entry(for: .run($0), colorCount: colors).foreground
        }
        #expect(CellColor.runColorCount == 12)
        #expect(foregrounds.allSatisfy { $0 != nil })
        #expect(Set(foregrounds).count == 12, "\(foregrounds)")
    }

    @Test func eightColorTerminalsRepeatTheSixHues() {
        let eight = (0..<12).map { ColorPalette.entry(for: .run($0), colorCount: 8).foreground }
        #expect(Set(eight.prefix(6)).count == 6)
        #expect(Array(eight[6...]) == Array(eight[..<6]))
        #expect(CellColor.run(12) == .run0 && CellColor.run(-1) == .run11, "colors wrap after the twelfth run")
        #expect(CellColor.run(7).runIndex == 7 && CellColor.accent.runIndex == nil)
    }

    @Test("every run of a sweep gets its own letter, and a run that joins later changes none")
    func lettersForASweep() {
        let names = runs.map(\.name)
        let letters = RunMarkers(names: names).letters
        #expect(Set(letters).count == names.count, "\(letters)")
        #expect(!letters.contains("?"))
        for k in 1..<names.count {
            #expect(Array(RunMarkers(names: Array(names.prefix(k))).letters) == Array(letters.prefix(k)))
        }
        // Names with no letter left to give: digits, then any free letter; 61 in all.
        let same = RunMarkers(names: Array(repeating: "run", count: 61)).letters
        #expect(Set(same).count == 61 && !same.contains("?"))
        #expect(Array(same.prefix(5)) == ["r", "u", "n", "4", "5"])
    }

    // MARK: - Run table

    @Test func tablePagesHoldTheSelectedRun() {
        #expect(RunTable.shownRuns(count: 3, selected: 2, rows: 5) == 0..<3)
        #expect(RunTable.shownRuns(count: 10, selected: 0, rows: 5) == 0..<5)
        #expect(RunTable.shownRuns(count: 10, selected: 4, rows: 5) == 0..<5)
        #expect(RunTable.shownRuns(count: 10, selected: 5, rows: 5) == 5..<10)
        #expect(RunTable.shownRuns(count: 10, selected: 9, rows: 5) == 5..<10)
        #expect(RunTable.shownRuns(count: 7, selected: 6, rows: 5) == 2..<7, "the last page ends at the last run")
        #expect(RunTable.shownRuns(count: 7, selected: 4, rows: 5) == 0..<5)
        #expect(RunTable.shownRuns(count: 7, selected: nil, rows: 5) == 0..<5)
        #expect(RunTable.shownRuns(count: 7, selected: 3, rows: 0).isEmpty)
        for selected in 0..<23 {
            let shown = RunTable.shownRuns(count: 23, selected: selected, rows: 4)
            #expect(shown.contains(selected) && shown.count == 4)
        }
    }

    @Test func tableShowsThePageOfTheSelectedRun() {
        let table = RunTable(snapshots: runs, selectedRun: 7, glyphs: .unicode)
        let text = table.render(width: 119, height: 6).text()
        let rows = text.split(separator: "\n").map(String.init)
        #expect(rows.count == 6 && rows[0].hasPrefix("run "))
        #expect(rows[1].contains(runs[5].name) && rows[5].contains(runs[9].name), "\(text)")
        #expect(rows[3].hasPrefix("▸ ") && rows[3].contains(runs[7].name))
        #expect(!text.contains(runs[4].name + " "))
        #expect(table.title(rows: 5).map(\.text).joined() == "Runs 6-10 of 10")
        #expect(table.title(rows: 10).map(\.text).joined() == "Runs")
    }

    @Test("at 160x48 the table lists all ten runs; at 80x24 a page of six, with the selected run")
    func dashboardTable() {
        let full = render().text()
        for run in runs { #expect(full.contains(" \(run.name) "), "\(run.name)") }
        #expect(full.contains("╭ Runs ─"))

        var state = DashboardState()
        state.selectedRun = 8
        let small = render(state, width: 80, height: 24).text()
        let table = small.split(separator: "\n").drop { !$0.contains("╭ Runs") }.prefix { !$0.hasPrefix("╰") }
            .map(String.init)
        #expect(table.first?.contains("╭ Runs 5-10 of 10 ─") == true, "\(small)")
        let selectedRow = table.first { $0.contains("▸") }
        #expect(selectedRow?.contains(runs[8].name) == true, "\(small)")
        let firstRunShown = table.contains { $0.contains(" \(runs[0].name) ") }
        #expect(!firstRunShown)
    }

    @Test("a crowded status line keeps the selected run and the runs with a warning, and counts the rest")
    func crowdedStatusLine() {
        var snapshots = runs
        snapshots[7].notice = "stoch-lr0.003.jsonl line 4: not valid JSON"
        var state = DashboardState()
        state.selectedRun = 2
        let line = StatusLines(snapshots: snapshots, state: state, glyphs: .unicode, now: 0).render(width: 160).row(0)
        #expect(line.contains("\(runs[2].name) ▶ running"), "\(line)")
        #expect(line.contains("! stoch-lr0.003.jsonl line 4: not valid JSON"), "\(line)")
        #expect(line.contains("+8 more"), "\(line)")
        #expect(!line.contains(runs[0].name + " "))
        // Three runs fit: all of them, no count.
        let three = StatusLines(snapshots: FakeRuns.three(), state: DashboardState(), glyphs: .unicode, now: 0)
        #expect(three.render(width: 160).row(0).hasPrefix(" d det ▶ running · s stoch ‖ paused · f float ▶ running"))
    }

    // MARK: - Chart

    @Test("the selected run is drawn last and bold; with many runs the others are dim behind it")
    func crowdedChart() {
        let chart = RunChart(kind: .error, selectedRun: 3).chart(runs)
        #expect(chart.series.count == 20)
        let last = chart.series[chart.series.count - 1]
        #expect(last.pen.style.color == .run(3) && last.pen.style.bold && !last.pen.style.dim)
        for series in chart.series.dropLast(2) { #expect(series.pen.style.dim) }
        #expect(chart.series.map(\.pen.style.color).filter { $0 == .run(3) }.count == 2)
        // Its legend names the selected run and the line kinds; the table names the rest.
        #expect(chart.legend.map { $0.map(\.text).joined() }.filter { $0.contains("-lr") } == [
            "\(Character(RunMarkers(names: runs.map(\.name)).letter(3))) \(runs[3].name)"])
        // Without a selected run (the text export) nothing is dimmed and the legend names every run.
        let export = RunChart(kind: .error).chart(runs)
        #expect(export.series.filter { $0.pen.pattern == .solid }.allSatisfy { !$0.pen.style.dim })
        #expect(export.legend.filter { $0.map(\.text).joined().contains("-lr") }.count == 10)
        // Three runs are not crowded: the others keep full color.
        let three = RunChart(kind: .error, selectedRun: 0).chart(FakeRuns.three())
        #expect(three.series.filter { $0.pen.pattern == .solid }.allSatisfy { !$0.pen.style.dim })
    }

    @Test("selectedOnly draws the selected run alone, its legend too; letters stay those of all runs")
    func selectedOnlyChart() {
        let markers = RunMarkers(names: runs.map(\.name))
        let chart = RunChart(kind: .error, selectedRun: 6, selectedOnly: true).chart(runs)
        #expect(chart.series.count == 2)
        #expect(chart.series.allSatisfy { $0.pen.style.color == .run(6) })
        #expect(chart.series.last?.label == markers.letter(6))
        let legendText = chart.legend.map { $0.map(\.text).joined() }
        #expect(legendText.first == "\(Character(markers.letter(6))) \(runs[6].name)")
        #expect(legendText.filter { $0.contains("-lr") }.count == 1)
    }

    @Test("in ASCII each validation line ends in its run's letter, and the legend gives symbol and letter")
    func asciiLetters() {
        let markers = RunMarkers(names: runs.map(\.name))
        let chart = RunChart(kind: .error, selectedRun: 8, ascii: true).chart(runs)
        let validation = chart.series.filter { $0.pen.pattern == .solid }
        #expect(validation.count == 10)
        #expect(Set(validation.compactMap(\.label)).count == 10)
        let legend = chart.legend.map { $0.map(\.text).joined() }
        #expect(legend[0] == "\(Character(RunMarkers.asciiSymbol(8))) \(Character(markers.letter(8))) \(runs[8].name)")
        let text = chart.render(width: 100, height: 20).text()
        let allASCII = text.unicodeScalars.allSatisfy { $0.isASCII }
        #expect(allASCII)
    }

    @Test("`a` toggles the chart between all runs and the selected run; its title and note say which")
    func toggleAllRuns() {
        var state = DashboardState()
        state.selectedRun = 2
        #expect(DashboardReducer.handle(.character("a"), state: &state, snapshots: runs, now: 0).isEmpty)
        #expect(state.selectedRunOnly)
        let one = render(state).text()
        #expect(one.contains("╭ Error vs epoch · \(runs[2].name) only ─"))
        #expect(one.contains(" a all runs ╮"))
        _ = DashboardReducer.handle(.character("a"), state: &state, snapshots: runs, now: 0)
        #expect(!state.selectedRunOnly)
        let all = render(state).text()
        #expect(all.contains("╭ Error vs epoch ─") && all.contains(" a one run ╮"))
        #expect(KeyBindings.action(for: .character("a")) == .toggleAllRuns)
        #expect(KeyBindings.all.contains { $0.keys == "a" && $0.action.contains("selected run only") })
    }

    @Test("the help overlay lists `a`, and still fits at 80x24")
    func helpListsA() {
        var state = DashboardState()
        state.helpVisible = true
        let text = render(state, width: 80, height: 24).text()
        #expect(text.contains("chart: all runs / the selected run only"))
        #expect(text.contains("press ? or Esc to close"))
        #expect(text.contains("quit"))
    }
}
