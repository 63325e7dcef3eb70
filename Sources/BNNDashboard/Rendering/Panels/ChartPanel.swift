import BNNEngine

/// The error or loss chart of every run, with the keys that change it on its border.
struct ChartPanel: DashboardPanel {
    let chart: RunChart
    let snapshots: [RunSnapshot]

    func panelTitle(maxWidth: Int) -> [TextSpan] {
        var title = [TextSpan(chart.title, style: DashboardRenderer.title)]
        if chart.selectedOnly, let sel = chart.selectedRun, sel >= 0, sel < snapshots.count {
            title.append(TextSpan((chart.ascii ? " - " : " \u{00B7} ") + "\(snapshots[sel].name) only",
                                  style: DashboardRenderer.muted))
        }
        return title
    }

    var panelNote: [TextSpan] {
        let accent = DashboardRenderer.accent, muted = DashboardRenderer.muted
        return [TextSpan("o", style: accent), TextSpan(chart.kind == .error ? " loss  " : " error  ", style: muted),
                TextSpan("g", style: accent), TextSpan(chart.logScale ? " linear  " : " log  ", style: muted),
                TextSpan("t", style: accent), TextSpan(chart.showTest ? " hide test  " : " test  ", style: muted),
                TextSpan("a", style: accent), TextSpan(chart.selectedOnly ? " all runs" : " one run", style: muted)]
    }

    func render(width: Int, height: Int) -> CellGrid {
        chart.chart(snapshots).render(width: width, height: height)
    }
}
