import BNNEngine

/// The insight view (`i`) of the selected run: its validation confusion
/// matrix and a few binary receptive fields side by side, and under them a
/// page of the test images it gets most confidently wrong.
///
/// Drawn in the region the chart and weight panels otherwise take (`PanelSlot.insight`);
/// the run table and status lines stay. The text export draws the same panels.
public struct InsightView: Sendable, DashboardPanel {
    public var snapshot: RunSnapshot
    public var run: Int
    public var page: Int
    public var glyphs: Glyphs
    public var classNames: [String]

    public init(snapshot: RunSnapshot, run: Int, page: Int, glyphs: Glyphs, classNames: [String]? = nil) {
        self.snapshot = snapshot; self.run = run; self.page = page; self.glyphs = glyphs
        self.classNames = classNames ?? ClassNames.names(dataset: nil, classCount: snapshot.architecture.outputSize)
    }

    var matrix: ConfusionMatrixPanel {
        ConfusionMatrixPanel(matrix: snapshot.insight?.confusion, classNames: classNames, glyphs: glyphs)
    }
    var strip: MisclassifiedStrip {
        MisclassifiedStrip(insight: snapshot.insight, classNames: classNames, page: page, ascii: glyphs.isASCII)
    }
    var fields: ReceptiveFieldStrip {
        ReceptiveFieldStrip(fields: snapshot.insight?.receptiveFields ?? [], ascii: glyphs.isASCII,
                            style: CellStyle(color: .run(run)))
    }

    /// The three panels, each with its rectangle, for a `width` x `height` region
    /// (the strip is left out when it does not fit).
    public func panels(width: Int, height: Int) -> [(rect: GridRect, title: String, note: String?, grid: (Int, Int) -> CellGrid)] {
        let sep = glyphs.separator
        let epoch = snapshot.insight.map { $0.confusion == nil ? "" : "\(sep)epoch \($0.epoch)" } ?? ""
        let m = matrix, f = fields, s = strip
        let matrixSize = m.idealSize(classCount: snapshot.architecture.outputSize)
        let matrixWidth = Swift.min(width, matrixSize.width + 4)
        let showFields = width - matrixWidth >= 34
        let topHeight = Swift.min(height, Swift.max(matrixSize.height, showFields ? f.idealHeight() : 0) + 2)
        var result: [(GridRect, String, String?, (Int, Int) -> CellGrid)] = [
            (GridRect(x: 0, y: 0, width: matrixWidth, height: topHeight),
             "Confusion\(sep)\(snapshot.name)\(sep)validation\(epoch)", nil, m.render),
        ]
        if showFields {
            result.append((GridRect(x: matrixWidth, y: 0, width: width - matrixWidth, height: topHeight),
                           "Receptive fields\(sep)layer 1 binary weights", "white +1", f.render))
        }
        let stripHeight = s.idealHeight() + 2
        if height - topHeight >= stripHeight {
            let label = s.pageLabel(width: width - 4)
            result.append((GridRect(x: 0, y: topHeight, width: width, height: stripHeight),
                           "Misclassified test images\(sep)most confident first\(sep)\(label)", "n/N page", s.render))
        }
        return result
    }

    /// Rows the view needs to show all its panels.
    public var idealHeight: Int {
        let matrixRows = matrix.idealSize(classCount: snapshot.architecture.outputSize).height
        return Swift.max(matrixRows, fields.idealHeight()) + 2 + strip.idealHeight() + 2  // (at widths showing the fields)
    }

    public func render(width: Int, height: Int) -> CellGrid {
        var grid = CellGrid(width: width, height: height)
        let accent = CellStyle(color: .accent, bold: true), muted = CellStyle(color: .muted)
        for panel in panels(width: width, height: height) {
            DashboardRenderer.drawPanel(on: &grid, panel.rect, glyphs: glyphs, title: [TextSpan(panel.title, style: accent)],
                                        note: panel.note.map { [TextSpan($0, style: muted)] } ?? [],
                                        content: panel.grid)
        }
        return grid
    }

    public func panelTitle(maxWidth: Int) -> [TextSpan] { [TextSpan("Insight", style: DashboardRenderer.title)] }

    /// The view frames its own three panels: no border around them.
    public func draw(on grid: inout CellGrid, in rect: GridRect, glyphs: Glyphs) {
        grid.blit(render(width: rect.width, height: rect.height), x: rect.x, y: rect.y)
    }
}
