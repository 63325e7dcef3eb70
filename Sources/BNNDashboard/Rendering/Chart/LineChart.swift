/// A point of a chart series in data units (x in epochs). A non-finite `y`
/// breaks the line (e.g. a diverged run's NaN loss).
public struct ChartPoint: Sendable, Equatable {
    public var x: Double
    public var y: Double

    public init(x: Double, y: Double) { self.x = x; self.y = y }
}

/// One line of a chart: its points, pen, and the letter that names its run.
public struct ChartSeries: Sendable, Equatable {
    public var points: [ChartPoint]
    public var pen: Pen
    /// Written over the cells of the points at `labelIndices` (the run's letter), if any.
    public var label: Unicode.Scalar?
    public var labelStyle: CellStyle
    public var labelIndices: [Int]

    public init(points: [ChartPoint], pen: Pen, label: Unicode.Scalar? = nil,
                labelStyle: CellStyle = .plain, labelIndices: [Int] = []) {
        self.points = points; self.pen = pen; self.label = label
        self.labelStyle = labelStyle; self.labelIndices = labelIndices
    }
}

/// Several series on shared axes: a y axis with round ticks (linear or log,
/// percent or plain), an x axis in epochs that rescales to fit the data
/// (it never scrolls), and a legend row.
///
/// `render` draws the chart's inside (the caller's panel draws the border and
/// title) and is pure: the same input always gives the same cells.
public struct LineChart: Sendable {
    /// How y values are shown: `percent` multiplies fractions by 100 and adds "%".
    public enum ValueFormat: Sendable, Equatable {
        case percent
        case plain
    }

    public var series: [ChartSeries]
    public var format: ValueFormat
    public var logScale: Bool
    public var ascii: Bool
    /// The legend row under the axis, as groups (e.g. one per run) separated by two
    /// spaces; groups that do not fit are left out whole. Empty: no legend row.
    public var legend: [[TextSpan]]
    /// The x axis never extends past this (e.g. the planned epochs) unless the data does.
    public var xLimit: Double?
    /// Shown in the plot area when no series has a drawable point.
    public var emptyMessage: String
    public var xTitle: String

    public init(series: [ChartSeries], format: ValueFormat, logScale: Bool = false, ascii: Bool = false,
                legend: [[TextSpan]] = [], xLimit: Double? = nil,
                emptyMessage: String = "waiting for the first epoch", xTitle: String = "epoch") {
        self.series = series; self.format = format; self.logScale = logScale; self.ascii = ascii
        self.legend = legend; self.xLimit = xLimit; self.emptyMessage = emptyMessage; self.xTitle = xTitle
    }

    private var factor: Double { format == .percent ? 100 : 1 }
    private var suffix: String { format == .percent ? "%" : "" }
    private var axisStyle: CellStyle { CellStyle(color: .muted) }

    /// Values the chart draws: finite, positive on a log axis, and below 1e100 in size
    /// (a run on its way to diverging must not break the axis arithmetic).
    private func drawable(_ y: Double) -> Bool { y.isFinite && abs(y) < 1e100 && (!logScale || y > 0) }

    /// Dots per row of the chart's canvas.
    private var dotsPerRow: Int { ascii ? 1 : 4 }

    /// The y axis the chart uses for `plotRows` rows of plot: round ticks at least
    /// two rows apart, at most eight, ends on ticks, as little unused range as that allows.
    public func yScale(plotRows: Int) -> AxisScale {
        let ys = series.flatMap { $0.points.map { $0.y * factor } }.filter(drawable)
        if logScale {
            let lo = ys.min() ?? 1, hi = ys.max() ?? 100
            return AxisScale.logarithmic(min: lo, max: hi, rows: plotRows, dotsPerRow: dotsPerRow, minimumGap: 2)
        }
        let lo = ys.min() ?? 0, hi = ys.max() ?? (format == .percent ? 100 : 1)
        let maxTicks = Swift.min(8, Swift.max(2, (plotRows - 1) / 2 + 1))
        return AxisScale.linear(min: lo, max: hi, maxTicks: maxTicks)
    }

    /// The x axis end and tick step for `plotColumns` columns.
    public func xAxis(plotColumns: Int) -> (upper: Double, step: Int) {
        let xs = series.flatMap { s in s.points.filter { drawable($0.y * factor) && $0.x.isFinite }.map(\.x) }
        let extent = Swift.min(1e9, Swift.max(1, xs.max() ?? 1))
        var candidates: [Int] = []
        var base = 1
        while candidates.count < 40 {
            candidates += [base, 2 * base, 5 * base]
            base *= 10
        }
        for step in candidates {
            var upper = (extent / Double(step)).rounded(.up) * Double(step)
            if let limit = xLimit, limit >= extent, upper > limit { upper = limit }
            // Ticks at least 8 columns (and a label plus 3) apart.
            let labelWidth = String(Int(upper)).count
            let spacing = Double(step) / upper * Double(plotColumns)
            if spacing >= Double(Swift.max(8, labelWidth + 3)) || step >= Int(upper) { return (upper, step) }
        }
        return (extent, Int(extent))
    }

    /// Where the plot sits in a rendered chart and how values map to its dots.
    private struct Frame {
        let width: Int
        let plotRows: Int
        let axisX: Int
        var plotX: Int { axisX + 1 }
        var plotColumns: Int { width - plotX }
        let xUpper: Double
        let xStep: Int
        let y: AxisScale
        let yLabels: [String]
    }

    public func render(width: Int, height: Int) -> CellGrid {
        var grid = CellGrid(width: width, height: height)
        let legendRows = legend.isEmpty ? 0 : 1
        let plotRows = height - 2 - legendRows
        guard plotRows >= 2, width >= 12 else {
            grid.putCentered(emptyMessage, x: 0, width: width, y: height / 2, style: axisStyle)
            return grid
        }
        let y = yScale(plotRows: plotRows)
        let yLabels = AxisScale.labels(for: y.ticks, suffix: suffix)
        let axisX = (yLabels.map { $0.count }.max() ?? 1) + 1
        guard width - axisX - 1 >= 4 else { return grid }
        let (xUpper, xStep) = xAxis(plotColumns: width - axisX - 1)
        let frame = Frame(width: width, plotRows: plotRows, axisX: axisX, xUpper: xUpper, xStep: xStep,
                          y: y, yLabels: yLabels)

        var canvas: any PlotCanvas = ascii
            ? AsciiCanvas(columns: frame.plotColumns, rows: plotRows)
            : BrailleCanvas(columns: frame.plotColumns, rows: plotRows)
        let anyPoint = plot(on: &canvas, frame)
        grid.blit(canvas.grid(), x: frame.plotX, y: 0)
        if !anyPoint {
            grid.putCentered(emptyMessage, x: frame.plotX, width: frame.plotColumns, y: plotRows / 2, style: axisStyle)
        }
        let glyphs = Glyphs.forASCII(ascii)
        drawYAxis(on: &grid, frame, canvas: canvas, glyphs: glyphs)
        drawXAxis(on: &grid, frame, canvas: canvas, glyphs: glyphs)
        if legendRows > 0 {
            var col = frame.plotX
            for group in legend where col + group.width <= width {
                grid.putSpans(group, x: col, y: plotRows + 2)
                col += group.width + 2
            }
        }
        return grid
    }

    /// The dot of a point, or nil when it is off the axes (or not drawable).
    private func dot(_ p: ChartPoint, _ frame: Frame, canvas: any PlotCanvas) -> (x: Int, y: Int)? {
        guard drawable(p.y * factor), p.x.isFinite, p.x >= 0, p.x <= frame.xUpper,
              let f = frame.y.fraction(of: p.y * factor) else { return nil }
        let dx = Int((p.x / frame.xUpper * Double(canvas.dotWidth - 1)).rounded())
        let dy = Int(((1 - f) * Double(canvas.dotHeight - 1)).rounded())
        return (dx, dy)
    }

    /// Draws every series' lines and labels; returns whether any point was on the axes.
    private func plot(on canvas: inout any PlotCanvas, _ frame: Frame) -> Bool {
        var anyPoint = false
        for s in series {
            var phase = 0
            var previous: (x: Int, y: Int)? = nil
            for p in s.points {
                guard let d = dot(p, frame, canvas: canvas) else { previous = nil; continue }
                anyPoint = true
                if let prev = previous {
                    canvas.line(from: prev, to: d, pen: s.pen, phase: &phase, skipFirst: true)
                } else {
                    canvas.line(from: d, to: d, pen: s.pen, phase: &phase)
                }
                previous = d
            }
        }
        for s in series {
            guard let label = s.label else { continue }
            for i in s.labelIndices where i >= 0 && i < s.points.count {
                guard let d = dot(s.points[i], frame, canvas: canvas) else { continue }
                canvas.label(column: d.x / canvas.dotsPerColumn, row: d.y / canvas.dotsPerRow,
                             scalar: label, style: s.labelStyle)
            }
        }
        return anyPoint
    }

    /// The y axis with its tick labels.
    private func drawYAxis(on grid: inout CellGrid, _ frame: Frame, canvas: any PlotCanvas, glyphs: Glyphs) {
        for row in 0..<frame.plotRows { grid[frame.axisX, row] = Cell(glyphs.axisVertical, style: axisStyle) }
        for (tick, text) in zip(frame.y.ticks, frame.yLabels) {
            guard let row = frame.y.row(of: tick, rows: frame.plotRows, dotsPerRow: canvas.dotsPerRow) else { continue }
            grid[frame.axisX, row] = Cell(glyphs.axisTick, style: axisStyle)
            grid.putRight(text, rightX: frame.axisX - 2, y: row, style: axisStyle)
        }
    }

    /// The x axis, its ticks, tick labels and title.
    private func drawXAxis(on grid: inout CellGrid, _ frame: Frame, canvas: any PlotCanvas, glyphs: Glyphs) {
        let width = frame.width, axisRow = frame.plotRows, plotX = frame.plotX
        grid[frame.axisX, axisRow] = Cell(glyphs.axisCorner, style: axisStyle)
        for col in plotX..<width { grid[col, axisRow] = Cell(glyphs.axisHorizontal, style: axisStyle) }
        // Where tick `tick`'s column and label go.
        func place(_ tick: Int) -> (col: Int, start: Int, text: String) {
            let col = plotX + Int((Double(tick) / frame.xUpper * Double(canvas.dotWidth - 1)).rounded()) / canvas.dotsPerColumn
            let text = String(tick)
            return (col, Swift.min(width - text.count, Swift.max(0, col - (text.count - 1) / 2)), text)
        }
        var ticks: [Int] = []
        var t = 0
        while Double(t) <= frame.xUpper + 1e-9 { ticks.append(t); t += frame.xStep }
        // The axis title goes at the right end, tick labels left of it without touching. When
        // the last tick's label would be under the title, the label keeps its place and the
        // title stands just before it ("2  epoch 3"): the last epoch's number is the one to read.
        var labelLimit = width
        if xTitle.count + 4 <= frame.plotColumns {
            var titleEnd = width - 1
            if let last = ticks.last, ticks.count > 1 {
                let l = place(last)
                if l.start + l.text.count > width - xTitle.count - 1 {
                    grid.put(l.text, x: l.start, y: axisRow + 1, style: axisStyle)
                    ticks.removeLast()
                    if l.col > plotX { grid[l.col, axisRow] = Cell(glyphs.axisHorizontalTick, style: axisStyle) }
                    titleEnd = l.start - 2
                }
            }
            if titleEnd - xTitle.count + 1 > plotX + 2 {
                grid.putRight(xTitle, rightX: titleEnd, y: axisRow + 1, style: axisStyle)
                labelLimit = titleEnd - xTitle.count
            } else {
                labelLimit = titleEnd + 1
            }
        }
        var nextFree = 0
        for tick in ticks {
            let p = place(tick)
            if p.col > plotX { grid[p.col, axisRow] = Cell(glyphs.axisHorizontalTick, style: axisStyle) }
            if p.start >= nextFree && p.start + p.text.count <= labelLimit {
                grid.put(p.text, x: p.start, y: axisRow + 1, style: axisStyle)
                nextFree = p.start + p.text.count + 1
            }
        }
    }
}
