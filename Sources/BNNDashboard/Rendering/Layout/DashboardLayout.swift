/// Where each panel goes for a terminal size: header on top, the chart on
/// the left, the weight panel and the saturation panel on the right, the run
/// table across, the status lines at the bottom.
///
/// Pure arithmetic on the size, so every size from 80x24 up can be checked.
/// The bordered panels take named slots (`PanelSlot`, `rect(for:)`).
public struct DashboardLayout: Sendable, Equatable {
    public static let minimumWidth = 80
    public static let minimumHeight = 24

    public var header: GridRect
    public var chart: GridRect
    public var weights: GridRect
    /// Nil when there is no room for it.
    public var saturation: GridRect?
    public var table: GridRect
    public var status: GridRect

    /// The layout for a `width` x `height` terminal (at least the minimum size).
    /// - Parameters:
    ///   - runCount: rows the table needs.
    ///   - weightsHeight: rows the weight panel wants (its inside) at a given inside width.
    ///   - saturationHeight: rows the saturation panel wants inside.
    public init(width: Int, height: Int, runCount: Int, weightsHeight: (Int) -> Int, saturationHeight: Int) {
        header = GridRect(x: 0, y: 0, width: width, height: 1)
        status = GridRect(x: 0, y: height - StatusLines.height, width: width, height: StatusLines.height)
        // The table takes a header row and a row per run, but leaves the charts 12 rows.
        let tableHeight = Swift.min(runCount + 3, Swift.max(4, height - 1 - StatusLines.height - 12))
        table = GridRect(x: 0, y: status.y - tableHeight, width: width, height: tableHeight)
        let top = 1
        let regionHeight = table.y - top
        let rightWidth = Swift.min(90, Swift.max(34, width * 3 / 8 + 2))
        chart = GridRect(x: 0, y: top, width: width - rightWidth, height: regionHeight)
        let wanted = weightsHeight(rightWidth - 4) + 2  // inside: border and one column of padding each side
        let saturationWanted = saturationHeight + 2
        let weightsRows: Int
        if regionHeight >= wanted + saturationWanted {
            // Rows beyond both panels' wants go to the histogram, which grows into them; the
            // saturation panel keeps what its lines need (it would only gain blank rows).
            weightsRows = regionHeight - saturationWanted
        } else if regionHeight - saturationWanted >= 11 {
            weightsRows = regionHeight - saturationWanted
        } else {
            weightsRows = regionHeight
        }
        weights = GridRect(x: chart.width, y: top, width: rightWidth, height: weightsRows)
        let rest = regionHeight - weightsRows
        saturation = rest >= 4 ? GridRect(x: chart.width, y: top + weightsRows, width: rightWidth, height: rest) : nil
    }

    /// Where the panel of `slot` goes, nil when there is no room for it.
    public func rect(for slot: PanelSlot) -> GridRect? {
        switch slot {
        case .chart: return chart
        case .weights: return weights
        case .saturation: return saturation
        case .table: return table
        case .insight: return GridRect(x: 0, y: chart.y, width: chart.width + weights.width, height: chart.height)
        }
    }
}
