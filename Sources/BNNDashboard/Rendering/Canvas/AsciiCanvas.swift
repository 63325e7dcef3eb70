/// The ASCII fallback of `BrailleCanvas`: one dot per cell, each dot written as
/// its series' marker (`*`, `o`, `+`, ...).
///
/// Used with `--ascii` and under non-UTF-8 locales. As with braille, a cell
/// shows the last series drawn into it.
public struct AsciiCanvas: PlotCanvas, Sendable {
    public let columns: Int
    public let rows: Int
    public var dotsPerColumn: Int { 1 }
    public var dotsPerRow: Int { 1 }

    private var cells: [Cell]

    public init(columns: Int, rows: Int) {
        precondition(columns >= 0 && rows >= 0)
        self.columns = columns; self.rows = rows
        cells = Array(repeating: .blank, count: columns * rows)
    }

    public mutating func plot(x: Int, y: Int, pen: Pen) {
        guard x >= 0, y >= 0, x < columns, y < rows else { return }
        cells[y * columns + x] = Cell(pen.marker, style: pen.style)
    }

    public mutating func label(column: Int, row: Int, scalar: Unicode.Scalar, style: CellStyle) {
        guard column >= 0, row >= 0, column < columns, row < rows else { return }
        cells[row * columns + column] = Cell(scalar, style: style)
    }

    public func grid() -> CellGrid {
        var g = CellGrid(width: columns, height: rows)
        for r in 0..<rows {
            for c in 0..<columns { g[c, r] = cells[r * columns + c] }
        }
        return g
    }
}
