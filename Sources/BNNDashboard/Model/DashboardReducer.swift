import BNNEngine

/// Turns a key into dashboard state changes and commands for the app.
///
/// Pure: the terminal decodes keys, this decides what they mean, the app
/// executes the returned commands. Every branch is unit-tested without a terminal.
public enum DashboardReducer {
    /// Applies `key` to `state` given the runs' latest `snapshots`; `now` (seconds)
    /// times the transient message. Returns the commands to carry out, in order.
    public static func handle(_ key: KeyInput, state: inout DashboardState, snapshots: [RunSnapshot],
                              now: Double) -> [DashboardCommand] {
        // Ctrl-C quits even while the learning-rate prompt takes the other keys.
        if key == .ctrlC { return [.quit] }
        if key == .resize { return [] }
        state.clampSelection(runCount: snapshots.count) { snapshots[$0].layers.count }
        if case .paste(let text) = key {
            guard state.learningRatePrompt != nil else {
                state.post("pasted text ignored: the dashboard takes its keys one at a time", kind: .error, now: now)
                return []
            }
            // Into the prompt as typed, but never Enter: a pasted line does not submit itself.
            let typed = text.filter { c in !c.isNewline && !c.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F } }
            return typed.flatMap { handlePrompt(.character($0), state: &state, snapshots: snapshots, now: now) }
        }
        if state.learningRatePrompt != nil {
            return handlePrompt(key, state: &state, snapshots: snapshots, now: now)
        }
        guard let action = KeyBindings.action(for: key) else { return [] }
        return perform(action, state: &state, snapshots: snapshots, now: now)
    }

    /// Carries out one action of the key table.
    private static func perform(_ action: DashboardAction, state: inout DashboardState, snapshots: [RunSnapshot],
                                now: Double) -> [DashboardCommand] {
        switch action {
        case .togglePause: return togglePause(state: &state, snapshots: snapshots, now: now)
        case .togglePauseAll: return togglePauseAll(state: &state, snapshots: snapshots, now: now)
        case .doubleLearningRate: return scaleLearningRate(by: 2, state: &state, snapshots: snapshots, now: now)
        case .halveLearningRate: return scaleLearningRate(by: 0.5, state: &state, snapshots: snapshots, now: now)
        case .promptLearningRate:
            guard let run = adjustableRun(state: &state, snapshots: snapshots, now: now) else { return [] }
            state.learningRatePrompt = LearningRatePrompt(run: run)
        case .nextRun: selectRun(offset: 1, state: &state, snapshots: snapshots)
        case .previousRun: selectRun(offset: -1, state: &state, snapshots: snapshots)
        case .nextLayer: selectLayer(offset: 1, state: &state, snapshots: snapshots)
        case .previousLayer: selectLayer(offset: -1, state: &state, snapshots: snapshots)
        case .export: return [.export]
        case .saveCheckpoints: return [.saveCheckpoints]
        case .fork: openFork(state: &state, snapshots: snapshots, now: now)
        case .continueRun: openContinue(state: &state, snapshots: snapshots, now: now)
        case .toggleInsight: state.insightVisible.toggle()
        case .nextInsightPage: turnInsightPage(by: 1, state: &state, now: now)
        case .previousInsightPage: turnInsightPage(by: -1, state: &state, now: now)
        case .toggleHistogramZoom: toggleHistogramZoom(state: &state, snapshots: snapshots)
        case .toggleChart: state.chartKind = state.chartKind.toggled
        case .toggleLogScale: state.logScale.toggle()
        case .toggleTest: state.showTest.toggle()
        case .toggleAllRuns: state.selectedRunOnly.toggle()
        case .toggleHelp: state.helpVisible.toggle()
        case .closeHelp: state.helpVisible = false
        case .quit: return [.quit]
        }
        return []
    }

    // MARK: - Learning-rate prompt

    private static func handlePrompt(_ key: KeyInput, state: inout DashboardState, snapshots: [RunSnapshot],
                                     now: Double) -> [DashboardCommand] {
        guard var prompt = state.learningRatePrompt else { return [] }
        if prompt.purpose != .setRate {
            return handleBranchPrompt(key, prompt: prompt, state: &state, snapshots: snapshots, now: now)
        }
        switch key {
        case .escape:
            state.learningRatePrompt = nil
            return []
        case .backspace:
            if !prompt.text.isEmpty { prompt.text.removeLast() }
            state.learningRatePrompt = prompt
            return []
        case .character(let ch):
            if prompt.text.count < 24 && !ch.isNewline { prompt.text.append(ch) }
            state.learningRatePrompt = prompt
            return []
        case .enter:
            switch LearningRateInput.parse(prompt.text) {
            case .failure(let rejection):
                // Nothing changes; the prompt stays open so the value can be fixed or Esc pressed.
                state.post(rejection.description, kind: .error, now: now)
                return []
            case .success(let value):
                state.learningRatePrompt = nil
                guard prompt.run < snapshots.count else { return [] }
                return setLearningRate(value, run: prompt.run, state: &state, snapshots: snapshots, now: now,
                                       verb: "set to")
            }
        default:
            return []
        }
    }

    // MARK: - Pause and resume

    /// Whether run `run` counts as paused for the pause keys: what the last key asked for while
    /// the snapshot does not show it yet, else the snapshot's state (a diverged run waits, as
    /// a paused one); nil for a finished run.
    private static func effectivelyPaused(_ run: Int, _ s: RunSnapshot, state: inout DashboardState) -> Bool? {
        let shown: Bool?
        switch s.state {
        case .starting, .running: shown = false
        case .paused, .diverged: shown = true
        case .done, .stopped, .failed: shown = nil
        }
        if let asked = state.requestedPause[run] {
            if shown == nil || shown == asked { state.requestedPause[run] = nil } else { return asked }
        }
        return shown
    }

    private static func togglePause(state: inout DashboardState, snapshots: [RunSnapshot],
                                    now: Double) -> [DashboardCommand] {
        guard state.selectedRun < snapshots.count else { return [] }
        let run = state.selectedRun, s = snapshots[run]
        switch effectivelyPaused(run, s, state: &state) {
        case false:
            state.post("pausing \(s.name)", now: now)
            state.requestedPause[run] = true
            return [.pause(run: run)]
        case true:
            if case .diverged = s.state {
                state.post(finishedMessage(s), kind: .error, now: now)
                return []
            }
            state.post("resuming \(s.name)", now: now)
            state.requestedPause[run] = false
            return [.resume(run: run)]
        case nil:
            state.post(finishedMessage(s), kind: .error, now: now)
            return []
        }
    }

    private static func togglePauseAll(state: inout DashboardState, snapshots: [RunSnapshot],
                                       now: Double) -> [DashboardCommand] {
        let paused = snapshots.indices.map { effectivelyPaused($0, snapshots[$0], state: &state) }
        if paused.contains(false) {
            state.post("pausing all runs", now: now)
            for (run, p) in paused.enumerated() where p != nil { state.requestedPause[run] = true }
            return [.pauseAll]
        }
        // Resume all resumes the paused runs; a diverged one stays as it is.
        let resumable = snapshots.indices.filter { paused[$0] == true && !isDiverged(snapshots[$0].state) }
        if !resumable.isEmpty {
            state.post("resuming all runs", now: now)
            for run in resumable { state.requestedPause[run] = false }
            return [.resumeAll]
        }
        state.post("no run to pause or resume", kind: .error, now: now)
        return []
    }

    /// What to do about a diverged run. The batch whose loss was not finite changed nothing,
    /// but the ones before it, at that rate, already pushed the parameters (BatchNorm's,
    /// Adam's moments) to values no lower rate brings back; a fork would start from them too.
    static let divergedAdvice = "its parameters are spoiled: start again with a lower --lr, or train --resume a checkpoint saved before"

    static func isDiverged(_ s: RunState) -> Bool {
        if case .diverged = s { return true }
        return false
    }

    // MARK: - Learning rate

    private static func scaleLearningRate(by factor: Double, state: inout DashboardState,
                                          snapshots: [RunSnapshot], now: Double) -> [DashboardCommand] {
        guard let run = adjustableRun(state: &state, snapshots: snapshots, now: now) else { return [] }
        let current = state.learningRate(of: snapshots[run], run: run)
        let value = current * factor
        guard value.isFinite, value > 0, value.isNormal else {
            state.post("learning rate \(Format.learningRateMessage(current)) cannot go further", kind: .error, now: now)
            return []
        }
        return setLearningRate(value, run: run, state: &state, snapshots: snapshots, now: now, verb: "set to")
    }

    private static func setLearningRate(_ value: Double, run: Int, state: inout DashboardState,
                                        snapshots: [RunSnapshot], now: Double, verb: String) -> [DashboardCommand] {
        let s = snapshots[run]
        if s.state.isFinished || isDiverged(s.state) {
            state.post(finishedMessage(s), kind: .error, now: now)
            return []
        }
        state.pendingLearningRates[run] = PendingLearningRate(value: value, version: s.version)
        state.post("lr \(s.name) \(verb) \(Format.learningRateMessage(value))", now: now)
        return [.setLearningRate(run: run, value: value)]
    }

    /// The selected run if its learning rate can still change; else posts why not.
    private static func adjustableRun(state: inout DashboardState, snapshots: [RunSnapshot], now: Double) -> Int? {
        guard state.selectedRun < snapshots.count else { return nil }
        let s = snapshots[state.selectedRun]
        if s.state.isFinished || isDiverged(s.state) {
            state.post(finishedMessage(s), kind: .error, now: now)
            return nil
        }
        return state.selectedRun
    }

    // MARK: - Selection

    private static func selectRun(offset: Int, state: inout DashboardState, snapshots: [RunSnapshot]) {
        guard !snapshots.isEmpty else { return }
        let n = snapshots.count
        state.selectedRun = ((state.selectedRun + offset) % n + n) % n
        let layers = snapshots[state.selectedRun].layers.count
        state.selectedLayer = layers > 0 ? Swift.min(state.selectedLayer, layers - 1) : 0
    }

    private static func selectLayer(offset: Int, state: inout DashboardState, snapshots: [RunSnapshot]) {
        guard state.selectedRun < snapshots.count else { return }
        let n = snapshots[state.selectedRun].layers.count
        guard n > 0 else { return }
        state.selectedLayer = ((state.selectedLayer + offset) % n + n) % n
    }

    // MARK: - Messages

    static func finishedMessage(_ s: RunSnapshot) -> String {
        switch s.state {
        case .done: return "\(s.name) is done"
        case .stopped: return "\(s.name) has stopped"
        case .failed(let reason): return "\(s.name) failed: \(reason)"
        case .diverged(let reason): return "\(s.name) diverged (\(reason)); \(divergedAdvice)"
        default: return "\(s.name) is \(s.state.label)"
        }
    }
}
