import BNNSupport

/// The guard the dashboard command runs before touching curses.
///
/// ncurses happily draws into a pipe or a file, which makes a mess of logs and
/// CI output; refusing early with a pointer to the headless command is kinder.
public enum InteractiveCheck {
    /// Throws `TerminalError.notInteractive` unless both standard input and
    /// standard output are terminals.
    public static func requireTerminal() throws(TerminalError) {
        try requireTerminal(stdinIsTTY: isatty(STDIN_FILENO) == 1, stdoutIsTTY: isatty(STDOUT_FILENO) == 1)
    }

    /// The decision itself, separated from `isatty` so it can be tested.
    public static func requireTerminal(stdinIsTTY: Bool, stdoutIsTTY: Bool) throws(TerminalError) {
        if !stdoutIsTTY { throw .notInteractive(stream: "standard output") }
        if !stdinIsTTY { throw .notInteractive(stream: "standard input") }
    }
}
