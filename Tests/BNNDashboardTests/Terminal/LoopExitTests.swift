import Testing
@testable import BNNDashboard
import BNNSupport

/// How the run loop's ending becomes the process's exit status.
@Suite("Loop exit")
struct LoopExitTests {
    @Test func quitIsSuccess() {
        #expect(LoopExit.quit.exitStatus == 0)
    }

    @Test("a signal exits 128 + its number, as a shell reports it")
    func signals() {
        #expect(LoopExit.signal(SIGINT).exitStatus == 130)
        #expect(LoopExit.signal(SIGTERM).exitStatus == 143)
        #expect(LoopExit.signal(SIGHUP).exitStatus == 129)
        #expect(LoopExit.signal(SIGQUIT).exitStatus == 131)
    }

    @Test func agreesWithTerminationSignals() {
        for signal in TerminationSignals.handled {
            #expect(LoopExit.signal(signal).exitStatus == TerminationSignals.exitStatus(for: signal))
        }
        #expect(TerminationSignals.handled == [SIGINT, SIGTERM, SIGHUP, SIGQUIT])
    }

    @Test func equality() {
        #expect(LoopExit.signal(SIGINT) == .signal(SIGINT))
        #expect(LoopExit.signal(SIGINT) != .signal(SIGTERM))
        #expect(LoopExit.quit != .signal(SIGINT))
    }
}
