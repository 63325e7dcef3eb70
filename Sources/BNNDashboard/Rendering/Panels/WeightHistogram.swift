import BNNEngine

/// Bars of a latent-weight histogram over exactly [-1, 1], several rows high
/// in eighth blocks (▁▂▃▄▅▆▇█), with the two clip-edge bins emphasized.
///
/// The edge bins hold the weights pinned at ±1 by clipping, which no longer
/// learn: they are drawn in the warning style, marked under the axis, and
/// their share of all weights is printed above them. Bars are scaled to the
/// tallest interior bin so a large pinned mass cannot flatten the rest; an
/// edge bar taller than that is cut at full height (its share says how tall).
public struct WeightHistogram: Sendable {
    public var counts: [Int]
    public var glyphs: Glyphs
    public var barStyle: CellStyle
    public var edgeStyle: CellStyle
    /// When set, the bars are this zoom's (over the weights' percentile range, `z`): no clip
    /// edges among them, the clip count printed above instead, and the axis labelled with the range.
    public var zoom: ZoomedHistogram?

    public init(counts: [Int], glyphs: Glyphs, barStyle: CellStyle = .plain,
                edgeStyle: CellStyle = CellStyle(color: .warning, bold: true), zoom: ZoomedHistogram? = nil) {
        self.counts = zoom?.counts ?? counts; self.glyphs = glyphs; self.barStyle = barStyle; self.edgeStyle = edgeStyle
        self.zoom = zoom
    }

    /// Rows besides the bars: edge shares above, axis and -1/0/+1 labels below.
    public static let extraRows = 3

    /// How `binCount` bins map onto at most `width` columns: several columns per bin,
    /// or several bins per column (a divisor of `binCount`, so each column covers the
    /// same span of [-1, 1]). Returns the columns used and the two factors.
    public static func fit(binCount: Int, width: Int) -> (columns: Int, columnsPerBin: Int, binsPerColumn: Int) {
        guard binCount > 0, width > 0 else { return (0, 1, 1) }
        if width >= binCount { return (binCount * (width / binCount), width / binCount, 1) }
        for m in 2...binCount where binCount % m == 0 && binCount / m <= width {
            return (binCount / m, 1, m)
        }
        return (1, 1, binCount)
    }

    /// Renders `width` x `height` cells; the bars take `height - extraRows` rows.
    public func render(width: Int, height: Int) -> CellGrid {
        var grid = CellGrid(width: width, height: height)
        let muted = CellStyle(color: .muted)
        // Summed in floating point: counts read from a file can be large enough to overflow Int.
        let total = counts.reduce(0.0) { $0 + Double($1) }
        let layout = Self.fit(binCount: counts.count, width: width)
        let barRows = height - Self.extraRows
        guard layout.columns >= 4, barRows >= 1, total > 0 else {
            grid.putCentered("no weights yet", x: 0, width: width, y: height / 2, style: muted)
            return grid
        }
        // Column values (bins grouped when narrow) and which columns are clip edges.
        var values: [Double] = []
        var isEdge: [Bool] = []
        let m = layout.binsPerColumn
        for g in 0..<(counts.count / m) {
            let v = counts[(g * m)..<(g * m + m)].reduce(0.0) { $0 + Double($1) }
            let edge = zoom == nil && (g == 0 || g == counts.count / m - 1)
            for _ in 0..<layout.columnsPerBin { values.append(v); isEdge.append(edge) }
        }
        let interior = zip(values, isEdge).filter { !$0.1 }.map(\.0).max() ?? 0
        let scale = interior > 0 ? interior : (values.max() ?? 1)
        let left = (width - layout.columns) / 2
        let eighthsTotal = barRows * 8
        for (c, v) in values.enumerated() {
            var eighths = Int((Swift.min(1, v / scale) * Double(eighthsTotal)).rounded())
            if v > 0 && eighths == 0 { eighths = 1 }  // any weight at all shows
            eighths = Swift.min(eighths, eighthsTotal)
            let style = isEdge[c] ? edgeStyle : barStyle
            for r in 0..<barRows {
                let fromBottom = barRows - 1 - r
                let level = Swift.max(0, Swift.min(8, eighths - fromBottom * 8))
                if level > 0 { grid[left + c, 1 + r] = Cell(glyphs.barEighths[level], style: style) }
            }
        }
        if let zoom {
            drawZoomedAxis(zoom, on: &grid, left: left, columns: layout.columns, axisRow: 1 + barRows)
            return grid
        }
        // Shares of the edge bins above them.
        let edgeWidth = layout.columnsPerBin
        let leftShare = values[0] / total
        let rightShare = values[values.count - 1] / total
        let leftLabel = Format.percent(leftShare, decimals: 1), rightLabel = Format.percent(rightShare, decimals: 1)
        if leftLabel.count + rightLabel.count + 1 <= layout.columns {
            grid.put(leftLabel, x: left, y: 0, style: edgeStyle)
            grid.putRight(rightLabel, rightX: left + layout.columns - 1, y: 0, style: edgeStyle)
        }
        // Axis with the clip edges marked, then -1, 0, +1.
        let axisRow = 1 + barRows
        for c in 0..<layout.columns {
            let edge = c < edgeWidth || c >= layout.columns - edgeWidth
            grid[left + c, axisRow] = edge ? Cell(glyphs.clipMark, style: edgeStyle)
                                           : Cell(glyphs.axisHorizontal, style: muted)
        }
        let zeroColumn = left + layout.columns / 2
        grid[zeroColumn, axisRow] = Cell(glyphs.isASCII ? "+" : "┴", style: muted)
        grid.put("-1", x: left, y: axisRow + 1, style: muted)
        if layout.columns >= 8 { grid.put("0", x: zeroColumn, y: axisRow + 1, style: muted) }
        grid.putRight("+1", rightX: left + layout.columns - 1, y: axisRow + 1, style: muted)
        return grid
    }

    /// Above the bars the count pinned at the clip (so zooming hides no saturation); under them
    /// the axis with the range's ends and which percentiles they are.
    private func drawZoomedAxis(_ zoom: ZoomedHistogram, on grid: inout CellGrid, left: Int, columns: Int, axisRow: Int) {
        let muted = CellStyle(color: .muted)
        let share = zoom.total > 0 ? Double(zoom.clipped) / Double(zoom.total) : 0
        let clipStyle = zoom.clipped > 0 ? edgeStyle : muted
        let plusMinus = glyphs.isASCII ? "+-" : "\u{00B1}"
        grid.put("clip \(plusMinus)1: \(Format.percent(share, decimals: 2)) (\(zoom.clipped))", x: left, y: 0,
                 style: clipStyle, maxWidth: columns)
        for c in 0..<columns { grid[left + c, axisRow] = Cell(glyphs.axisHorizontal, style: muted) }
        if zoom.low < 0 && zoom.high > 0 {
            let zero = left + Int(Double(columns) * (-zoom.low) / (zoom.high - zoom.low))
            grid[Swift.min(zero, left + columns - 1), axisRow] = Cell(glyphs.isASCII ? "+" : "\u{2534}", style: muted)
        }
        let lowLabel = String(format: "%+.3f", zoom.low), highLabel = String(format: "%+.3f", zoom.high)
        grid.put(lowLabel, x: left, y: axisRow + 1, style: muted)
        grid.putRight(highLabel, rightX: left + columns - 1, y: axisRow + 1, style: muted)
        let note = "zoom p0.5-p99.5"
        if lowLabel.count + highLabel.count + note.count + 2 <= columns {
            grid.putCentered(note, x: left, width: columns, y: axisRow + 1, style: CellStyle(color: .accent))
        }
    }
}
