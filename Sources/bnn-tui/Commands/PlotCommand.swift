import BNNSupport
import ArgumentParser
import BNNDashboard
import BNNData
import BNNEngine
import Foundation

/// `bnn-tui plot`: draws the charts, run table and weight histograms of
/// metrics JSONL files as text, with the dashboard's own renderer.
struct PlotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plot",
        abstract: "Draw error and loss charts, the run table and weight histograms from metrics files as text.",
        discussion: """
            Reads the JSON-lines files written by `bnn-tui train --metrics` (one epoch per line; \
            a file may hold several runs) and prints the same text as the dashboard's export.
            """
    )

    @Argument(help: "Metrics files (JSON lines) written by `bnn-tui train --metrics`.")
    var files: [String] = []

    @Option(name: .shortAndLong, help: "Write the text to this file (atomically) instead of standard output.")
    var output: String?

    @Option(parsing: .unconditional, help: "Width of the text in columns (\(TextExport.Options.minimumWidth)-400).")
    var width: Int = 100

    @Option(parsing: .unconditional, help: "Height of each chart in rows (\(TextExport.Options.minimumChartHeight)-200).")
    var height: Int = 24

    @Flag(help: "Draw with plain ASCII instead of braille and box-drawing characters (automatic on a terminal whose locale is not UTF-8).")
    var ascii = false

    @Option(help: "Also write every run's per-epoch metrics as one CSV table (one row per run and epoch); - writes it to standard output.")
    var csv: String?

    @Option(help: "Also write the error chart as an SVG file (axes, legend, one colour per run); - writes it to standard output.")
    var svg: String?

    @Option(help: "The data directory the runs trained on (as given to train --data): draws the insight view's misclassified test images as pictures (without it they are listed by index).")
    var data: String?

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("give at least one metrics file") }
        // "-" is standard output (the text goes there by default only when nothing else is asked for).
        guard [csv, svg, output].filter({ $0 == "-" }).count <= 1 else {
            throw ValidationError("only one of --csv, --svg and the text can go to standard output")
        }
        guard (TextExport.Options.minimumWidth...400).contains(width) else {
            throw ValidationError("--width \(width) is out of range \(TextExport.Options.minimumWidth)-400")
        }
        guard (TextExport.Options.minimumChartHeight...200).contains(height) else {
            throw ValidationError("--height \(height) is out of range \(TextExport.Options.minimumChartHeight)-200")
        }
    }

    func run() throws {
        try reportingFailures {
            // Plain ASCII when asked, or for a terminal whose locale does not write UTF-8 (as
            // the dashboard); files and pipes get the same text wherever they are made.
            let toTerminal = output == nil && isatty(STDOUT_FILENO) == 1
            let options = TextExport.Options(width: width, chartHeight: height,
                                             ascii: ascii || (toTerminal && !LocaleCharset.environmentIsUTF8()))
            var snapshots: [RunSnapshot]
            var header = DashboardHeader()
            do {
                let log = try MetricsLog(files: files)
                snapshots = log.snapshots()
                if let dataset = log.dataset { header.dataset = dataset }
                header.settings = log.sharedSettings
            } catch {
                throw CommandFailure.usage("\(error)")
            }
            snapshots = attachingTestImages(snapshots)
            for (path, content) in [(csv, { MetricsCSV.document(snapshots: snapshots) }),
                                    (svg, { ErrorChartSVG.document(snapshots: snapshots) })] {
                guard let path else { continue }
                if path == "-" { print(content(), terminator: ""); continue }
                do { try AtomicFile.write(Data(content().utf8), to: path) } catch {
                    throw CommandFailure.usage("\(error)")
                }
            }
            // With only --csv / --svg asked for, the text goes nowhere unless -o names a file.
            if (csv != nil || svg != nil) && output == nil { return }
            let text = TextExport.document(snapshots: snapshots, header: header, options: options)
            guard let output, output != "-" else {
                print(text, terminator: "")  // through stdio: a failed write is reported on the way out
                return
            }
            do { try AtomicFile.write(Data(text.utf8), to: output) } catch {
                throw CommandFailure.usage("\(error)")
            }
        }
    }

    /// The snapshots with the pictures of their misclassified test images, when runs recorded
    /// some and the test set is found (it must hold every index); else as they were.
    private func attachingTestImages(_ snapshots: [RunSnapshot]) -> [RunSnapshot] {
        guard let data, snapshots.contains(where: { !($0.insight?.misclassified.isEmpty ?? true) }),
              let location = try? DatasetLocator(explicitDirectory: data).locate(),
              let splits = try? DatasetLoader.loadSplits(from: location, options: SplitOptions()) else { return snapshots }
        let test = splits.test
        return snapshots.map { s in
            var copy = s
            copy.insight = s.insight?.withPixels { i in i < test.count ? Array(test.pixels(ofImage: i)) : nil }
            return copy
        }
    }
}
