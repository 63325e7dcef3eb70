/// Which terminal colors stand for the dashboard's semantic `CellColor`s.
///
/// Runs must be told apart at a glance and warnings must read as warnings on a
/// dark terminal, with 8 colors as well as 256; keeping the choice in one pure
/// table lets it be tested and tuned without a terminal.
public enum ColorPalette {
    /// How a semantic color is shown: a curses color number for the foreground
    /// (`nil` keeps the terminal's own default) and whether it is also dimmed.
    public struct Entry: Sendable, Equatable {
        public var foreground: Int16?
        public var dim: Bool

        public init(foreground: Int16?, dim: Bool = false) {
            self.foreground = foreground; self.dim = dim
        }
    }

    /// The entry for `color` on a terminal with `colorCount` colors (`COLORS`).
    ///
    /// Below 8 colors nothing is colored; from 256 colors on, softer xterm-256
    /// shades replace the eight saturated basics. Runs: twelve shades of their own
    /// on 256 colors; on 16 colors the six basic hues and then their bright
    /// variants; on 8 colors the six hues repeat from the seventh run on (the run
    /// letters tell those apart).
    public static func entry(for color: CellColor, colorCount: Int) -> Entry {
        if let run = color.runIndex { return runEntry(run, colorCount: colorCount) }
        if colorCount >= 256 { return extended(color) }
        if colorCount >= 8 { return basic(color) }
        return Entry(foreground: nil, dim: color == .muted)
    }

    /// The entry when colors are off (`NO_COLOR`, a flag, or a monochrome terminal):
    /// everything in the default color, muted text still dimmed.
    public static func monochromeEntry(for color: CellColor) -> Entry {
        Entry(foreground: nil, dim: color == .muted)
    }

    /// Whether the user asked for no color: `NO_COLOR` set to a non-empty value
    /// (https://no-color.org), or the caller's own flag.
    public static func monochromeRequested(noColorVariable: String?, flag: Bool) -> Bool {
        flag || !(noColorVariable ?? "").isEmpty
    }

    // The eight ANSI colors (curses COLOR_BLACK = 0 ... COLOR_WHITE = 7).
    private static let red: Int16 = 1, green: Int16 = 2, yellow: Int16 = 3
    private static let blue: Int16 = 4, magenta: Int16 = 5, cyan: Int16 = 6

    /// The six hues runs take on 8 and 16 colors, in run order.
    private static let runHues: [Int16] = [cyan, magenta, green, yellow, blue, red]

    /// Run colors on 256 colors: twelve shades, in run order.
    private static let runShades: [Int16] = [
        45,   // #00d7ff cyan
        213,  // #ff87ff magenta
        114,  // #87d787 green
        221,  // #ffd75f gold
        111,  // #87afff periwinkle
        209,  // #ff875f salmon
        43,   // #00d7af teal
        177,  // #d787ff violet
        186,  // #d7d787 khaki
        218,  // #ffafd7 pink
        155,  // #afff5f lime
        180,  // #d7af87 tan
    ]

    private static func runEntry(_ run: Int, colorCount: Int) -> Entry {
        if colorCount >= 256 { return Entry(foreground: runShades[run % runShades.count]) }
        let hue = runHues[run % runHues.count]
        if colorCount >= 16 { return Entry(foreground: run >= runHues.count ? hue + 8 : hue) }
        if colorCount >= 8 { return Entry(foreground: hue) }
        return Entry(foreground: nil)
    }

    private static func basic(_ color: CellColor) -> Entry {
        switch color {
        case .normal: return Entry(foreground: nil)
        case .run0, .run1, .run2, .run3, .run4, .run5, .run6, .run7, .run8, .run9, .run10, .run11:
            return runEntry(color.runIndex ?? 0, colorCount: 8)
        case .accent: return Entry(foreground: yellow)
        case .muted: return Entry(foreground: nil, dim: true)
        case .good: return Entry(foreground: green)
        case .warning: return Entry(foreground: yellow)
        case .error: return Entry(foreground: red)
        }
    }

    private static func extended(_ color: CellColor) -> Entry {
        switch color {
        case .normal: return Entry(foreground: nil)
        case .run0, .run1, .run2, .run3, .run4, .run5, .run6, .run7, .run8, .run9, .run10, .run11:
            return runEntry(color.runIndex ?? 0, colorCount: 256)
        case .accent: return Entry(foreground: 183)  // #d7afff lavender
        case .muted: return Entry(foreground: 245)   // #8a8a8a grey
        case .good: return Entry(foreground: 78)     // #5fd787 green
        case .warning: return Entry(foreground: 214) // #ffaf00 orange
        case .error: return Entry(foreground: 203)   // #ff5f5f red
        }
    }
}
