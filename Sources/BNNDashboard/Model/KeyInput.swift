/// A key press as the dashboard understands it, independent of curses.
///
/// The terminal layer decodes raw key codes into this; the reducer
/// (`DashboardReducer.handle`) turns it into state changes and commands.
public enum KeyInput: Sendable, Equatable, Hashable {
    /// A printable character (letters, digits, `+`, `?`, space, ...).
    case character(Character)
    case tab
    /// Shift-Tab (curses `KEY_BTAB`).
    case backTab
    case left
    case right
    case up
    case down
    case enter
    case escape
    case backspace
    /// The terminal changed size; nothing to do but draw again.
    case resize
    case ctrlC
    /// Text the terminal delivered as one bracketed paste: typed into an open prompt, never
    /// run as keys (a pasted word would otherwise save, export and quit).
    case paste(String)
}
