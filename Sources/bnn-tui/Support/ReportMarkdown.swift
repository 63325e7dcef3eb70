import BNNSupport
import BNNEngine
import Foundation

/// The text of report.md: our measured tables in the layout of the source
/// report (binary vs non-binary, deterministic vs stochastic), and its
/// published figures beside them, quoted with their source.
struct ReportMarkdown {
    let runs: [ReportRun]
    /// The dataset's name, as the runs' metrics name it.
    let dataset: String
    let epochs: Int
    let trainLimit: Int?
    /// `--eval-limit`: the validation and test images every run was scored on, when not all.
    var evalLimit: Int? = nil
    let batch: Int
    /// Optimizer, learning-rate schedule and loss, e.g. "Adam, learning rate 0.003 decaying
    /// exponentially to 3e-05, square hinge loss".
    let recipe: String
    let seed: UInt64
    let threads: Int
    let elapsed: Double
    /// Options beyond the paper's defaults that every run used (e.g. "initialization unit").
    var settings: [String] = []

    /// The source report's figures (DA422 course report, section III),
    /// by architecture: mode → (train s, s/epoch, train acc %, test acc %, memory MB, epochs).
    static let sourceFigures: [String: [(mode: String, trainSeconds: Double?, secondsPerEpoch: Double?, trainAccuracy: Double, testAccuracy: Double, memoryMB: Double, epochs: Int, section: String)]] = [
        "784-128-10": [
            ("det", 5073, 5, 68.70, 67.90, 869.63, 1000, "III.A"),
            ("float", 7084, 7, 83.80, 82.50, 1016.32, 1000, "III.A"),
            ("det", nil, nil, 68.20, 67.30, 931.56, 500, "III.D"),
            ("stoch", nil, nil, 69.20, 68.30, 869.63, 500, "III.D"),
        ],
        "784-1024-10": [
            ("det", 16293, 16.3, 87.10, 85.10, 1364.09, 1000, "III.B"),
            ("float", 28496, 28.5, 90.60, 87.20, 1867.32, 1000, "III.B"),
            ("stoch", nil, nil, 84.00, 82.60, 923.57, 1000, "III.C"),
        ],
    ]

    func render() -> String {
        var out = "# bnn-tui report: binary vs non-binary, deterministic vs stochastic\n\n"
        let limit = trainLimit.map { "the first \($0) training images" } ?? "the full training split"
        let scored = evalLimit.map { ", scored on the first \($0) validation and test images (not the full 10,000 test images the source report's figures are on)" } ?? ""
        out += "\(dataset), \(counted(epochs, "epoch")) per run on \(limit)\(scored), batch \(batch), \(recipe), "
        out += settings.map { $0 + ", " }.joined()
        out += "seed \(seed), \(counted(threads, "thread")) per run. "
        out += "Runs trained one at a time, each in its own process; total wall time \(String(format: "%.0f", elapsed)) s.\n\n"
        out += "Accuracy = 1 - error. Train accuracy is averaged over the last epoch's batches as they trained; "
        out += "test accuracy is measured in evaluation mode after the last epoch. Peak memory is the peak resident set "
        out += "of the run's process (getrusage), the whole process. Train time is the sum of epoch times (training + evaluation).\n\n"
        let architectures = runs.map(\.architecture).reduce(into: [Architecture]()) { if !$0.contains($1) { $0.append($1) } }
        for architecture in architectures {
            let group = runs.filter { $0.architecture == architecture }
            out += "## Architecture \(architecture)\n\n"
            out += "| | " + group.map { label($0.mode) }.joined(separator: " | ") + " |\n"
            out += "|---|" + group.map { _ in "---:" }.joined(separator: "|") + "|\n"
            out += row("Train time (s)", group) { String(format: "%.2f", $0.trainSeconds) }
            out += row("Speed (s/epoch)", group) { String(format: "%.2f", $0.secondsPerEpoch) }
            out += row("Training accuracy", group) { String(format: "%.2f%%", (1 - $0.last.trainError) * 100) }
            out += row("Validation accuracy", group) { String(format: "%.2f%%", (1 - $0.last.valError) * 100) }
            out += row("Testing accuracy", group) { String(format: "%.2f%%", (1 - $0.last.testError) * 100) }
            out += row("Best validation error", group) { run in
                let best = run.epochs.min { $0.valError < $1.valError }!
                return String(format: "%.2f%% @ %d", best.valError * 100, best.epoch)
            }
            out += row("Peak memory (MB)", group) { String(format: "%.0f", $0.peakMemoryMB) }
            out += row("Training images/s", group) { String(format: "%.0f", $0.epochs.map(\.samplesPerSecond).reduce(0, +) / Double($0.epochs.count)) }
            out += "\nError-vs-epoch and loss-vs-epoch plots: `plots-\(architecture).txt`; metrics: "
            out += group.map { "`\(architecture)-\($0.mode.rawValue).jsonl`" }.joined(separator: ", ") + ".\n\n"
            if let figures = Self.sourceFigures[architecture.description] {
                out += "### The source report's figures for \(architecture)\n\n"
                out += "Quoted from the DA422 course report (sections as given): "
                out += "Python implementation, mini-batches of 5,000, learning rate 0.2.\n\n"
                out += "| mode | epochs | train time (s) | s/epoch | training acc. | testing acc. | memory (MB) | section |\n"
                out += "|---|---:|---:|---:|---:|---:|---:|---|\n"
                for f in figures {
                    out += "| \(label(BinarizationMode(rawValue: f.mode)!)) | \(f.epochs) | \(f.trainSeconds.map { String(format: "%.0f", $0) } ?? "—") | "
                    out += "\(f.secondsPerEpoch.map { String(format: "%.1f", $0) } ?? "—") | \(String(format: "%.2f%%", f.trainAccuracy)) | "
                    out += "\(String(format: "%.2f%%", f.testAccuracy)) | \(String(format: "%.2f", f.memoryMB)) | \(f.section) |\n"
                }
                out += "\n"
                if let ours = group.first(where: { $0.mode == .deterministic }), let theirs = figures.first(where: { $0.mode == "det" }),
                   let theirSpeed = theirs.secondsPerEpoch {
                    out += String(format: "Deterministic binary, ours vs theirs: %.2f vs %.1f s/epoch (%.0fx), testing accuracy %.2f%% after %d epochs vs %.2f%% after %d, peak memory %.0f vs %.0f MB.\n\n",
                                  ours.secondsPerEpoch, theirSpeed, theirSpeed / max(ours.secondsPerEpoch, 1e-9),
                                  (1 - ours.last.testError) * 100, ours.epochs.count, theirs.testAccuracy, theirs.epochs,
                                  ours.peakMemoryMB, theirs.memoryMB)
                }
            }
        }
        return out
    }

    private func label(_ mode: BinarizationMode) -> String {
        switch mode {
        case .deterministic: return "Binary, deterministic (det)"
        case .stochastic: return "Binary, stochastic (stoch)"
        case .float: return "Non-binary (float)"
        }
    }

    private func row(_ title: String, _ group: [ReportRun], _ value: (ReportRun) -> String) -> String {
        "| \(title) | " + group.map(value).joined(separator: " | ") + " |\n"
    }
}
