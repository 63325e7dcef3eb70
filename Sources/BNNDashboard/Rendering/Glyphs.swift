/// The characters the dashboard draws with, in a Unicode and an ASCII set.
///
/// Exists so every panel switches to plain ASCII together (for `--ascii` or a
/// non-UTF-8 locale, where braille and box drawing come out blank).
public struct Glyphs: Sendable, Equatable {
    public var isASCII: Bool
    public var horizontal: Unicode.Scalar
    public var vertical: Unicode.Scalar
    public var topLeft: Unicode.Scalar
    public var topRight: Unicode.Scalar
    public var bottomLeft: Unicode.Scalar
    public var bottomRight: Unicode.Scalar
    /// Y axis: plain, with a tick, and the corner with the x axis.
    public var axisVertical: Unicode.Scalar
    public var axisTick: Unicode.Scalar
    public var axisCorner: Unicode.Scalar
    /// X axis: plain and with a tick.
    public var axisHorizontal: Unicode.Scalar
    public var axisHorizontalTick: Unicode.Scalar
    /// Separator between header and status items.
    public var separator: String
    public var running: String
    public var paused: String
    public var done: String
    public var failed: String
    public var starting: String
    public var stopped: String
    /// Marks the selected row.
    public var selection: String
    /// Progress bar: full cell, empty cell, and the eighths of a partial cell (index 1...7).
    public var progressFull: Unicode.Scalar
    public var progressEmpty: Unicode.Scalar
    public var progressEighths: [Unicode.Scalar]
    /// Histogram bar eighths: index 0 is empty, 8 is a full cell.
    public var barEighths: [Unicode.Scalar]
    /// Marks the clip-edge bins under the histogram.
    public var clipMark: Unicode.Scalar
    public var times: String
    public var cursor: Unicode.Scalar

    public static let unicode = Glyphs(
        isASCII: false,
        horizontal: "─", vertical: "│", topLeft: "╭", topRight: "╮", bottomLeft: "╰", bottomRight: "╯",
        axisVertical: "│", axisTick: "┤", axisCorner: "└", axisHorizontal: "─", axisHorizontalTick: "┬",
        separator: " · ", running: "▶", paused: "‖", done: "✓", failed: "✗", starting: "…", stopped: "■",
        selection: "▸",
        progressFull: "█", progressEmpty: "░", progressEighths: ["░", "▏", "▎", "▍", "▌", "▋", "▊", "▉"],
        barEighths: [" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"],
        clipMark: "▲", times: "×", cursor: "█")

    public static let ascii = Glyphs(
        isASCII: true,
        horizontal: "-", vertical: "|", topLeft: "+", topRight: "+", bottomLeft: "+", bottomRight: "+",
        axisVertical: "|", axisTick: "+", axisCorner: "+", axisHorizontal: "-", axisHorizontalTick: "+",
        separator: " | ", running: ">", paused: "=", done: "v", failed: "x", starting: ".", stopped: "#",
        selection: ">",
        progressFull: "#", progressEmpty: ".", progressEighths: [".", ".", ".", ".", "#", "#", "#", "#"],
        barEighths: [" ", ".", ".", ":", ":", ":", "#", "#", "#"],
        clipMark: "^", times: "x", cursor: "_")

    /// The set for `ascii`.
    public static func forASCII(_ ascii: Bool) -> Glyphs { ascii ? .ascii : .unicode }
}
