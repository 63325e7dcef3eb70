import BNNEngine

/// A small grayscale image (e.g. a 28×28 Fashion-MNIST picture or a binary
/// receptive field) drawn in terminal cells, two pixel rows per cell.
///
/// Unicode: half blocks (▀ ▄ █) of the pixels at or above `threshold`, so a
/// 28×28 image takes 28×14 cells and black/white pictures are exact. ASCII
/// (`--ascii`, LANG=C): one shade character per cell from ` .:-=+*#%@` by the
/// mean of its two pixels. Colour is one style for the whole picture, so
/// NO_COLOR loses nothing.
public struct PixelPicture: Sendable {
    public var pixels: [UInt8]
    public var width: Int
    public var height: Int
    public var ascii: Bool
    public var style: CellStyle
    /// Pixels at or above this are drawn (Unicode).
    public var threshold: UInt8

    public init(pixels: [UInt8], width: Int, height: Int, ascii: Bool, style: CellStyle = .plain, threshold: UInt8 = 96) {
        precondition(pixels.count == width * height)
        self.pixels = pixels; self.width = width; self.height = height; self.ascii = ascii
        self.style = style; self.threshold = threshold
    }

    /// A black-and-white picture: +1 white, -1 black.
    public init(signs: [Bool], width: Int, height: Int, ascii: Bool, style: CellStyle = .plain) {
        self.init(pixels: signs.map { $0 ? 255 : 0 }, width: width, height: height, ascii: ascii, style: style)
    }

    /// Rows of cells the picture takes.
    public var cellRows: Int { (height + 1) / 2 }

    static let shades = Array(" .:-=+*#%@".unicodeScalars)

    public func render() -> CellGrid {
        var grid = CellGrid(width: width, height: cellRows)
        for r in 0..<cellRows {
            for x in 0..<width {
                let top = Int(pixels[2 * r * width + x])
                let bottom = 2 * r + 1 < height ? Int(pixels[(2 * r + 1) * width + x]) : 0
                let scalar: Unicode.Scalar
                if ascii {
                    scalar = Self.shades[((top + bottom) * (Self.shades.count - 1) + 255) / 510]
                } else {
                    switch (top >= Int(threshold), bottom >= Int(threshold)) {
                    case (true, true): scalar = "\u{2588}"
                    case (true, false): scalar = "\u{2580}"
                    case (false, true): scalar = "\u{2584}"
                    case (false, false): scalar = " "
                    }
                }
                grid[x, r] = Cell(scalar, style: style)
            }
        }
        return grid
    }
}
