import BNNEngine

/// The comparison table: one row per run with its state, errors, best
/// validation error, learning rate, speed, time and memory.
///
/// Every column has a fixed width and numbers are right-aligned with fixed
/// decimals, so rows do not jitter as they update. When the table is narrow,
/// the least important columns are left out whole.
public struct RunTable: Sendable {
    public var snapshots: [RunSnapshot]
    public var selectedRun: Int?
    /// The learning rate to show per run (a pending request or the snapshot's).
    public var learningRates: [Double]
    public var glyphs: Glyphs

    public init(snapshots: [RunSnapshot], selectedRun: Int?, learningRates: [Double]? = nil, glyphs: Glyphs) {
        self.snapshots = snapshots; self.selectedRun = selectedRun
        self.learningRates = learningRates ?? snapshots.map(\.learningRate)
        self.glyphs = glyphs
    }

    /// A column: header, width, alignment, its rank when space is short (0 = always kept), and its cells.
    struct Column {
        var title: String
        var width: Int
        var right: Bool
        var rank: Int
        var cell: (Int, RunSnapshot) -> (String, CellStyle?)
    }

    /// A run's name as every panel shows it, and for a fork where it came from after it
    /// ("det.f1 det→lr 1e-3 @12"): the status line and the saturation panel name it too.
    private func label(_ s: RunSnapshot) -> String {
        guard s.lineage != nil else { return s.name }
        return "\(s.name) \(s.displayName(ascii: glyphs.isASCII))"
    }

    private var nameWidth: Int {
        Swift.min(snapshots.contains { $0.lineage != nil } ? 28 : 16,
                  Swift.max(5, snapshots.map { label($0).unicodeScalars.count }.max() ?? 5))
    }

    /// "275/1003" takes 8 columns: wide enough for every run's epoch and total, at least 7.
    private var epochWidth: Int {
        Swift.max(7, snapshots.map { "\($0.epoch)/\($0.totalEpochs)".count }.max() ?? 7)
    }

    private var columns: [Column] {
        let markers = RunMarkers(names: snapshots.map(\.name))
        let last: (RunSnapshot) -> EpochMetrics? = { $0.history.max(by: { $0.epoch < $1.epoch }) }
        return [
            Column(title: "run", width: 4 + nameWidth, right: false, rank: 0) { i, s in
                let pointer = i == selectedRun ? glyphs.selection : " "
                return ("\(pointer) \(Character(markers.letter(i))) \(label(s))", nil)
            },
            Column(title: "state", width: 10, right: false, rank: 0) { _, s in
                ("\(RunStateStyle.icon(s.state, glyphs: glyphs)) \(s.state.label)", RunStateStyle.style(s.state))
            },
            Column(title: "epoch", width: epochWidth, right: true, rank: 0) { _, s in ("\(s.epoch)/\(s.totalEpochs)", nil) },
            Column(title: "train", width: 7, right: true, rank: 2) { _, s in (Format.percent(last(s)?.trainError), nil) },
            Column(title: "val", width: 7, right: true, rank: 1) { _, s in (Format.percent(last(s)?.valError), nil) },
            Column(title: "test", width: 7, right: true, rank: 3) { _, s in (Format.percent(last(s)?.testError), nil) },
            Column(title: "best val", width: 11, right: false, rank: 4) { _, s in
                guard let b = s.bestValidation else { return ("-", nil) }
                return (Format.pad(Format.percent(b.error), 6, right: true) + " @" + String(b.epoch), nil)
            },
            Column(title: "lr", width: 8, right: true, rank: 5) { i, s in
                (Format.learningRate(i < learningRates.count ? learningRates[i] : s.learningRate), nil)
            },
            Column(title: "s/epoch", width: 7, right: true, rank: 6) { _, s in
                (Format.fixed(last(s)?.epochSeconds, decimals: 2), nil)
            },
            Column(title: "time", width: 8, right: true, rank: 7) { _, s in (Format.duration(s.trainingSeconds), nil) },
            Column(title: "img/s", width: 9, right: true, rank: 8) { _, s in (Format.grouped(last(s)?.samplesPerSecond), nil) },
            Column(title: "rss MB", width: 7, right: true, rank: 9) { _, s in (Format.fixed(last(s)?.rssMB, decimals: 0), nil) },
        ]
    }

    /// The columns are chosen with one space between them (fixed widths leave numbers
    /// padded anyway); leftover room widens the gaps, up to 4.
    private static let gap = 1

    /// The columns that fit in `width`, in display order, and the gap between them.
    private func visibleColumns(width: Int) -> (columns: [Column], gap: Int) {
        let all = columns
        var kept = Set<Int>()
        var used = 0
        for (i, c) in all.enumerated().sorted(by: { $0.element.rank < $1.element.rank }) {
            let need = c.width + (kept.isEmpty ? 0 : Self.gap)
            if used + need <= width { kept.insert(i); used += need }
        }
        let shown = all.enumerated().filter { kept.contains($0.offset) }.map(\.element)
        let extra = shown.count > 1 ? (width - used) / (shown.count - 1) : 0
        return (shown, Swift.min(4, Self.gap + extra))
    }

    /// The runs shown when `rows` rows are free for them: all when they fit, else
    /// the page of `rows` runs that holds the selected run (the last page ends at
    /// the last run).
    ///
    /// Whole pages rather than scrolling by one row: moving the selection within a
    /// page leaves every row where it was, and the selected run is always shown.
    public static func shownRuns(count: Int, selected: Int?, rows: Int) -> Range<Int> {
        guard count > rows else { return 0..<count }
        guard rows > 0 else { return 0..<0 }
        let selected = Swift.min(Swift.max(0, selected ?? 0), count - 1)
        let start = Swift.min(selected / rows * rows, count - rows)
        return start..<(start + rows)
    }

    /// Rows: a header, then one per run; when they do not all fit in `height`,
    /// the page of runs that holds the selected one (`shownRuns`).
    public func render(width: Int, height: Int) -> CellGrid {
        var grid = CellGrid(width: width, height: height)
        let (cols, gap) = visibleColumns(width: width)
        let header = CellStyle(color: .muted, bold: true)
        var x = 0
        for c in cols {
            let text = Format.pad(c.title, c.width, right: c.right)
            grid.put(text, x: x, y: 0, style: header)
            x += c.width + gap
        }
        let shown = Self.shownRuns(count: snapshots.count, selected: selectedRun, rows: height - 1)
        for (row, i) in shown.enumerated() {
            let s = snapshots[i]
            let rowStyle = CellStyle(color: .run(i), bold: i == selectedRun)
            x = 0
            for c in cols {
                let (text, style) = c.cell(i, s)
                var cellStyle = style ?? rowStyle
                if i == selectedRun { cellStyle.bold = true }
                grid.put(Format.pad(text, c.width, right: c.right), x: x, y: 1 + row, style: cellStyle)
                x += c.width + gap
            }
        }
        return grid
    }

    /// The panel title for `rows` rows of runs: "Runs", or "Runs 6-10 of 12" when
    /// only a page of them is shown.
    public func title(rows: Int) -> [TextSpan] {
        let shown = Self.shownRuns(count: snapshots.count, selected: selectedRun, rows: rows)
        guard shown.count < snapshots.count else { return [TextSpan("Runs", style: DashboardRenderer.title)] }
        let range = shown.isEmpty ? "" : " \(shown.lowerBound + 1)-\(shown.upperBound)"
        return [TextSpan("Runs", style: DashboardRenderer.title),
                TextSpan(range + " of \(snapshots.count)", style: DashboardRenderer.muted)]
    }
}

extension RunTable: DashboardPanel {
    public func panelTitle(maxWidth: Int) -> [TextSpan] { [TextSpan("Runs", style: DashboardRenderer.title)] }

    public var panelNote: [TextSpan] {
        [TextSpan("tab", style: DashboardRenderer.accent), TextSpan(" select", style: DashboardRenderer.muted)]
    }

    /// The bordered table, titled with the page of runs it shows when not all fit.
    public func draw(on grid: inout CellGrid, in rect: GridRect, glyphs: Glyphs) {
        // Inside: the border's two rows, then the column header.
        DashboardRenderer.drawPanel(on: &grid, rect, glyphs: glyphs, title: title(rows: rect.height - 3),
                                    note: panelNote) { w, h in render(width: w, height: h) }
    }
}
