/// The `?` overlay: every key and what it does, in a box centered over the dashboard.
public enum HelpOverlay {
    /// Draws the overlay onto `grid`.
    public static func draw(on grid: inout CellGrid, glyphs: Glyphs) {
        let bindings = KeyBindings.all.map { b in
            (keys: glyphs.isASCII ? KeyBindings.asciiKeys(b.keys) : b.keys, action: b.action)
        }
        let keyWidth = bindings.map { $0.keys.unicodeScalars.count }.max() ?? 0
        let actionWidth = bindings.map { $0.action.unicodeScalars.count }.max() ?? 0
        let footer = "press ? or Esc to close"
        let boxWidth = Swift.min(grid.width, keyWidth + actionWidth + 7)
        let boxHeight = Swift.min(grid.height, bindings.count + 4)
        let rect = GridRect(x: (grid.width - boxWidth) / 2, y: (grid.height - boxHeight) / 2,
                            width: boxWidth, height: boxHeight)
        grid.fill(rect)
        grid.drawBox(rect, glyphs: glyphs, style: CellStyle(color: .accent),
                     title: [TextSpan("Keys", style: CellStyle(color: .accent, bold: true))])
        let inner = rect.inset
        for (i, b) in bindings.enumerated() where 1 + i < inner.height {
            let y = inner.y + i
            grid.put(b.keys, x: inner.x + 1, y: y, style: CellStyle(color: .accent, bold: true), maxWidth: keyWidth)
            grid.put(b.action, x: inner.x + 1 + keyWidth + 3, y: y, maxWidth: inner.width - keyWidth - 4)
        }
        grid.putCentered(footer, x: inner.x, width: inner.width, y: inner.y + inner.height - 1,
                         style: CellStyle(color: .muted))
    }
}
