import BNNEngine

/// A small image (e.g. a 28×28 dataset picture or a binary receptive
/// field) drawn in terminal cells, two pixel rows per cell, so a 28×28 image
/// takes 28×14 cells.
///
/// - Grey (photographs, `threshold` nil): each cell carries its two pixels
///   (`PixelPair`), which a colour terminal draws as `▀` in the top pixel's grey
///   on the bottom pixel's grey (the 256-colour grey ramp, else the nearest basic
///   colours: see `GreyPalette`). The cell's scalar is the look without colour:
///   one of ` ░▒▓█` by the mean of the two pixels, which `NO_COLOR`, monochrome
///   terminals and the text export show.
/// - Black and white (binary weights, `threshold` set): half blocks (▀ ▄ █) of the
///   pixels at or above the threshold, exact for ±1 pictures, in `style`.
/// - ASCII (`--ascii`, LANG=C), either kind: one shade character per cell from
///   ` .:-=+*#%@` by the mean of its two pixels.
public struct PixelPicture: Sendable {
    public var pixels: [UInt8]
    public var width: Int
    public var height: Int
    public var ascii: Bool
    public var style: CellStyle
    /// Pixels at or above this are drawn as blocks (black and white); nil draws greys.
    public var threshold: UInt8?

    public init(pixels: [UInt8], width: Int, height: Int, ascii: Bool, style: CellStyle = .plain, threshold: UInt8? = nil) {
        precondition(pixels.count == width * height)
        self.pixels = pixels; self.width = width; self.height = height; self.ascii = ascii
        self.style = style; self.threshold = threshold
    }

    /// A black-and-white picture: +1 white, -1 black.
    public init(signs: [Bool], width: Int, height: Int, ascii: Bool, style: CellStyle = .plain) {
        self.init(pixels: signs.map { $0 ? 255 : 0 }, width: width, height: height, ascii: ascii, style: style,
                  threshold: 128)
    }

    /// Rows of cells the picture takes.
    public var cellRows: Int { (height + 1) / 2 }

    static let asciiShades = Array(" .:-=+*#%@".unicodeScalars)
    static let blockShades: [Unicode.Scalar] = [" ", "\u{2591}", "\u{2592}", "\u{2593}", "\u{2588}"]

    /// The shade of `shades` for two pixels' mean (rounded to the nearest step).
    static func shade(_ top: Int, _ bottom: Int, in shades: [Unicode.Scalar]) -> Unicode.Scalar {
        shades[((top + bottom) * (shades.count - 1) + 255) / 510]
    }

    public func render() -> CellGrid {
        var grid = CellGrid(width: width, height: cellRows)
        for r in 0..<cellRows {
            for x in 0..<width {
                let top = pixels[2 * r * width + x]
                let bottom = 2 * r + 1 < height ? pixels[(2 * r + 1) * width + x] : 0
                grid[x, r] = cell(top: top, bottom: bottom)
            }
        }
        return grid
    }

    private func cell(top: UInt8, bottom: UInt8) -> Cell {
        if ascii { return Cell(Self.shade(Int(top), Int(bottom), in: Self.asciiShades), style: style) }
        guard let threshold else {
            return Cell(Self.shade(Int(top), Int(bottom), in: Self.blockShades), style: style,
                        pixels: PixelPair(top: top, bottom: bottom))
        }
        switch (top >= threshold, bottom >= threshold) {
        case (true, true): return Cell("\u{2588}", style: style)
        case (true, false): return Cell("\u{2580}", style: style)
        case (false, true): return Cell("\u{2584}", style: style)
        case (false, false): return Cell(" ", style: style)
        }
    }
}
