import Foundation
import Testing

/// The harness itself: if these fail, the dashboard tests built on it mean nothing.
@Suite("end-to-end harness")
struct HarnessTests {
    @Test("runProcess returns status, stdout, stderr and feeds stdin")
    func runProcessCaptures() async throws {
        let result = try await runProcess(["sh", "-c", "cat; echo oops >&2; exit 3"], stdin: "hello\n")
        #expect(result.status == 3 && !result.signaled)
        #expect(result.stdout == "hello\n")
        #expect(result.stderr == "oops\n")
    }

    @Test("runProcess passes extra environment variables")
    func runProcessEnvironment() async throws {
        let result = try await runProcess(["sh", "-c", "printf %s \"$BNN_HARNESS_PROBE\""], environment: ["BNN_HARNESS_PROBE": "42"])
        #expect(result.stdout == "42")
    }

    @Test("runProcess kills a hanging child and throws")
    func runProcessTimeout() async throws {
        let clock = ContinuousClock()
        let start = clock.now
        await #expect(throws: ProcessRunError.self) {
            _ = try await runProcess(["sleep", "30"], timeout: .milliseconds(300))
        }
        // Well before the child's own 30 s: it was killed, not waited for. (Not a speed
        // check: under the parallel dashboard tests this process gets little CPU.)
        #expect(clock.now - start < .seconds(25))
    }

    @Test("a tmux pane has the requested size, takes keys and reports the exit status", .requiresTmux)
    func tmuxRoundTrip() async throws {
        let session = try await TmuxSession(
            command: ["sh", "-c", "stty size; printf 'ready\\n'; read line; echo \"got:$line\"; exit 5"],
            width: 100, height: 30)
        defer { session.close() }
        try await session.waitForText("ready")
        let screen = try await session.capturePane()
        #expect(screen.hasPrefix("30 100"), "\(screen)")
        try await session.sendText("hello")
        try await session.sendKeys("Enter")
        let final = try await session.waitForExit()
        #expect(final.exitStatus == 5, "\(final)")
        #expect(try await session.capturePane().contains("got:hello"))
    }

    @Test("resize reaches the program", .requiresTmux)
    func tmuxResize() async throws {
        let session = try await TmuxSession(
            command: ["sh", "-c", "stty size; read x; stty size; read x"], width: 160, height: 48)
        defer { session.close() }
        try await session.waitForText("48 160")
        try await session.resize(width: 90, height: 25)
        try await session.sendKeys("Enter")
        try await session.waitForText("25 90")
        #expect(try await session.state().width == 90)
        try await session.sendKeys("Enter")
        try await session.waitForExit()
    }

    @Test("a signal kill is reported, and so is a terminal left on the alternate screen", .requiresTmux)
    func tmuxDetectsUnrestoredTerminal() async throws {
        // A program that enters the alternate screen, hides the cursor, and is
        // then killed without cleaning up: exactly what the dashboard must not do.
        let session = try await TmuxSession(
            command: ["sh", "-c", "tput smcup; tput civis; echo inside; exec sleep 30"], width: 80, height: 24)
        defer { session.close() }
        try await session.waitForText("inside")
        let running = try await session.state()
        #expect(running.alternateScreen && !running.cursorVisible && !running.exited, "\(running)")
        try await session.signal(SIGTERM)
        let final = try await session.waitForExit()
        #expect(final.exitStatus == 128 + SIGTERM, "\(final)")
        #expect(!final.terminalRestored, "\(final)")
    }

    @Test("Ctrl-C typed into the pane reaches the program with its default action", .requiresTmux)
    func tmuxControlC() async throws {
        let session = try await TmuxSession(command: ["sh", "-c", "echo waiting; exec sleep 30"], width: 80, height: 24)
        defer { session.close() }
        try await session.waitForText("waiting")
        try await session.sendKeys("C-c")
        let final = try await session.waitForExit()
        #expect(final.exitStatus == 128 + SIGINT, "\(final)")
    }

    @Test("close() ends a program that is still running", .requiresTmux)
    func closeEndsTheProgram() async throws {
        // Not the pane's session leader, so the hang-up of a killed tmux server never reaches it.
        let session = try await TmuxSession(command: ["sleep", "300"], width: 80, height: 24)
        let pid = try await session.processID()
        #expect(kill(pid, 0) == 0, "sleep runs")
        session.close()
        let deadline = ContinuousClock.now + .seconds(10)
        while kill(pid, 0) == 0 && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(kill(pid, 0) == -1 && errno == ESRCH, "pid \(pid) outlived close()")
    }

    @Test("the pane starts with a UTF-8 locale and the session's TERM", .requiresTmux)
    func tmuxEnvironment() async throws {
        let session = try await TmuxSession(
            command: ["sh", "-c", "echo \"term=$TERM lc=$LC_ALL probe=$PROBE\""], environment: ["PROBE": "x y"])
        defer { session.close() }
        let final = try await session.waitForExit()
        #expect(final.exitStatus == 0)
        let screen = try await session.capturePane()
        #expect(screen.contains("term=\(TmuxSession.defaultTerm) lc=") && screen.contains("UTF-8 probe=x y"), "\(screen)")
    }

    @Test("the bnn-tui binary is found", .requiresTmux)
    func binaryFound() throws {
        let path = try BNNTUIBinary.path()
        #expect(FileManager.default.isExecutableFile(atPath: path))
    }
}
