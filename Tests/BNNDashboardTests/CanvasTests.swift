import Testing
@testable import BNNDashboard

@Suite("Braille and ASCII canvases")
struct CanvasTests {
    let pen = Pen(style: .plain)

    @Test func brailleDotBitsFollowUnicodeNumbering() {
        // Dots 1-2-3 down the left column, 4-5-6 down the right, 7 and 8 at the bottom.
        #expect(BrailleCanvas.bit(dx: 0, dy: 0) == 0x01)
        #expect(BrailleCanvas.bit(dx: 0, dy: 1) == 0x02)
        #expect(BrailleCanvas.bit(dx: 0, dy: 2) == 0x04)
        #expect(BrailleCanvas.bit(dx: 1, dy: 0) == 0x08)
        #expect(BrailleCanvas.bit(dx: 1, dy: 1) == 0x10)
        #expect(BrailleCanvas.bit(dx: 1, dy: 2) == 0x20)
        #expect(BrailleCanvas.bit(dx: 0, dy: 3) == 0x40)
        #expect(BrailleCanvas.bit(dx: 1, dy: 3) == 0x80)
    }

    @Test func knownDotsGiveKnownCells() {
        var c = BrailleCanvas(columns: 3, rows: 1)
        c.plot(x: 0, y: 0, pen: pen)   // 0x01
        c.plot(x: 1, y: 3, pen: pen)   // 0x80 → U+2881
        c.plot(x: 2, y: 1, pen: pen)   // 0x02
        c.plot(x: 3, y: 2, pen: pen)   // 0x20 → U+2822
        c.plot(x: 99, y: 0, pen: pen)  // outside: ignored
        c.plot(x: -1, y: 0, pen: pen)
        #expect(c.grid().row(0) == "\u{2881}\u{2822} ")
        #expect(c.isSet(x: 1, y: 3))
        #expect(!c.isSet(x: 1, y: 2))
    }

    @Test func allEightDotsMakeAFullCell() {
        var c = BrailleCanvas(columns: 1, rows: 1)
        for x in 0..<2 { for y in 0..<4 { c.plot(x: x, y: y, pen: pen) } }
        #expect(c.grid().row(0) == "\u{28FF}")
    }

    @Test func bresenhamDiagonalAndHorizontal() {
        var c = BrailleCanvas(columns: 2, rows: 1)
        var phase = 0
        c.line(from: (0, 0), to: (3, 3), pen: pen, phase: &phase)
        // (0,0)+(1,1) = 0x01|0x10 = ⠑ ; (2,2)+(3,3) = 0x04|0x80 = ⢄
        #expect(c.grid().row(0) == "⠑⢄")
        #expect(phase == 4)

        var h = BrailleCanvas(columns: 2, rows: 1)
        phase = 0
        h.line(from: (3, 0), to: (0, 0), pen: pen, phase: &phase)
        #expect(h.grid().row(0) == "⠉⠉")
    }

    @Test func steepLineAcrossRows() {
        // (0,0) → (1,7): x moves once, halfway down; Bresenham picks y 0...3 at x 0, 4...7 at x 1.
        var c = BrailleCanvas(columns: 1, rows: 2)
        var phase = 0
        c.line(from: (0, 0), to: (1, 7), pen: pen, phase: &phase)
        #expect(c.grid().text() == "⡇\n⢸")
    }

    @Test func dashPatternsContinueAlongTheLine() {
        var dotted = BrailleCanvas(columns: 2, rows: 1)
        var phase = 0
        dotted.line(from: (0, 0), to: (3, 0), pen: Pen(style: .plain, pattern: .dotted), phase: &phase)
        #expect(dotted.grid().row(0) == "⠁⠁")

        var dashed = BrailleCanvas(columns: 4, rows: 1)
        phase = 0
        // Two segments sharing a point: the pattern (3 on, 2 off) runs on across the joint.
        dashed.line(from: (0, 0), to: (4, 0), pen: Pen(style: .plain, pattern: .dashed), phase: &phase)
        dashed.line(from: (4, 0), to: (7, 0), pen: Pen(style: .plain, pattern: .dashed), phase: &phase, skipFirst: true)
        #expect(dashed.grid().row(0) == "⠉⠁⠈⠉")
        #expect(RunChart.sample(.dashed, ascii: false) == "⠒⠂⠐⠒")
        #expect(RunChart.sample(.solid, ascii: true) == "*****")
        #expect(RunChart.sample(.dotted, ascii: true) == "* * *")
    }

    @Test func lastSeriesDrawnOwnsTheCellStyle() {
        var c = BrailleCanvas(columns: 1, rows: 1)
        c.plot(x: 0, y: 0, pen: Pen(style: CellStyle(color: .run0)))
        c.plot(x: 1, y: 1, pen: Pen(style: CellStyle(color: .run1)))
        let cell = c.grid()[0, 0]
        #expect(cell.scalar == "\u{2811}")  // both dots kept
        #expect(cell.style.color == .run1)  // the later series' color
    }

    @Test func labelReplacesTheCell() {
        var c = BrailleCanvas(columns: 2, rows: 1)
        c.plot(x: 0, y: 0, pen: pen)
        c.label(column: 0, row: 0, scalar: "d", style: CellStyle(bold: true))
        #expect(c.grid().row(0) == "d ")
    }

    @Test func asciiCanvasDrawsMarkersPerSeries() {
        var c = AsciiCanvas(columns: 6, rows: 3)
        var phase = 0
        c.line(from: (0, 0), to: (5, 2), pen: Pen(style: .plain, marker: "*"), phase: &phase)
        phase = 0
        c.line(from: (0, 2), to: (5, 2), pen: Pen(style: .plain, pattern: .dotted, marker: "o"), phase: &phase)
        // Star line: (0,0) (1,0) (2,1) (3,1) (4,2) (5,2); the dotted 'o' line drawn later
        // takes (0,2) (2,2) (4,2), so (4,2) shows 'o' and (5,2) keeps '*'.
        #expect(c.grid().text() == """
            **
              **
            o o o*
            """)
    }
}
