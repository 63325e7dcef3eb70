import ArgumentParser
// stdout is a C global: read once, on the main thread, after the command ran.
#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Darwin)
@preconcurrency import Darwin
#endif
import BNNData
import Foundation

/// The `bnn-tui` command: its subcommands are the product's entry points.
@main
struct BNNTUI: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bnn-tui",
        abstract: "Train Binarized Neural Networks on \(DatasetDescriptor.all.map(\.name).joined(separator: " or ")) and watch them learn in the terminal.",
        version: "0.1.0",
        subcommands: [DashboardCommand.self, TrainCommand.self, AttachCommand.self, WatchCommand.self, PlotCommand.self, ReportCommand.self, BenchCommand.self, ExportCommand.self, EvalCommand.self, SummaryCommand.self],
        defaultSubcommand: DashboardCommand.self
    )

    /// Parses and runs the command. Bad arguments give one line on stderr
    /// (`bnn-tui: error: …`, with where to find help) and exit status 64;
    /// `--help` and `--version` print as usual.
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        // `help NAME` with an unknown name would print the root help and succeed.
        if arguments.count >= 2, arguments[0] == "help", !arguments[1].hasPrefix("-"),
           !(configuration.subcommands.map { $0._commandName } + ["help"]).contains(arguments[1]) {
            exitWithOneLine(ValidationError("no subcommand '\(arguments[1])'"))
        }
        let command: any ParsableCommand
        do {
            command = try parseAsRoot(TrainingPreset.expand(arguments))
        } catch {
            exitWithOneLine(error)
        }
        do {
            var command = command
            try command.run()
            try checkStandardOutput()
        } catch let error as ValidationError {
            // Options checked while the command runs (one --arch where a list is for report).
            exitWithOneLine(error)
        } catch {
            exit(withError: error)
        }
    }

    /// Output that could not be written (`> /dev/full`, a closed descriptor) fails the command
    /// instead of passing for success.
    private static func checkStandardOutput() throws {
        errno = 0
        let stream = stdout
        guard fflush(stream) != 0 || ferror(stream) != 0 else { return }
        let reason = errno != 0 ? String(cString: strerror(errno)) : "write error"
        printError("bnn-tui: error: cannot write standard output: \(reason)")
        throw ExitCode(1)
    }

    private static func exitWithOneLine(_ error: any Error) -> Never {
        let code = exitCode(for: error)
        guard code != .success, !(error is ExitCode) else { exit(withError: error) }
        let lines = message(for: error).split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("Usage:") && !$0.hasPrefix("See '") }
        let text = lines.joined(separator: " ")
        printError("bnn-tui: error: \(text) (see bnn-tui --help)")
        exit(withError: ExitCode(code.rawValue == 1 ? 64 : code.rawValue))
    }
}
