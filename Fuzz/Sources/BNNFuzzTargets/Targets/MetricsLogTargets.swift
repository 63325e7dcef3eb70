import BNNDashboard
import BNNEngine

/// Fuzz targets for the metrics JSONL reader `MetricsLog` and for what `bnn-tui plot`
/// does with it: `metrics-log` reads the input as a metrics file and builds the
/// dashboard snapshots; `metrics-plot` renders the whole text export from it
/// (charts, run table, histograms), as the `plot` command does.
enum MetricsLogTargets {
    static let log = FuzzTarget(
        name: "metrics-log",
        summary: "the input as a metrics JSONL file → MetricsLog(files:) and its snapshots",
        maximumInputLength: 8192
    ) { input, scratch in
        let path = scratch.write(input, to: "fuzz-metrics.jsonl")
        let log: MetricsLog
        do throws(MetricsLogError) {
            log = try MetricsLog(files: [path])
        } catch {
            return .judging(error: error.description, file: path, loader: "MetricsLog(files:)")
        }
        let snapshots = log.snapshots()
        guard !log.runs.isEmpty, log.runs.allSatisfy({ !$0.epochs.isEmpty }), snapshots.count == log.runs.count else {
            return .violation("MetricsLog(files:) loaded \(log.runs.count) runs, \(snapshots.count) snapshots, some without epochs")
        }
        return .loaded("\(log.runs.count) runs, \(log.runs.reduce(0) { $0 + $1.epochs.count }) epochs")
    }

    static let plot = FuzzTarget(
        name: "metrics-plot",
        summary: "the input as a metrics JSONL file → TextExport.document(metricsFiles:) (what `bnn-tui plot` prints)",
        maximumInputLength: 8192
    ) { input, scratch in
        let path = scratch.write(input, to: "fuzz-metrics.jsonl")
        // The last byte picks the look, so both glyph sets and both scales get drawn.
        let style = input.last ?? 0
        let options = TextExport.Options(width: TextExport.Options.minimumWidth,
                                         chartHeight: TextExport.Options.minimumChartHeight,
                                         ascii: style & 1 != 0, logScale: style & 2 != 0)
        let text: String
        do throws(MetricsLogError) {
            text = try TextExport.document(metricsFiles: [path], options: options)
        } catch {
            return .judging(error: error.description, file: path, loader: "TextExport.document(metricsFiles:)")
        }
        guard !text.isEmpty, text.hasSuffix("\n") else {
            return .violation("TextExport.document returned \(text.isEmpty ? "nothing" : "text without a final newline")")
        }
        return .loaded("\(text.utf8.count) bytes of text")
    }
}
