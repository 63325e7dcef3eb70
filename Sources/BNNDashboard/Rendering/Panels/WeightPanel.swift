import BNNEngine

/// The weight-clip panel of one run's layer: the latent-weight histogram over
/// [-1, 1] and beside it (or under it, when narrow) the numbers that say
/// whether the layer still learns: clip fraction, flip ratio, STE-cancel
/// fraction, the forward product (xnor, sgemm or direct), shape, and which layer of how many.
public struct WeightPanel: Sendable {
    public var snapshot: RunSnapshot
    public var run: Int
    public var layer: Int
    public var glyphs: Glyphs
    /// Rows of bars the panel asks for (`idealHeight`); it draws up to twice as many
    /// when it is given the rows (far taller than wide reads badly).
    public var maximumBarRows: Int
    /// The user's zoom choice (`z`); nil follows `WeightZoomChoice`'s default.
    public var zoomChoice: Bool?

    public init(snapshot: RunSnapshot, run: Int, layer: Int, glyphs: Glyphs, maximumBarRows: Int = 16,
                zoomChoice: Bool? = nil) {
        self.snapshot = snapshot; self.run = run; self.layer = layer; self.glyphs = glyphs
        self.maximumBarRows = maximumBarRows; self.zoomChoice = zoomChoice
    }

    /// Width of the stats column when it sits beside the histogram.
    public static let statsWidth = 16

    /// "Latent weights · det · layer 1 of 2 (784×1024)", shortened to fit `maxWidth`.
    public func title(maxWidth: Int = .max) -> String {
        let sep = glyphs.separator
        guard layer < snapshot.layers.count else { return "Latent weights" + sep + snapshot.name }
        let l = snapshot.layers[layer]
        let n = snapshot.layers.count
        let candidates = [
            "Latent weights\(sep)\(snapshot.name)\(sep)layer \(layer + 1) of \(n) (\(shape(l)))",
            "Latent weights\(sep)\(snapshot.name)\(sep)layer \(layer + 1) of \(n)",
            "Weights\(sep)\(snapshot.name)\(sep)layer \(layer + 1)/\(n)",
        ]
        return candidates.first { $0.unicodeScalars.count <= maxWidth } ?? candidates[candidates.count - 1]
    }

    /// Rows this panel's inside wants at `width` (bars at their maximum).
    public func idealHeight(width: Int) -> Int {
        let (beside, statsRows) = arrangement(width: width)
        return maximumBarRows + WeightHistogram.extraRows + (beside ? 0 : statsRows)
    }

    private var binCount: Int {
        layer < snapshot.layers.count ? snapshot.layers[layer].histogram.count : LayerStatistics.binCount
    }

    /// Whether the stats go beside the histogram, and how many rows they take below it otherwise.
    private func arrangement(width: Int) -> (beside: Bool, statsRows: Int) {
        let besideWidth = WeightHistogram.fit(binCount: binCount, width: width - Self.statsWidth - 2).columns
        let belowWidth = WeightHistogram.fit(binCount: binCount, width: width).columns
        if besideWidth >= Swift.min(binCount, belowWidth) && besideWidth > 0 { return (true, 0) }
        return (false, statLines(width: width).count)
    }

    private var stats: [(key: String, value: String, style: CellStyle)] {
        guard layer < snapshot.layers.count else { return [] }
        let l = snapshot.layers[layer]
        let clipStyle = l.clipFraction >= 0.05 ? CellStyle(color: .warning, bold: true) : CellStyle.plain
        // Unique filters are a ConvNet's figure: an MLP's panel has no row for them.
        let hasConvolutions = snapshot.layers.contains { $0.kernelSize != nil }
        return [
            ("clip", Format.percentCompact(l.clipFraction), clipStyle),
            ("flip/epoch", Format.percentCompact(l.flipRatio), .plain),
            ("STE cancel", Format.percentCompact(l.steCancelFraction), .plain),
            ("forward", forwardProduct, .plain),
            ("shape", shape(l), .plain),
        ] + (hasConvolutions ? [("unique", uniqueFilters(l), .plain)] : []) + [
            ("layer", "\(layer + 1) of \(snapshot.layers.count)", .plain),
        ]
    }

    /// `784×1024` for a dense layer, `3×3×32→64` for a convolution.
    private func shape(_ l: LayerStatistics) -> String {
        l.shapeLabel(times: glyphs.times, arrow: glyphs.times == "x" ? "->" : "→")
    }

    /// A binary convolution's distinct 3×3 kernels up to negation, out of the most there can
    /// be (min(256, Cout·Cin)), e.g. "242/256"; "-" for dense layers and float runs.
    private func uniqueFilters(_ l: LayerStatistics) -> String {
        guard let unique = l.uniqueFilters, let most = l.uniqueFilterLimit else { return "-" }
        return "\(unique)/\(most)"
    }

    /// The product the layer's training forward pass ran (see `ForwardProductKind`): the
    /// exact pixel product, XNOR-popcount, sgemm or the direct convolution; "-" for a
    /// recorded run, whose log does not say.
    private var forwardProduct: String {
        guard snapshot.layers.indices.contains(layer) else { return "-" }
        return snapshot.layers[layer].forwardProduct ?? "-"
    }

    /// The stats packed into lines of at most `width` columns, for the narrow arrangement.
    private func statLines(width: Int) -> [[TextSpan]] {
        var lines: [[TextSpan]] = []
        var current: [TextSpan] = []
        let muted = CellStyle(color: .muted)
        for s in stats {
            let item = [TextSpan(s.key + " ", style: muted), TextSpan(s.value, style: s.style)]
            let sep = current.isEmpty ? [] : [TextSpan(glyphs.separator, style: muted)]
            if !current.isEmpty && current.width + sep.width + item.width > width {
                lines.append(current); current = item
            } else {
                current += sep + item
            }
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }

    public func render(width: Int, height: Int) -> CellGrid {
        var grid = CellGrid(width: width, height: height)
        guard layer < snapshot.layers.count else {
            grid.putCentered("no layer statistics yet", x: 0, width: width, y: height / 2, style: CellStyle(color: .muted))
            return grid
        }
        let l = snapshot.layers[layer]
        let (beside, statsRows) = arrangement(width: width)
        let histWidth = beside ? width - Self.statsWidth - 2 : width
        // maximumBarRows is what the panel asks for; given more rows (a tall terminal), the
        // bars grow into them, up to twice as tall.
        let histHeight = Swift.min(height - (beside ? 0 : statsRows),
                                   2 * maximumBarRows + WeightHistogram.extraRows)
        let zoom = WeightZoomChoice.isZoomed(zoomChoice, snapshot: snapshot, layer: layer)
            ? snapshot.insight?.weightZoom[layer] : nil
        let histogram = WeightHistogram(counts: l.histogram, glyphs: glyphs, barStyle: CellStyle(color: .run(run)),
                                        zoom: zoom)
        let fit = WeightHistogram.fit(binCount: l.histogram.count, width: histWidth)
        let bars = histogram.render(width: fit.columns, height: histHeight)
        if !beside {
            grid.blit(bars, x: (width - fit.columns) / 2, y: 0)
            for (i, line) in statLines(width: width).enumerated() {
                grid.putSpans(line, x: 0, y: histHeight + i, maxWidth: width)
            }
            return grid
        }
        // Histogram and stats side by side, two columns apart, centered as a block.
        let blockWidth = fit.columns + 2 + Self.statsWidth
        let histX = Swift.max(0, (width - blockWidth) / 2)
        let top = Swift.max(0, (height - histHeight) / 2)
        grid.blit(bars, x: histX, y: top)
        let statsX = histX + fit.columns + 2
        let statsTop = top + 1
        for (i, s) in stats.enumerated() {
            grid.put(s.key, x: statsX, y: statsTop + i, style: CellStyle(color: .muted))
            grid.putRight(s.value, rightX: statsX + Self.statsWidth - 1, y: statsTop + i, style: s.style)
        }
        return grid
    }
}

extension WeightPanel: DashboardPanel {
    /// The title may take the whole top edge; the "[ ] layer" note shows only if room is left.
    public func panelTitle(maxWidth: Int) -> [TextSpan] {
        [TextSpan(title(maxWidth: maxWidth), style: CellStyle(color: .run(run), bold: true))]
    }

    public var panelNote: [TextSpan] {
        [TextSpan("[ ]", style: DashboardRenderer.accent), TextSpan(" layer", style: DashboardRenderer.muted)]
    }

    public func preferredHeight(width: Int) -> Int? { idealHeight(width: width) }
}
