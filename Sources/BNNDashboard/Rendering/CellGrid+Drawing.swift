/// Drawing helpers on `CellGrid` shared by every panel: filling, aligned
/// text, boxes with titles, and the monochrome pass.
///
/// They live in an extension so the grid contract itself stays minimal.
extension CellGrid {
    /// Fills the rectangle with `cell`, clipped to the grid.
    public mutating func fill(_ rect: GridRect, with cell: Cell = .blank) {
        for y in rect.y..<(rect.y + rect.height) {
            for x in rect.x..<(rect.x + rect.width) { self[x, y] = cell }
        }
    }

    /// Writes `text` right-aligned so that its last column is `rightX`.
    @discardableResult
    public mutating func putRight(_ text: String, rightX: Int, y: Int, style: CellStyle = .plain) -> Int {
        let n = text.unicodeScalars.count
        return put(text, x: rightX - n + 1, y: y, style: style)
    }

    /// Writes `text` centered in `width` columns starting at `x`, clipped to them.
    @discardableResult
    public mutating func putCentered(_ text: String, x: Int, width: Int, y: Int, style: CellStyle = .plain) -> Int {
        let n = text.unicodeScalars.count
        let start = x + max(0, (width - n) / 2)
        return put(text, x: start, y: y, style: style, maxWidth: max(0, x + width - start))
    }

    /// Writes a sequence of styled pieces from (x, y), clipped at `maxWidth`; returns the columns written.
    @discardableResult
    public mutating func putSpans(_ spans: [TextSpan], x: Int, y: Int, maxWidth: Int? = nil) -> Int {
        let limit = maxWidth ?? (width - x)
        var col = 0
        for span in spans {
            guard col < limit else { break }
            col += put(span.text, x: x + col, y: y, style: span.style, maxWidth: limit - col)
        }
        return col
    }

    /// Draws a box border around `rect` with an optional left title and right note in the top edge.
    public mutating func drawBox(_ rect: GridRect, glyphs: Glyphs, style: CellStyle = CellStyle(color: .muted),
                                 title: [TextSpan] = [], note: [TextSpan] = []) {
        guard rect.width >= 2, rect.height >= 2 else { return }
        let x0 = rect.x, y0 = rect.y, x1 = rect.x + rect.width - 1, y1 = rect.y + rect.height - 1
        for x in (x0 + 1)..<x1 {
            self[x, y0] = Cell(glyphs.horizontal, style: style)
            self[x, y1] = Cell(glyphs.horizontal, style: style)
        }
        for y in (y0 + 1)..<y1 {
            self[x0, y] = Cell(glyphs.vertical, style: style)
            self[x1, y] = Cell(glyphs.vertical, style: style)
        }
        self[x0, y0] = Cell(glyphs.topLeft, style: style)
        self[x1, y0] = Cell(glyphs.topRight, style: style)
        self[x0, y1] = Cell(glyphs.bottomLeft, style: style)
        self[x1, y1] = Cell(glyphs.bottomRight, style: style)
        // Title "┌ Title ───", note "─── note ┐"; the title wins when both do not fit.
        let room = rect.width - 4
        guard room > 0 else { return }
        var used = 0
        if !title.isEmpty {
            let padded = [TextSpan(" ", style: style)] + title + [TextSpan(" ", style: style)]
            used = putSpans(padded, x: x0 + 1, y: y0, maxWidth: room)
        }
        if !note.isEmpty {
            let padded = [TextSpan(" ", style: style)] + note + [TextSpan(" ", style: style)]
            let n = padded.reduce(0) { $0 + $1.width }
            if used + 2 + n <= room + 2 {
                putSpans(padded, x: x1 - n, y: y0, maxWidth: n)
            }
        }
    }

    /// The same grid with every color replaced by `.normal` (attributes kept) and grey
    /// picture cells left as their shades: the `NO_COLOR` look.
    public func monochromed() -> CellGrid {
        var copy = self
        for y in 0..<height {
            for x in 0..<width {
                var cell = copy[x, y]
                cell.style.color = .normal
                cell.pixels = nil
                copy[x, y] = cell
            }
        }
        return copy
    }

    /// The text of row `y`, trailing spaces kept.
    public func row(_ y: Int) -> String {
        var line = String.UnicodeScalarView()
        for x in 0..<width { line.append(self[x, y].scalar) }
        return String(line)
    }
}

/// A rectangle of cells: where a panel goes in the dashboard grid.
public struct GridRect: Sendable, Equatable {
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int

    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x; self.y = y; self.width = max(0, width); self.height = max(0, height)
    }

    /// The rectangle inside a one-cell border.
    public var inset: GridRect { GridRect(x: x + 1, y: y + 1, width: width - 2, height: height - 2) }
}

/// A run of text in one style: the unit of titles, legends and status lines.
public struct TextSpan: Sendable, Equatable {
    public var text: String
    public var style: CellStyle

    public init(_ text: String, style: CellStyle = .plain) {
        self.text = text; self.style = style
    }

    /// Columns the span takes (every scalar the dashboard uses is single-width).
    public var width: Int { text.unicodeScalars.count }
}

extension Array where Element == TextSpan {
    /// Total columns of the spans.
    public var width: Int { reduce(0) { $0 + $1.width } }
}
