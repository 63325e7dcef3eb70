import Testing
@testable import BNNDashboard

@Suite("Line chart")
struct LineChartTests {
    /// Validation 30% → 12% over epochs 1-4 (solid, letter "d" at its end) and train 5 points lower (dotted).
    static let validation = [ChartPoint(x: 1, y: 0.30), ChartPoint(x: 2, y: 0.20),
                             ChartPoint(x: 3, y: 0.15), ChartPoint(x: 4, y: 0.12)]
    static var series: [ChartSeries] {
        let train = ChartSeries(points: validation.map { ChartPoint(x: $0.x, y: $0.y - 0.05) },
                                pen: Pen(style: .plain, pattern: .dotted, marker: "o"))
        let val = ChartSeries(points: validation, pen: Pen(style: .plain, marker: "*"), label: "d", labelIndices: [3])
        return [train, val]
    }

    @Test func brailleChartExactText() {
        let chart = LineChart(series: Self.series, format: .percent, legend: [[TextSpan("d det")]])
        // 7 plot rows: ticks every 10% from 0% (the train minimum is 7%); x axis 0...4 in steps of 2.
        #expect(chart.render(width: 30, height: 10).text() == """
            30% ┤      ⠑⠢⣀
                │      ⠁⠂⡀⠑⠤⡀
            20% ┤         ⠁⠄⡈⠑⠢⢄⡀
                │            ⠁⠂⠄⡈⠉⠒⠤⠤⣀⣀⣀
            10% ┤                ⠁⠂⠄⠄⡀⡀ ⠉d
                │                      ⠁⠁⠂
             0% ┤
                └────────────┬───────────┬
                 0           2     epoch 4
                 d det
            """)
    }

    @Test func asciiChartExactText() {
        let chart = LineChart(series: Self.series, format: .percent, ascii: true, legend: [[TextSpan("d det")]])
        // One dot per cell: the validation line in '*', the train line dotted in 'o'; the letter is the caller's.
        #expect(chart.render(width: 30, height: 10).text() == """
            30% +      **
                |      o ***
            20% +        o o****
                |            o o******
            10% +                o o o***d
                |                      o o
             0% +
                +------------+-----------+
                 0           2     epoch 4
                 d det
            """)
    }

    @Test func logScaleExactText() {
        let chart = LineChart(series: Self.series, format: .percent, logScale: true)
        // 1-2-5 ticks per decade (the denser sets would put 20% and 30% on adjacent rows).
        #expect(chart.yScale(plotRows: 8).ticks == [5, 10, 20, 50])
        #expect(chart.render(width: 30, height: 10).text() == """
            50% ┤
                │      ⣀
                │      ⠂⠍⡒⠢⠤⣀
            20% ┤         ⠁⠂⠄⡉⠑⠒⠤⢄⣀
                │             ⠂⠄⡀  ⠉⠑⠒⠢⠤⢄d
            10% ┤                ⠁⠂⠄⠄⡀
                │                     ⠁⠁⠂⠄
             5% ┤
                └────────────┬───────────┬
                 0           2     epoch 4
            """)
    }

    @Test func logScaleSpreadsSmallValues() {
        // On a log axis equal ratios are equal heights: 1% → 2% climbs as far as 10% → 20%.
        let scale = AxisScale.logarithmic(min: 1, max: 20, rows: 20, dotsPerRow: 4, minimumGap: 2)
        let a = scale.fraction(of: 2)! - scale.fraction(of: 1)!
        let b = scale.fraction(of: 20)! - scale.fraction(of: 10)!
        #expect(abs(a - b) < 1e-12)
        #expect(scale.lower <= 1 && scale.upper >= 20)
        #expect(scale.fraction(of: 0) == nil)       // not drawable on a log axis
        #expect(scale.fraction(of: -.infinity) == nil)
    }

    @Test func linearTicksAreRound() {
        let a = AxisScale.linear(min: 5.3, max: 28.7, maxTicks: 8)
        #expect(a.ticks == [5, 10, 15, 20, 25, 30])
        let b = AxisScale.linear(min: 0.31, max: 0.78, maxTicks: 5)
        #expect(b.ticks == [0.2, 0.4, 0.6, 0.8])
        #expect(AxisScale.labels(for: b.ticks) == ["0.2", "0.4", "0.6", "0.8"])
        #expect(AxisScale.labels(for: [10, 12.5, 15], suffix: "%") == ["10.0%", "12.5%", "15.0%"])
        let flat = AxisScale.linear(min: 12, max: 12, maxTicks: 4)
        #expect(flat.lower <= 12 && flat.upper >= 12 && flat.upper > flat.lower)
    }

    @Test func xAxisRescalesAsEpochsGrow() {
        func upper(_ epochs: Int) -> Double {
            let s = ChartSeries(points: (1...epochs).map { ChartPoint(x: Double($0), y: 0.1) }, pen: Pen(style: .plain))
            return LineChart(series: [s], format: .percent).xAxis(plotColumns: 80).upper
        }
        #expect(upper(3) == 3)
        #expect(upper(12) == 12)
        #expect(upper(13) == 14)
        #expect(upper(97) == 100)
        #expect(upper(250) == 250)
        // Never past the planned epochs unless the data is.
        let s = ChartSeries(points: [ChartPoint(x: 11, y: 0.1)], pen: Pen(style: .plain))
        #expect(LineChart(series: [s], format: .percent, xLimit: 12).xAxis(plotColumns: 80).upper == 12)
        // The last point always sits on the plot: the rightmost column for the axis end.
        let wide = LineChart(series: [ChartSeries(points: (1...250).map { ChartPoint(x: Double($0), y: 0.5) },
                                                  pen: Pen(style: .plain, marker: "*"))],
                             format: .percent, ascii: true)
        let grid = wide.render(width: 60, height: 8)
        #expect((0..<6).contains { grid[59, $0].scalar == "*" })
    }

    @Test func nonFiniteValuesBreakTheLine() {
        let s = ChartSeries(points: [ChartPoint(x: 1, y: 0.3), ChartPoint(x: 2, y: .nan), ChartPoint(x: 3, y: 0.1)],
                            pen: Pen(style: .plain, marker: "*"))
        let grid = LineChart(series: [s], format: .percent, ascii: true).render(width: 30, height: 8)
        // Two isolated dots, no line between them.
        let stars = grid.text().filter { $0 == "*" }.count
        #expect(stars == 2)
    }

    @Test func emptyChartSaysSo() {
        let grid = LineChart(series: [], format: .percent).render(width: 40, height: 10)
        #expect(grid.text().contains("waiting for the first epoch"))
    }
}
