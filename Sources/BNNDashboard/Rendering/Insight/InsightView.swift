import BNNEngine

/// The insight view (`i`) of the selected run: its validation confusion
/// matrix and a few binary receptive fields (an MLP's first-layer neurons, a
/// ConvNet's first-convolution filters) side by side, and under them a page of
/// the test images it gets most confidently wrong.
///
/// Drawn in the region the chart and weight panels otherwise take (`PanelSlot.insight`);
/// the run table and status lines stay. The text export draws the same panels.
public struct InsightView: Sendable, DashboardPanel {
    public var snapshot: RunSnapshot
    public var run: Int
    public var page: Int
    public var glyphs: Glyphs
    public var classNames: [String]
    /// Drawn for the text export: no key hint, since a file has no keys (the export adds
    /// the strip's other pages below).
    public var forExport = false

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
                            style: CellStyle(color: .run(run)), layer: snapshot.layers.first)
    }

    /// The three panels, each with its rectangle, for a `width` x `height` region
    /// (the strip is left out when it does not fit).
    public func panels(width: Int, height: Int) -> [(rect: GridRect, title: String, note: String?, grid: (Int, Int) -> CellGrid)] {
        let sep = glyphs.separator
        let epoch = snapshot.insight.map { $0.confusion == nil ? "" : "\(sep)epoch \($0.epoch)" } ?? ""
        let m = matrix, f = fields, s = strip
        let matrixSize = m.idealSize(classCount: snapshot.architecture.outputSize)
        let matrixWidth = Swift.min(width, matrixSize.width + 4)
        let showFields = fieldsFitBeside(width: width)
        let fieldsHeight = showFields ? f.idealHeight(width: width - matrixWidth - 4) : 0
        let topHeight = Swift.min(height, Swift.max(matrixSize.height, fieldsHeight) + 2)
        var result: [(GridRect, String, String?, (Int, Int) -> CellGrid)] = [
            (GridRect(x: 0, y: 0, width: matrixWidth, height: topHeight),
             "Confusion\(sep)\(snapshot.name)\(sep)validation\(epoch)", nil, m.render),
        ]
        if showFields {
            result.append((GridRect(x: matrixWidth, y: 0, width: width - matrixWidth, height: topHeight),
                           fieldsTitle, fieldsNote, f.render))
        }
        // A file is not short of rows: fields that do not fit beside the matrix go under it.
        let fieldsBelow = forExport && !showFields && !f.fields.isEmpty ? f.idealHeight(width: width - 4) + 2 : 0
        if fieldsBelow > 0 {
            result.append((GridRect(x: 0, y: topHeight, width: width, height: fieldsBelow), fieldsTitle, fieldsNote, f.render))
        }
        let stripTop = topHeight + fieldsBelow
        let stripHeight = s.idealHeight() + 2
        if height - stripTop >= stripHeight {
            result.append((GridRect(x: 0, y: stripTop, width: width, height: stripHeight),
                           stripTitle(width: width), forExport ? nil : "n/N page", s.render))
        } else if height - stripTop >= 3 {
            // Too short for the pictures: the same images as lines, as many as there are rows.
            var list = s
            list.listRows = height - stripTop - 2
            result.append((GridRect(x: 0, y: stripTop, width: width, height: height - stripTop),
                           stripTitle(width: width, strip: list), "n/N page", list.render))
        }
        return result
    }

    /// Whether the receptive fields fit beside the confusion matrix (34 columns left) at `width`.
    func fieldsFitBeside(width: Int) -> Bool {
        let matrixWidth = Swift.min(width, matrix.idealSize(classCount: snapshot.architecture.outputSize).width + 4)
        return width - matrixWidth >= 34
    }

    /// "Misclassified test images · most confident first · page 2/8" for a strip `width` wide.
    public func stripTitle(width: Int, strip: MisclassifiedStrip? = nil) -> String {
        let sep = glyphs.separator
        return "Misclassified test images\(sep)\(snapshot.name)\(sep)most confident first\(sep)\((strip ?? self.strip).pageLabel(width: width - 4))"
    }

    private var fieldsTitle: String {
        let sep = glyphs.separator
        // A float run's weights are real: the fields are their signs, not weights it uses.
        let kind = snapshot.mode.isBinary ? "binary" : "signs of the float"
        return showsFilters ? "Receptive fields\(sep)conv layer 1 \(kind) 3\(glyphs.times)3 filters"
                            : "Receptive fields\(sep)layer 1 \(kind) weights"
    }

    /// Filters for a ConvNet, also when its weights are not here to draw (attach, watch).
    private var showsFilters: Bool {
        fields.fields.isEmpty ? snapshot.architecture.hasConvolutions : fields.showsFilters
    }

    private var fieldsNote: String {
        guard showsFilters else { return "white +1" }
        return glyphs.isASCII ? "## +1 .. -1" : "\u{2588}\u{2588} +1 \u{2591}\u{2591} -1"
    }

    /// Rows the view needs to show all its panels at `width` (when the fields fit beside the matrix).
    public func idealHeight(width: Int) -> Int {
        let matrixSize = matrix.idealSize(classCount: snapshot.architecture.outputSize)
        let fieldsWidth = width - Swift.min(width, matrixSize.width + 4) - 4
        if !fieldsFitBeside(width: width) {
            let below = forExport && !fields.fields.isEmpty ? fields.idealHeight(width: width - 4) + 2 : 0
            return matrixSize.height + 2 + below + strip.idealHeight() + 2
        }
        return Swift.max(matrixSize.height, fields.idealHeight(width: fieldsWidth)) + 2 + strip.idealHeight() + 2
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
