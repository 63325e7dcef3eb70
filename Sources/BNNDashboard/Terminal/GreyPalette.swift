/// The terminal colours that draw a grey picture cell (`PixelPair`): `▀` in the
/// top pixel's grey on the bottom pixel's grey, each the nearest grey the
/// terminal has.
///
/// With 256 colours: black (16), the 24-step grey ramp (232-255: 8, 18, ... 238)
/// and white (231), 26 levels. With 16: black, bright black, white and bright
/// white (0, 8, 7, 15, taken as 0, 85, 170, 255 as on a VGA). With 8: black and
/// white (0, 7). Pure, so the choice is tested without a terminal.
public enum GreyPalette {
    /// The levels a terminal with `colorCount` colours offers: (colour number, grey value), darkest first.
    public static func levels(colorCount: Int) -> [(color: Int16, grey: Int)] {
        if colorCount >= 256 {
            return [(16, 0)] + (0..<24).map { (Int16(232 + $0), 8 + 10 * $0) } + [(231, 255)]
        }
        if colorCount >= 16 { return [(0, 0), (8, 85), (7, 170), (15, 255)] }
        if colorCount >= 8 { return [(0, 0), (7, 255)] }
        return []
    }

    /// The colour number nearest to `grey` (ties to the darker), nil without colours.
    public static func color(forGrey grey: UInt8, colorCount: Int) -> Int16? {
        levels(colorCount: colorCount).min { abs($0.grey - Int(grey)) < abs($1.grey - Int(grey)) }?.color
    }
}

/// Colour pairs for grey picture cells, made on first use: foreground and
/// background grey each nearest to a pixel, one pair per combination seen.
///
/// Pair numbers start after the dashboard's semantic colours and stop below the
/// terminal's `COLOR_PAIRS`; once they run out `pair(for:)` answers nil and the
/// cell keeps its shade. `define` is told to make each new pair (curses `init_pair`).
struct GreyPairs {
    let colorCount: Int
    let firstPair: Int
    let pairLimit: Int
    private var pairs: [Int32: Int16] = [:]
    private var next: Int

    init(colorCount: Int, firstPair: Int, pairLimit: Int) {
        self.colorCount = colorCount; self.firstPair = firstPair; self.pairLimit = min(pairLimit, Int(Int16.max))
        next = firstPair
    }

    /// The pair drawing `pixels` as `▀` (top as foreground, bottom as background).
    mutating func pair(for pixels: PixelPair, define: (Int16, Int16, Int16) -> Void) -> Int16? {
        guard let top = GreyPalette.color(forGrey: pixels.top, colorCount: colorCount),
              let bottom = GreyPalette.color(forGrey: pixels.bottom, colorCount: colorCount) else { return nil }
        let key = Int32(top) << 16 | Int32(bottom)
        if let known = pairs[key] { return known }
        guard next < pairLimit else { return nil }
        let pair = Int16(next)
        next += 1
        define(pair, top, bottom)
        pairs[key] = pair
        return pair
    }
}
