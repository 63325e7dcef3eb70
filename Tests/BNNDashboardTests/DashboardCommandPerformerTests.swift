import BNNSupport
import Foundation
import Testing
import BNNEngine
@testable import BNNDashboard

/// Records what the dashboard asked of the engine.
final class RecordingController: RunController, @unchecked Sendable {
    private let lock = NSLock()
    private var _calls: [String] = []
    let failSave: Bool

    init(failSave: Bool = false) { self.failSave = failSave }

    var calls: [String] { lock.withLock { _calls } }
    private func record(_ s: String) { lock.withLock { _calls.append(s) } }

    func snapshots() -> [RunSnapshot] { FakeRuns.three() }
    func pause(run index: Int) { record("pause \(index)") }
    func resume(run index: Int) { record("resume \(index)") }
    func setLearningRate(_ rate: Double, run index: Int) { record("lr \(index) \(rate)") }
    func saveCheckpoints() throws -> [String] {
        record("save")
        if failSave { throw AtomicFile.WriteError(path: "/ro/det.ckpt", reason: "Read-only file system") }
        return ["/tmp/det.ckpt", "/tmp/stoch.ckpt", "/tmp/float.ckpt"]
    }
    func stopAll() { record("stop") }
}

@Suite("Commands → engine")
struct DashboardCommandPerformerTests {
    @Test func commandsReachTheController() {
        let c = RecordingController()
        var state = DashboardState()
        let quit = DashboardCommandPerformer.perform(
            [.pause(run: 1), .resume(run: 2), .setLearningRate(run: 0, value: 0.002), .pauseAll, .resumeAll],
            on: c, runCount: 3, state: &state, now: 0, export: { "/tmp/x.txt" })
        #expect(!quit)
        #expect(c.calls == ["pause 1", "resume 2", "lr 0 0.002", "pause 0", "pause 1", "pause 2",
                            "resume 0", "resume 1", "resume 2"])
    }

    @Test func exportAndSaveReportTheirOutcome() {
        var state = DashboardState()
        _ = DashboardCommandPerformer.perform([.export], on: RecordingController(), runCount: 3, state: &state,
                                              now: 5, export: { "/tmp/bnn-tui-export-1.txt" })
        #expect(state.message == TransientMessage(text: "exported to /tmp/bnn-tui-export-1.txt", kind: .info, expiresAt: 9))
        _ = DashboardCommandPerformer.perform([.export], on: RecordingController(), runCount: 3, state: &state, now: 5,
                                              export: { throw AtomicFile.WriteError(path: "/ro/x.txt", reason: "Read-only file system") })
        #expect(state.message?.text == "export failed: cannot write /ro/x.txt: Read-only file system")
        #expect(state.message?.kind == .error)
        _ = DashboardCommandPerformer.perform([.saveCheckpoints], on: RecordingController(), runCount: 3,
                                              state: &state, now: 5, export: { "" })
        #expect(state.message?.text == "saved 3 checkpoints (/tmp/det.ckpt, ...)")
        _ = DashboardCommandPerformer.perform([.saveCheckpoints], on: RecordingController(failSave: true), runCount: 3,
                                              state: &state, now: 5, export: { "" })
        #expect(state.message?.kind == .error)
        #expect(state.message?.text.hasPrefix("saving checkpoints failed: cannot write /ro/det.ckpt") == true)
    }

    @Test func quitIsReported() {
        var state = DashboardState()
        let c = RecordingController()
        #expect(DashboardCommandPerformer.perform([.quit], on: c, runCount: 3, state: &state, now: 0, export: { "" }))
        #expect(c.calls.isEmpty)   // stopping is the app's call
    }
}
