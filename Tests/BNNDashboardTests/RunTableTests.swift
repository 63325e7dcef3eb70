import Testing
import BNNEngine
@testable import BNNDashboard

@Suite("Run table")
struct RunTableTests {
    @Test func exactRowsAtFullWidth() {
        let table = RunTable(snapshots: FakeRuns.three(), selectedRun: 0, glyphs: .unicode)
        #expect(table.render(width: 119, height: 4).text() == """
            run        state         epoch    train      val     test  best val           lr  s/epoch      time      img/s   rss MB
            ▸ d det    ▶ running     12/20    8.40%   11.80%   12.40%  11.40% @10    0.00100     1.31   0:00:17     38,168       84
              s stoch  ‖ paused      11/20    9.80%   13.00%   13.60%  12.90% @10    0.00100     1.42   0:00:16     35,211       84
              f float  ▶ running     12/20    7.40%   10.80%   11.40%  10.40% @10    0.00100     1.08   0:00:14     46,296       84
            """)
    }

    @Test func numbersStayInPlaceAsValuesChange() {
        var runs = FakeRuns.three()
        let before = RunTable(snapshots: runs, selectedRun: 0, glyphs: .unicode).render(width: 119, height: 4)
        // Very different magnitudes: a 100% error, a tiny lr, a long time, a fast run.
        runs[0].history[runs[0].history.count - 1].valError = 1.0
        runs[0].learningRate = 0.000012345
        runs[0].trainingSeconds = 36_000 + 59
        runs[0].history[runs[0].history.count - 1].samplesPerSecond = 1_234_567
        let after = RunTable(snapshots: runs, selectedRun: 0, glyphs: .unicode).render(width: 119, height: 4)
        // Every column's right edge (for right-aligned numbers) is where the header says.
        for column in ["val", "lr", "time", "img/s"] {
            let header = before.row(0)
            let end = header.distance(from: header.startIndex, to: header.range(of: column)!.upperBound) - 1
            for y in 1...3 {
                #expect(before[end, y].scalar != " ", "\(column) row \(y) before")
                #expect(after[end, y].scalar != " ", "\(column) row \(y) after")
                #expect(after[end + 1, y].scalar == " ", "\(column) row \(y) overflows")
            }
        }
        #expect(after.row(1).contains(" 100.00% "))
        #expect(after.row(1).contains("1.23e-05"))
        #expect(after.row(1).contains("10:00:59"))
        #expect(after.row(1).contains("1,234,567"))
        // Other rows did not move.
        #expect(before.row(2) == after.row(2))
    }

    /// Rates keep to the column's 8 places, three-digit exponents too.
    @Test func learningRatesFitTheirColumn() {
        #expect(Format.learningRate(0.002) == "0.00200")
        #expect(Format.learningRate(8.9e-5) == "8.90e-05")
        #expect(Format.learningRate(1e308) == "1.0e+308")
        #expect(Format.learningRate(3.87e-124) == "3.9e-124")
        for rate in [1e-320, 5e-324, 1.7e308, 1e100, 0.5] { #expect(Format.learningRate(rate).count <= 8, "\(rate)") }
    }

    @Test func narrowTablesDropWholeColumns() {
        // The 80-column dashboard's table: speed, time and memory left out whole; lr and test kept.
        let grid = RunTable(snapshots: FakeRuns.three(), selectedRun: 1, glyphs: .unicode).render(width: 76, height: 4)
        #expect(grid.text() == """
            run       state        epoch   train     val    test best val          lr
              d det   ▶ running    12/20   8.40%  11.80%  12.40% 11.40% @10   0.00100
            ▸ s stoch ‖ paused     11/20   9.80%  13.00%  13.60% 12.90% @10   0.00100
              f float ▶ running    12/20   7.40%  10.80%  11.40% 10.40% @10   0.00100
            """)
    }

    @Test func runsWithoutEpochsShowDashes() {
        let fresh = FakeRuns.run(name: "det", mode: .deterministic, state: .starting, epochs: 0, base: 0.1,
                                 speed: 1, clip: 0)
        let grid = RunTable(snapshots: [fresh], selectedRun: 0, glyphs: .ascii).render(width: 119, height: 2)
        #expect(grid.row(1).hasPrefix("> d det    . starting     0/20        -        -        -  -"))
    }
}
