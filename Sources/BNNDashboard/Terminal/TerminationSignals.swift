import Synchronization
import BNNSupport

/// Turns SIGINT, SIGTERM, SIGHUP and SIGQUIT into a flag that a loop polls.
///
/// Nothing useful is safe inside a signal handler (no `endwin`, no locks, no
/// allocation), so the handler only records which signal arrived; the run loop
/// sees it within one poll, leaves, and the caller ends curses, stops training
/// and exits with 128 + the signal number. A second signal while that shutdown
/// is under way restores the terminal from the handler and exits at once, so
/// a hung shutdown can always be interrupted.
public enum TerminationSignals {
    /// The signals handled, in the order installed.
    public static let handled: [Int32] = [SIGINT, SIGTERM, SIGHUP, SIGQUIT]

    /// The handlers that were in place before `install`, to put back.
    public struct Installation {
        fileprivate var previous: [(signal: Int32, action: sigaction)]

        /// Puts the previous handlers back. Calling it twice is harmless.
        public mutating func restore() {
            for (signal, action) in previous {
                var action = action
                SignalAction.restore(&action, for: signal)
            }
            previous = []
        }
    }

    private static let received = Atomic<Int32>(0)

    /// Clears any signal recorded earlier and installs the handlers. Call it
    /// from the thread that runs the loop: it also unblocks these signals on
    /// that thread, in case the parent process started us with them blocked.
    /// - Parameter brokenPipe: also SIGPIPE (standard output closed, as `| head` does), so
    ///   that the loop cleans up (a control socket) before it exits with 141.
    public static func install(brokenPipe: Bool = false) -> Installation {
        received.store(0, ordering: .sequentiallyConsistent)  // also initializes the global before any handler runs
        let signals = handled + (brokenPipe ? [SIGPIPE] : [])
        let installation = Installation(previous: signals.map { ($0, SignalAction.install(handler, for: $0)) })
        var set = sigset_t()
        sigemptyset(&set)
        for signal in signals { sigaddset(&set, signal) }
        _ = pthread_sigmask(SIG_UNBLOCK, &set, nil)
        return installation
    }

    /// The first termination signal received since `install`, if any.
    public static var pending: Int32? {
        let signal = received.load(ordering: .relaxed)
        return signal == 0 ? nil : signal
    }

    /// The process exit status for a signal by shell convention: 128 + its number
    /// (130 for SIGINT, 143 for SIGTERM, 129 for SIGHUP).
    public static func exitStatus(for signal: Int32) -> Int32 { 128 + signal }

    private static let handler: RawSignalHandler = { signal in
        let (first, _) = received.compareExchange(expected: 0, desired: signal, ordering: .relaxed)
        // Every write to a closed pipe raises SIGPIPE again before the loop sees the first:
        // that is not a second request to stop.
        if !first && signal != SIGPIPE {
            EmergencyRestore.restoreTerminal()
            _exit(128 + signal)
        }
    }
}
