import CNcursesw
import Synchronization
import BNNSupport

/// Puts the terminal back from places where `endwin` cannot run: inside a
/// signal handler (a crash, or a second Ctrl-C while shutting down).
///
/// A crash in the engine while curses owns the screen would otherwise leave the
/// user's shell in raw mode, with no echo, no cursor and on the alternate screen.
/// While a session is open this keeps the shell's saved `termios` and the
/// terminfo strings that undo curses (`sgr0`, `cnorm`, `rmkx`, `rmcup`) in memory
/// allocated up front, so restoring needs only `tcsetattr` and `write`, both
/// async-signal-safe.
enum EmergencyRestore {
    /// Signals that end the process abnormally; on them the terminal is restored
    /// and the signal goes on to the handler that was there before (the Swift
    /// runtime's backtracer, or the default action).
    static let fatalSignals: [Int32] = [SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP]

    /// Memory the handlers read: written only while `armed` is false, published
    /// by storing `armed = true` with release ordering, read by a handler only
    /// after loading `armed` with acquire ordering. Never freed.
    private struct Memory: @unchecked Sendable {
        static let sequenceCapacity = 256
        static let signalSlots = 65
        let savedTermios = UnsafeMutablePointer<termios>.allocate(capacity: 1)
        let sequence = UnsafeMutablePointer<UInt8>.allocate(capacity: sequenceCapacity)
        let previousActions = UnsafeMutablePointer<sigaction>.allocate(capacity: signalSlots)
    }

    private static let memory = Memory()
    private static let armed = Atomic<Bool>(false)
    private static let hasTermios = Atomic<Bool>(false)
    private static let sequenceLength = Atomic<Int>(0)
    private static let fatalHandlersInstalled = Atomic<Bool>(false)

    /// Saves the shell's terminal modes. Call before curses changes them.
    static func saveShellModes() {
        armed.store(false, ordering: .sequentiallyConsistent)
        hasTermios.store(tcgetattr(STDIN_FILENO, memory.savedTermios) == 0, ordering: .relaxed)
    }

    /// Records the terminfo strings that undo curses' screen setup and arms the
    /// restore. Call right after `newterm`, while its terminal is current.
    static func arm() {
        var length = 0
        // Bracketed paste off first (the session turned it on; see `Terminal.pasteOn`).
        for byte in Terminal.pasteOff.utf8 where length < Memory.sequenceCapacity {
            memory.sequence[length] = byte
            length += 1
        }
        for capability in ["sgr0", "cnorm", "rmkx", "rmcup"] {
            guard let value = tigetstr(capability), Int(bitPattern: value) != -1 else { continue }
            var byte = value
            while byte.pointee != 0 && length < Memory.sequenceCapacity {
                memory.sequence[length] = UInt8(bitPattern: byte.pointee)
                length += 1
                byte += 1
            }
        }
        sequenceLength.store(length, ordering: .relaxed)
        armed.store(true, ordering: .releasing)
    }

    /// Disarms the restore: `endwin` has run, or is about to.
    static func disarm() {
        armed.store(false, ordering: .sequentiallyConsistent)
    }

    /// Restores the terminal if a session is armed; at most once per arming.
    /// Async-signal-safe: atomics, `tcsetattr` and `write` only.
    static func restoreTerminal() {
        guard armed.exchange(false, ordering: .acquiringAndReleasing) else { return }
        let length = sequenceLength.load(ordering: .relaxed)
        var written = 0
        while written < length {
            let result = write(STDOUT_FILENO, memory.sequence + written, length - written)
            if result <= 0 { break }
            written += result
        }
        if hasTermios.load(ordering: .relaxed) {
            _ = tcsetattr(STDIN_FILENO, TCSANOW, memory.savedTermios)
        }
    }

    /// Installs the fatal-signal handlers once per process (they stay installed
    /// and do nothing while disarmed).
    static func installFatalHandlers() {
        guard !fatalHandlersInstalled.exchange(true, ordering: .sequentiallyConsistent) else { return }
        _ = memory  // initialize the lazy global before any handler can read it
        for signal in fatalSignals where signal < Memory.signalSlots {
            let previous = SignalAction.install(fatalHandler, for: signal, flags: Int32(SA_ONSTACK))
            (memory.previousActions + Int(signal)).initialize(to: previous)
        }
    }

    /// Restores the terminal, then hands the signal to the previous action:
    /// it is re-raised and delivered once this handler returns.
    private static let fatalHandler: RawSignalHandler = { signal in
        EmergencyRestore.restoreTerminal()
        if signal > 0 && signal < Memory.signalSlots {
            SignalAction.restore(memory.previousActions + Int(signal), for: signal)
        }
        _ = raise(signal)
    }
}
