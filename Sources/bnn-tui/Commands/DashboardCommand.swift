import ArgumentParser
import BNNData
import BNNDashboard
import BNNEngine
import Foundation

/// `bnn-tui` (or `bnn-tui dashboard`): the live dashboard, several runs side by side.
///
/// Loads the data, starts the runs on their own queues, and hands the main
/// thread to the terminal loop, which renders snapshots and turns keys into
/// commands. The terminal is restored on every way out.
struct DashboardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dashboard",
        abstract: "Train det, stoch and float side by side and watch them live (the default command).",
        discussion: "Keys (the ? overlay lists the same):\n" + KeyBindings.all.map { "  \($0.keys): \($0.action)" }.joined(separator: "\n"))

    @OptionGroup var training: TrainingOptions

    @Option(help: "Runs to train side by side, comma-separated: det, stoch, float.")
    var runs: String = "det,stoch,float"

    @Option(parsing: .unconditional, help: "Threads for all runs together (default: all cores).")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @OptionGroup var display: DisplayOptions

    @Option(name: .customLong("checkpoint-dir"), help: "Where 's' saves checkpoints (bnn-tui-<run>.ckpt).")
    var checkpointDirectory: String = "."

    @Option(name: .customLong("metrics-dir"), help: "Also append every run's epochs to <dir>/<run>.jsonl (as train --metrics).")
    var metricsDirectory: String?

    func validate() throws {
        _ = try parsedModes()
        try ThreadCount.validate(threads)
        var isDirectory: ObjCBool = false
        for (flag, directory) in [("--checkpoint-dir", checkpointDirectory), ("--metrics-dir", metricsDirectory)] {
            guard let directory else { continue }
            guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) else {
                throw ValidationError("\(flag) \(directory) does not exist (mkdir -p \(directory))")
            }
            guard isDirectory.boolValue, access(directory, W_OK) == 0 else {
                throw ValidationError("\(flag) \(directory) is not a writable directory")
            }
        }
    }

    func parsedModes() throws -> [BinarizationMode] {
        var modes: [BinarizationMode] = []
        for part in runs.split(separator: ",", omittingEmptySubsequences: false) {
            let name = part.trimmingCharacters(in: .whitespaces)
            guard let mode = BinarizationMode(rawValue: name) else {
                throw ValidationError("--runs: unknown mode '\(name)' (use det, stoch, float)")
            }
            guard !modes.contains(mode) else { throw ValidationError("--runs: '\(name)' appears twice") }
            modes.append(mode)
        }
        guard !modes.isEmpty else { throw ValidationError("--runs needs at least one of det, stoch, float") }
        return modes
    }

    func run() throws {
        try reportingFailures { try runDashboard() }
    }

    private func runDashboard() throws {
        do { try InteractiveCheck.requireTerminal() } catch {
            throw CommandFailure.usage("\(error)")
        }
        let modes = try parsedModes()
        let architecture = try training.parsedArchitecture()
        let (data, splits) = try DataLoading.load(training, architecture: architecture)
        let threadsPerRun = max(1, threads / modes.count)
        // Every run (also forks and continuations) appends to <metrics-dir>/<run>.jsonl.
        let metricsDirectory = self.metricsDirectory, dataset = splits.dataset.name
        let epochCallback: (String) -> (@Sendable (EpochMetrics) -> Void)? = { name in
            guard let directory = metricsDirectory,
                  let log = try? MetricsLogWriter(path: (directory as NSString).appendingPathComponent("\(name).jsonl"),
                                                  dataset: dataset)
            else { return nil }
            return { metrics in try? log.append(metrics) }
        }
        if let metricsDirectory {
            for mode in modes {
                do { _ = try MetricsLogWriter(path: (metricsDirectory as NSString).appendingPathComponent("\(mode.rawValue).jsonl"),
                                              dataset: splits.dataset.name) }
                catch { throw CommandFailure.usage("\(error)") }
            }
        }
        let trainingRuns = try modes.map { mode in
            try TrainingRun(name: mode.rawValue,
                            configuration: training.configuration(mode: mode, threads: threadsPerRun),
                            data: data, onEpochCompleted: epochCallback(mode.rawValue))
        }
        let group = RunGroup(runs: trainingRuns, checkpointDirectory: checkpointDirectory, data: data,
                             epochCallback: epochCallback)
        // As the stoch run sees the settings: that includes a non-default stochastic target.
        let header = DashboardHeader(configuration: try training.configuration(mode: .stochastic, threads: 1),
                                     dataset: splits.datasetLabel, startedAt: Date().timeIntervalSince1970)

        let notice = splits.source.isEmbeddedSubset
            ? (text: "full \(splits.dataset.name) not found: training on the embedded subset (see --help for --data)",
               kind: TransientMessage.Kind.error) : nil
        try DashboardLoop.run(group, header: { header }, display: display, notice: notice, start: group.startAll)
    }
}

extension KeyInput {
    /// The dashboard's logical key for a decoded terminal key.
    init?(_ key: TerminalKey) {
        switch key {
        case .character(let c): self = .character(c)
        case .tab: self = .tab
        case .backTab: self = .backTab
        case .left: self = .left
        case .right: self = .right
        case .up: self = .up
        case .down: self = .down
        case .enter: self = .enter
        case .escape: self = .escape
        case .backspace: self = .backspace
        case .resize: self = .resize
        case .ctrlC: self = .ctrlC
        case .paste(let text): self = .paste(text)
        case .none: return nil
        }
    }
}
