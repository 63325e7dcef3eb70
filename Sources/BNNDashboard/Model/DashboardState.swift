import BNNEngine

/// Which quantity the main chart plots.
public enum ChartKind: String, Sendable, Equatable, CaseIterable {
    case error
    case loss

    public var toggled: ChartKind { self == .error ? .loss : .error }
}

/// A line in the status area that disappears by itself.
public struct TransientMessage: Sendable, Equatable {
    /// Info messages confirm an action; error messages say why nothing happened.
    public enum Kind: Sendable, Equatable {
        case info
        case error
    }

    public var text: String
    public var kind: Kind
    /// Seconds on the same clock as the `now` passed to rendering.
    public var expiresAt: Double

    public init(text: String, kind: Kind, expiresAt: Double) {
        self.text = text; self.kind = kind; self.expiresAt = expiresAt
    }
}

/// The text field in the status line: a learning rate (`l`), a fork's
/// learning rate (`f`, Tab switches its mode det ↔ stoch) or a number of
/// epochs to continue a finished run with (`c`).
public struct LearningRatePrompt: Sendable, Equatable {
    /// What Enter does with the text.
    public enum Purpose: Sendable, Equatable {
        case setRate
        /// `mode` is the fork's binarization mode when it differs from the parent's.
        case fork(mode: BinarizationMode?)
        case continueEpochs
    }

    /// The run the value will apply to (fixed when the prompt opens).
    public var run: Int
    public var text: String
    public var purpose: Purpose

    public init(run: Int, text: String = "", purpose: Purpose = .setRate) {
        self.run = run; self.text = text; self.purpose = purpose
    }
}

/// A learning rate the user asked for that the engine has not published yet.
///
/// It is shown instead of the snapshot's value while the snapshot's `version`
/// is still `version`; the next publish carries the truth (possibly changed
/// again by a schedule), so a stale request can never mask it.
public struct PendingLearningRate: Sendable, Equatable {
    public var value: Double
    public var version: UInt64

    public init(value: Double, version: UInt64) { self.value = value; self.version = version }
}

/// Everything the dashboard shows that is not engine data: selection, chart
/// options, overlays, messages, the learning-rate prompt.
///
/// Pure value: the reducer updates it from keys, the renderer reads it.
public struct DashboardState: Sendable, Equatable {
    /// Seconds a transient message stays up.
    public static let messageSeconds = 4.0

    public var selectedRun: Int
    public var selectedLayer: Int
    public var chartKind: ChartKind
    public var logScale: Bool
    public var showTest: Bool
    /// The chart draws only the selected run (`a`); else every run, the selected one on top.
    public var selectedRunOnly = false
    public var helpVisible: Bool
    /// No colors (`NO_COLOR` / `--no-color`): runs are told apart by letters and line styles.
    public var monochrome: Bool
    /// Plain ASCII drawing (`--ascii` or a non-UTF-8 locale).
    public var ascii: Bool
    public var message: TransientMessage?
    /// Non-nil while the learning-rate prompt is open; keys then edit its text.
    public var learningRatePrompt: LearningRatePrompt?
    /// Requested learning rates by run index, until the engine publishes them.
    public var pendingLearningRates: [Int: PendingLearningRate]
    /// Pause (true) or resume (false) asked for by run index, until the run's snapshot shows
    /// it: two presses of space in one read toggle twice, not "pause" twice.
    public var requestedPause: [Int: Bool] = [:]
    /// The insight view (`i`) replaces the chart and weight panels.
    public var insightVisible = false
    /// Page of the misclassified strip (`n` / `N`; wraps when drawn).
    public var insightPage = 0
    /// The weight histogram's zoom (`z`): nil follows the data (zoomed when the weights
    /// occupy less than a tenth of [-1, 1]), else the user's choice.
    public var histogramZoom: Bool?
    /// Why `f` and `c` cannot work here (the controller's `branchingRefusal`): they post it
    /// instead of opening their prompts. Nil where runs can be forked and continued.
    public var branchingRefusal: String?

    public init(selectedRun: Int = 0, selectedLayer: Int = 0, chartKind: ChartKind = .error,
                logScale: Bool = false, showTest: Bool = false, helpVisible: Bool = false,
                monochrome: Bool = false, ascii: Bool = false, message: TransientMessage? = nil,
                learningRatePrompt: LearningRatePrompt? = nil,
                pendingLearningRates: [Int: PendingLearningRate] = [:]) {
        self.selectedRun = selectedRun; self.selectedLayer = selectedLayer; self.chartKind = chartKind
        self.logScale = logScale; self.showTest = showTest; self.helpVisible = helpVisible
        self.monochrome = monochrome; self.ascii = ascii; self.message = message
        self.learningRatePrompt = learningRatePrompt; self.pendingLearningRates = pendingLearningRates
    }

    /// Shows `text` in the status area for `DashboardState.messageSeconds` from `now`.
    public mutating func post(_ text: String, kind: TransientMessage.Kind = .info, now: Double) {
        message = TransientMessage(text: text, kind: kind, expiresAt: now + Self.messageSeconds)
    }

    /// The message to show at `now`, if one is still up.
    public func visibleMessage(now: Double) -> TransientMessage? {
        guard let m = message, now < m.expiresAt else { return nil }
        return m
    }

    /// The learning rate to show for run `index`: a pending request while the
    /// snapshot has not moved on, else the snapshot's.
    public func learningRate(of snapshot: RunSnapshot, run index: Int) -> Double {
        if let p = pendingLearningRates[index], p.version == snapshot.version { return p.value }
        return snapshot.learningRate
    }

    /// Keeps the selection inside the runs and layers that exist.
    public mutating func clampSelection(runCount: Int, layerCount: (Int) -> Int) {
        selectedRun = runCount > 0 ? Swift.min(Swift.max(0, selectedRun), runCount - 1) : 0
        let layers = runCount > 0 ? layerCount(selectedRun) : 0
        selectedLayer = layers > 0 ? Swift.min(Swift.max(0, selectedLayer), layers - 1) : 0
    }
}

