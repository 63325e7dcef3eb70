import BNNEngine

/// The icon and style of a run state, shared by the table and the status line.
public enum RunStateStyle {
    /// "▶", "‖", "✓", "✗" (or their ASCII stand-ins).
    public static func icon(_ state: RunState, glyphs: Glyphs) -> String {
        switch state {
        case .starting: return glyphs.starting
        case .running: return glyphs.running
        case .paused: return glyphs.paused
        case .done: return glyphs.done
        case .stopped: return glyphs.stopped
        case .diverged, .failed: return glyphs.failed
        }
    }

    public static func style(_ state: RunState) -> CellStyle {
        switch state {
        case .starting: return CellStyle(color: .muted)
        case .running: return CellStyle(color: .good)
        case .paused, .stopped: return CellStyle(color: .warning)
        case .done: return CellStyle(color: .good, bold: true)
        case .diverged, .failed: return CellStyle(color: .error, bold: true)
        }
    }

    /// The reason shown after a state, if it has one.
    public static func reason(_ state: RunState) -> String? {
        switch state {
        case .paused(let reason): return reason
        case .diverged(let reason), .failed(let reason): return reason
        default: return nil
        }
    }
}
