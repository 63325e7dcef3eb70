import BNNSupport
import Foundation
import BNNEngine

/// A text document of everything the dashboard can show: the error and loss
/// charts (with test series), the run table, the saturation overview, and
/// every run's weight histogram for every layer, each with its title, axes
/// and legend, a ConvNet run's unique filters per conv layer per epoch, and
/// every run's insight view (confusion matrix, receptive fields or filters,
/// misclassified images) when it has one.
///
/// It is built from the same panels as the screen, at a chosen size, so
/// `e` in the dashboard and `bnn-tui plot` produce what the screen would.
public enum TextExport {
    /// Size and look of the export.
    public struct Options: Sendable, Equatable {
        /// Columns of every panel (at least 60).
        public var width: Int
        /// Rows of each chart panel (at least 12).
        public var chartHeight: Int
        public var ascii: Bool
        public var logScale: Bool

        public init(width: Int = 100, chartHeight: Int = 24, ascii: Bool = false, logScale: Bool = false) {
            self.width = width; self.chartHeight = chartHeight; self.ascii = ascii; self.logScale = logScale
        }

        public static let minimumWidth = 60
        public static let minimumChartHeight = 12
    }

    /// The panels of the export, in order, each as a grid.
    public static func grids(snapshots: [RunSnapshot], header: DashboardHeader, options: Options) -> [CellGrid] {
        let width = Swift.max(Options.minimumWidth, options.width)
        let chartHeight = Swift.max(Options.minimumChartHeight, options.chartHeight)
        let glyphs = Glyphs.forASCII(options.ascii)
        let titleStyle = CellStyle(color: .accent, bold: true)
        var grids: [CellGrid] = []

        let sep = glyphs.separator
        var facts = ["bnn-tui", header.dataset]
        let architectures = snapshots.map(\.architecture.description).uniqued()
        facts += architectures
        if let b = header.batchSize { facts.append("batch \(b)") }
        if let o = header.optimizer { facts.append(o) }
        if let s = header.seed { facts.append("seed \(s)") }
        facts += header.settings
        facts.append("\(counted(snapshots.count, "run")): " + snapshots.map(\.name).joined(separator: ", "))
        // The facts on as many lines as they need, broken between facts (a list too long for
        // one line, such as many run names, between its items), never inside a name.
        var lines: [String] = []
        for fact in facts {
            if let last = lines.last, last.count + sep.count + fact.count <= width {
                lines[lines.count - 1] = last + sep + fact
            } else if fact.count <= width {
                lines.append(fact)
            } else {
                var line = ""
                for item in fact.components(separatedBy: ", ") {
                    if line.isEmpty { line = item } else if line.count + 2 + item.count <= width { line += ", " + item } else {
                        lines.append(line + ",")
                        line = item
                    }
                }
                lines.append(line)
            }
        }
        var title = CellGrid(width: width, height: lines.count)
        for (y, line) in lines.enumerated() { title.put(line, x: 0, y: y, style: titleStyle) }
        grids.append(title)

        for kind in ChartKind.allCases {
            let chart = RunChart(kind: kind, logScale: options.logScale, showTest: true, selectedRun: nil,
                                 ascii: options.ascii, monochrome: true)
            grids.append(panel(width: width, height: chartHeight, glyphs: glyphs,
                               title: chart.title + sep + "validation solid, train dotted, test dashed") { w, h in
                chart.chart(snapshots).render(width: w, height: h)
            })
        }

        let table = RunTable(snapshots: snapshots, selectedRun: nil, glyphs: glyphs)
        grids.append(panel(width: width, height: snapshots.count + 3, glyphs: glyphs, title: "Runs") { w, h in
            table.render(width: w, height: h)
        })

        let saturation = SaturationPanel(snapshots: snapshots, selectedRun: -1, selectedLayer: -1, glyphs: glyphs)
        grids.append(panel(width: width, height: saturation.idealHeight + 2, glyphs: glyphs,
                           title: SaturationPanel.title) { w, h in saturation.render(width: w, height: h) })

        for (r, s) in snapshots.enumerated() {
            for layer in s.layers.indices {
                let weights = WeightPanel(snapshot: s, run: r, layer: layer, glyphs: glyphs)
                let height = weights.idealHeight(width: width - 4) + 2
                grids.append(panel(width: width, height: height, glyphs: glyphs, title: weights.title()) { w, h in
                    weights.render(width: w, height: h)
                })
            }
        }
        for s in snapshots {
            let unique = UniqueFilterTable(snapshot: s, glyphs: glyphs)
            guard !unique.isEmpty else { continue }
            grids.append(panel(width: width, height: unique.idealHeight + 2, glyphs: glyphs, title: unique.title()) { w, h in
                unique.render(width: w, height: h)
            })
        }
        for (r, s) in snapshots.enumerated() where s.insight != nil {
            var view = InsightView(snapshot: s, run: r, page: 0, glyphs: glyphs,
                                   classNames: ClassNames.names(dataset: header.dataset, classCount: s.architecture.outputSize))
            view.forExport = true
            grids.append(view.render(width: width, height: view.idealHeight(width: width)))
            // A file has no n / N: every further page of the strip follows as its own panel.
            let pages = view.strip.paging(width: width - 4).pages
            for page in 1..<pages {
                var next = view
                next.page = page
                let strip = next.strip
                grids.append(panel(width: width, height: strip.idealHeight() + 2, glyphs: glyphs,
                                   title: next.stripTitle(width: width)) { w, h in strip.render(width: w, height: h) })
            }
        }
        return grids
    }

    /// The export as text: the panels separated by blank lines, ending in a newline.
    public static func document(snapshots: [RunSnapshot], header: DashboardHeader, options: Options = Options()) -> String {
        grids(snapshots: snapshots, header: header, options: options).map { grid in
            // A panel's blank bottom rows (a region sized for the tallest of its parts) are left out.
            var lines = grid.text().split(separator: "\n", omittingEmptySubsequences: false)
            while let last = lines.last, last.allSatisfy({ $0 == " " }) { lines.removeLast() }
            return lines.joined(separator: "\n")
        }.joined(separator: "\n\n") + "\n"
    }

    /// The export of the runs recorded in metrics JSONL files (what `bnn-tui plot` prints);
    /// the header names the dataset the files name, if they agree on one.
    public static func document(metricsFiles: [String], header: DashboardHeader? = nil,
                                options: Options = Options()) throws(MetricsLogError) -> String {
        let log = try MetricsLog(files: metricsFiles)
        var header = header ?? DashboardHeader()
        if let dataset = log.dataset { header.dataset = dataset }
        return document(snapshots: log.snapshots(), header: header, options: options)
    }

    /// Builds the document and writes it atomically to `path`.
    public static func write(snapshots: [RunSnapshot], header: DashboardHeader, options: Options = Options(),
                             to path: String) throws(AtomicFile.WriteError) {
        try AtomicFile.write(Data(document(snapshots: snapshots, header: header, options: options).utf8), to: path)
    }

    /// `defaultFileName(unixTime:)`, or with "-2", "-3", ... before ".txt" while `exists` says
    /// the name is taken: two exports within one second must not overwrite each other.
    public static func unusedFileName(unixTime: Double,
                                      exists: (String) -> Bool = { FileManager.default.fileExists(atPath: $0) }) -> String {
        let base = defaultFileName(unixTime: unixTime)
        guard exists(base) else { return base }
        let stem = base.dropLast(4)
        var n = 2
        while exists("\(stem)-\(n).txt") { n += 1 }
        return "\(stem)-\(n).txt"
    }

    /// A file name for an export made at `unixTime` (UTC): "bnn-tui-export-20250101-120000.txt".
    public static func defaultFileName(unixTime: Double) -> String {
        let t = Int(unixTime.isFinite ? unixTime : 0)
        let days = t >= 0 ? t / 86_400 : (t - 86_399) / 86_400
        let seconds = t - days * 86_400
        // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "bnn-tui-export-\(year)\(two(month))\(two(day))-\(two(seconds / 3600))\(two(seconds / 60 % 60))\(two(seconds % 60)).txt"
    }

    private static func panel(width: Int, height: Int, glyphs: Glyphs, title: String,
                              content: (Int, Int) -> CellGrid) -> CellGrid {
        var grid = CellGrid(width: width, height: height)
        DashboardRenderer.drawPanel(on: &grid, GridRect(x: 0, y: 0, width: width, height: height), glyphs: glyphs,
                                    title: [TextSpan(title, style: CellStyle(color: .accent, bold: true))],
                                    content: content)
        return grid
    }
}

extension Array where Element: Hashable {
    /// The elements in order, each once.
    func uniqued() -> [Element] {
        var seen = Set<Element>()
        return filter { seen.insert($0).inserted }
    }
}
