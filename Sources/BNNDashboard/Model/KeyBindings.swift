/// What a key asks the dashboard to do (the reducer carries it out).
public enum DashboardAction: Sendable, Equatable {
    case togglePause, togglePauseAll
    case doubleLearningRate, halveLearningRate, promptLearningRate
    case nextRun, previousRun, nextLayer, previousLayer
    /// Issue 15: fork and continue the selected run, the insight view and its pages, the histogram zoom.
    case fork, continueRun, toggleInsight, nextInsightPage, previousInsightPage, toggleHistogramZoom
    case toggleChart, toggleLogScale, toggleTest
    /// The chart draws every run, or the selected run only (`a`).
    case toggleAllRuns
    case export, saveCheckpoints
    case toggleHelp, closeHelp
    case quit
}

/// One line of the dashboard's key table: the keys and what they do, how the
/// help overlay and the status line show them.
public struct KeyBinding: Sendable, Equatable {
    /// How the help overlay writes the keys, e.g. "space, p".
    public var keys: String
    /// What the keys do, in words (the help overlay's second column).
    public var action: String
    /// Short form for the status line, nil to keep it to the help overlay.
    public var hint: String?
    /// The keys this line binds and the action of each.
    public var actions: [KeyInput: DashboardAction]

    public init(keys: String, action: String, hint: String? = nil, actions: [KeyInput: DashboardAction]) {
        self.keys = keys; self.action = action; self.hint = hint; self.actions = actions
    }
}

/// The list of keys, in one place, so the help overlay, the status-line hints,
/// the command's help text and the reducer cannot drift apart.
public enum KeyBindings {
    public static let all: [KeyBinding] = [
        KeyBinding(keys: "space, p", action: "pause / resume the selected run", hint: "space pause",
                   actions: [.character(" "): .togglePause, .character("p"): .togglePause]),
        KeyBinding(keys: "P", action: "pause / resume all runs", hint: "P all",
                   actions: [.character("P"): .togglePauseAll]),
        KeyBinding(keys: "+ / -", action: "double / halve the selected run's learning rate", hint: "+/- lr",
                   actions: [.character("+"): .doubleLearningRate, .character("="): .doubleLearningRate,
                             .character("-"): .halveLearningRate]),
        KeyBinding(keys: "l", action: "type a learning rate (Enter applies, Esc cancels)", hint: "l set lr",
                   actions: [.character("l"): .promptLearningRate]),
        KeyBinding(keys: "tab, \u{2192}, \u{2193}", action: "next run", hint: "tab run",
                   actions: [.tab: .nextRun, .right: .nextRun, .down: .nextRun]),
        KeyBinding(keys: "shift-tab, \u{2190}, \u{2191}", action: "previous run",
                   actions: [.backTab: .previousRun, .left: .previousRun, .up: .previousRun]),
        KeyBinding(keys: "[ / ]", action: "previous / next layer", hint: "[ ] layer",
                   actions: [.character("["): .previousLayer, .character("]"): .nextLayer]),
        KeyBinding(keys: "f", action: "fork the selected run (type its lr; Tab det/stoch)",
                   actions: [.character("f"): .fork]),
        KeyBinding(keys: "c", action: "continue a finished run (type more epochs)",
                   actions: [.character("c"): .continueRun]),
        KeyBinding(keys: "i", action: "insight: confusion, misclassified, receptive fields",
                   actions: [.character("i"): .toggleInsight]),
        KeyBinding(keys: "n / N", action: "next / previous page of misclassified images",
                   actions: [.character("n"): .nextInsightPage, .character("N"): .previousInsightPage]),
        KeyBinding(keys: "z", action: "weight histogram: weights' range / all of [-1, 1]",
                   actions: [.character("z"): .toggleHistogramZoom]),
        KeyBinding(keys: "o", action: "switch the chart: error / loss", hint: "o loss",
                   actions: [.character("o"): .toggleChart]),
        KeyBinding(keys: "g", action: "log scale on / off", hint: "g log",
                   actions: [.character("g"): .toggleLogScale]),
        KeyBinding(keys: "t", action: "show / hide the test series", hint: "t test",
                   actions: [.character("t"): .toggleTest]),
        KeyBinding(keys: "a", action: "chart: all runs / the selected run only", hint: "a runs",
                   actions: [.character("a"): .toggleAllRuns]),
        KeyBinding(keys: "e", action: "export charts, histograms and table to a text file", hint: "e export",
                   actions: [.character("e"): .export]),
        KeyBinding(keys: "s", action: "save a checkpoint of every run", hint: "s save",
                   actions: [.character("s"): .saveCheckpoints]),
        KeyBinding(keys: "?", action: "this help (Esc closes)", hint: "? help",
                   actions: [.character("?"): .toggleHelp, .escape: .closeHelp]),
        KeyBinding(keys: "q, Ctrl-C", action: "quit", hint: "q quit",
                   actions: [.character("q"): .quit, .ctrlC: .quit]),
    ]

    /// What `key` does outside the learning-rate prompt, if anything.
    public static func action(for key: KeyInput) -> DashboardAction? {
        for binding in all { if let action = binding.actions[key] { return action } }
        return nil
    }

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
