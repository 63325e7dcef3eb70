import ArgumentParser
import Foundation

/// A failure a command reports as one line on stderr with a chosen exit status.
///
/// Exit statuses: 64 for bad input (EX_USAGE: options, paths, data files),
/// 1 for failures while running, 130 / 143 after SIGINT / SIGTERM.
struct CommandFailure: Error {
    let message: String
    let status: Int32

    static func usage(_ message: String) -> CommandFailure { CommandFailure(message: message, status: 64) }
    static func runtime(_ message: String) -> CommandFailure { CommandFailure(message: message, status: 1) }
}

extension CommandFailure {
    /// Prints the message and turns it into the exit ArgumentParser understands.
    func exit() -> ExitCode {
        FileHandle.standardError.write(Data("bnn-tui: error: \(message)\n".utf8))
        return ExitCode(status)
    }
}

/// Runs a command body, converting `CommandFailure` into its message and status.
func reportingFailures<T>(_ body: () throws -> T) throws -> T {
    do { return try body() } catch let failure as CommandFailure { throw failure.exit() }
}

/// Writes one line to stderr.
func printError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}
