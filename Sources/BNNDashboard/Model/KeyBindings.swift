/// One key of the dashboard: what to press, what it does, and how the status
/// line abbreviates it.
public struct KeyBinding: Sendable, Equatable {
    public var keys: String
    public var action: String
    /// Short form for the status line, nil to keep it to the help overlay.
    public var hint: String?

    public init(keys: String, action: String, hint: String? = nil) {
        self.keys = keys; self.action = action; self.hint = hint
    }
}

/// The list of keys, in one place, so the help overlay, the status-line hints
/// and the reducer cannot drift apart.
public enum KeyBindings {
    public static let all: [KeyBinding] = [
        KeyBinding(keys: "space, p", action: "pause / resume the selected run", hint: "space pause"),
        KeyBinding(keys: "P", action: "pause / resume all runs", hint: "P all"),
        KeyBinding(keys: "+ / -", action: "double / halve the selected run's learning rate", hint: "+/- lr"),
        KeyBinding(keys: "l", action: "type a learning rate (Enter applies, Esc cancels)", hint: "l set lr"),
        KeyBinding(keys: "tab, \u{2192}, \u{2193}", action: "next run", hint: "tab run"),
        KeyBinding(keys: "shift-tab, \u{2190}, \u{2191}", action: "previous run"),
        KeyBinding(keys: "[ / ]", action: "previous / next layer", hint: "[ ] layer"),
        KeyBinding(keys: "f", action: "fork the selected run (type its lr; Tab det/stoch)"),
        KeyBinding(keys: "c", action: "continue a finished run (type more epochs)"),
        KeyBinding(keys: "i", action: "insight: confusion, misclassified, receptive fields"),
        KeyBinding(keys: "n / N", action: "next / previous page of misclassified images"),
        KeyBinding(keys: "z", action: "weight histogram: weights' range / all of [-1, 1]"),
        KeyBinding(keys: "o", action: "switch the chart: error / loss", hint: "o loss"),
        KeyBinding(keys: "g", action: "log scale on / off", hint: "g log"),
        KeyBinding(keys: "t", action: "show / hide the test series", hint: "t test"),
        KeyBinding(keys: "e", action: "export charts, histograms and table to a text file", hint: "e export"),
        KeyBinding(keys: "s", action: "save a checkpoint of every run", hint: "s save"),
        KeyBinding(keys: "?", action: "this help (Esc closes)", hint: "? help"),
        KeyBinding(keys: "q, Ctrl-C", action: "quit", hint: "q quit"),
    ]

    /// The ASCII spelling of `keys` (arrows as words) for `--ascii`.
    public static func asciiKeys(_ keys: String) -> String {
        keys.replacingArrows()
    }
}

extension String {
    fileprivate func replacingArrows() -> String {
        var out = ""
        for ch in self {
            switch ch {
            case "\u{2192}": out += "right"
            case "\u{2190}": out += "left"
            case "\u{2191}": out += "up"
            case "\u{2193}": out += "down"
            default: out.append(ch)
            }
        }
        return out
    }
}
