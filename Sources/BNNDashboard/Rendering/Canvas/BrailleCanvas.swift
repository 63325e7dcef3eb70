/// A canvas of (2·columns) x (4·rows) dots drawn with the braille block
/// U+2800–U+28FF: eight times the resolution of plain characters.
///
/// Dots of every series are OR-ed into a cell; the cell's style is that of the
/// last series that set a dot in it (so callers draw the most important series
/// last: the chart draws the selected run last, validation after train).
public struct BrailleCanvas: PlotCanvas, Sendable {
    public let columns: Int
    public let rows: Int
    public var dotsPerColumn: Int { 2 }
    public var dotsPerRow: Int { 4 }

    private var bits: [UInt8]
    private var styles: [CellStyle]
    private var labels: [Unicode.Scalar?]

    public init(columns: Int, rows: Int) {
        precondition(columns >= 0 && rows >= 0)
        self.columns = columns; self.rows = rows
        bits = Array(repeating: 0, count: columns * rows)
        styles = Array(repeating: .plain, count: columns * rows)
        labels = Array(repeating: nil, count: columns * rows)
    }

    /// The bit of dot (dx, dy) inside a cell, dx in 0...1, dy in 0...3, in
    /// Unicode's braille numbering: dots 1-2-3 down the left column, 4-5-6 down
    /// the right, 7 and 8 on the bottom row.
    public static func bit(dx: Int, dy: Int) -> UInt8 {
        switch (dx, dy) {
        case (0, 0): return 0x01
        case (0, 1): return 0x02
        case (0, 2): return 0x04
        case (1, 0): return 0x08
        case (1, 1): return 0x10
        case (1, 2): return 0x20
        case (0, 3): return 0x40
        default: return 0x80
        }
    }

    public mutating func plot(x: Int, y: Int, pen: Pen) {
        guard x >= 0, y >= 0, x < columns * 2, y < rows * 4 else { return }
        let i = (y / 4) * columns + x / 2
        bits[i] |= Self.bit(dx: x % 2, dy: y % 4)
        styles[i] = pen.style
    }

    public mutating func label(column: Int, row: Int, scalar: Unicode.Scalar, style: CellStyle) {
        guard column >= 0, row >= 0, column < columns, row < rows else { return }
        labels[row * columns + column] = scalar
        styles[row * columns + column] = style
    }

    /// Whether dot (x, y) is set.
    public func isSet(x: Int, y: Int) -> Bool {
        guard x >= 0, y >= 0, x < columns * 2, y < rows * 4 else { return false }
        return bits[(y / 4) * columns + x / 2] & Self.bit(dx: x % 2, dy: y % 4) != 0
    }

    public func grid() -> CellGrid {
        var g = CellGrid(width: columns, height: rows)
        for r in 0..<rows {
            for c in 0..<columns {
                let i = r * columns + c
                if let l = labels[i] {
                    g[c, r] = Cell(l, style: styles[i])
                } else if bits[i] != 0 {
                    g[c, r] = Cell(Unicode.Scalar(0x2800 + UInt32(bits[i]))!, style: styles[i])
                }
            }
        }
        return g
    }
}
