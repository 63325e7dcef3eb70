import BNNEngine

/// The whole dashboard as a pure function: snapshots + UI state + header facts
/// + size + time → a grid of cells.
///
/// The terminal only copies the grid to the screen, and the text export uses
/// the same panels, so what the tests check is what the user sees.
public enum DashboardRenderer {
    /// Renders the dashboard at `width` x `height`.
    /// - Parameters:
    ///   - snapshots: the runs' latest snapshots, in display order.
    ///   - state: selection, chart options, overlays, message, prompt.
    ///   - header: session facts for the header line.
    ///   - now: seconds on the clock of `state.message` and `header.startedAt`.
    public static func render(snapshots: [RunSnapshot], state: DashboardState, header: DashboardHeader,
                              width: Int, height: Int, now: Double) -> CellGrid {
        let glyphs = Glyphs.forASCII(state.ascii)
        guard width >= DashboardLayout.minimumWidth, height >= DashboardLayout.minimumHeight else {
            return tooSmall(width: width, height: height, glyphs: glyphs)
        }
        var state = state
        state.clampSelection(runCount: snapshots.count) { snapshots[$0].layers.count }
        let context = PanelContext(snapshots: snapshots, state: state, glyphs: glyphs, header: header)
        let shown = PanelSlot.shown(in: context)
        var panels: [PanelSlot: any DashboardPanel] = [:]
        for slot in shown { panels[slot] = slot.panel(context) }
        let layout = DashboardLayout(width: width, height: height, runCount: snapshots.count,
                                     weightsHeight: { panels[.weights]?.preferredHeight(width: $0) ?? 6 },
                                     saturationHeight: panels[.saturation]?.preferredHeight(width: 0) ?? 0)

        var grid = CellGrid(width: width, height: height)
        grid.blit(HeaderLine(header: header, snapshots: snapshots, selectedRun: state.selectedRun,
                             glyphs: glyphs, now: now).render(width: width), x: 0, y: 0)
        for slot in shown {
            guard let panel = panels[slot], let rect = layout.rect(for: slot) else { continue }
            panel.draw(on: &grid, in: rect, glyphs: glyphs)
        }
        grid.blit(StatusLines(snapshots: snapshots, state: state, glyphs: glyphs, now: now).render(width: width),
                  x: 0, y: layout.status.y)

        if state.helpVisible { HelpOverlay.draw(on: &grid, glyphs: glyphs) }
        return state.monochrome ? grid.monochromed() : grid
    }

    /// The centered message shown below the minimum size: one line when it fits, else
    /// wrapped at spaces over the rows there are, else the bare minimum size ("80x24").
    public static func tooSmall(width: Int, height: Int, glyphs: Glyphs = .unicode) -> CellGrid {
        var grid = CellGrid(width: width, height: height)
        let dash = glyphs.isASCII ? "-" : "\u{2014}"
        let needs = "\(DashboardLayout.minimumWidth)x\(DashboardLayout.minimumHeight)"
        // "— q quits" stays together (no-break spaces while wrapping).
        let text = "terminal too small (needs \(needs), have \(width)x\(height)) \(dash)\u{A0}q\u{A0}quits"
        var lines: [String] = []
        for word in text.split(separator: " ").map({ $0.replacingOccurrences(of: "\u{A0}", with: " ") }) {
            if let last = lines.last, last.count + 1 + word.count <= width { lines[lines.count - 1] = last + " " + word }
            else { lines.append(word) }
        }
        if lines.count > height || lines.contains(where: { $0.count > width }) { lines = [needs] }
        let top = Swift.max(0, Swift.min(height / 2 - lines.count / 2, height - lines.count))
        for (row, line) in lines.enumerated() where top + row < height {
            grid.putCentered(line, x: 0, width: width, y: top + row, style: CellStyle(color: .warning, bold: true))
        }
        return grid
    }

    static let accent = CellStyle(color: .accent, bold: true)
    static let muted = CellStyle(color: .muted)
    static let title = CellStyle(color: .accent, bold: true)

    /// Draws a bordered panel at `rect` and fills its inside with `content(width, height)`.
    static func drawPanel(on grid: inout CellGrid, _ rect: GridRect, glyphs: Glyphs, title: [TextSpan],
                          note: [TextSpan] = [], content: (Int, Int) -> CellGrid) {
        guard rect.width >= 2, rect.height >= 2 else { return }
        grid.drawBox(rect, glyphs: glyphs, title: title, note: note)
        let inner = rect.inset
        guard inner.width > 2, inner.height > 0 else { return }
        // One column of padding on each side inside the border.
        grid.blit(content(inner.width - 2, inner.height), x: inner.x + 1, y: inner.y)
    }
}
