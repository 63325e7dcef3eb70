import BNNSupport

/// What a key handler tells the run loop.
public enum LoopAction: Sendable, Equatable {
    case `continue`
    case quit
}

/// How the run loop ended.
public enum LoopExit: Sendable, Equatable {
    /// The key handler asked to quit.
    case quit
    /// A termination signal (SIGINT, SIGTERM, SIGHUP, SIGQUIT) or Ctrl-C arrived.
    case signal(Int32)

    /// The status the process should exit with: 0, or 128 + the signal number.
    public var exitStatus: Int32 {
        switch self {
        case .quit: return 0
        case .signal(let signal): return TerminationSignals.exitStatus(for: signal)
        }
    }
}

/// The dashboard's main loop, generic over what is drawn.
///
/// The main thread stays in this loop for the whole session: it polls for keys
/// every ~50 ms, asks whether the picture changed, redraws at most ~20 times a
/// second and only when something did (a key, a resize, new data), and leaves
/// on quit or a termination signal. The engine runs on its own queues; the
/// `render` and `needsRedraw` closures read its snapshots (`DispatchQueue.main`
/// never runs while the loop does).
public struct TerminalApp {
    public let terminal: Terminal
    /// The shortest time between two frames.
    public var minimumFrameInterval: Duration
    /// The longest time between two looks at `needsRedraw` and the signal flag.
    public var pollInterval: Duration

    public init(terminal: Terminal, minimumFrameInterval: Duration = .milliseconds(50), pollInterval: Duration = .milliseconds(50)) {
        self.terminal = terminal
        self.minimumFrameInterval = minimumFrameInterval
        self.pollInterval = pollInterval
    }

    /// Runs until `onKey` returns `.quit` or a termination signal arrives.
    ///
    /// - Parameters:
    ///   - render: draws the whole screen for a terminal of `width` x `height` cells.
    ///   - onKey: handles one key press (never `.none` or `.resize`, which the loop handles).
    ///   - needsRedraw: whether the picture changed since the last call (e.g. a new snapshot).
    /// - Returns: why the loop ended. The caller then ends the terminal, stops
    ///   the work and exits with `exitStatus`.
    public func run(render: (_ width: Int, _ height: Int) -> CellGrid,
                    onKey: (TerminalKey) -> LoopAction,
                    needsRedraw: () -> Bool) -> LoopExit {
        let clock = ContinuousClock()
        var dirty = true
        var lastFrame: ContinuousClock.Instant?
        while true {
            if let signal = TerminationSignals.pending { return .signal(signal) }
            if needsRedraw() { dirty = true }

            var wait = pollInterval
            if dirty {
                let now = clock.now
                let due = lastFrame.map { $0 + minimumFrameInterval } ?? now
                if now >= due {
                    terminal.draw(render(terminal.width, terminal.height))
                    lastFrame = now
                    dirty = false
                } else {
                    wait = min(wait, due - now)
                }
            }

            switch terminal.readKey(timeoutMilliseconds: TerminalApp.milliseconds(wait)) {
            case .none:
                continue
            case .resize:
                dirty = true
                lastFrame = nil  // show the new layout at once
            case .ctrlC:
                return .signal(SIGINT)
            case let key:
                if onKey(key) == .quit { return .quit }
                dirty = true
            }
        }
    }

    private static func milliseconds(_ duration: Duration) -> Int32 {
        let (seconds, attoseconds) = duration.components
        let total = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        return Int32(clamping: max(1, total))
    }
}
