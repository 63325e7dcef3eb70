import Foundation
import Testing
import BNNTestSupport

/// A program running in a detached tmux session of a fixed size: the way the
/// end-to-end tests drive the dashboard as a person would, with keys in and
/// screen text out.
///
/// Every session has its own tmux server on a private socket in its own
/// temporary directory, so tests run in parallel, never touch the user's tmux,
/// and `close()` (also run by `deinit`) removes everything. The pane stays
/// after the program exits, so a test can check that the program gave the
/// terminal back: no alternate screen, cursor visible.
///
/// The exit status does not come from tmux: tmux 3.3a loses the SIGCHLD of a
/// pane's process about one time in three (`#{pane_dead_status}` stays empty
/// and the process stays a zombie), and it hides the cursor of a dead pane.
/// So a small `sh` wrapper runs the program, writes its pid (the program
/// `exec`s in its place) and its `$?` to files, prints an exit line (as a
/// shell prints its prompt) and keeps the pane open. The wrapper traps the
/// termination signals only to keep waiting, so Ctrl-C typed into the pane
/// reaches the program with its default action intact.
///
/// Because it does, killing the tmux server alone would not end a program
/// still running: the hang-up signal goes only to the pane's session leader,
/// the wrapper, which ignores it. So `close()` first kills the pane's whole
/// process group (the wrapper records its pid, which is the group's id).
final class TmuxSession {
    /// What tmux reports about the pane, plus how the program ended.
    struct PaneState: Equatable, CustomStringConvertible {
        /// The program's exit status as a shell reports it (`$?`): its exit
        /// code, or 128 + n when signal n killed it. Nil while it runs.
        var exitStatus: Int32?
        /// Whether the pane is on the alternate screen (curses still active).
        var alternateScreen: Bool
        var cursorVisible: Bool
        var width: Int
        var height: Int

        var exited: Bool { exitStatus != nil }
        /// What a well-behaved full-screen program leaves after it exits.
        var terminalRestored: Bool { !alternateScreen && cursorVisible }

        var description: String {
            "exitStatus=\(exitStatus.map(String.init) ?? "running") alternateScreen=\(alternateScreen) "
                + "cursorVisible=\(cursorVisible) size=\(width)x\(height)"
        }
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// The path of tmux, or nil when it is not installed.
    static let tmuxPath: String? = ExecutableLookup.find("tmux")
    static var isAvailable: Bool { tmuxPath != nil }

    /// The terminal type inside the session; in ncurses-base everywhere.
    static let defaultTerm = "screen-256color"

    let command: [String]
    private let directory: TemporaryDirectory
    private let socket: String
    private let statusFile: String
    private let pidFile: String
    private let groupFile: String
    private let target = "main"
    private var closed = false

    /// Starts `command` (argv; not parsed by a shell) in a `width` x `height` pane.
    /// - Parameters:
    ///   - environment: variables for the program, on top of `TERM`, a UTF-8
    ///     `LC_ALL`, `PATH` and `HOME` (nothing else is inherited).
    ///   - workingDirectory: the program's current directory (the session's
    ///     temporary directory when nil).
    init(command: [String], width: Int = 160, height: Int = 48, environment: [String: String] = [:],
         workingDirectory: String? = nil) async throws {
        guard let tmux = TmuxSession.tmuxPath else { throw Failure(description: "tmux is not installed") }
        precondition(!command.isEmpty)
        self.command = command
        directory = try TemporaryDirectory(prefix: "bnn-tmux")
        socket = directory.url.appendingPathComponent("socket").path
        statusFile = directory.url.appendingPathComponent("exit-status").path
        pidFile = directory.url.appendingPathComponent("pid").path
        groupFile = directory.url.appendingPathComponent("process-group").path

        // A private config: the pane must be exactly width x height (no status
        // line) and must stay readable after the program exits.
        let config = directory.url.appendingPathComponent("tmux.conf")
        try """
        set -g status off
        set -g remain-on-exit on
        set -g remain-on-exit-format ""
        set -g default-terminal "\(TmuxSession.defaultTerm)"
        set -g history-limit 0

        """.write(to: config, atomically: true, encoding: .utf8)

        #if os(Linux)
        let utf8Locale = "C.UTF-8"
        #else
        let utf8Locale = "en_US.UTF-8"
        #endif
        // A clean, explicit environment, as in a person's fresh terminal: the
        // test runner's own (swift test sets NO_COLOR=1, for one) stays out.
        let inherited = ProcessInfo.processInfo.environment
        var variables = ["TERM": TmuxSession.defaultTerm, "LC_ALL": utf8Locale,
                         "PATH": inherited["PATH"] ?? "/usr/bin:/bin", "HOME": inherited["HOME"] ?? "/tmp"]
        variables.merge(environment) { _, given in given }
        let assignments = variables.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        let wrapper = directory.url.appendingPathComponent("run.sh")
        try TmuxSession.wrapperScript.write(to: wrapper, atomically: true, encoding: .utf8)
        let shellCommand = "exec " + (["sh", wrapper.path, statusFile, pidFile, groupFile, "env", "-i"] + assignments + command)
            .map(TmuxSession.shellQuoted).joined(separator: " ")

        let result = try await runProcess(
            [tmux, "-S", socket, "-f", config.path, "new-session", "-d", "-s", target,
             "-x", String(width), "-y", String(height),
             "-c", workingDirectory ?? directory.url.path, shellCommand],
            timeout: .seconds(10))
        guard result.status == 0 && !result.signaled else {
            directory.remove()
            throw Failure(description: "tmux new-session failed: \(result)")
        }
    }

    deinit { close() }

    /// Kills the program (if it still runs) with the pane's process group,
    /// then the tmux server, and removes the temporary directory. Idempotent.
    func close() {
        guard !closed else { return }
        closed = true
        // The pane's process (the wrapper) leads its own session and process group.
        if let text = try? String(contentsOfFile: groupFile, encoding: .utf8),
           let group = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)), group > 1 {
            _ = kill(-group, SIGKILL)
        }
        if let tmux = TmuxSession.tmuxPath,
           let child = try? ChildProcess.spawn(
               executable: tmux, arguments: ["-S", socket, "kill-server"],
               environment: ProcessInfo.processInfo.environment,
               stdinPath: "/dev/null", stdoutPath: "/dev/null", stderrPath: "/dev/null") {
            // Synchronous on purpose (deinit); kill-server returns at once, but never wait forever.
            let deadline = ContinuousClock.now + .seconds(5)
            while child.poll() == nil {
                if ContinuousClock.now >= deadline { child.send(SIGKILL) }
                usleep(5_000)
            }
        }
        directory.remove()
    }

    /// Sends tmux key names: `"q"`, `"Tab"`, `"BTab"`, `"Up"`, `"Enter"`, `"Escape"`, `"C-c"`, ...
    func sendKeys(_ keys: String...) async throws {
        try await tmux(["send-keys", "-t", target] + keys)
    }

    /// Types `text` literally (no key-name lookup).
    func sendText(_ text: String) async throws {
        try await tmux(["send-keys", "-t", target, "-l", text])
    }

    /// The visible screen as text, one line per row (trailing spaces trimmed by
    /// tmux); with `escapes`, including the color and attribute escape sequences.
    func capturePane(escapes: Bool = false) async throws -> String {
        try await tmux(["capture-pane", "-p", "-t", target] + (escapes ? ["-e"] : []))
    }

    /// Polls the screen until `predicate` holds and returns that screen; throws,
    /// showing the last screen, after `timeout`.
    @discardableResult
    func waitUntil(_ what: String, timeout: Duration = .seconds(10),
                   _ predicate: (String) -> Bool) async throws -> String {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        var screen = ""
        while clock.now < deadline {
            screen = try await capturePane()
            if predicate(screen) { return screen }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw Failure(description: "timed out after \(timeout) waiting for \(what); screen:\n\(screen)\n\(try await state())")
    }

    /// Waits until `text` is on the screen.
    @discardableResult
    func waitForText(_ text: String, timeout: Duration = .seconds(10)) async throws -> String {
        try await waitUntil("\"\(text)\"", timeout: timeout) { $0.contains(text) }
    }

    /// Resizes the window (the program gets SIGWINCH).
    func resize(width: Int, height: Int) async throws {
        try await tmux(["resize-window", "-t", target, "-x", String(width), "-y", String(height)])
    }

    /// Sends `signal` to the program.
    func signal(_ signal: Int32) async throws {
        let pid = try await processID()
        guard kill(pid, signal) == 0 else {
            throw Failure(description: "could not send signal \(signal) to pid \(pid): errno \(errno)")
        }
    }

    /// The program's process id (waits briefly for the wrapper to record it).
    func processID(timeout: Duration = .seconds(5)) async throws -> Int32 {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let text = try? String(contentsOfFile: pidFile, encoding: .utf8),
               let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)), pid > 0 {
                return pid
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw Failure(description: "the program's pid was not recorded within \(timeout)")
    }

    /// The pane's current state.
    func state() async throws -> PaneState {
        let output = try await tmux(["display-message", "-p", "-t", target,
                                     "#{alternate_on}|#{cursor_flag}|#{pane_width}|#{pane_height}"])
        let fields = output.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "|").map(String.init)
        guard fields.count == 4 else { throw Failure(description: "unexpected tmux state: \(output)") }
        let status = (try? String(contentsOfFile: statusFile, encoding: .utf8))
            .flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        return PaneState(exitStatus: status, alternateScreen: fields[0] == "1", cursorVisible: fields[1] == "1",
                         width: Int(fields[2]) ?? 0, height: Int(fields[3]) ?? 0)
    }

    /// Waits until the program has exited and tmux has taken in all it wrote
    /// (the wrapper's exit line is on the screen, so the screen and the cursor
    /// state are final); throws, showing the screen, after `timeout`.
    @discardableResult
    func waitForExit(timeout: Duration = .seconds(10)) async throws -> PaneState {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while clock.now < deadline {
            let current = try await state()
            if let status = current.exitStatus,
               try await capturePane().contains(TmuxSession.exitLine(status)) {
                return try await state()
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw Failure(description: "program did not exit within \(timeout); \(try await state()); screen:\n\(try await capturePane())")
    }

    /// The line the wrapper prints after the program, where a shell would
    /// print its next prompt.
    static func exitLine(_ status: Int32) -> String { "[e2e: exited with status \(status)]" }

    /// Runs "$@" (after the status and pid file paths), recording the
    /// program's pid and exit status, then prints the exit line and keeps the
    /// pane open: a dead pane is no use, tmux hides its cursor.
    private static let wrapperScript = """
        #!/bin/sh
        status_file=$1; pid_file=$2; group_file=$3; shift 3
        echo $$ > "$group_file"
        trap : INT TERM HUP QUIT
        sh -c 'echo $$ > "$0"; exec "$@"' "$pid_file" "$@"
        code=$?
        printf '%s\\n' "[e2e: exited with status $code]"
        echo "$code" > "$status_file.tmp" && mv "$status_file.tmp" "$status_file"
        exec sleep 86400

        """

    @discardableResult
    private func tmux(_ arguments: [String]) async throws -> String {
        guard let tmux = TmuxSession.tmuxPath else { throw Failure(description: "tmux is not installed") }
        let result = try await runProcess([tmux, "-S", socket] + arguments, timeout: .seconds(10))
        guard result.status == 0 && !result.signaled else {
            throw Failure(description: "tmux \(arguments.joined(separator: " ")) failed: \(result)")
        }
        return result.stdout
    }

    /// `value` quoted for a POSIX shell.
    static func shellQuoted(_ value: String) -> String {
        "'" + value.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}

extension Trait where Self == ConditionTrait {
    /// Skips a test when tmux is not installed (CI installs it: see .ci/run).
    static var requiresTmux: Self {
        .enabled(if: TmuxSession.isAvailable, "tmux is not installed; the terminal end-to-end tests need it")
    }
}
