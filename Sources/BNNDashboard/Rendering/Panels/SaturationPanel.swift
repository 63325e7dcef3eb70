import BNNEngine

/// Every run's every layer on one line: clip, flip and STE-cancel fractions
/// now, and a sparkline of the clip fraction over the epochs.
///
/// It answers at a glance which layer of which run is saturating (weights
/// pinned at ±1 stop learning) without stepping through the histograms.
public struct SaturationPanel: Sendable {
    public var snapshots: [RunSnapshot]
    public var selectedRun: Int
    public var selectedLayer: Int
    public var glyphs: Glyphs

    public init(snapshots: [RunSnapshot], selectedRun: Int, selectedLayer: Int, glyphs: Glyphs) {
        self.snapshots = snapshots; self.selectedRun = selectedRun; self.selectedLayer = selectedLayer
        self.glyphs = glyphs
    }

    public static let title = "Saturation by layer"

    /// Rows the panel's inside needs: a header and one row per run and layer.
    public var minimumHeight: Int { 1 + snapshots.reduce(0) { $0 + $1.layers.count } }

    /// Rows it would like: also a blank row between runs.
    public var idealHeight: Int { minimumHeight + Swift.max(0, snapshots.count - 1) }

    public func render(width: Int, height: Int) -> CellGrid {
        var grid = CellGrid(width: width, height: height)
        let muted = CellStyle(color: .muted, bold: true)
        let nameWidth = Swift.min(8, Swift.max(5, snapshots.map { $0.name.unicodeScalars.count }.max() ?? 5))
        // name, layer, three percentages, each followed by two spaces; the sparkline takes the rest.
        let sparkX = nameWidth + 2 + 5 + 2 + 3 * (7 + 2)
        let sparkWidth = Swift.max(0, width - sparkX)
        func columns(_ a: String, _ b: String, _ c: String, _ d: String, _ e: String, _ f: String) -> String {
            Format.pad(a, nameWidth) + "  " + Format.pad(b, 5) + "  " + Format.pad(c, 7, right: true) + "  "
                + Format.pad(d, 7, right: true) + "  " + Format.pad(e, 7, right: true) + "  " + f
        }
        grid.put(columns("run", "layer", "clip", "flip", "STE", sparkWidth >= 8 ? "clip per epoch" : ""),
                 x: 0, y: 0, style: muted)
        let spaced = height >= idealHeight
        var y = 1
        let allClips = snapshots.flatMap { s in s.history.flatMap(\.clipFraction) }.filter(\.isFinite)
        let scale = Swift.max(allClips.max() ?? 0, 1e-9)
        for (r, s) in snapshots.enumerated() {
            if r > 0 && spaced { y += 1 }
            for (i, l) in s.layers.enumerated() {
                guard y < height else { return grid }
                let selected = r == selectedRun && i == selectedLayer
                let style = CellStyle(color: .run(r), bold: selected)
                let text = columns(i == 0 ? s.name : "", "\(i + 1)/\(s.layers.count)",
                                   Format.percent(l.clipFraction), Format.percent(l.flipRatio),
                                   Format.percent(l.steCancelFraction), "")
                grid.put(text, x: 0, y: y, style: style)
                if selected { grid.put(glyphs.selection, x: nameWidth, y: y, style: style) }
                if sparkWidth >= 8 {
                    let clips = s.history.sorted { $0.epoch < $1.epoch }
                        .map { i < $0.clipFraction.count ? $0.clipFraction[i] : .nan }
                    let shown = clips.suffix(sparkWidth)
                    var x = sparkX
                    for v in shown {
                        let level = v.isFinite ? Swift.max(1, Swift.min(8, Int((v / scale * 8).rounded(.up)))) : 0
                        grid[x, y] = Cell(glyphs.barEighths[level], style: CellStyle(color: .run(r)))
                        x += 1
                    }
                }
                y += 1
            }
        }
        return grid
    }
}

extension SaturationPanel: DashboardPanel {
    public func panelTitle(maxWidth: Int) -> [TextSpan] { [TextSpan(Self.title, style: DashboardRenderer.title)] }
    public func preferredHeight(width: Int) -> Int? { idealHeight }
}
