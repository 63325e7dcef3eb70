import Testing

/// Ready-made steps for the dashboard's end-to-end tests: start the real
/// `bnn-tui` in a 160x48 tmux pane, and check how it left the terminal.
extension TmuxSession {
    /// Starts the built `bnn-tui` with `arguments` (e.g. `["dashboard", "--epochs", "1"]`).
    static func launchBNNTUI(_ arguments: [String], width: Int = 160, height: Int = 48,
                             environment: [String: String] = [:], workingDirectory: String? = nil) async throws -> TmuxSession {
        try await TmuxSession(command: [try BNNTUIBinary.path()] + arguments, width: width, height: height,
                              environment: environment, workingDirectory: workingDirectory)
    }

    /// Waits for the program to exit and records a test issue unless it exited
    /// with `status` (as `$?` shows it) and gave the terminal back (no
    /// alternate screen, cursor visible). A program killed by a signal's
    /// default action also shows 128 + n, but leaves curses' alternate screen
    /// on, so this check tells it apart from a clean `exit(128 + n)`.
    @discardableResult
    func expectExit(status: Int32, timeout: Duration = .seconds(10),
                    sourceLocation: SourceLocation = #_sourceLocation) async throws -> PaneState {
        let final = try await waitForExit(timeout: timeout)
        #expect(final.exitStatus == status, "exit status: \(final)", sourceLocation: sourceLocation)
        #expect(final.terminalRestored, "terminal not restored: \(final)", sourceLocation: sourceLocation)
        return final
    }
}
