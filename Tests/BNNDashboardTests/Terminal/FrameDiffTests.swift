import Testing
@testable import BNNDashboard

/// Which cells the terminal rewrites between frames.
@Suite("Frame diff")
struct FrameDiffTests {
    func grid(_ rows: [String]) -> CellGrid {
        var grid = CellGrid(width: rows.map { $0.unicodeScalars.count }.max() ?? 0, height: rows.count)
        for (y, row) in rows.enumerated() { grid.put(row, x: 0, y: y) }
        return grid
    }

    @Test func firstFrameIsWrittenWhole() {
        let current = grid(["abcd", "efgh", "ijkl"])
        #expect(FrameDiff.changedSpans(previous: nil, current: current, width: 4, height: 3) == [
            FrameSpan(row: 0, column: 0, length: 4), FrameSpan(row: 1, column: 0, length: 4),
            FrameSpan(row: 2, column: 0, length: 4),
        ])
    }

    @Test func identicalFramesWriteNothing() {
        let frame = grid(["abcd", "efgh"])
        #expect(FrameDiff.changedSpans(previous: frame, current: frame, width: 4, height: 2).isEmpty)
    }

    @Test func changedRunsBecomeSpans() {
        let previous = grid(["abcdefgh", "12345678", "xxxxxxxx"])
        let current = grid(["aBCdefgH", "12345678", "XxxxxxxX"])
        #expect(FrameDiff.changedSpans(previous: previous, current: current, width: 8, height: 3) == [
            FrameSpan(row: 0, column: 1, length: 2), FrameSpan(row: 0, column: 7, length: 1),
            FrameSpan(row: 2, column: 0, length: 1), FrameSpan(row: 2, column: 7, length: 1),
        ])
    }

    @Test("a style change alone is a change")
    func styleChangeCounts() {
        let previous = grid(["abc"])
        var current = previous
        current[1, 0] = Cell("b", style: CellStyle(color: .error, bold: true))
        #expect(FrameDiff.changedSpans(previous: previous, current: current, width: 3, height: 1) == [
            FrameSpan(row: 0, column: 1, length: 1),
        ])
    }

    @Test("a frame of another size is written whole")
    func resizedFrameIsWrittenWhole() {
        let previous = grid(["abc", "def"])
        let current = grid(["abcd", "defg"])
        #expect(FrameDiff.changedSpans(previous: previous, current: current, width: 4, height: 2) == [
            FrameSpan(row: 0, column: 0, length: 4), FrameSpan(row: 1, column: 0, length: 4),
        ])
    }

    @Test("spans stay inside a terminal smaller than the frame")
    func clippedToTheTerminal() {
        let previous = grid(["aaaaaa", "bbbbbb", "cccccc"])
        let current = grid(["aaaaZZ", "bbZZbb", "ZZZZZZ"])
        #expect(FrameDiff.changedSpans(previous: previous, current: current, width: 5, height: 2) == [
            FrameSpan(row: 0, column: 4, length: 1), FrameSpan(row: 1, column: 2, length: 2),
        ])
        #expect(FrameDiff.changedSpans(previous: nil, current: current, width: 5, height: 2) == [
            FrameSpan(row: 0, column: 0, length: 5), FrameSpan(row: 1, column: 0, length: 5),
        ])
    }

    @Test("a terminal larger than the frame writes only the frame")
    func terminalLargerThanFrame() {
        let current = grid(["ab", "cd"])
        #expect(FrameDiff.changedSpans(previous: nil, current: current, width: 80, height: 24) == [
            FrameSpan(row: 0, column: 0, length: 2), FrameSpan(row: 1, column: 0, length: 2),
        ])
    }

    @Test("empty or zero-size terminals write nothing")
    func degenerateSizes() {
        let current = grid(["ab"])
        #expect(FrameDiff.changedSpans(previous: nil, current: current, width: 0, height: 1).isEmpty)
        #expect(FrameDiff.changedSpans(previous: nil, current: current, width: 2, height: 0).isEmpty)
        #expect(FrameDiff.changedSpans(previous: nil, current: current, width: -3, height: -1).isEmpty)
        #expect(FrameDiff.changedSpans(previous: nil, current: CellGrid(width: 0, height: 0), width: 80, height: 24).isEmpty)
    }

    @Test("applying the spans to the previous frame gives the current one")
    func spansReproduceTheFrame() {
        var generator = SystemRandomNumberGenerator()
        let letters = Array("ab ")
        for _ in 0..<50 {
            let width = Int.random(in: 1...12, using: &generator), height = Int.random(in: 1...6, using: &generator)
            func random() -> CellGrid {
                var g = CellGrid(width: width, height: height)
                for y in 0..<height {
                    for x in 0..<width {
                        g[x, y] = Cell(letters.randomElement(using: &generator)!.unicodeScalars.first!)
                    }
                }
                return g
            }
            let previous = random(), current = random()
            var screen = previous
            let spans = FrameDiff.changedSpans(previous: previous, current: current, width: width, height: height)
            for span in spans {
                #expect(span.length > 0 && span.column + span.length <= width && span.row < height)
                for x in span.column..<(span.column + span.length) { screen[x, span.row] = current[x, span.row] }
            }
            #expect(screen == current)
            let written = spans.reduce(0) { $0 + $1.length }
            let differing = zip(previous.cells, current.cells).filter { $0 != $1 }.count
            #expect(written == differing, "only changed cells are written")
        }
    }
}
