import BNNEngine

/// The validation confusion matrix of one run: true classes down, predicted
/// across, each row's error at the right, and the most confused pair named
/// under it ("shirt → T-shirt 14.2%").
///
/// The diagonal is drawn in the good colour, each row's largest mistake in
/// the warning colour, so the eye finds the confusions without colour too
/// (they are also bold).
public struct ConfusionMatrixPanel: Sendable {
    public var matrix: ConfusionMatrix?
    public var classNames: [String]
    public var glyphs: Glyphs

    public init(matrix: ConfusionMatrix?, classNames: [String], glyphs: Glyphs) {
        self.matrix = matrix; self.classNames = classNames; self.glyphs = glyphs
    }

    static let nameWidth = 12
    static let cellWidth = 5
    static let errorWidth = 7

    /// Inside size the panel wants: header, one row per class, a blank and the summary.
    public func idealSize(classCount: Int = 10) -> (width: Int, height: Int) {
        (Self.nameWidth + classCount * Self.cellWidth + Self.errorWidth, classCount + 3)
    }

    /// Column widths for `width` columns: the ideal ones, or, narrower, shorter class names,
    /// then cells just wide enough for the largest count, then whole-percent errors. Nil when
    /// even that does not fit: the panel says so rather than cut numbers off.
    struct Layout: Equatable {
        var name: Int, cell: Int, error: Int, errorDecimals: Int
        var total: Int { name + classes * cell + error }
        let classes: Int
    }

    func layout(width: Int, matrix m: ConfusionMatrix) -> Layout? {
        var layout = Layout(name: Self.nameWidth, cell: Self.cellWidth, error: Self.errorWidth, errorDecimals: 1,
                            classes: m.classCount)
        let narrowest = Self.narrowestLayout(m)
        while layout.total > width && layout.name > narrowest.name { layout.name -= 1 }
        while layout.total > width && layout.cell > narrowest.cell { layout.cell -= 1 }
        if layout.total > width { layout.error = narrowest.error; layout.errorDecimals = narrowest.errorDecimals }
        return layout.total <= width ? layout : nil
    }

    /// The narrowest columns: 5-letter names, cells one wider than the largest count, " 100%".
    static func narrowestLayout(_ m: ConfusionMatrix) -> Layout {
        let digits = String(m.counts.flatMap { $0 }.max() ?? 0).count
        return Layout(name: 6, cell: digits + 1, error: 5, errorDecimals: 0, classes: m.classCount)
    }

    /// "shirt → T-shirt 14.2%" for the worst pair, nil without confusions.
    public func mostConfusedText() -> String? {
        guard let m = matrix, let pair = m.mostConfusedPair else { return nil }
        let arrow = glyphs.isASCII ? "->" : "\u{2192}"
        return "\(name(pair.label)) \(arrow) \(name(pair.predicted)) \(Format.percent(pair.fraction, decimals: 1))"
    }

    private func name(_ i: Int) -> String { i < classNames.count ? classNames[i] : String(i) }

    public func render(width: Int, height: Int) -> CellGrid {
        var grid = CellGrid(width: width, height: height)
        let muted = CellStyle(color: .muted)
        guard let m = matrix else {
            grid.putCentered("no epoch finished yet", x: 0, width: width, y: height / 2, style: muted)
            return grid
        }
        let n = m.classCount
        guard let layout = layout(width: width, matrix: m) else {
            grid.putCentered("\(n) classes need \(Self.narrowestLayout(m).total) columns", x: 0, width: width, y: height / 2, style: muted)
            return grid
        }
        let header = CellStyle(color: .muted, bold: true)
        grid.put(layout.name >= 10 ? "true\\pred" : "t\\p", x: 0, y: 0, style: header)
        for p in 0..<n {
            let short = String(name(p).prefix(layout.cell - 1))
            grid.put(Format.pad(short, layout.cell, right: true), x: layout.name + p * layout.cell, y: 0, style: header)
        }
        let errorX = layout.name + n * layout.cell
        grid.put(Format.pad(layout.error >= 6 ? "error" : "err", layout.error, right: true), x: errorX, y: 0, style: header)
        for t in 0..<n where 1 + t < height {
            let y = 1 + t
            grid.put(String(name(t).prefix(layout.name - 1)), x: 0, y: y, style: muted)
            let worst = (0..<n).filter { $0 != t }.max { m.counts[t][$0] < m.counts[t][$1] }
            for p in 0..<n {
                let count = m.counts[t][p]
                var style = CellStyle.plain
                if p == t { style = CellStyle(color: .good, bold: true) }
                else if p == worst && count > 0 { style = CellStyle(color: .warning, bold: true) }
                else if count == 0 { style = muted }
                grid.put(Format.pad(String(count), layout.cell, right: true), x: layout.name + p * layout.cell,
                         y: y, style: style)
            }
            grid.put(Format.pad(Format.percent(m.error(ofClass: t), decimals: layout.errorDecimals), layout.error, right: true),
                     x: errorX, y: y)
        }
        if n + 2 < height {
            // The whole summary, or as much as fits of it in whole pieces.
            let worst = TextSpan(mostConfusedText() ?? "none", style: CellStyle(color: .warning, bold: true))
            let error = TextSpan("error \(Format.percent(m.errorRate, decimals: 2)) of \(m.total)", style: muted)
            let separator = TextSpan(glyphs.separator, style: muted)
            let candidates: [[TextSpan]] = [
                [TextSpan("most confused ", style: muted), worst, separator, error],
                [worst, separator, error], [error],
            ]
            if let spans = candidates.first(where: { $0.reduce(0) { $0 + $1.text.count } <= width }) {
                grid.putSpans(spans, x: 0, y: n + 2, maxWidth: width)
            }
        }
        return grid
    }
}
