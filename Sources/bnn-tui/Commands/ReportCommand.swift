import ArgumentParser
import BNNDashboard
import BNNSupport
import BNNEngine
import Foundation

/// `bnn-tui report`: the source report's experiments in one command.
///
/// Trains every architecture x mode one at a time, each in its own
/// `bnn-tui train` process, so timings are not disturbed by other runs and
/// every run's peak memory is its own process's, measured the same way. Then
/// writes report.md (tables + the source report's figures), text plots and
/// the metrics JSONL of every run into the output directory.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Reproduce the source report's comparison (binary vs float, det vs stoch) in one command.")

    @Option(help: "Epochs per run.")
    var epochs: Int = 10

    @Option(help: "Architectures, comma-separated.")
    var archs: String = "784-128-10,784-1024-10"

    @Option(help: "Modes, comma-separated: det, stoch, float.")
    var modes: String = "det,stoch,float"

    @Option(name: .customLong("train-limit"), help: "Train on only the first N training images.")
    var trainLimit: Int?

    @Option(name: .customLong("eval-limit"), help: "Evaluate on only the first N validation and test images.")
    var evalLimit: Int?

    @Option(help: "Mini-batch size.")
    var batch: Int = 100

    @Option(help: "Initial learning rate.")
    var lr: Double = 0.003

    @Option(help: "Random seed.")
    var seed: UInt64 = 1

    @Option(name: .customLong("init"), help: "Latent weight initialization for every run: glorot (default) or unit (BinaryNet's MNIST script; pair with --glorot-lr).")
    var initialization: WeightInitialization = .glorot

    @Flag(name: .customLong("glorot-lr"), help: "Scale each layer's weight learning rate by 1/sqrt(1.5/(fan_in+fan_out)) in every run, as the BinaryNet code does.")
    var glorotLearningRate = false

    @Option(help: "Threads per run.")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @OptionGroup var data: DataOptions

    @Option(help: "Directory to write the report into (created if missing).")
    var output: String = "report"

    func validate() throws {
        guard epochs >= 1 else { throw ValidationError("--epochs must be at least 1 (got \(epochs))") }
        _ = try parsedArchitectures()
        _ = try parsedModes()
        guard lr.isFinite && lr > 0 else { throw ValidationError("--lr must be a positive finite number (got \(lr))") }
        guard batch >= 2 else { throw ValidationError("--batch must be at least 2 (got \(batch))") }
        guard threads >= 1 && threads <= 256 else { throw ValidationError("--threads must be between 1 and 256") }
        if let trainLimit { guard trainLimit >= 2 else { throw ValidationError("--train-limit must be at least 2") } }
        if let evalLimit { guard evalLimit >= 1 else { throw ValidationError("--eval-limit must be at least 1") } }
    }

    func parsedArchitectures() throws -> [Architecture] {
        let list = try archs.split(separator: ",").map { part in
            do { return try Architecture(parsing: String(part)) } catch { throw ValidationError("\(error)") }
        }
        guard !list.isEmpty else { throw ValidationError("--archs needs at least one architecture") }
        return list
    }

    func parsedModes() throws -> [BinarizationMode] {
        let list = try modes.split(separator: ",").map { part in
            guard let mode = BinarizationMode(rawValue: part.trimmingCharacters(in: .whitespaces)) else {
                throw ValidationError("--modes: unknown mode '\(part)' (use det, stoch, float)")
            }
            return mode
        }
        guard !list.isEmpty else { throw ValidationError("--modes needs at least one of det, stoch, float") }
        return list
    }

    func run() throws {
        try reportingFailures { try makeReport() }
    }

    private func makeReport() throws {
        let architectures = try parsedArchitectures(), modeList = try parsedModes()
        do {
            try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
            try AtomicFile.checkWritable((output as NSString).appendingPathComponent("report.md"))
        } catch {
            throw CommandFailure.usage("--output \(output): \(error)")
        }
        let executable = Bundle.main.executablePath ?? CommandLine.arguments[0]
        var results: [ReportRun] = []
        let total = architectures.count * modeList.count
        var signals = TerminationSignals.install()
        defer { signals.restore() }
        let started = Date()
        for architecture in architectures {
            for mode in modeList {
                let index = results.count + 1
                let base = "\(architecture)-\(mode.rawValue)"
                let metricsPath = (output as NSString).appendingPathComponent("\(base).jsonl")
                try? FileManager.default.removeItem(atPath: metricsPath)
                print("[\(index)/\(total)] \(architecture) \(mode.rawValue): training \(epochs) epoch\(epochs == 1 ? "" : "s")")
                fflush(nil)
                var arguments = ["train", "--arch", architecture.description, "--mode", mode.rawValue,
                                 "--epochs", "\(epochs)", "--batch", "\(batch)", "--lr", "\(lr)",
                                 "--seed", "\(seed)", "--threads", "\(threads)", "--metrics", metricsPath,
                                 "--name", mode.rawValue]
                if let trainLimit { arguments += ["--train-limit", "\(trainLimit)"] }
                if let evalLimit { arguments += ["--eval-limit", "\(evalLimit)"] }
                arguments += data.arguments
                if initialization != .glorot { arguments += ["--init", initialization.rawValue] }
                if glorotLearningRate { arguments.append("--glorot-lr") }
                let status = try runChild(executable, arguments, prefix: "      ")
                if let signal = TerminationSignals.pending { throw ExitCode(TerminationSignals.exitStatus(for: signal)) }
                guard status == 0 else {
                    throw CommandFailure.runtime("training \(architecture) \(mode.rawValue) failed (exit status \(status)); see the lines above")
                }
                let log: MetricsLog
                do { log = try MetricsLog(files: [metricsPath]) } catch { throw CommandFailure.runtime("\(error)") }
                guard let run = log.runs.first, !run.epochs.isEmpty else {
                    throw CommandFailure.runtime("\(metricsPath) holds no epochs")
                }
                results.append(ReportRun(architecture: architecture, mode: mode, epochs: run.epochs))
            }
        }
        let elapsed = Date().timeIntervalSince(started)
        try writeOutputs(results, architectures: architectures, elapsed: elapsed)
        print("wrote \((output as NSString).appendingPathComponent("report.md")) and the plots and metrics of \(results.count) runs in \(String(format: "%.0f", elapsed)) s")
    }

    /// Runs a child process, echoing its stdout lines with a prefix; returns its exit status.
    private func runChild(_ executable: String, _ arguments: [String], prefix: String) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        do { try process.run() } catch { throw CommandFailure.runtime("cannot start \(executable): \(error)") }
        let handle = pipe.fileHandleForReading
        var buffer = Data()
        while true {
            let chunk = handle.availableData
            if chunk.isEmpty { break }
            buffer.append(chunk)
            while let newline = buffer.firstIndex(of: 0x0A) {
                let line = String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self)
                buffer.removeSubrange(buffer.startIndex...newline)
                print(prefix + line)
                fflush(nil)
            }
            if TerminationSignals.pending != nil { process.terminate() }
        }
        process.waitUntilExit()
        return process.terminationStatus
    }

    private func writeOutputs(_ results: [ReportRun], architectures: [Architecture], elapsed: Double) throws {
        for architecture in architectures {
            let runs = results.filter { $0.architecture == architecture }
            var log = MetricsLog()
            for run in runs {
                let text = run.epochs.map { MetricsLogWriter.line(for: $0) }.joined(separator: "\n")
                do { try log.append(text: text, source: run.mode.rawValue) } catch { throw CommandFailure.runtime("\(error)") }
            }
            let header = DashboardHeader(dataset: log.dataset ?? data.dataset.name, batchSize: batch, optimizer: "Adam", seed: seed)
            let path = (output as NSString).appendingPathComponent("plots-\(architecture).txt")
            do {
                try TextExport.write(snapshots: log.snapshots(), header: header, options: TextExport.Options(), to: path)
            } catch { throw CommandFailure.runtime("\(error)") }
        }
        let markdown = ReportMarkdown(runs: results, dataset: data.dataset.name, epochs: epochs, trainLimit: trainLimit, batch: batch, lr: lr,
                                      seed: seed, threads: threads, elapsed: elapsed,
                                      settings: (initialization != .glorot ? ["initialization \(initialization.rawValue)"] : [])
                                          + (glorotLearningRate ? ["Glorot learning-rate scaling"] : [])).render()
        do { try AtomicFile.write(Data(markdown.utf8), to: (output as NSString).appendingPathComponent("report.md")) }
        catch { throw CommandFailure.runtime("\(error)") }
    }
}

/// One finished run of the report.
struct ReportRun {
    let architecture: Architecture
    let mode: BinarizationMode
    let epochs: [EpochMetrics]

    var last: EpochMetrics { epochs[epochs.count - 1] }
    var trainSeconds: Double { epochs.reduce(0) { $0 + $1.epochSeconds } }
    var secondsPerEpoch: Double { trainSeconds / Double(epochs.count) }
    var peakMemoryMB: Double { epochs.map(\.rssMB).max() ?? 0 }
}
