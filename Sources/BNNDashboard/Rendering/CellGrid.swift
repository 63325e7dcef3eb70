/// The semantic colors of the dashboard. The terminal maps them to color
/// pairs; with `NO_COLOR` they all become the default color and runs are told
/// apart by line style and markers instead.
public enum CellColor: UInt8, Sendable, Hashable, CaseIterable {
    case normal
    /// One color per run, in run order (det, stoch, float, ...); wraps after the last
    /// (`runColorCount`): runs beyond are told apart by their letters (`RunMarkers`).
    case run0, run1, run2, run3, run4, run5, run6, run7, run8, run9, run10, run11
    case accent
    case muted
    case good
    case warning
    case error

    /// The run colors, in run order.
    public static let runs: [CellColor] = [.run0, .run1, .run2, .run3, .run4, .run5,
                                           .run6, .run7, .run8, .run9, .run10, .run11]

    /// How many runs get a color of their own before the colors repeat.
    public static var runColorCount: Int { runs.count }

    /// The color of run number `index` (wrapping).
    public static func run(_ index: Int) -> CellColor {
        runs[((index % runs.count) + runs.count) % runs.count]
    }

    /// The run number of a run color (0 for the first), nil for the other colors.
    public var runIndex: Int? { Self.runs.firstIndex(of: self) }
}

/// How one cell looks: a color and a few attributes.
public struct CellStyle: Sendable, Hashable {
    public var color: CellColor
    public var bold: Bool
    public var dim: Bool
    public var reverse: Bool

    public init(color: CellColor = .normal, bold: Bool = false, dim: Bool = false, reverse: Bool = false) {
        self.color = color; self.bold = bold; self.dim = dim; self.reverse = reverse
    }

    public static let plain = CellStyle()
}

/// One terminal cell: a single-width Unicode scalar and its style, and for a
/// grey picture's cell the two pixels a colour terminal draws instead (`PixelPair`).
public struct Cell: Sendable, Hashable {
    public var scalar: Unicode.Scalar
    public var style: CellStyle
    public var pixels: PixelPair?

    public init(_ scalar: Unicode.Scalar = " ", style: CellStyle = .plain, pixels: PixelPair? = nil) {
        self.scalar = scalar; self.style = style; self.pixels = pixels
    }

    public static let blank = Cell()
}

/// A width x height grid of cells: what the renderer produces and both the
/// terminal and the text export consume.
///
/// Rendering is a pure function into this grid, so tests check the screen
/// without a terminal and the export is exactly what the screen shows.
public struct CellGrid: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public private(set) var cells: [Cell]

    public init(width: Int, height: Int, fill: Cell = .blank) {
        precondition(width >= 0 && height >= 0)
        self.width = width; self.height = height
        cells = Array(repeating: fill, count: width * height)
    }

    /// The cell at column `x`, row `y`; reads outside the grid give a blank, writes are ignored.
    public subscript(x: Int, y: Int) -> Cell {
        get { (x >= 0 && y >= 0 && x < width && y < height) ? cells[y * width + x] : .blank }
        set { if x >= 0 && y >= 0 && x < width && y < height { cells[y * width + x] = newValue } }
    }

    /// Writes `text` from (x, y) to the right, clipped at `maxWidth` columns and the grid's edge.
    /// Returns the number of columns written.
    @discardableResult
    public mutating func put(_ text: String, x: Int, y: Int, style: CellStyle = .plain, maxWidth: Int? = nil) -> Int {
        guard y >= 0 && y < height else { return 0 }
        let limit = min(maxWidth ?? Int.max, width - x)
        var col = 0
        for scalar in text.unicodeScalars {
            if col >= limit { break }
            self[x + col, y] = Cell(scalar, style: style)
            col += 1
        }
        return col
    }

    /// Copies `other` into this grid with its top-left corner at (x, y), clipped.
    public mutating func blit(_ other: CellGrid, x: Int, y: Int) {
        for row in 0..<other.height {
            for col in 0..<other.width {
                self[x + col, y + row] = other[col, row]
            }
        }
    }

    /// The grid as plain text, one line per row, trailing spaces trimmed.
    public func text() -> String {
        var lines: [String] = []
        lines.reserveCapacity(height)
        for y in 0..<height {
            var line = String.UnicodeScalarView()
            for x in 0..<width { line.append(cells[y * width + x].scalar) }
            var s = String(line)
            while s.last == " " { s.removeLast() }
            lines.append(s)
        }
        return lines.joined(separator: "\n")
    }
}
