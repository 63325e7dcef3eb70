import ArgumentParser
import BNNEngine
import BNNDashboard
import BNNSession
import Foundation

/// `bnn-tui watch FILE.jsonl… | DIR`: the dashboard, read-only, over metrics
/// files as they grow (written by `train --metrics` here, on another machine
/// through a shared filesystem, or by any program writing the same schema).
struct WatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Follow metrics JSONL files (or every *.jsonl in a directory) live in the dashboard, read-only.",
        discussion: """
        A partial last line waits for its end; a truncated or replaced file is read again from \
        the start; new files in DIR join as new runs; a bad line is shown as a warning for its run. \
        A run whose file is quiet for three of its epochs (at least --quiet seconds) shows as done.
        """)

    @Argument(help: "Metrics files, or one directory.")
    var paths: [String]

    @OptionGroup var display: DisplayOptions

    @Option(parsing: .unconditional, help: "Seconds without a new line before a run shows as done (at least three of its epochs).")
    var quiet: Double = 10

    func validate() throws {
        guard !paths.isEmpty else { throw ValidationError("give metrics files or a directory to watch") }
        guard quiet.isFinite && quiet > 0 else { throw ValidationError("--quiet must be a positive number of seconds") }
        var isDirectory: ObjCBool = false
        let directories = paths.filter { FileManager.default.fileExists(atPath: $0, isDirectory: &isDirectory) && isDirectory.boolValue }
        if !directories.isEmpty && paths.count > 1 {
            throw ValidationError("give either metrics files or one directory, not both (\(directories[0]) is a directory)")
        }
        if let empty = paths.first(where: { $0.isEmpty }) {
            throw ValidationError("'\(empty)' is not a path: give metrics files or a directory")
        }
        if let missing = paths.first(where: { $0.hasSuffix("/") && !FileManager.default.fileExists(atPath: $0) }) {
            throw ValidationError("\(missing): no such directory")
        }
        // A file that is there must start as metrics do: `watch /etc/passwd` would wait forever.
        for path in paths where directories.isEmpty && FileManager.default.fileExists(atPath: path) {
            guard let handle = FileHandle(forReadingAtPath: path) else { continue }
            let head = (try? handle.read(upToCount: 1 << 20)) ?? Data()
            try? handle.close()
            guard let line = head.split(separator: UInt8(ascii: "\n")).first else { continue }
            guard head.count < 1 << 20 || head.contains(UInt8(ascii: "\n")) else { continue }
            do {
                _ = try MetricsLog.decodeLine(String(decoding: line, as: UTF8.self), decoder: MetricsSchema.makeDecoder(),
                                              source: (path as NSString).lastPathComponent, line: 1)
            } catch {
                throw ValidationError("\(error.description) (is \(path) a metrics file from train --metrics?)")
            }
        }
        if directories.isEmpty, let missing = paths.first(where: { !FileManager.default.fileExists(atPath: $0) }),
           !FileManager.default.fileExists(atPath: (missing as NSString).deletingLastPathComponent.isEmpty ? "." : (missing as NSString).deletingLastPathComponent) {
            throw ValidationError("\(missing): neither the file nor its directory exists")
        }
    }

    func run() throws {
        try reportingFailures {
            do { try InteractiveCheck.requireTerminal() } catch { throw CommandFailure.usage("\(error)") }
            var isDirectory: ObjCBool = false
            let directory = paths.count == 1 && FileManager.default.fileExists(atPath: paths[0], isDirectory: &isDirectory)
                && isDirectory.boolValue ? paths[0] : nil
            let runs = directory.map { FollowedRuns(directory: $0, quietSeconds: quiet) }
                ?? FollowedRuns(files: paths, quietSeconds: quiet)
            let watching = "watching \(directory ?? paths.joined(separator: ", "))"
            // The dataset leads the header (so the insight view finds its class names), once a file names it.
            try DashboardLoop.run(runs, header: { DashboardHeader(dataset: runs.dataset.map { "\($0) · \(watching)" } ?? watching) },
                                  display: display,
                                  notice: (text: "watch: read-only, following as the files grow · q quits", kind: .info))
        }
    }
}
