import BNNEngine

/// Builds the error-vs-epoch or loss-vs-epoch chart of all runs from their
/// snapshots: one color per run, validation solid, train dotted (extended to
/// the epoch in flight), test dashed.
///
/// Many runs stay readable: the selected run is drawn last (on top) and bold,
/// and from `crowdedRunCount` runs on the others are dimmed behind it and the
/// legend names the selected run only (the run table names them all);
/// `selectedOnly` draws the selected run alone.
///
/// Shared by the live dashboard and the text export so both draw the same chart.
public struct RunChart: Sendable {
    public var kind: ChartKind
    public var logScale: Bool
    public var showTest: Bool
    /// Drawn last (on top) and bold.
    public var selectedRun: Int?
    public var ascii: Bool
    /// Adds a second run letter mid-line so runs stay apart without color.
    public var monochrome: Bool
    /// Draws only the selected run (the dashboard's `a`).
    public var selectedOnly: Bool

    /// From this many runs on, the runs that are not selected are drawn dim.
    public static let crowdedRunCount = 4

    public init(kind: ChartKind, logScale: Bool = false, showTest: Bool = false, selectedRun: Int? = nil,
                ascii: Bool = false, monochrome: Bool = false, selectedOnly: Bool = false) {
        self.kind = kind; self.logScale = logScale; self.showTest = showTest
        self.selectedRun = selectedRun; self.ascii = ascii; self.monochrome = monochrome
        self.selectedOnly = selectedOnly
    }

    /// The runs drawn, in drawing order: every run with the selected one last, or
    /// the selected one alone (`selectedOnly`).
    public func drawingOrder(runCount: Int) -> [Int] {
        guard let sel = selectedRun, sel >= 0, sel < runCount else { return Array(0..<runCount) }
        if selectedOnly { return [sel] }
        return Array(0..<runCount).filter { $0 != sel } + [sel]
    }

    /// The panel title, e.g. "Error vs epoch (%, log)".
    public var title: String {
        let name = kind == .error ? "Error vs epoch" : "Loss vs epoch"
        return logScale ? name + " (log)" : name
    }

    /// The chart for `snapshots`.
    public func chart(_ snapshots: [RunSnapshot]) -> LineChart {
        let markers = RunMarkers(names: snapshots.map(\.name))
        let order = drawingOrder(runCount: snapshots.count)
        // Crowded: only with a selected run to stand out (the text export has none).
        let selected = selectedRun.flatMap { snapshots.indices.contains($0) ? $0 : nil }
        let dimOthers = selected != nil && snapshots.count >= Self.crowdedRunCount
        var series: [ChartSeries] = []
        for r in order {
            series += runSeries(snapshots[r], run: r, runCount: snapshots.count, letter: markers.letter(r),
                                dim: dimOthers && r != selectedRun)
        }
        let xLimit = order.map { Double(snapshots[$0].totalEpochs) }.max()
        // A crowded chart's legend names the selected run only: the table lists them all.
        var named = order.sorted()
        if let selected, dimOthers || selectedOnly { named = [selected] }
        return LineChart(series: series, format: kind == .error ? .percent : .plain, logScale: logScale,
                         ascii: ascii, legend: legend(snapshots, markers: markers, runs: named),
                         xLimit: xLimit)
    }

    private func runSeries(_ s: RunSnapshot, run r: Int, runCount: Int, letter: Unicode.Scalar,
                           dim: Bool) -> [ChartSeries] {
        let color = CellColor.run(r)
        let selected = r == selectedRun
        let marker = RunMarkers.asciiSymbol(r)
        let history = s.history.sorted { $0.epoch < $1.epoch }
        func points(_ value: (EpochMetrics) -> Double) -> [ChartPoint] {
            history.map { ChartPoint(x: Double($0.epoch), y: value($0)) }
        }
        var train = points { kind == .error ? $0.trainError : $0.trainLoss }
        if !s.state.isFinished, s.batchesDone > 0,
           let partial = kind == .error ? s.partialTrainError : s.partialTrainLoss {
            train.append(ChartPoint(x: Double(s.epoch) + s.epochProgress, y: partial))
        }
        var out = [ChartSeries(points: train, pen: Pen(style: CellStyle(color: color, dim: !selected),
                                                          pattern: .dotted, marker: marker))]
        if showTest {
            out.append(ChartSeries(points: points { kind == .error ? $0.testError : $0.testLoss },
                                   pen: Pen(style: CellStyle(color: color, dim: dim), pattern: .dashed, marker: marker)))
        }
        let validation = points { kind == .error ? $0.valError : $0.valLoss }
        var labels: [Int] = []
        if !validation.isEmpty { labels.append(validation.count - 1) }
        if monochrome, validation.count >= 4 {
            let mid = (validation.count - 1) * (r + 1) / (runCount + 1)
            if mid > 0 && mid < validation.count - 1 { labels.insert(mid, at: 0) }
        }
        out.append(ChartSeries(points: validation,
                               pen: Pen(style: CellStyle(color: color, bold: selected, dim: dim), pattern: .solid,
                                        marker: marker),
                               label: letter, labelStyle: CellStyle(color: color, bold: true),
                               labelIndices: labels))
        return out
    }

    /// Legend groups: one per run drawn ("d det"; in ASCII its symbol too, "* d det"),
    /// then one per series kind with a sample of its line.
    public func legend(_ snapshots: [RunSnapshot], markers: RunMarkers, runs: [Int]? = nil) -> [[TextSpan]] {
        var groups: [[TextSpan]] = []
        for r in runs ?? Array(snapshots.indices) where r >= 0 && r < snapshots.count {
            let color = CellColor.run(r)
            let mark = ascii ? String(RunMarkers.asciiSymbol(r)) + " " + String(markers.letter(r)) : String(markers.letter(r))
            groups.append([TextSpan(mark, style: CellStyle(color: color, bold: true)),
                           TextSpan(" " + snapshots[r].name, style: CellStyle(color: color))])
        }
        let muted = CellStyle(color: .muted)
        var kinds: [(LinePattern, String)] = [(.solid, "val"), (.dotted, "train")]
        if showTest { kinds.append((.dashed, "test")) }
        for (pattern, name) in kinds {
            groups.append([TextSpan(Self.sample(pattern, ascii: ascii), style: muted), TextSpan(" " + name, style: muted)])
        }
        return groups
    }

    /// A short horizontal stroke drawn with `pattern` on the chart's own canvas.
    public static func sample(_ pattern: LinePattern, ascii: Bool) -> String {
        var canvas: any PlotCanvas = ascii ? AsciiCanvas(columns: 5, rows: 1) : BrailleCanvas(columns: 4, rows: 1)
        var phase = 0
        let y = ascii ? 0 : 1
        canvas.line(from: (0, y), to: (canvas.dotWidth - 1, y), pen: Pen(style: .plain, pattern: pattern, marker: "*"),
                    phase: &phase)
        return canvas.grid().row(0)
    }
}
