import BNNSupport
import Foundation

/// A child process started with `posix_spawn` and reaped with `waitpid`: the one
/// spawner of the test targets (end-to-end runs of bnn-tui, the kill -9 helper).
///
/// Foundation's `Process` is not used on purpose: on Linux it decides that a
/// child has ended when a socket the child inherited is closed, so a child that
/// daemonizes (`tmux new-session -d` starts a server that keeps it open) looks
/// alive forever and `waitUntilExit` spins. Spawning directly also lets the
/// child start with an empty signal mask and default signal actions, instead
/// of inheriting the test runner's thread mask (a blocked SIGTERM or SIGINT
/// would make the signal tests meaningless).
public struct ChildProcess: Sendable {
    public struct SpawnError: Error, CustomStringConvertible {
        public var description: String
    }

    /// How a child ended.
    public struct Termination: Equatable, Sendable {
        /// The exit status, or the signal number when `signaled`.
        public var status: Int32
        public var signaled: Bool
    }

    public let pid: pid_t

    /// Starts `executable` (an absolute path) with `arguments` (argv[1...]) and
    /// `environment` (default: this process's), its standard streams opened on the
    /// given paths (nil: inherited).
    public static func spawn(executable: String, arguments: [String],
                             environment: [String: String] = ProcessInfo.processInfo.environment,
                             stdinPath: String? = nil, stdoutPath: String? = nil,
                             stderrPath: String? = nil) throws -> ChildProcess {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if let stdinPath { posix_spawn_file_actions_addopen(&actions, 0, stdinPath, O_RDONLY, 0) }
        if let stdoutPath { posix_spawn_file_actions_addopen(&actions, 1, stdoutPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600) }
        if let stderrPath { posix_spawn_file_actions_addopen(&actions, 2, stderrPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600) }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }

        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard result == 0 else {
            throw SpawnError(description: "posix_spawn \(executable) failed: \(String(cString: strerror(result)))")
        }
        return ChildProcess(pid: pid)
    }

    /// The termination if the child has ended (reaping it), nil while it runs.
    public func poll() -> Termination? {
        var status: Int32 = 0
        let result = waitpid(pid, &status, WNOHANG)
        guard result == pid else { return nil }
        return Self.termination(status)
    }

    /// Waits for the child to end and reaps it.
    public func wait() -> Termination {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return Self.termination(status)
    }

    /// Sends `signal` to the child.
    public func send(_ signal: Int32) { _ = kill(pid, signal) }

    private static func termination(_ status: Int32) -> Termination {
        let signal = status & 0x7F
        return signal == 0 ? Termination(status: (status >> 8) & 0xFF, signaled: false)
                           : Termination(status: signal, signaled: true)
    }
}
