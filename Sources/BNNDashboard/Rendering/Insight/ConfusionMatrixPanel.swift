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
        let header = CellStyle(color: .muted, bold: true)
        grid.put("true\\pred", x: 0, y: 0, style: header)
        for p in 0..<n {
            let short = String(name(p).prefix(Self.cellWidth - 1))
            grid.put(Format.pad(short, Self.cellWidth, right: true), x: Self.nameWidth + p * Self.cellWidth, y: 0, style: header)
        }
        let errorX = Self.nameWidth + n * Self.cellWidth
        grid.put(Format.pad("error", Self.errorWidth, right: true), x: errorX, y: 0, style: header)
        for t in 0..<n where 1 + t < height {
            let y = 1 + t
            grid.put(String(name(t).prefix(Self.nameWidth - 1)), x: 0, y: y, style: muted)
            let worst = (0..<n).filter { $0 != t }.max { m.counts[t][$0] < m.counts[t][$1] }
            for p in 0..<n {
                let count = m.counts[t][p]
                var style = CellStyle.plain
                if p == t { style = CellStyle(color: .good, bold: true) }
                else if p == worst && count > 0 { style = CellStyle(color: .warning, bold: true) }
                else if count == 0 { style = muted }
                grid.put(Format.pad(String(count), Self.cellWidth, right: true), x: Self.nameWidth + p * Self.cellWidth,
                         y: y, style: style)
            }
            grid.put(Format.pad(Format.percent(m.error(ofClass: t), decimals: 1), Self.errorWidth, right: true),
                     x: errorX, y: y)
        }
        if n + 2 < height {
            var spans = [TextSpan("most confused ", style: muted)]
            spans.append(TextSpan(mostConfusedText() ?? "none", style: CellStyle(color: .warning, bold: true)))
            spans.append(TextSpan("\(glyphs.separator)error \(Format.percent(m.errorRate, decimals: 2)) of \(m.total)", style: muted))
            grid.putSpans(spans, x: 0, y: n + 2, maxWidth: width)
        }
        return grid
    }
}
