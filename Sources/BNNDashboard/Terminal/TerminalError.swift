/// Why the dashboard's terminal could not be opened.
///
/// Each case prints as one line that tells the user what to do instead, so the
/// CLI can show `description` and exit without a stack of curses noise.
public enum TerminalError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Standard input or output is not a terminal (a pipe, a file, CI).
    case notInteractive(stream: String)
    /// ncurses does not know the terminal named by `TERM` (or `TERM` is unset).
    case unknownTerminalType(String)
    /// The terminal `TERM` names cannot move the cursor (`TERM=dumb`).
    case cannotAddressCursor(String)
    /// A second session was opened while one is still running in this process.
    case sessionAlreadyActive

    public var description: String {
        switch self {
        case .notInteractive(let stream):
            return "the dashboard needs an interactive terminal, but \(stream) is not a TTY; "
                + "`bnn-tui train` trains without it and `bnn-tui plot` draws metrics files as text"
        case .unknownTerminalType(let name):
            return "ncurses does not know the terminal type TERM=\(name.isEmpty ? "(unset)" : name); "
                + "set TERM (e.g. xterm-256color) or run `bnn-tui train` without the dashboard"
        case .cannotAddressCursor(let name):
            return "the terminal TERM=\(name) cannot move the cursor, which the dashboard needs; "
                + "set TERM (e.g. xterm-256color) or run `bnn-tui train` without the dashboard"
        case .sessionAlreadyActive:
            return "a terminal session is already active in this process"
        }
    }
}
