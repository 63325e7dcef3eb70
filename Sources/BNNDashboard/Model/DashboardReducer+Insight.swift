import BNNEngine

/// The reducer's side of issue 15 (the keys are in `KeyBindings`): fork and continue
/// the selected run through their prompts (typing, Tab det ↔ stoch, Enter, Esc), page
/// the insight view, zoom the weight histogram.
extension DashboardReducer {
    static func turnInsightPage(by offset: Int, state: inout DashboardState, now: Double) {
        guard state.insightVisible else {
            state.post("n / N page the misclassified images of the insight view (i)", kind: .error, now: now)
            return
        }
        state.insightPage += offset
    }

    static func toggleHistogramZoom(state: inout DashboardState, snapshots: [RunSnapshot]) {
        guard state.selectedRun < snapshots.count else { return }
        let zoomed = WeightZoomChoice.isZoomed(state.histogramZoom, snapshot: snapshots[state.selectedRun],
                                               layer: state.selectedLayer)
        state.histogramZoom = !zoomed
    }

    /// Posts why `f` / `c` cannot work here, if they cannot (`DashboardState.branchingRefusal`).
    private static func refusesBranching(state: inout DashboardState, now: Double) -> Bool {
        guard let refusal = state.branchingRefusal else { return false }
        state.post(refusal, kind: .error, now: now)
        return true
    }

    static func openFork(state: inout DashboardState, snapshots: [RunSnapshot], now: Double) {
        guard state.selectedRun < snapshots.count else { return }
        if refusesBranching(state: &state, now: now) { return }
        let s = snapshots[state.selectedRun]
        switch s.state {
        case .failed, .diverged:
            // A diverged run's parameters are spoiled: a fork would start from them.
            state.post(finishedMessage(s), kind: .error, now: now)
            return
        default: break
        }
        guard s.epoch < s.totalEpochs else {
            state.post("\(s.name) has no epoch left to fork into: c continues it", kind: .error, now: now)
            return
        }
        state.learningRatePrompt = LearningRatePrompt(run: state.selectedRun, purpose: .fork(mode: nil))
    }

    static func openContinue(state: inout DashboardState, snapshots: [RunSnapshot], now: Double) {
        guard state.selectedRun < snapshots.count else { return }
        if refusesBranching(state: &state, now: now) { return }
        let s = snapshots[state.selectedRun]
        guard s.state == .done || s.state == .stopped else {
            state.post("c continues a finished run; \(s.name) is \(s.state.label)", kind: .error, now: now)
            return
        }
        state.learningRatePrompt = LearningRatePrompt(run: state.selectedRun, purpose: .continueEpochs)
    }

    /// Keys while the fork or continue prompt is open.
    static func handleBranchPrompt(_ key: KeyInput, prompt: LearningRatePrompt, state: inout DashboardState,
                                   snapshots: [RunSnapshot], now: Double) -> [DashboardCommand] {
        var prompt = prompt
        switch key {
        case .escape:
            state.learningRatePrompt = nil
            if state.message?.kind == .error { state.message = nil }  // the prompt's complaint goes with it
        case .backspace:
            if !prompt.text.isEmpty { prompt.text.removeLast() }
            state.learningRatePrompt = prompt
        case .character(let ch):
            if prompt.text.count < 24 && !ch.isNewline { prompt.text.append(ch) }
            state.learningRatePrompt = prompt
        case .tab, .backTab:
            guard case .fork(let mode) = prompt.purpose, prompt.run < snapshots.count else { return [] }
            let parent = snapshots[prompt.run].mode
            guard parent.isBinary else {
                state.post("a float run forks as float (Tab switches det / stoch)", kind: .error, now: now)
                return []
            }
            let current = mode ?? parent
            let next: BinarizationMode = current == .deterministic ? .stochastic : .deterministic
            prompt.purpose = .fork(mode: next == parent ? nil : next)
            state.learningRatePrompt = prompt
        case .enter:
            return submit(prompt, state: &state, snapshots: snapshots, now: now)
        default:
            break
        }
        return []
    }

    private static func submit(_ prompt: LearningRatePrompt, state: inout DashboardState, snapshots: [RunSnapshot],
                               now: Double) -> [DashboardCommand] {
        guard prompt.run < snapshots.count else { state.learningRatePrompt = nil; return [] }
        switch prompt.purpose {
        case .setRate:
            return []
        case .fork(let mode):
            var rate: Double?
            if !prompt.text.trimmingWhitespace().isEmpty {
                switch LearningRateInput.parse(prompt.text) {
                case .failure(let rejection):
                    state.post(rejection.description, kind: .error, now: now)
                    return []
                case .success(let value):
                    rate = value
                }
            }
            state.learningRatePrompt = nil
            return [.fork(run: prompt.run, learningRate: rate, mode: mode)]
        case .continueEpochs:
            let text = prompt.text.trimmingWhitespace()
            guard let epochs = Int(text), (1...10_000).contains(epochs) else {
                state.post("bad epoch count '\(text)': needs a whole number from 1 to 10000", kind: .error, now: now)
                return []
            }
            state.learningRatePrompt = nil
            return [.continueRun(run: prompt.run, epochs: epochs)]
        }
    }
}
