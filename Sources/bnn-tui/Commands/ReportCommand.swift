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

    /// The architectures the report compares when `--arch` is not given.
    static let defaultArchitectures = "784-128-10,784-1024-10"
    /// Epochs per run when `--epochs` is not given.
    static let defaultEpochs = 10

    @OptionGroup var training: TrainingOptions

    @Option(help: "Modes, comma-separated: det, stoch, float.")
    var modes: String = "det,stoch,float"

    @Option(parsing: .unconditional, help: "Threads per run.")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "Directory to write the report into (created if missing).")
    var output: String = "report"

    var epochs: Int { training.epochs ?? Self.defaultEpochs }

    func validate() throws {
        _ = try parsedArchitectures()
        _ = try parsedModes()
        try ThreadCount.validate(threads)
    }

    func parsedArchitectures() throws -> [Architecture] {
        try training.parsedArchitectures(default: Self.defaultArchitectures)
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
        } catch {
            throw CommandFailure.usage("--output \(output): cannot create the directory: \(FileContents.reason(of: error))")
        }
        do { try AtomicFile.checkWritable((output as NSString).appendingPathComponent("report.md")) } catch {
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
                print("[\(index)/\(total)] \(architecture) \(mode.rawValue): training \(counted(epochs, "epoch"))")
                fflush(nil)
                let arguments = ["train", "--mode", mode.rawValue, "--threads", "\(threads)", "--metrics", metricsPath,
                                 "--name", mode.rawValue]
                    + training.trainArguments(architecture: architecture, epochs: epochs)
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

    /// Optimizer, schedule and loss in words, for report.md.
    private var recipe: String {
        let optimizer = training.optimizer == .adam ? "Adam" : "SGD with momentum 0.9"
        let schedule = training.lrDecay.map { "learning rate \(training.lr) multiplied by \($0) after every epoch" }
            ?? "learning rate \(training.lr) decaying exponentially to \(training.lrEnd ?? training.lr / 100)"
        let loss = training.loss == .squareHinge ? "square hinge loss" : "softmax cross-entropy loss"
        return "\(optimizer), \(schedule), \(loss)"
    }

    /// The options beyond the paper's defaults every run uses, as the stoch run sees them.
    private var settings: [String] {
        ((try? training.configuration(mode: .stochastic, threads: 1).nonDefaultSettings) ?? []).filter { !$0.hasPrefix("loss ") }
    }

    private func writeOutputs(_ results: [ReportRun], architectures: [Architecture], elapsed: Double) throws {
        for architecture in architectures {
            let runs = results.filter { $0.architecture == architecture }
            var log = MetricsLog()
            for run in runs {
                let text = run.epochs.map { MetricsLogWriter.line(for: $0) }.joined(separator: "\n")
                do { try log.append(text: text, source: run.mode.rawValue) } catch { throw CommandFailure.runtime("\(error)") }
            }
            let header = DashboardHeader(dataset: log.dataset ?? training.data.dataset.name, batchSize: training.batch,
                                         optimizer: training.optimizer.displayName, seed: training.seed,
                                         settings: settings)
            let path = (output as NSString).appendingPathComponent("plots-\(architecture).txt")
            do {
                try TextExport.write(snapshots: log.snapshots(), header: header, options: TextExport.Options(), to: path)
            } catch { throw CommandFailure.runtime("\(error)") }
        }
        let markdown = ReportMarkdown(runs: results, dataset: training.data.dataset.name, epochs: epochs,
                                      trainLimit: training.trainLimit, evalLimit: training.evalLimit, batch: training.batch, recipe: recipe,
                                      seed: training.seed, threads: threads, elapsed: elapsed, settings: settings).render()
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
