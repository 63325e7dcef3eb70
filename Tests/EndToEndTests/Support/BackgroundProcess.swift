import Foundation
import BNNTestSupport

/// A child process that runs while the test watches it: started, looked at
/// (its output files, files it writes), signalled, then waited for.
///
/// `runProcess` suits a command that runs to its end; this is for the ones a
/// test must interrupt (SIGINT during `train --save`). Output goes to files in
/// a private temporary directory (a pipe could fill up and block the child);
/// `close()`, also run by `deinit`, kills a child still running and removes
/// the directory, so a failing test never leaves a process behind.
final class BackgroundProcess {
    let arguments: [String]
    private let child: ChildProcess
    private let scratch: TemporaryDirectory
    private var termination: ChildProcess.Termination?
    private var closed = false

    /// Starts `arguments[0]` (a path, or a name looked up in `PATH`) with the
    /// rest as its arguments, standard input on /dev/null.
    /// - Parameter environment: variables set on top of this process's environment.
    init(_ arguments: [String], environment: [String: String] = [:]) throws {
        precondition(!arguments.isEmpty, "BackgroundProcess needs at least the executable")
        guard let executable = ExecutableLookup.find(arguments[0]) else { throw ProcessRunError.notFound(arguments[0]) }
        self.arguments = arguments
        scratch = try TemporaryDirectory(prefix: "bnn-bg")
        do {
            child = try ChildProcess.spawn(
                executable: executable, arguments: Array(arguments.dropFirst()),
                environment: ProcessInfo.processInfo.environment.merging(environment) { _, new in new },
                stdinPath: "/dev/null", stdoutPath: scratch.url.appendingPathComponent("stdout").path,
                stderrPath: scratch.url.appendingPathComponent("stderr").path)
        } catch {
            scratch.remove()
            throw error
        }
    }

    deinit { close() }

    var pid: pid_t { child.pid }

    /// What the child has written to standard output so far.
    var standardOutput: String { read("stdout") }
    /// What the child has written to standard error so far.
    var standardError: String { read("stderr") }

    /// Sends `signal` to the child (nothing once it has been reaped).
    func send(_ signal: Int32) {
        guard termination == nil else { return }
        child.send(signal)
    }

    /// Polls until `condition` holds; throws, with the child's output so far,
    /// after `timeout` or when the child exits first.
    func waitUntil(_ what: String, timeout: Duration = .seconds(30), _ condition: () -> Bool) async throws {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while clock.now < deadline {
            if condition() { return }
            if let ended = reap() {
                if condition() { return }
                throw ProcessRunError.ended(command: arguments, waitingFor: what, result: result(ended))
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw ProcessRunError.timedOut(command: arguments, after: timeout, partial: result(nil))
    }

    /// Waits for the child to exit and returns how it ended and what it
    /// printed; after `timeout` kills it (SIGKILL) and throws.
    func waitForExit(timeout: Duration = .seconds(30)) async throws -> ProcessResult {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while clock.now < deadline {
            if let ended = reap() { return result(ended) }
            try await Task.sleep(for: .milliseconds(20))
        }
        let partial = result(nil)
        close()
        throw ProcessRunError.timedOut(command: arguments, after: timeout, partial: partial)
    }

    /// Kills the child if it still runs (SIGKILL), reaps it and removes the
    /// output directory. Idempotent.
    func close() {
        guard !closed else { return }
        closed = true
        if reap() == nil {
            child.send(SIGKILL)
            let deadline = ContinuousClock.now + .seconds(5)
            while reap() == nil && ContinuousClock.now < deadline { usleep(5_000) }
        }
        scratch.remove()
    }

    private func reap() -> ChildProcess.Termination? {
        if termination == nil { termination = child.poll() }
        return termination
    }

    private func result(_ ended: ChildProcess.Termination?) -> ProcessResult {
        ProcessResult(status: ended?.status ?? -1, signaled: ended?.signaled ?? false,
                      stdout: standardOutput, stderr: standardError)
    }

    private func read(_ name: String) -> String {
        (try? String(contentsOfFile: scratch.url.appendingPathComponent(name).path, encoding: .utf8)) ?? ""
    }
}
