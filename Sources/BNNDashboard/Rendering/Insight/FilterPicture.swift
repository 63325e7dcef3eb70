import BNNEngine

/// One binary k×k filter (a first-convolution kernel) as a tiny black-and-white
/// picture: each tap two columns wide and one row high (terminal cells are about
/// twice as tall as wide, so the taps come out square), +1 as `██` in the
/// picture's style and -1 as muted `░░`, so the filter's edge shows against the
/// panel. ASCII: `##` and `..`. The marks, not colour, carry the sign, so
/// NO_COLOR and the text export lose nothing.
public struct FilterPicture: Sendable {
    public var field: ReceptiveField
    public var ascii: Bool
    public var style: CellStyle

    public init(field: ReceptiveField, ascii: Bool, style: CellStyle = .plain) {
        self.field = field; self.ascii = ascii; self.style = style
    }

    /// Columns per tap.
    public static let tapWidth = 2

    public var width: Int { field.width * Self.tapWidth }
    public var height: Int { field.height }

    public func render() -> CellGrid {
        var grid = CellGrid(width: width, height: height)
        let plus: Unicode.Scalar = ascii ? "#" : "\u{2588}", minus: Unicode.Scalar = ascii ? "." : "\u{2591}"
        let muted = CellStyle(color: .muted)
        for y in 0..<field.height {
            for x in 0..<field.width {
                let positive = field.positive[y * field.width + x]
                for c in 0..<Self.tapWidth {
                    grid[x * Self.tapWidth + c, y] = positive ? Cell(plus, style: style) : Cell(minus, style: muted)
                }
            }
        }
        return grid
    }
}
