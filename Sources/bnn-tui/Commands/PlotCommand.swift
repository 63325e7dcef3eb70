import BNNSupport
import ArgumentParser
import BNNDashboard
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

    @Option(help: "Width of the text in columns (\(TextExport.Options.minimumWidth)-400).")
    var width: Int = 100

    @Option(help: "Height of each chart in rows (\(TextExport.Options.minimumChartHeight)-200).")
    var height: Int = 24

    @Flag(help: "Draw with plain ASCII instead of braille and box-drawing characters.")
    var ascii = false

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("give at least one metrics file") }
        guard (TextExport.Options.minimumWidth...400).contains(width) else {
            throw ValidationError("--width \(width) is out of range \(TextExport.Options.minimumWidth)-400")
        }
        guard (TextExport.Options.minimumChartHeight...200).contains(height) else {
            throw ValidationError("--height \(height) is out of range \(TextExport.Options.minimumChartHeight)-200")
        }
    }

    func run() throws {
        let options = TextExport.Options(width: width, chartHeight: height, ascii: ascii)
        let text: String
        do {
            text = try TextExport.document(metricsFiles: files, options: options)
        } catch {
            throw failure(error.description)
        }
        if let output {
            do {
                try AtomicFile.write(Data(text.utf8), to: output)
            } catch {
                throw failure(error.description)
            }
        } else {
            FileHandle.standardOutput.write(Data(text.utf8))
        }
    }

    /// One line on standard error and exit status 64 (a bad input or output file).
    private func failure(_ message: String) -> ExitCode {
        CommandFailure.usage(message).exit()
    }
}
