import Foundation
import BNNTestSupport

/// What a finished child process left behind.
struct ProcessResult: Sendable, CustomStringConvertible {
    /// The exit status, or the signal number when `signaled` is true.
    var status: Int32
    /// Whether the process was ended by a signal rather than by exiting.
    var signaled: Bool
    var stdout: String
    var stderr: String

    var description: String {
        "\(signaled ? "signal" : "status") \(status)\n--- stdout ---\n\(stdout)\n--- stderr ---\n\(stderr)"
    }
}

/// Why `runProcess` could not deliver a result.
enum ProcessRunError: Error, CustomStringConvertible {
    case notFound(String)
    case timedOut(command: [String], after: Duration, partial: ProcessResult)
    /// A background child exited while a test was still waiting for something.
    case ended(command: [String], waitingFor: String, result: ProcessResult)

    var description: String {
        switch self {
        case .notFound(let name):
            return "executable not found: \(name)"
        case .timedOut(let command, let after, let partial):
            return "\(command.joined(separator: " ")) did not finish within \(after); killed it\n\(partial)"
        case .ended(let command, let what, let result):
            return "\(command.joined(separator: " ")) exited while waiting for \(what)\n\(result)"
        }
    }
}

/// Runs `arguments[0]` (a path, or a name looked up in `PATH`) with the rest as
/// its arguments and waits for it, at most `timeout`.
///
/// For CLI tests: a hang must fail the test, not hang CI, so on timeout the
/// child gets SIGTERM, then SIGKILL two seconds later, and this throws
/// `ProcessRunError.timedOut` with whatever it printed. Output goes to temporary
/// files, so a chatty child can never block on a full pipe. Waiting is a
/// `waitpid` poll: a child that daemonizes (tmux) counts as finished when it
/// exits, whatever its daemon keeps open.
/// - Parameters:
///   - environment: variables set on top of this process's environment.
///   - stdin: the child's standard input (empty, i.e. /dev/null, when nil).
func runProcess(_ arguments: [String], environment: [String: String] = [:], stdin: String? = nil,
                timeout: Duration = .seconds(30)) async throws -> ProcessResult {
    precondition(!arguments.isEmpty, "runProcess needs at least the executable")
    guard let executable = ExecutableLookup.find(arguments[0]) else { throw ProcessRunError.notFound(arguments[0]) }

    let scratch = try TemporaryDirectory(prefix: "bnn-run")
    defer { scratch.remove() }
    let outPath = scratch.url.appendingPathComponent("stdout").path
    let errPath = scratch.url.appendingPathComponent("stderr").path
    var inPath = "/dev/null"
    if let stdin {
        inPath = scratch.url.appendingPathComponent("stdin").path
        try Data(stdin.utf8).write(to: URL(fileURLWithPath: inPath))
    }
    let child = try ChildProcess.spawn(
        executable: executable, arguments: Array(arguments.dropFirst()),
        environment: ProcessInfo.processInfo.environment.merging(environment) { _, new in new },
        stdinPath: inPath, stdoutPath: outPath, stderrPath: errPath)

    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    var killAt: ContinuousClock.Instant?
    var termination: ChildProcess.Termination?
    while true {
        if let ended = child.poll() { termination = ended; break }
        if killAt == nil && clock.now >= deadline {
            child.send(SIGTERM)
            killAt = clock.now + .seconds(2)
        } else if let killAt, clock.now >= killAt {
            child.send(SIGKILL)
        }
        try await Task.sleep(for: .milliseconds(10))
    }

    let result = ProcessResult(
        status: termination?.status ?? -1,
        signaled: termination?.signaled ?? false,
        stdout: (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "",
        stderr: (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "")
    if killAt != nil { throw ProcessRunError.timedOut(command: arguments, after: timeout, partial: result) }
    return result
}

/// Finds executables the way a shell does.
enum ExecutableLookup {
    /// `name` itself when it contains a slash, else the first match in `PATH`.
    static func find(_ name: String) -> String? {
        if name.contains("/") { return FileManager.default.isExecutableFile(atPath: name) ? name : nil }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}

/// A fresh directory under /tmp (short paths: tmux socket paths are limited
/// to about 100 bytes), removed by `remove()`.
struct TemporaryDirectory: Sendable {
    let url: URL

    init(prefix: String) throws {
        let name = "\(prefix)-\(getpid())-\(UUID().uuidString.prefix(8))"
        url = URL(fileURLWithPath: "/tmp").appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: false)
    }

    func remove() { try? FileManager.default.removeItem(at: url) }
}
