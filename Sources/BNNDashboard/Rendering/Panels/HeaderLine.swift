import BNNEngine

/// The top line: what is being trained (product, dataset, architecture, batch,
/// optimizer, seed) on the left; the selected run's epoch, the elapsed time
/// and the help key on the right.
public struct HeaderLine: Sendable {
    public var header: DashboardHeader
    public var snapshots: [RunSnapshot]
    public var selectedRun: Int
    public var glyphs: Glyphs
    public var now: Double

    public init(header: DashboardHeader, snapshots: [RunSnapshot], selectedRun: Int, glyphs: Glyphs, now: Double) {
        self.header = header; self.snapshots = snapshots; self.selectedRun = selectedRun
        self.glyphs = glyphs; self.now = now
    }

    /// Seconds since the session started (or the longest training time when the start is unknown).
    public var elapsed: Double {
        if let start = header.startedAt { return Swift.max(0, now - start) }
        return snapshots.map(\.trainingSeconds).max() ?? 0
    }

    public func render(width: Int) -> CellGrid {
        var grid = CellGrid(width: width, height: 1)
        let muted = CellStyle(color: .muted)
        let sep = TextSpan(glyphs.separator, style: muted)
        var items = [TextSpan(header.dataset)]
        let selected = selectedRun < snapshots.count ? snapshots[selectedRun] : snapshots.first
        if let s = selected { items.append(TextSpan(s.architecture.description)) }
        if let b = header.batchSize { items.append(TextSpan("batch \(b)")) }
        if let o = header.optimizer { items.append(TextSpan(o)) }
        if let seed = header.seed { items.append(TextSpan("seed \(seed)")) }
        items += header.settings.map { TextSpan($0) }
        var right: [TextSpan] = []
        if let s = selected {
            right += [TextSpan("\(s.name) epoch \(s.shownEpoch)/\(s.totalEpochs)"), sep]
        }
        right += [TextSpan(Format.duration(elapsed)), sep,
                  TextSpan("?", style: CellStyle(color: .accent, bold: true)), TextSpan(" help ")]
        // Whole items are left out from the end when the line is short: they come in order of
        // importance, so none is shown after one that did not fit (the network before "batch").
        let leftLimit = width - right.width - 1
        var left = [TextSpan(" bnn-tui", style: CellStyle(color: .accent, bold: true))]
        for item in items {
            guard left.width + sep.width + item.width <= leftLimit else { break }
            left += [sep, item]
        }

        let rightWidth = right.width
        grid.putSpans(left, x: 0, y: 0, maxWidth: Swift.max(0, width - rightWidth - 1))
        if rightWidth <= width { grid.putSpans(right, x: width - rightWidth, y: 0) }
        return grid
    }
}
