import Testing
import BNNEngine
@testable import BNNDashboard

@Suite("Keys → state and commands")
struct DashboardReducerTests {
    let runs = FakeRuns.three()   // det running, stoch paused, float running

    func press(_ keys: [KeyInput], _ state: inout DashboardState, snapshots: [RunSnapshot]? = nil,
               now: Double = 10) -> [DashboardCommand] {
        keys.flatMap { DashboardReducer.handle($0, state: &state, snapshots: snapshots ?? runs, now: now) }
    }

    func type(_ text: String) -> [KeyInput] { text.map { KeyInput.character($0) } }

    @Test func pauseAndResumeTheSelectedRun() {
        var state = DashboardState()
        #expect(press([.character(" ")], &state) == [.pause(run: 0)])
        #expect(state.message?.text == "pausing det")
        state.selectedRun = 1
        #expect(press([.character("p")], &state) == [.resume(run: 1)])
        #expect(state.message?.text == "resuming stoch")
    }

    /// Finished and diverged runs refuse pause, rate changes and (diverged) forks, and say
    /// why; a diverged one says what to do instead.
    @Test func finishedAndDivergedRunsRefuseWithAMessage() {
        var runs = self.runs
        runs[0].state = .done
        runs[2].state = .diverged(reason: "loss is NaN at epoch 7")
        var state = DashboardState()
        #expect(press([.character(" ")], &state, snapshots: runs).isEmpty)
        #expect(state.message == TransientMessage(text: "det is done", kind: .error, expiresAt: 14))
        state.selectedRun = 2
        #expect(press([.character("p"), .character("+"), .character("-")], &state, snapshots: runs).isEmpty)
        #expect(state.message?.text == "float diverged (loss is NaN at epoch 7); " + DashboardReducer.divergedAdvice)
        #expect(press([.character("f")], &state, snapshots: runs).isEmpty)
        #expect(state.learningRatePrompt == nil, "no fork from spoiled parameters")
        // P resumes the paused stoch (not the diverged float), a second P pauses it again.
        #expect(press([.character("P"), .character("P")], &state, snapshots: runs) == [.resumeAll, .pauseAll])
    }

    /// Keys that arrive together (two spaces in one read) see what the first asked for, not
    /// the snapshot of the frame before it: they toggle twice.
    @Test func pauseKeysInOneReadToggleFromWhatWasAsked() {
        var state = DashboardState()
        #expect(press([.character(" "), .character(" ")], &state) == [.pause(run: 0), .resume(run: 0)])
        #expect(press([.character(" ")], &state) == [.pause(run: 0)])
        var paused = runs
        paused[0].state = .paused(reason: nil)
        #expect(press([.character(" ")], &state, snapshots: paused) == [.resume(run: 0)], "the snapshot caught up")
        var fresh = DashboardState()
        #expect(press([.character("P"), .character("P")], &fresh) == [.pauseAll, .resumeAll])
    }

    /// A paste never runs as keys ("sequence" would save, export and quit); into an open
    /// prompt it is typed, without submitting itself.
    @Test func pastedTextIsTypedIntoThePromptOrIgnored() {
        var state = DashboardState()
        #expect(press([.paste("sequence")], &state).isEmpty)
        #expect(state.message?.text.hasPrefix("pasted text ignored") == true)
        #expect(press([.character("l"), .paste("0.0005\n")], &state).isEmpty)
        #expect(state.learningRatePrompt?.text == "0.0005")
        #expect(press([.enter], &state) == [.setLearningRate(run: 0, value: 0.0005)])
    }

    @Test func pauseAllThenResumeAll() {
        var state = DashboardState()
        #expect(press([.character("P")], &state) == [.pauseAll])
        var paused = runs
        for i in paused.indices { paused[i].state = .paused(reason: nil) }
        #expect(press([.character("P")], &state, snapshots: paused) == [.resumeAll])
        var finished = runs
        for i in finished.indices { finished[i].state = .done }
        #expect(press([.character("P")], &state, snapshots: finished).isEmpty)
    }

    @Test func plusAndMinusDoubleAndHalveFromTheLatestRequest() {
        var state = DashboardState()
        #expect(press([.character("+")], &state) == [.setLearningRate(run: 0, value: 0.002)])
        #expect(state.message?.text == "lr det set to 0.002")
        // The engine has not published yet: the next press builds on the request, not the stale snapshot.
        #expect(press([.character("+")], &state) == [.setLearningRate(run: 0, value: 0.004)])
        #expect(state.learningRate(of: runs[0], run: 0) == 0.004)
        #expect(press([.character("-"), .character("-"), .character("-")], &state) == [
            .setLearningRate(run: 0, value: 0.002), .setLearningRate(run: 0, value: 0.001),
            .setLearningRate(run: 0, value: 0.0005)])
        // Once a new snapshot is published, it is the truth again.
        var published = runs
        published[0].version += 1
        published[0].learningRate = 0.0007
        #expect(state.learningRate(of: published[0], run: 0) == 0.0007)
        #expect(press([.character("+")], &state, snapshots: published) == [.setLearningRate(run: 0, value: 0.0014)])
    }

    @Test func learningRatePromptAcceptsAPositiveNumber() {
        var state = DashboardState()
        state.selectedRun = 2
        #expect(press([.character("l")], &state).isEmpty)
        #expect(state.learningRatePrompt == LearningRatePrompt(run: 2, text: ""))
        #expect(press(type("0.0021") + [.backspace, .enter], &state, now: 50) == [.setLearningRate(run: 2, value: 0.002)])
        #expect(state.learningRatePrompt == nil)
        #expect(state.message == TransientMessage(text: "lr float set to 0.002", kind: .info, expiresAt: 54))
        #expect(state.pendingLearningRates[2] == PendingLearningRate(value: 0.002, version: runs[2].version))
    }

    @Test(arguments: ["abc", "-1", "inf", "nan", "0", "", "1e999", "0x1p-3", "1/2"])
    func learningRatePromptRejects(_ text: String) {
        var state = DashboardState()
        let commands = press([.character("l")] + type(text) + [.enter], &state)
        #expect(commands.isEmpty)
        #expect(state.pendingLearningRates.isEmpty)
        #expect(state.message?.kind == .error)
        #expect(state.message?.text == "bad learning rate '\(text)': needs a positive finite number, e.g. 0.001")
        // The prompt stays open with the text, to fix it or press Esc.
        #expect(state.learningRatePrompt?.text == text)
        #expect(press([.escape], &state).isEmpty)
        #expect(state.learningRatePrompt == nil)
    }

    @Test func promptTakesEveryCharacterButCtrlCStillQuits() {
        var state = DashboardState()
        #expect(press([.character("l")] + type("q?e s"), &state).isEmpty)
        #expect(state.learningRatePrompt?.text == "q?e s")
        #expect(press([.ctrlC], &state) == [.quit])
    }

    @Test func escapeCancelsThePromptWithoutChanges() {
        var state = DashboardState()
        #expect(press([.character("l")] + type("0.5") + [.escape], &state).isEmpty)
        #expect(state.learningRatePrompt == nil)
        #expect(state.pendingLearningRates.isEmpty)
    }

    @Test func runAndLayerSelectionWraps() {
        var state = DashboardState()
        _ = press([.tab], &state); #expect(state.selectedRun == 1)
        _ = press([.right, .right], &state); #expect(state.selectedRun == 0)
        _ = press([.backTab], &state); #expect(state.selectedRun == 2)
        _ = press([.left], &state); #expect(state.selectedRun == 1)
        _ = press([.character("]")], &state); #expect(state.selectedLayer == 1)
        _ = press([.character("]")], &state); #expect(state.selectedLayer == 0)
        _ = press([.character("[")], &state); #expect(state.selectedLayer == 1)
    }

    @Test func togglesAndCommands() {
        var state = DashboardState()
        _ = press([.character("o")], &state); #expect(state.chartKind == .loss)
        _ = press([.character("o")], &state); #expect(state.chartKind == .error)
        _ = press([.character("g")], &state); #expect(state.logScale)
        _ = press([.character("t")], &state); #expect(state.showTest)
        _ = press([.character("?")], &state); #expect(state.helpVisible)
        _ = press([.escape], &state); #expect(!state.helpVisible)
        #expect(press([.character("e")], &state) == [.export])
        #expect(press([.character("s")], &state) == [.saveCheckpoints])
        #expect(press([.character("q")], &state) == [.quit])
        #expect(press([.ctrlC], &state) == [.quit])
        #expect(press([.resize, .character("x")], &state).isEmpty)
    }

    @Test func noRunsIsHarmless() {
        var state = DashboardState()
        #expect(press([.character(" "), .character("+"), .character("l"), .tab, .character("]")], &state,
                      snapshots: []).isEmpty)
        #expect(state.learningRatePrompt == nil)
    }

    @Test func messagesExpire() {
        var state = DashboardState()
        state.post("exported to /tmp/x.txt", now: 100)
        #expect(state.visibleMessage(now: 103.9)?.text == "exported to /tmp/x.txt")
        #expect(state.visibleMessage(now: 104) == nil)
    }
}
