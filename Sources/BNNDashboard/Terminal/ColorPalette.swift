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
    /// shades replace the eight saturated basics.
    public static func entry(for color: CellColor, colorCount: Int) -> Entry {
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

    private static func basic(_ color: CellColor) -> Entry {
        switch color {
        case .normal: return Entry(foreground: nil)
        case .run0: return Entry(foreground: cyan)
        case .run1: return Entry(foreground: magenta)
        case .run2: return Entry(foreground: green)
        case .run3: return Entry(foreground: yellow)
        case .run4: return Entry(foreground: blue)
        case .run5: return Entry(foreground: red)
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
        case .run0: return Entry(foreground: 45)     // #00d7ff cyan
        case .run1: return Entry(foreground: 213)    // #ff87ff magenta
        case .run2: return Entry(foreground: 114)    // #87d787 green
        case .run3: return Entry(foreground: 221)    // #ffd75f gold
        case .run4: return Entry(foreground: 111)    // #87afff periwinkle
        case .run5: return Entry(foreground: 209)    // #ff875f salmon
        case .accent: return Entry(foreground: 183)  // #d7afff lavender
        case .muted: return Entry(foreground: 245)   // #8a8a8a grey
        case .good: return Entry(foreground: 78)     // #5fd787 green
        case .warning: return Entry(foreground: 214) // #ffaf00 orange
        case .error: return Entry(foreground: 203)   // #ff5f5f red
        }
    }
}
