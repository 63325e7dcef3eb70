import BNNEngine

/// The whole dashboard as a pure function: snapshots + UI state + header facts
/// + size + time → a grid of cells.
///
/// The terminal only copies the grid to the screen, and the text export uses
/// the same panels, so what the tests check is what the user sees.
public enum DashboardRenderer {
    /// Renders the dashboard at `width` x `height`.
    /// - Parameters:
    ///   - snapshots: the runs' latest snapshots, in display order.
    ///   - state: selection, chart options, overlays, message, prompt.
    ///   - header: session facts for the header line.
    ///   - now: seconds on the clock of `state.message` and `header.startedAt`.
    public static func render(snapshots: [RunSnapshot], state: DashboardState, header: DashboardHeader,
                              width: Int, height: Int, now: Double) -> CellGrid {
        let glyphs = Glyphs.forASCII(state.ascii)
        guard width >= DashboardLayout.minimumWidth, height >= DashboardLayout.minimumHeight else {
            return tooSmall(width: width, height: height, glyphs: glyphs)
        }
        var state = state
        state.clampSelection(runCount: snapshots.count) { snapshots[$0].layers.count }
        var grid = CellGrid(width: width, height: height)
        let selected: RunSnapshot? = state.selectedRun < snapshots.count ? snapshots[state.selectedRun] : nil
        let weights = selected.map { WeightPanel(snapshot: $0, run: state.selectedRun, layer: state.selectedLayer, glyphs: glyphs,
                                                 zoomChoice: state.histogramZoom) }
        let saturation = SaturationPanel(snapshots: snapshots, selectedRun: state.selectedRun,
                                         selectedLayer: state.selectedLayer, glyphs: glyphs)
        let layout = DashboardLayout(width: width, height: height, runCount: snapshots.count,
                                     weightsHeight: { weights?.idealHeight(width: $0) ?? 6 },
                                     saturationHeight: saturation.idealHeight)

        grid.blit(HeaderLine(header: header, snapshots: snapshots, selectedRun: state.selectedRun,
                             glyphs: glyphs, now: now).render(width: width), x: 0, y: 0)

        if state.insightVisible, let selected {
            // The insight view takes the chart and weight region; table and status stay.
            let names = ClassNames.names(dataset: header.dataset, classCount: selected.architecture.outputSize)
            let view = InsightView(snapshot: selected, run: state.selectedRun, page: state.insightPage, glyphs: glyphs,
                                   classNames: names)
            grid.blit(view.render(width: width, height: layout.table.y - layout.chart.y), x: 0, y: layout.chart.y)
        } else {
            drawCharts(on: &grid, layout: layout, snapshots: snapshots, state: state, glyphs: glyphs, weights: weights,
                       saturation: saturation)
        }
        drawTable(on: &grid, layout: layout, snapshots: snapshots, state: state, glyphs: glyphs)
        grid.blit(StatusLines(snapshots: snapshots, state: state, glyphs: glyphs, now: now).render(width: width),
                  x: 0, y: layout.status.y)

        if state.helpVisible { HelpOverlay.draw(on: &grid, glyphs: glyphs) }
        return state.monochrome ? grid.monochromed() : grid
    }

    /// The chart, weight and saturation panels of the main view.
    private static func drawCharts(on grid: inout CellGrid, layout: DashboardLayout, snapshots: [RunSnapshot],
                                   state: DashboardState, glyphs: Glyphs, weights: WeightPanel?,
                                   saturation: SaturationPanel) {
        let runChart = RunChart(kind: state.chartKind, logScale: state.logScale, showTest: state.showTest,
                                selectedRun: state.selectedRun, ascii: state.ascii, monochrome: state.monochrome)
        let chartKeys = [TextSpan("o", style: accent), TextSpan(state.chartKind == .error ? " loss  " : " error  ", style: muted),
                         TextSpan("g", style: accent), TextSpan(state.logScale ? " linear  " : " log  ", style: muted),
                         TextSpan("t", style: accent), TextSpan(state.showTest ? " hide test" : " test", style: muted)]
        drawPanel(on: &grid, layout.chart, glyphs: glyphs, title: [TextSpan(runChart.title, style: title)],
                  note: chartKeys) { w, h in runChart.chart(snapshots).render(width: w, height: h) }

        // Weights and saturation.
        if let weights {
            // The title may take the whole top edge; the "[ ] layer" note shows only if room is left.
            let titleRoom = layout.weights.width - 4
            let runTitle = [TextSpan(weights.title(maxWidth: titleRoom), style: CellStyle(color: .run(state.selectedRun), bold: true))]
            drawPanel(on: &grid, layout.weights, glyphs: glyphs, title: runTitle,
                      note: [TextSpan("[ ]", style: accent), TextSpan(" layer", style: muted)]) { w, h in
                weights.render(width: w, height: h)
            }
        } else {
            drawPanel(on: &grid, layout.weights, glyphs: glyphs, title: [TextSpan("Latent weights", style: title)]) { w, h in
                var g = CellGrid(width: w, height: h)
                g.putCentered("no runs", x: 0, width: w, y: h / 2, style: muted)
                return g
            }
        }
        if let rect = layout.saturation {
            drawPanel(on: &grid, rect, glyphs: glyphs, title: [TextSpan(SaturationPanel.title, style: title)]) { w, h in
                saturation.render(width: w, height: h)
            }
        }

    }

    private static func drawTable(on grid: inout CellGrid, layout: DashboardLayout, snapshots: [RunSnapshot],
                                  state: DashboardState, glyphs: Glyphs) {
        let rates = snapshots.enumerated().map { state.learningRate(of: $0.element, run: $0.offset) }
        let table = RunTable(snapshots: snapshots, selectedRun: state.selectedRun, learningRates: rates, glyphs: glyphs)
        drawPanel(on: &grid, layout.table, glyphs: glyphs, title: [TextSpan("Runs", style: title)],
                  note: [TextSpan("tab", style: accent), TextSpan(" select", style: muted)]) { w, h in
            table.render(width: w, height: h)
        }
    }

    /// The single centered line shown below the minimum size.
    public static func tooSmall(width: Int, height: Int, glyphs: Glyphs = .unicode) -> CellGrid {
        var grid = CellGrid(width: width, height: height)
        let dash = glyphs.isASCII ? "-" : "\u{2014}"
        let text = "terminal too small (needs \(DashboardLayout.minimumWidth)x\(DashboardLayout.minimumHeight), have \(width)x\(height)) \(dash) q quits"
        grid.putCentered(text, x: 0, width: width, y: height / 2, style: CellStyle(color: .warning, bold: true))
        return grid
    }

    static let accent = CellStyle(color: .accent, bold: true)
    static let muted = CellStyle(color: .muted)
    static let title = CellStyle(color: .accent, bold: true)

    /// Draws a bordered panel at `rect` and fills its inside with `content(width, height)`.
    static func drawPanel(on grid: inout CellGrid, _ rect: GridRect, glyphs: Glyphs, title: [TextSpan],
                          note: [TextSpan] = [], content: (Int, Int) -> CellGrid) {
        guard rect.width >= 2, rect.height >= 2 else { return }
        grid.drawBox(rect, glyphs: glyphs, title: title, note: note)
        let inner = rect.inset
        guard inner.width > 2, inner.height > 0 else { return }
        // One column of padding on each side inside the border.
        grid.blit(content(inner.width - 2, inner.height), x: inner.x + 1, y: inner.y)
    }
}
