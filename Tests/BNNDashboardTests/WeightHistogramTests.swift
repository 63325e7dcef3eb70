import Testing
@testable import BNNDashboard

@Suite("Weight histogram")
struct WeightHistogramTests {
    /// 12 bins: 30 weights pinned at -1, 10 at +1, a bell in between (interior maximum 8).
    static let counts = [30, 0, 1, 2, 4, 8, 8, 4, 2, 1, 0, 10]

    @Test func exactBarsWithClipEdgesMarked() {
        let grid = WeightHistogram(counts: Self.counts, glyphs: .unicode).render(width: 24, height: 7)
        // Two columns per bin; four rows of bars scaled to the interior maximum, so the
        // pinned edges (42.9% and 14.3% of all weights) are cut at full height.
        #expect(grid.text() == """
            42.9%              14.3%
            ██        ████        ██
            ██        ████        ██
            ██      ████████      ██
            ██  ▄▄████████████▄▄  ██
            ▲▲──────────┴─────────▲▲
            -1          0         +1
            """)
    }

    @Test func edgeBinsAreEmphasized() {
        let grid = WeightHistogram(counts: Self.counts, glyphs: .unicode, barStyle: CellStyle(color: .run1))
            .render(width: 24, height: 7)
        for x in [0, 1, 22, 23] {
            #expect(grid[x, 4].style.color == .warning && grid[x, 4].style.bold)  // the bars
            #expect(grid[x, 5].scalar == "▲")                                      // the axis marks
        }
        #expect(grid[0, 0].style.color == .warning)   // the share labels
        #expect(grid[10, 4].style.color == .run1)     // interior bars in the run's color
        #expect(grid[4, 5].scalar == "─")
    }

    @Test func asciiBars() {
        let grid = WeightHistogram(counts: Self.counts, glyphs: .ascii).render(width: 12, height: 6)
        #expect(grid.text() == """
            42.9%  14.3%
            #    ##    #
            #   :##:   #
            # :######: #
            ^-----+----^
            -1    0   +1
            """)
    }

    @Test func binsMapOntoColumnsEvenly() {
        #expect(WeightHistogram.fit(binCount: 40, width: 58) == (40, 1, 1))
        #expect(WeightHistogram.fit(binCount: 40, width: 80) == (80, 2, 1))
        #expect(WeightHistogram.fit(binCount: 40, width: 30) == (20, 1, 2))
        #expect(WeightHistogram.fit(binCount: 40, width: 12) == (10, 1, 4))
    }

    @Test func groupedBinsKeepTheEdgesAtTheEnds() {
        // 40 bins on 20 columns: each column sums two bins; the edge columns hold the clip bins.
        var counts = [Int](repeating: 5, count: 40)
        counts[0] = 100; counts[39] = 100
        let grid = WeightHistogram(counts: counts, glyphs: .unicode).render(width: 20, height: 5)
        #expect(grid[0, 3].style.color == .warning)
        #expect(grid[19, 3].style.color == .warning)
        #expect(grid[1, 3].style.color != .warning)
        // (100 + 5) of 38·5 + 200 = 390 weights in each edge column.
        #expect(grid.text().hasPrefix("26.9%"))
    }

    @Test func emptyHistogram() {
        let grid = WeightHistogram(counts: [Int](repeating: 0, count: 40), glyphs: .unicode).render(width: 40, height: 6)
        #expect(grid.text().contains("no weights yet"))
    }
}
