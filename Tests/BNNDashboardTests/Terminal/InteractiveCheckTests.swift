import Testing
@testable import BNNDashboard
import BNNSupport

/// The dashboard refuses pipes and files before touching curses.
@Suite("Interactive check")
struct InteractiveCheckTests {
    @Test func bothTerminalsPass() throws {
        try InteractiveCheck.requireTerminal(stdinIsTTY: true, stdoutIsTTY: true)
    }

    @Test func pipedOutputIsRefused() {
        #expect(throws: TerminalError.notInteractive(stream: "standard output")) {
            try InteractiveCheck.requireTerminal(stdinIsTTY: true, stdoutIsTTY: false)
        }
    }

    @Test func pipedInputIsRefused() {
        #expect(throws: TerminalError.notInteractive(stream: "standard input")) {
            try InteractiveCheck.requireTerminal(stdinIsTTY: false, stdoutIsTTY: true)
        }
    }

    @Test("with neither a terminal, output is named: it is where curses would draw")
    func neitherNamesOutput() {
        #expect(throws: TerminalError.notInteractive(stream: "standard output")) {
            try InteractiveCheck.requireTerminal(stdinIsTTY: false, stdoutIsTTY: false)
        }
    }

    @Test("the messages are one line and point to what to do")
    func messages() {
        let errors: [TerminalError] = [.notInteractive(stream: "standard output"), .unknownTerminalType("vt-nonsense"),
                                       .unknownTerminalType(""), .sessionAlreadyActive]
        for error in errors {
            #expect(!error.description.contains("\n"), "\(error)")
        }
        #expect(TerminalError.notInteractive(stream: "standard output").description.contains("bnn-tui train"))
        #expect(TerminalError.unknownTerminalType("vt-nonsense").description.contains("TERM=vt-nonsense"))
        #expect(TerminalError.unknownTerminalType("").description.contains("TERM=(unset)"))
    }

    @Test("the test runner's own streams give a consistent answer")
    func realStreams() {
        // Under `swift test` the streams may or may not be terminals; the real check
        // must agree with isatty either way.
        let stdinTTY = isatty(0) == 1, stdoutTTY = isatty(1) == 1
        let passes = (try? InteractiveCheck.requireTerminal()) != nil
        #expect(passes == (stdinTTY && stdoutTTY))
    }
}
