import CNcursesw

/// One key press, decoded from curses' raw codes into the few keys the
/// dashboard understands.
///
/// The run loop and the key bindings speak this enum, never curses codes, so
/// the bindings can be tested without a terminal and curses stays in this folder.
public enum TerminalKey: Sendable, Hashable {
    /// A printable character (letters, digits, punctuation, space, any non-ASCII text).
    case character(Character)
    case tab, backTab
    case left, right, up, down
    case enter, escape, backspace
    /// The terminal changed size; the loop re-reads the size and redraws everything.
    case resize
    /// The byte 0x03. In cbreak mode the tty turns Ctrl-C into SIGINT instead,
    /// so this only arrives when ISIG is off; the loop treats both the same way.
    case ctrlC
    /// Text pasted while the terminal's bracketed paste mode was on (between ESC [200~ and ESC [201~).
    case paste(String)
    /// No key before the poll timeout, or a key the dashboard does not use.
    case none

    /// Decodes the result of `wget_wch`: its return `status` (`OK`, `KEY_CODE_YES`
    /// or `ERR`) and the `code` it stored (a character or a `KEY_*` constant).
    public init(wgetStatus status: Int32, code: UInt32) {
        if status == bnn_key_code_yes() {
            self = TerminalKey(functionKey: Int32(truncatingIfNeeded: code))
        } else if status == OK {
            self = TerminalKey(characterCode: code)
        } else {
            self = .none
        }
    }

    /// A curses function-key code (`KEY_UP`, `KEY_RESIZE`, ...).
    init(functionKey code: Int32) {
        switch code {
        case bnn_key_resize(): self = .resize
        case bnn_key_btab(): self = .backTab
        case bnn_key_left(): self = .left
        case bnn_key_right(): self = .right
        case bnn_key_up(): self = .up
        case bnn_key_down(): self = .down
        case bnn_key_backspace(): self = .backspace
        case bnn_key_enter(): self = .enter
        default: self = .none
        }
    }

    /// A character code as the tty delivers it (with `nonl`, Enter arrives as CR).
    init(characterCode code: UInt32) {
        switch code {
        case 0x09: self = .tab
        case 0x0A, 0x0D: self = .enter
        case 0x1B: self = .escape
        case 0x08, 0x7F: self = .backspace
        case 0x03: self = .ctrlC
        case 0x00..<0x20: self = .none
        default:
            guard let scalar = Unicode.Scalar(code) else { self = .none; return }
            self = .character(Character(scalar))
        }
    }
}
