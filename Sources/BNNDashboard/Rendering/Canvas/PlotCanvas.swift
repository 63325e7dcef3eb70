/// A surface that plots points at sub-cell ("dot") resolution and turns into
/// cells: braille (2x4 dots per cell) or ASCII (one dot per cell).
///
/// Line charts draw through this protocol so the same chart code serves the
/// Unicode screen, the ASCII fallback and the text export.
public protocol PlotCanvas {
    /// Width and height in cells.
    var columns: Int { get }
    var rows: Int { get }
    /// Horizontal and vertical dots per cell.
    var dotsPerColumn: Int { get }
    var dotsPerRow: Int { get }
    /// Sets the dot at (x, y) (origin top left) with `pen`; dots outside are ignored.
    mutating func plot(x: Int, y: Int, pen: Pen)
    /// Writes a character over the whole cell at (column, row), e.g. a run's letter at a line end.
    mutating func label(column: Int, row: Int, scalar: Unicode.Scalar, style: CellStyle)
    /// The cells, `columns` x `rows`.
    func grid() -> CellGrid
}

extension PlotCanvas {
    /// Width of the canvas in dots.
    public var dotWidth: Int { columns * dotsPerColumn }
    /// Height of the canvas in dots.
    public var dotHeight: Int { rows * dotsPerRow }

    /// Draws a straight line from (x0, y0) to (x1, y1) in dots (Bresenham), both ends
    /// included. `phase` counts dots along the series so dash patterns continue
    /// across segments; the first dot of a segment is skipped when `skipFirst`
    /// (it is the previous segment's last dot).
    public mutating func line(from p0: (x: Int, y: Int), to p1: (x: Int, y: Int), pen: Pen,
                              phase: inout Int, skipFirst: Bool = false) {
        var x = p0.x, y = p0.y
        let dx = abs(p1.x - p0.x), dy = -abs(p1.y - p0.y)
        let sx = p0.x < p1.x ? 1 : -1, sy = p0.y < p1.y ? 1 : -1
        var err = dx + dy
        var first = true
        while true {
            if !(first && skipFirst) {
                if pen.pattern.isOn(at: phase) { plot(x: x, y: y, pen: pen) }
                phase += 1
            }
            first = false
            if x == p1.x && y == p1.y { break }
            let e2 = 2 * err
            if e2 >= dy { err += dy; x += sx }
            if e2 <= dx { err += dx; y += sy }
        }
    }
}

/// How a series is drawn: its cell style, dash pattern, and ASCII marker.
public struct Pen: Sendable, Equatable {
    public var style: CellStyle
    public var pattern: LinePattern
    /// The character an ASCII canvas writes for this series' dots.
    public var marker: Unicode.Scalar

    public init(style: CellStyle, pattern: LinePattern = .solid, marker: Unicode.Scalar = "*") {
        self.style = style; self.pattern = pattern; self.marker = marker
    }
}

/// A dash pattern along a line, counted in dots: `on` dots drawn then `off` dots skipped.
///
/// Validation curves are solid, train curves dotted, test curves dashed, so the
/// kinds stay apart without color.
public struct LinePattern: Sendable, Equatable {
    public var on: Int
    public var off: Int

    public init(on: Int, off: Int) {
        precondition(on > 0 && off >= 0)
        self.on = on; self.off = off
    }

    public static let solid = LinePattern(on: 1, off: 0)
    public static let dotted = LinePattern(on: 1, off: 1)
    public static let dashed = LinePattern(on: 3, off: 2)

    /// Whether the dot number `index` along the line is drawn.
    public func isOn(at index: Int) -> Bool {
        off == 0 || index % (on + off) < on
    }
}
