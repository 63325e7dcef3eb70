import BNNEngine

/// A bordered box of the dashboard: the one shape every panel has.
///
/// By default (`draw(on:in:glyphs:)`) the border is drawn with the title on its top
/// edge and the note at the right end (when room is left), then the inside is filled
/// with `render`; a panel made of boxes of its own (the insight view) draws itself.
/// A new panel is a type conforming to this plus a `PanelSlot` that says where
/// it goes (`DashboardLayout.rect(for:)`) and builds it from a `PanelContext`.
public protocol DashboardPanel {
    /// The title on the top edge, shortened to `maxWidth` columns if the panel can.
    func panelTitle(maxWidth: Int) -> [TextSpan]
    /// Key hints at the right end of the top edge.
    var panelNote: [TextSpan] { get }
    /// Rows the inside would like at an inside width (nil: whatever the layout gives).
    func preferredHeight(width: Int) -> Int?
    /// The inside, `width` x `height` cells.
    func render(width: Int, height: Int) -> CellGrid
    /// Draws the panel into `rect` of `grid`: by default the bordered box around `render`.
    func draw(on grid: inout CellGrid, in rect: GridRect, glyphs: Glyphs)
}

extension DashboardPanel {
    public var panelNote: [TextSpan] { [] }
    public func preferredHeight(width: Int) -> Int? { nil }

    public func draw(on grid: inout CellGrid, in rect: GridRect, glyphs: Glyphs) {
        // The top edge holds the corners, and the title between a space on either side.
        DashboardRenderer.drawPanel(on: &grid, rect, glyphs: glyphs, title: panelTitle(maxWidth: rect.width - 6),
                                    note: panelNote) { w, h in render(width: w, height: h) }
    }
}

/// What a panel may be built from: the runs, the UI state, the glyph set and the header
/// (whose dataset names the classes of the insight view).
public struct PanelContext {
    public let snapshots: [RunSnapshot]
    public let state: DashboardState
    public let glyphs: Glyphs
    public let header: DashboardHeader

    /// The selected run's snapshot, if there is one.
    public var selected: RunSnapshot? {
        state.selectedRun < snapshots.count ? snapshots[state.selectedRun] : nil
    }
}

/// The panels of the live dashboard, by the place they take in the layout.
public enum PanelSlot: CaseIterable, Sendable {
    case chart, weights, saturation, table
    /// The insight view (`i`): it takes the chart, weight and saturation slots' region.
    case insight

    /// The slots drawn for `context`: the insight view and the table while the insight
    /// view is open (and a run is selected), else the main view's four.
    public static func shown(in context: PanelContext) -> [PanelSlot] {
        context.state.insightVisible && context.selected != nil ? [.insight, .table] : [.chart, .weights, .saturation, .table]
    }

    /// The panel that fills this slot.
    public func panel(_ context: PanelContext) -> any DashboardPanel {
        let state = context.state, glyphs = context.glyphs
        switch self {
        case .chart:
            return ChartPanel(chart: RunChart(kind: state.chartKind, logScale: state.logScale, showTest: state.showTest,
                                              selectedRun: state.selectedRun, ascii: state.ascii,
                                              monochrome: state.monochrome, selectedOnly: state.selectedRunOnly),
                              snapshots: context.snapshots)
        case .weights:
            guard let selected = context.selected else {
                return PlaceholderPanel(title: "Latent weights", message: "no runs")
            }
            return WeightPanel(snapshot: selected, run: state.selectedRun, layer: state.selectedLayer, glyphs: glyphs,
                               zoomChoice: state.histogramZoom)
        case .saturation:
            return SaturationPanel(snapshots: context.snapshots, selectedRun: state.selectedRun,
                                   selectedLayer: state.selectedLayer, glyphs: glyphs)
        case .table:
            let rates = context.snapshots.enumerated().map { state.learningRate(of: $0.element, run: $0.offset) }
            return RunTable(snapshots: context.snapshots, selectedRun: state.selectedRun, learningRates: rates, glyphs: glyphs)
        case .insight:
            guard let selected = context.selected else {
                return PlaceholderPanel(title: "Insight", message: "no runs")
            }
            let names = ClassNames.names(dataset: context.header.dataset, classCount: selected.architecture.outputSize)
            return InsightView(snapshot: selected, run: state.selectedRun, page: state.insightPage, glyphs: glyphs,
                               classNames: names)
        }
    }
}

/// A panel with nothing to show yet: its title and a centered message.
struct PlaceholderPanel: DashboardPanel {
    let title: String
    let message: String

    func panelTitle(maxWidth: Int) -> [TextSpan] { [TextSpan(title, style: DashboardRenderer.title)] }

    func render(width: Int, height: Int) -> CellGrid {
        var grid = CellGrid(width: width, height: height)
        grid.putCentered(message, x: 0, width: width, y: height / 2, style: DashboardRenderer.muted)
        return grid
    }
}
