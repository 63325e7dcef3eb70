import BNNSupport
import BNNEngine

/// The two status lines at the bottom: every run's state (with the reason of
/// a pause or divergence) and the transient message; then the selected run's
/// epoch progress bar with ETAs (or the learning-rate prompt) and key hints.
public struct StatusLines: Sendable {
    public var snapshots: [RunSnapshot]
    public var state: DashboardState
    public var glyphs: Glyphs
    public var now: Double

    public init(snapshots: [RunSnapshot], state: DashboardState, glyphs: Glyphs, now: Double) {
        self.snapshots = snapshots; self.state = state; self.glyphs = glyphs; self.now = now
    }

    public static let height = 2

    public func render(width: Int) -> CellGrid {
        var grid = CellGrid(width: width, height: Self.height)
        let muted = CellStyle(color: .muted)

        // Line 1: states, and the message on the right (the message wins the space).
        var messageWidth = 0
        if let m = state.visibleMessage(now: now) {
            let style = m.kind == .error ? CellStyle(color: .error, bold: true) : CellStyle(color: .accent, bold: true)
            let text = m.text + " "
            messageWidth = Swift.min(width, text.unicodeScalars.count)
            grid.putRight(String(String.UnicodeScalarView(text.unicodeScalars.suffix(messageWidth))),
                          rightX: width - 1, y: 0, style: style)
        }
        let statesWidth = Swift.max(0, width - messageWidth - (messageWidth > 0 ? 2 : 0))
        grid.putSpans(stateSpans(width: statesWidth), x: 0, y: 0, maxWidth: statesWidth)

        // Line 2: the prompt, or progress and key hints.
        if let prompt = state.learningRatePrompt {
            let spans = promptSpans(prompt)
            grid.putSpans(spans, x: 0, y: 1, maxWidth: width)
            return grid
        }
        let progress = progressSpans(barWidth: Swift.max(10, Swift.min(30, width / 6)))
        let used = grid.putSpans(progress, x: 0, y: 1, maxWidth: width)
        var hints: [TextSpan] = []
        for binding in KeyBindings.all {
            guard let hint = binding.hint else { continue }
            let item = (hints.isEmpty ? [] : [TextSpan(glyphs.separator, style: muted)]) + [TextSpan(hint, style: muted)]
            if used + 3 + hints.width + item.width + 1 > width { break }
            hints += item
        }
        if !hints.isEmpty { grid.putSpans(hints, x: width - hints.width - 1, y: 1) }
        return grid
    }

    /// Line 1's run states: every run's; when they do not all fit in `width`, those of
    /// the selected run and of the runs with something to say (a reason, a warning),
    /// in run order, then how many runs are left out ("+7 more"), so that no run's
    /// warning is lost off the edge of a crowded line.
    func stateSpans(width: Int) -> [TextSpan] {
        let muted = CellStyle(color: .muted)
        let markers = RunMarkers(names: snapshots.map(\.name))
        let groups: [[TextSpan]] = snapshots.enumerated().map { i, s in
            var group = [TextSpan("\(Character(markers.letter(i))) \(s.name) ",
                                  style: CellStyle(color: .run(i), bold: i == state.selectedRun))]
            let styleForState = RunStateStyle.style(s.state)
            group.append(TextSpan("\(RunStateStyle.icon(s.state, glyphs: glyphs)) \(s.state.label)", style: styleForState))
            if let reason = RunStateStyle.reason(s.state) { group.append(TextSpan(": " + reason, style: styleForState)) }
            if let notice = s.notice { group.append(TextSpan(" ! " + notice, style: CellStyle(color: .warning, bold: true))) }
            return group
        }
        func joined(_ indices: [Int], more: Int) -> [TextSpan] {
            var spans = [TextSpan(" ")]
            for (k, i) in indices.enumerated() {
                if k > 0 { spans.append(TextSpan(glyphs.separator, style: muted)) }
                spans += groups[i]
            }
            if more > 0 {
                spans.append(TextSpan((indices.isEmpty ? "" : glyphs.separator) + "+\(more) more", style: muted))
            }
            return spans
        }
        let all = joined(Array(groups.indices), more: 0)
        if all.width <= width { return all }
        let wanted = groups.indices.filter { i in
            i == state.selectedRun || snapshots[i].notice != nil || RunStateStyle.reason(snapshots[i].state) != nil
        }
        var shown: [Int] = []
        for i in wanted where joined(shown + [i], more: groups.count - shown.count - 1).width <= width { shown.append(i) }
        return joined(shown, more: groups.count - shown.count)
    }

    /// The open prompt: its question, the text typed, and what Enter, Tab and Esc do.
    func promptSpans(_ prompt: LearningRatePrompt) -> [TextSpan] {
        let muted = CellStyle(color: .muted), accent = CellStyle(color: .accent, bold: true)
        let s = prompt.run < snapshots.count ? snapshots[prompt.run] : nil
        let name = s?.name ?? "run"
        let question: String, keys: String
        switch prompt.purpose {
        case .setRate:
            question = "learning rate for \(name): "
            keys = "Enter apply\(glyphs.separator)Esc cancel"
        case .fork(let mode):
            let parentMode = s?.mode.rawValue ?? "det"
            let forkMode = mode?.rawValue ?? parentMode
            let keep = s.map { Format.learningRateMessage(state.learningRate(of: $0, run: prompt.run)) } ?? "-"
            question = "fork \(name) as \(forkMode), learning rate: "
            keys = "Enter fork (empty keeps \(keep))\(glyphs.separator)Tab det/stoch\(glyphs.separator)Esc cancel"
        case .continueEpochs:
            question = "continue \(name) for how many more epochs: "
            keys = "Enter continue\(glyphs.separator)Esc cancel"
        }
        return [TextSpan(" " + question, style: accent), TextSpan(prompt.text, style: CellStyle(bold: true)),
                TextSpan(String(glyphs.cursor), style: CellStyle(color: .accent)), TextSpan("   " + keys, style: muted)]
    }

    /// "det epoch 13/100 ▕██████▌░░░░▏ 68% · ETA 0:41 · run left 1:02:11".
    func progressSpans(barWidth: Int) -> [TextSpan] {
        guard state.selectedRun < snapshots.count else { return [TextSpan(" no runs")] }
        let s = snapshots[state.selectedRun]
        let runStyle = CellStyle(color: .run(state.selectedRun), bold: true)
        let muted = CellStyle(color: .muted)
        var spans = [TextSpan(" \(s.name) ", style: runStyle)]
        switch s.state {
        case .done:
            spans.append(TextSpan("done\(glyphs.separator)\(counted(s.epoch, "epoch")) in \(Format.duration(s.trainingSeconds))"))
            return spans
        case .stopped, .failed:
            spans.append(TextSpan("\(s.state.label) at epoch \(s.epoch)/\(s.totalEpochs)", style: RunStateStyle.style(s.state)))
            return spans
        case .diverged:
            spans.append(TextSpan("\(s.state.label) in epoch \(s.epoch + 1)/\(s.totalEpochs)", style: RunStateStyle.style(s.state)))
            spans.append(TextSpan(glyphs.separator + "start again with a lower --lr", style: muted))
            return spans
        case .starting, .running, .paused:
            break
        }
        spans.append(TextSpan("epoch \(s.shownEpoch)/\(s.totalEpochs) "))
        spans.append(TextSpan(Self.bar(s.epochProgress, width: barWidth, glyphs: glyphs), style: CellStyle(color: .run(state.selectedRun))))
        spans.append(TextSpan(" " + Format.pad(String(Int((s.epochProgress * 100).rounded(.down))) + "%", 4, right: true)))
        if case .paused = s.state {
            spans.append(TextSpan(glyphs.separator + "paused", style: CellStyle(color: .warning)))
        } else if let eta = Self.epochETA(s) {
            spans.append(TextSpan(glyphs.separator + "ETA " + Format.shortDuration(eta), style: muted))
            if let runETA = Self.runETA(s) {
                spans.append(TextSpan(glyphs.separator + "run left " + Format.duration(runETA), style: muted))
            }
        }
        return spans
    }

    /// A bar of `width` cells filled to `fraction` in eighths (ASCII: `[###...]`).
    public static func bar(_ fraction: Double, width: Int, glyphs: Glyphs) -> String {
        let f = Swift.max(0, Swift.min(1, fraction.isFinite ? fraction : 0))
        let inner = glyphs.isASCII ? width - 2 : width
        let eighths = Int((f * Double(inner * 8)).rounded(.down))
        var s = String.UnicodeScalarView()
        for i in 0..<inner {
            let level = Swift.max(0, Swift.min(8, eighths - i * 8))
            s.append(level == 8 ? glyphs.progressFull : level == 0 ? glyphs.progressEmpty : glyphs.progressEighths[level])
        }
        return glyphs.isASCII ? "[" + String(s) + "]" : String(s)
    }

    /// Seconds left in the epoch in flight: from this epoch's pace so far, else the last epoch's length.
    public static func epochETA(_ s: RunSnapshot) -> Double? {
        let completed = s.history.reduce(0) { $0 + $1.epochSeconds }
        let inFlight = s.trainingSeconds - completed
        let remaining = Double(Swift.max(0, s.batchesPerEpoch - s.batchesDone))
        if s.batchesDone > 0, inFlight > 0 {
            return inFlight / Double(s.batchesDone) * remaining
        }
        guard let last = s.history.last?.epochSeconds, last.isFinite, last > 0 else { return nil }
        return last * (1 - s.epochProgress)
    }

    /// Seconds left in the whole run: the epoch in flight plus the remaining epochs at the mean pace.
    public static func runETA(_ s: RunSnapshot) -> Double? {
        guard let eta = epochETA(s) else { return nil }
        let epochsAfter = Double(Swift.max(0, s.totalEpochs - s.epoch - 1))
        guard epochsAfter > 0 else { return eta }
        let seconds = s.history.map(\.epochSeconds).filter { $0.isFinite && $0 > 0 }
        let mean = seconds.isEmpty
            ? (s.epochProgress > 0 ? eta / (1 - s.epochProgress) : nil)
            : seconds.reduce(0, +) / Double(seconds.count)
        guard let m = mean, m.isFinite else { return nil }
        return eta + epochsAfter * m
    }
}
