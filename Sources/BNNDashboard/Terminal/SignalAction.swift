import BNNSupport

/// A plain C signal handler: the only kind that may run inside a signal.
typealias RawSignalHandler = @convention(c) (Int32) -> Void

/// Thin, platform-neutral wrappers over `sigaction`, shared by the termination
/// and fatal-signal handlers, so the field names that differ between Glibc and
/// Darwin live in one place.
enum SignalAction {
    /// Installs `handler` for `signal` and returns the action it replaced.
    /// Without `SA_RESTART` in `flags`, a blocking `wget_wch` returns at once.
    static func install(_ handler: RawSignalHandler, for signal: Int32, flags: Int32 = 0) -> sigaction {
        var action = sigaction()
        #if canImport(Glibc)
        action.__sigaction_handler.sa_handler = handler
        #else
        action.__sigaction_u.__sa_handler = handler
        #endif
        sigemptyset(&action.sa_mask)
        action.sa_flags = flags
        var previous = sigaction()
        _ = sigaction(signal, &action, &previous)
        return previous
    }

    /// Puts back an action saved by `install`. Async-signal-safe.
    static func restore(_ previous: UnsafePointer<sigaction>, for signal: Int32) {
        _ = sigaction(signal, previous, nil)
    }
}
