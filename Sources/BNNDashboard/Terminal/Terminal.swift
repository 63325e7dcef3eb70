import CNcursesw
import Synchronization
import BNNSupport

/// The ncurses session: owns the screen from `init` to `end`, draws `CellGrid`
/// frames and reads keys.
///
/// It knows nothing about what is drawn: the renderer turns engine snapshots
/// into a `CellGrid`, this class puts the grid on the screen, writing only the
/// cells that changed since the last frame. It also guarantees that the shell
/// gets its terminal back on every way out: `end()`, `deinit`, `exit()`
/// (atexit), termination signals (through `TerminationSignals` and the run
/// loop) and crashes (through `EmergencyRestore`).
///
/// Use it from one thread only (the main thread, which stays in the run loop).
public final class Terminal {
    /// How the session is set up.
    public struct Options: Sendable {
        /// Ignore colors (bold, dim and reverse still apply).
        public var monochrome: Bool
        /// How long `readKey()` waits for input by default, in milliseconds.
        public var inputTimeoutMilliseconds: Int32
        /// How long curses waits after ESC for the rest of an escape sequence.
        public var escapeDelayMilliseconds: Int32

        /// - Parameter monochrome: no colors; also implied by a non-empty `NO_COLOR`.
        public init(monochrome: Bool = false, inputTimeoutMilliseconds: Int32 = 50, escapeDelayMilliseconds: Int32 = 25) {
            self.monochrome = monochrome
            self.inputTimeoutMilliseconds = inputTimeoutMilliseconds
            self.escapeDelayMilliseconds = escapeDelayMilliseconds
        }
    }

    /// Whether the locale is UTF-8. When false, braille and box-drawing
    /// characters would come out blank: render ASCII instead (cells that are
    /// not ASCII are shown as `?`).
    public let unicode: Bool
    /// Whether cells are drawn in color (false with `NO_COLOR`, the monochrome
    /// option, or a terminal without colors).
    public let usesColor: Bool
    /// The number of colors the terminal offers (`COLORS`), 0 without colors.
    public let colorCount: Int
    /// The terminal's size in cells; updated when `readKey()` sees a resize.
    public private(set) var width: Int
    public private(set) var height: Int

    private let screen: OpaquePointer
    private let window: UnsafeMutablePointer<WINDOW>
    private let options: Options
    private var signals: TerminationSignals.Installation
    private var previousFrame: CellGrid?
    private var clearBeforeNextDraw = false
    private var rowBuffer: UnsafeMutablePointer<cchar_t>
    private var rowCapacity: Int
    private var ended = false
    /// Pairs for grey picture cells (nil without colours).
    private var greyPairs: GreyPairs?

    /// True while some `Terminal` owns the screen; read by the atexit safety net.
    private static let sessionActive = Atomic<Bool>(false)
    private static let atExitRegistered = Atomic<Bool>(false)

    /// Opens the session: locale, curses modes, colors, signal handlers.
    ///
    /// Call `InteractiveCheck.requireTerminal()` first for a friendly message
    /// when not on a terminal.
    /// - Throws: `TerminalError.unknownTerminalType` when ncurses cannot use
    ///   `TERM`; `.sessionAlreadyActive` when another session is open.
    public init(options: Options = Options()) throws(TerminalError) {
        guard !Terminal.sessionActive.exchange(true, ordering: .sequentiallyConsistent) else {
            throw .sessionAlreadyActive
        }
        setlocale(LC_ALL, "")
        unicode = LocaleCharset.environmentIsUTF8()

        // Our handlers go in before newterm so ncurses leaves SIGINT/SIGTERM to
        // us (it only installs its own over the default action); it still
        // handles SIGWINCH (KEY_RESIZE) and SIGTSTP (Ctrl-Z) itself.
        signals = TerminationSignals.install()
        EmergencyRestore.installFatalHandlers()
        EmergencyRestore.saveShellModes()
        Terminal.registerAtExitOnce()

        guard let screen = bnn_newterm_stdio(), let window = bnn_stdscr() else {
            signals.restore()
            Terminal.sessionActive.store(false, ordering: .sequentiallyConsistent)
            throw .unknownTerminalType(getenv("TERM").map { String(cString: $0) } ?? "")
        }
        guard bnn_can_address_cursor() != 0 else {
            endwin()
            delscreen(screen)
            signals.restore()
            Terminal.sessionActive.store(false, ordering: .sequentiallyConsistent)
            throw .cannotAddressCursor(getenv("TERM").map { String(cString: $0) } ?? "")
        }
        self.screen = screen
        self.window = window
        EmergencyRestore.arm()
        self.options = options

        cbreak()
        noecho()
        nonl()
        Terminal.disableFlowControl()
        Terminal.writeToTerminal(Terminal.pasteOn)
        intrflush(window, false)
        keypad(window, true)
        leaveok(window, true)
        _ = curs_set(0)
        _ = set_escdelay(options.escapeDelayMilliseconds)
        wtimeout(window, options.inputTimeoutMilliseconds)

        let monochrome = ColorPalette.monochromeRequested(
            noColorVariable: getenv("NO_COLOR").map { String(cString: $0) }, flag: options.monochrome)
        if !monochrome && has_colors() {
            start_color()
            let defaults = use_default_colors() == OK
            colorCount = Int(bnn_colors())
            for color in CellColor.allCases where color != .normal {
                let entry = ColorPalette.entry(for: color, colorCount: colorCount)
                let foreground = entry.foreground ?? (defaults ? -1 : Int16(COLOR_WHITE))
                init_pair(Int16(color.rawValue), foreground, defaults ? -1 : Int16(COLOR_BLACK))
            }
            usesColor = true
            let firstFree = Int(CellColor.allCases.map(\.rawValue).max() ?? 0) + 1
            greyPairs = GreyPairs(colorCount: colorCount, firstPair: firstFree, pairLimit: Int(bnn_color_pairs()))
        } else {
            colorCount = 0
            usesColor = false
        }

        width = Int(getmaxx(window))
        height = Int(getmaxy(window))
        rowCapacity = max(width, 1)
        rowBuffer = .allocate(capacity: rowCapacity)
    }

    /// Ctrl-S would stop the terminal's output (XON/XOFF) and so freeze the dashboard's
    /// drawing, keys and all, until Ctrl-Q: turn IXON off for the session (cbreak keeps it),
    /// and make that ncurses' program mode, which it restores after Ctrl-Z and `fg`. The
    /// shell's modes, IXON included, come back at `endwin`.
    private static func disableFlowControl() {
        var modes = termios()
        guard tcgetattr(STDIN_FILENO, &modes) == 0 else { return }
        modes.c_iflag &= ~tcflag_t(IXON)
        guard tcsetattr(STDIN_FILENO, TCSANOW, &modes) == 0 else { return }
        _ = def_prog_mode()
    }

    /// Bracketed paste: the terminal wraps pasted text in ESC [200~ … ESC [201~, so that
    /// `readKey` hands it over as one `.paste` instead of as keys to run.
    static let pasteOn = "\u{1B}[?2004h"
    static let pasteOff = "\u{1B}[?2004l"

    private static func writeToTerminal(_ text: String) {
        fflush(nil)
        var bytes = Array(text.utf8)
        _ = write(STDOUT_FILENO, &bytes, bytes.count)
    }

    deinit {
        end()
        rowBuffer.deallocate()
    }

    /// Ends the session: `endwin`, the shell's terminal modes back, the previous
    /// signal handlers back. Safe to call more than once.
    public func end() {
        guard !ended else { return }
        ended = true
        if Terminal.sessionActive.load(ordering: .sequentiallyConsistent) {
            EmergencyRestore.disarm()
            Terminal.writeToTerminal(Terminal.pasteOff)
            endwin()
            delscreen(screen)
            Terminal.sessionActive.store(false, ordering: .sequentiallyConsistent)
        }
        signals.restore()
    }

    /// Makes the next `draw` repaint every cell (after something else wrote to the screen).
    public func invalidate() {
        previousFrame = nil
        clearBeforeNextDraw = true
    }

    /// Draws `grid` with its top-left corner at the screen's, clipped to the
    /// screen. Only cells that differ from the previous frame are written, then
    /// the screen is updated once.
    public func draw(_ grid: CellGrid) {
        guard !ended else { return }
        if clearBeforeNextDraw {
            werase(window)
            clearok(window, true)  // after a resize: repaint the real screen from scratch
            clearBeforeNextDraw = false
            previousFrame = nil
        } else if let previous = previousFrame, previous.width != grid.width || previous.height != grid.height {
            werase(window)  // a frame of another size must not leave old cells around it
        }
        ensureRowCapacity(grid.width)
        let spans = FrameDiff.changedSpans(previous: previousFrame, current: grid, width: width, height: height)
        grid.cells.withUnsafeBufferPointer { cells in
            for span in spans {
                let base = span.row * grid.width + span.column
                for i in 0..<span.length {
                    fill(rowBuffer + i, with: cells[base + i])
                }
                wmove(window, Int32(span.row), Int32(span.column))
                wadd_wchnstr(window, rowBuffer, Int32(span.length))
            }
        }
        previousFrame = grid
        wnoutrefresh(window)
        doupdate()
    }

    /// Waits for one key, at most `timeoutMilliseconds` (the session's input
    /// timeout when nil), and decodes it. A resize updates `width`/`height` and
    /// makes the next `draw` repaint everything.
    public func readKey(timeoutMilliseconds: Int32? = nil) -> TerminalKey {
        guard !ended else { return .none }
        wtimeout(window, max(0, timeoutMilliseconds ?? options.inputTimeoutMilliseconds))
        var code: wint_t = 0
        let status = wget_wch(window, &code)
        var key = TerminalKey(wgetStatus: status, code: UInt32(code))
        if key == .escape { key = readAfterEscape() }
        if key == .resize {
            width = Int(getmaxx(window))
            height = Int(getmaxy(window))
            invalidate()
        }
        return key
    }

    /// The next character if one is already waiting (nil when none), without blocking.
    private func pendingCharacter(waitMilliseconds: Int32 = 0) -> Character? {
        wtimeout(window, waitMilliseconds)
        var code: wint_t = 0
        guard wget_wch(window, &code) == OK, let scalar = Unicode.Scalar(UInt32(code)) else { return nil }
        return Character(scalar)
    }

    /// After ESC: what follows at once decides. Nothing: the Esc key. ESC [200~: a bracketed
    /// paste, read up to ESC [201~ (at most 64 KiB kept) and returned as `.paste`. Any other
    /// sequence curses did not know (ESC [ … final byte), or Alt+key (ESC then a key): nothing,
    /// so that its tail is never run as keys.
    private func readAfterEscape() -> TerminalKey {
        guard let first = pendingCharacter() else { return .escape }
        guard first == "[" else { return .none }
        var sequence = ""
        while sequence.count < 16, let c = pendingCharacter(waitMilliseconds: 5) {
            sequence.append(c)
            if let ascii = c.asciiValue, (0x40...0x7E).contains(ascii) { break }  // a CSI final byte
        }
        guard sequence == "200~" else { return .none }
        let end = "\u{1B}[201~"
        var text = ""
        while let c = pendingCharacter(waitMilliseconds: 200) {
            text.append(c)
            if text.hasSuffix(end) { return .paste(String(text.dropLast(end.count).prefix(65_536))) }
        }
        return .paste(String(text.prefix(65_536)))  // the terminal stopped before the end marker: what came is the paste
    }

    // MARK: - Cells

    /// One cell as curses wants it: a wide character, attributes, a color pair.
    private func fill(_ target: UnsafeMutablePointer<cchar_t>, with cell: Cell) {
        if unicode, let pixels = cell.pixels,
           let pair = greyPairs?.pair(for: pixels, define: { _ = init_pair($0, $1, $2) }) {
            set(target, "\u{2580}", attributes: bnn_attr_normal(), pair: pair)  // ▀: top on bottom
            return
        }
        let entry = usesColor
            ? ColorPalette.entry(for: cell.style.color, colorCount: colorCount)
            : ColorPalette.monochromeEntry(for: cell.style.color)
        var attributes = bnn_attr_normal()
        if cell.style.bold { attributes |= bnn_attr_bold() }
        if cell.style.dim || entry.dim { attributes |= bnn_attr_dim() }
        if cell.style.reverse { attributes |= bnn_attr_reverse() }
        let pair: Int16 = usesColor ? Int16(cell.style.color.rawValue) : 0
        set(target, displayable(cell.scalar), attributes: attributes, pair: pair)
    }

    private func set(_ target: UnsafeMutablePointer<cchar_t>, _ scalar: Unicode.Scalar, attributes: attr_t, pair: Int16) {
        var characters: (wchar_t, wchar_t) = (wchar_t(bitPattern: scalar.value), 0)
        withUnsafePointer(to: &characters) { pointer in
            pointer.withMemoryRebound(to: wchar_t.self, capacity: 2) { string in
                _ = setcchar(target, string, attributes, pair, nil)
            }
        }
    }

    /// The scalar to show for `scalar`: control characters become spaces;
    /// anything that is not exactly one column wide (or not ASCII, when the
    /// locale is not UTF-8) becomes `?`, so the columns always line up.
    private func displayable(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        let value = scalar.value
        if value < 0x20 || (0x7F..<0xA0).contains(value) { return " " }
        if value < 0x7F { return scalar }
        if !unicode { return "?" }
        if value < 0x300 { return scalar }  // Latin-1 and Latin Extended: always one column
        return bnn_wcwidth(wchar_t(bitPattern: value)) == 1 ? scalar : "?"
    }

    private func ensureRowCapacity(_ count: Int) {
        guard count > rowCapacity else { return }
        rowBuffer.deallocate()
        rowCapacity = count
        rowBuffer = .allocate(capacity: count)
    }

    // MARK: - Process-wide safety nets

    /// `exit()` anywhere while the screen is ours still ends curses.
    private static func registerAtExitOnce() {
        guard !atExitRegistered.exchange(true, ordering: .sequentiallyConsistent) else { return }
        atexit {
            guard Terminal.sessionActive.exchange(false, ordering: .sequentiallyConsistent) else { return }
            EmergencyRestore.disarm()
            Terminal.writeToTerminal(Terminal.pasteOff)
            endwin()
        }
    }
}
