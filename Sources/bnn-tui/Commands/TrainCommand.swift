import ArgumentParser
import BNNData
import BNNSupport
import BNNDashboard
import BNNEngine
import BNNKernels
import BNNSession
import Foundation

/// `bnn-tui train`: one run, headless, one line per epoch.
///
/// The scriptable twin of the dashboard: it writes the metrics JSONL that
/// `plot` and `report` read, and checkpoints that `--resume` and `export` take.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train one network headless, printing one line per epoch.",
        discussion: """
        Binary modes keep real-valued latent weights in [-1, 1] for training and use their \
        signs (binary weights) in every product. Errors are fractions of misclassified images; \
        train error and loss are averaged over the epoch's batches as they trained.
        """)

    @OptionGroup var training: TrainingOptions

    @Option(help: "det (sign), stoch (hard-sigmoid sampling while training) or float (no binarization). Default: det; with --resume, the checkpoint's.")
    var mode: BinarizationMode?

    @Option(parsing: .unconditional, help: "Threads for this run (BLAS and large loops). Default: all cores.")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "Append one JSON object per epoch to this file (JSON Lines).")
    var metrics: String?

    @Option(help: "Save a checkpoint here after every epoch (atomically).")
    var save: String?

    @Option(name: .customLong("save-best"), help: "Save a checkpoint here whenever the validation error reaches a new low (atomically): the model BinaryNet's protocol would report and export.")
    var saveBest: String?

    @Option(help: "Continue a run from this checkpoint (its architecture, mode, settings and data sizes; --epochs is the new total).")
    var resume: String?

    @Option(help: "Name of the run in metrics and checkpoints (default: the mode).")
    var name: String?

    @Option(name: .customLong("fork-lr"), parsing: .unconditional, help: "With --resume: fork the saved run, training on from its state with this learning rate (the schedule decays from it); name the fork with --name.")
    var forkLearningRate: Double?

    @Flag(name: .customLong("list-presets"), help: "Print the named recipes --preset takes, with their options, and exit.")
    var listPresets = false

    @Option(help: "Serve a control socket here for `bnn-tui attach` (mode 0600, in a directory only you may enter). Default: $XDG_RUNTIME_DIR/bnn-tui/<run>-<pid>.sock, else /tmp/bnn-tui-<uid>/<run>-<pid>.sock.")
    var control: String?

    @Flag(name: .customLong("no-control"), help: "Serve no control socket (nothing can attach).")
    var noControl = false

    func validate() throws {
        if control != nil && noControl { throw ValidationError("--control and --no-control exclude each other") }
        if let name {
            // It names the metrics lines, the checkpoint and the control socket's file.
            guard !name.isEmpty, name.count <= 64,
                  !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control || $0 == "/" }) else {
                throw ValidationError("--name must be 1-64 characters without '/' or control characters (got \(name.debugDescription))")
            }
        }
        if let forkLearningRate {
            guard resume != nil else { throw ValidationError("--fork-lr forks a saved run: give it --resume CKPT") }
            guard forkLearningRate.isFinite, forkLearningRate > 0 else {
                throw ValidationError("--fork-lr needs a positive finite number (got \(forkLearningRate))")
            }
        }
        try ThreadCount.validate(threads)
        if let control {
            // An existing folder that is not private is refused before anything prints (a
            // missing one is made private when the run starts).
            let directory = (control as NSString).deletingLastPathComponent
            if !directory.isEmpty && FileManager.default.fileExists(atPath: directory) {
                do { try ControlDirectory.checkPrivate(directory) } catch { throw ValidationError("--control: \(error.description)") }
            }
        }
        for (flag, path) in [("--metrics", metrics), ("--save", save), ("--save-best", saveBest)] {
            guard let path else { continue }
            do { try AtomicFile.checkWritable(path) } catch { throw ValidationError("\(flag): \(error.description)") }
        }
    }

    func run() throws {
        if listPresets { print(TrainingPreset.listing); return }
        try reportingFailures { try train() }
    }

    private func train() throws {
        let (configuration, checkpoint, lineage) = try resolvedConfiguration()
        let dataOptions = resumedDataOptions(checkpoint)
        let (data, splits) = try DataLoading.load(dataOptions, architecture: configuration.architecture)
        let log: MetricsLogWriter?
        do { log = try metrics.map { try MetricsLogWriter(path: $0, dataset: splits.dataset.name) } } catch {
            throw CommandFailure.usage("\(error)")
        }
        if let progress = checkpoint?.epochProgress, let saved = checkpoint?.dataSizes, saved.train != splits.train.count {
            throw CommandFailure.usage("\(resume ?? "the checkpoint") was taken inside epoch \(checkpoint!.completedEpochs + 1) (\(progress.batchesDone) of \(progress.batchesPerEpoch) batches) on \(saved.train) training images: it goes on only with those (drop --train-limit), or resume a checkpoint taken between epochs")
        }
        printBanner(configuration, splits: splits, checkpoint: checkpoint, lineage: lineage)
        if let saved = checkpoint?.dataSizes {
            let now = DataSizes(train: splits.train.count, validation: splits.validation.count, test: splits.test.count)
            if now != saved {
                printError("bnn-tui: note: the checkpoint trained on \(saved), this run on \(now); its metrics are not comparable across the two")
            }
        }
        let failures = FailureBox()
        let (run, reference) = try makeRun(configuration, data: data, checkpoint: checkpoint, log: log, failures: failures)
        let server = try serveControl(run: run, configuration: configuration, dataset: splits.datasetLabel)
        defer { server?.finish() }
        var signals = TerminationSignals.install(brokenPipe: true)
        defer { signals.restore() }
        let lastState = try follow(run, server: server, printedEpochs: checkpoint?.completedEpochs ?? 0, failures: failures)
        if case .diverged = lastState { throw ExitCode(1) }
        printSummary(run.snapshot(), savedBestEpoch: reference.savedBestEpoch)
    }

    /// The configuration from the options, or the checkpoint's with the new epoch total and threads;
    /// with --fork-lr, the checkpoint is the fork's. The lineage is the checkpoint's: a fork's
    /// parent, also when a saved fork is resumed.
    private func resolvedConfiguration() throws -> (TrainingConfiguration, RunCheckpoint?, RunLineage?) {
        var configuration = try training.configuration(mode: mode ?? .deterministic, threads: threads)
        guard let resume else { return (configuration, nil, nil) }
        let saved: RunCheckpoint
        do { saved = try RunCheckpoint(contentsOf: resume) } catch { throw CommandFailure.usage(error.description) }
        guard training.epochCount > saved.completedEpochs else {
            throw CommandFailure.usage("\(resume) has already trained \(counted(saved.completedEpochs, "epoch")); pass --epochs greater than that")
        }
        if training.arch != nil, configuration.architecture != saved.configuration.architecture {
            throw CommandFailure.usage("--arch \(configuration.architecture) differs from \(resume)'s \(saved.configuration.architecture): --resume goes on with the checkpoint's network")
        }
        if let mode, mode != saved.configuration.mode {
            throw CommandFailure.usage("--mode \(mode) differs from \(resume)'s \(saved.configuration.mode): --resume goes on with the checkpoint's mode")
        }
        let conflicts = try resumeConflicts(asked: configuration, saved: saved.configuration)
        if !conflicts.isEmpty {
            let one = conflicts.count == 1
            throw CommandFailure.usage("\(conflicts.joined(separator: ", ")) differ\(one ? "s" : "") from \(resume): --resume goes on with the checkpoint's training; a new run changes \(one ? "it" : "them") (--fork-lr forks at a new rate)")
        }
        let base = saved.resumed(toEpochs: training.epochCount)
        configuration = base.configuration
        configuration.threads = threads
        let resumed = RunCheckpoint(copying: base, configuration: configuration)
        guard let forkLearningRate else { return (configuration, resumed, resumed.lineage) }
        let fork: RunCheckpoint
        do {
            fork = try resumed.forked(name: name ?? "\(saved.name).f1", learningRate: forkLearningRate)
        } catch { throw CommandFailure.usage(error.description) }
        return (configuration, fork, fork.lineage)
    }

    /// Training options given on the command line with a value other than both their default
    /// and the checkpoint's ("--batch 50 (checkpoint: 100)"): a resume would otherwise drop
    /// them without a word. (An option given with its default value cannot be told from one
    /// not given, and passes.)
    private func resumeConflicts(asked: TrainingConfiguration, saved: TrainingConfiguration) throws -> [String] {
        func formatNumber(_ x: Double) -> String { String(format: "%g", x) }
        let plain = try TrainingOptions.parse([]).configuration(mode: asked.mode, threads: asked.threads)
        func schedule(_ s: LearningRateSchedule) -> String {
            switch s {
            case .constant(let x): return "constant \(formatNumber(x))"
            case .exponential(let a, let b): return "\(formatNumber(a)) → \(formatNumber(b))"
            case .factor(let a, let l): return "\(formatNumber(a)) × \(formatNumber(l)) per epoch"
            }
        }
        let fields: [(flag: String, value: (TrainingConfiguration) -> String)] = [
            ("--batch", { "\($0.batchSize)" }),
            ("--lr/--lr-end/--lr-decay", { schedule($0.schedule) }),
            ("--loss", { $0.loss.rawValue }),
            ("--optimizer", { $0.optimizer.rawValue }),
            ("--stochastic", { $0.stochasticTarget.rawValue }),
            ("--glorot-lr", { $0.glorotLearningRateScale ? "on" : "off" }),
            ("--init", { $0.weightInitialization.rawValue }),
            ("--bn-momentum", { formatNumber(Double($0.batchNormMomentum)) }),
            ("--dropout-in", { formatNumber(Double($0.inputDropout)) }),
            ("--dropout-hidden", { formatNumber(Double($0.hiddenDropout)) }),
            ("--padding", { $0.padding.rawValue }),
            ("--seed", { "\($0.seed)" }),
        ]
        return fields.filter { f in f.value(asked) != f.value(plain) && f.value(asked) != f.value(saved) }
            .map { "\($0.flag) \($0.value(asked)) (checkpoint: \($0.value(saved)))" }
    }

    /// The data options, with a resumed checkpoint's training and evaluation sizes as the
    /// limits the command line does not set (so the run goes on with the images it had).
    private func resumedDataOptions(_ checkpoint: RunCheckpoint?) -> TrainingOptions {
        var options = training
        guard let sizes = checkpoint?.dataSizes else { return options }
        if options.trainLimit == nil { options.trainLimit = sizes.train }
        if options.evalLimit == nil { options.evalLimit = max(sizes.validation, sizes.test) }
        return options
    }

    private func printBanner(_ configuration: TrainingConfiguration, splits: DatasetSplits, checkpoint: RunCheckpoint?,
                             lineage: RunLineage?) {
        print("bnn-tui train · \(configuration.architecture) · \(configuration.mode) · \(configuration.loss.rawValue) · \(configuration.optimizer.rawValue) · batch \(configuration.batchSize) · seed \(configuration.seed) · \(counted(threads, "thread"))"
              + configuration.nonDefaultSettings.filter { !$0.hasPrefix("loss ") }.map { " · " + $0 }.joined())
        print("data: \(splits.summary) · train \(splits.train.count) · validation \(splits.validation.count) · test \(splits.test.count)")
        if let lineage, let resume, let checkpoint, forkLearningRate != nil {
            let place = checkpoint.epochProgress.map { "after \($0.batchesDone) of \($0.batchesPerEpoch) batches of epoch \(lineage.epoch + 1)" }
                ?? "from epoch \(lineage.epoch + 1)"
            print("forking \(resume) (\(lineage.parent), epoch \(lineage.epoch)) as \(name ?? checkpoint.name): \(lineage.label()) \(place)")
        } else if let checkpoint, let resume {
            let place = checkpoint.epochProgress.map { "after \($0.batchesDone) of \($0.batchesPerEpoch) batches of epoch \(checkpoint.completedEpochs + 1)" }
                ?? "at epoch \(checkpoint.completedEpochs + 1)"
            print("resuming \(resume) \(place)" + (lineage.map { " (a fork: \($0.label()))" } ?? ""))
        }
        fflush(nil)
    }

    /// The run, with an epoch callback that logs, saves and keeps the best checkpoint.
    private func makeRun(_ configuration: TrainingConfiguration, data: TrainingData, checkpoint: RunCheckpoint?,
                         log: MetricsLogWriter?, failures: FailureBox) throws -> (TrainingRun, RunReference) {
        let runName = name ?? checkpoint?.name ?? configuration.mode.rawValue
        let box = RunReference()
        box.bestValidationError = checkpoint?.history.map(\.valError).min() ?? .infinity
        let (save, saveBest) = (self.save, self.saveBest)
        let run: TrainingRun
        do {
            run = try TrainingRun(name: runName, configuration: configuration, data: data, resumingFrom: checkpoint) { m in
                do { try log?.append(m) } catch { failures.record("\(error)") }
                if let save {
                    do { try box.run?.saveCheckpoint(to: save) } catch { failures.record("\(error)") }
                }
                if let saveBest, m.valError < box.bestValidationError {
                    box.bestValidationError = m.valError
                    do {
                        try box.run?.saveCheckpoint(to: saveBest)
                        box.savedBestEpoch = m.epoch
                    } catch { failures.record("\(error)") }
                }
            }
        } catch { throw CommandFailure.usage("\(error)") }
        box.run = run
        return (run, box)
    }

    /// Starts the run and prints its epochs (and a progress line on a terminal) until it
    /// ends; returns its last state. A failure in the callback or a signal stops it.
    private func follow(_ run: TrainingRun, server: ControlServer?, printedEpochs: Int,
                        failures: FailureBox) throws -> RunState {
        var printer = EpochPrinter(printedEpochs: printedEpochs, interactive: isatty(STDOUT_FILENO) == 1)
        run.start()
        server?.start()
        var lastState = run.snapshot().state
        while true {
            let finished = run.waitUntilFinished(timeout: 0.1)
            let s = run.snapshot()
            if let failure = failures.take() {
                run.stop(); run.waitUntilFinished()
                throw CommandFailure.runtime(failure)
            }
            printer.show(s)
            if s.state != lastState {
                if case .diverged(let reason) = s.state {
                    printer.endProgress()
                    printError("bnn-tui: run diverged: \(reason); train again with a lower --lr")
                    run.stop(); run.waitUntilFinished()
                    return s.state
                }
                lastState = s.state
            }
            if let signal = TerminationSignals.pending {
                run.stop(); run.waitUntilFinished()
                // Standard output is gone: a word more would only raise SIGPIPE again.
                if signal == SIGPIPE { throw ExitCode(TerminationSignals.exitStatus(for: signal)) }
                printer.endProgress()
                printError("bnn-tui: interrupted after \(counted(run.snapshot().epoch, "epoch"))" + (save.map { "; last checkpoint: \($0)" } ?? ""))
                throw ExitCode(TerminationSignals.exitStatus(for: signal))
            }
            if finished { break }
            printer.showProgress(s)
        }
        printer.endProgress()
        return lastState
    }

    /// The last line: epochs, time, the best validation epoch (and where --save-best put it:
    /// nowhere when it came before a resume) and the final test error.
    private func printSummary(_ s: RunSnapshot, savedBestEpoch: Int?) {
        guard let best = s.bestValidation else { return }
        let testThere = s.history.first { $0.epoch == best.epoch }?.testError ?? .nan
        let saved = saveBest.map { path in
            savedBestEpoch == best.epoch ? ", saved in \(path)" : ", not saved in \(path): epoch \(best.epoch) came before this resume"
        } ?? ""
        print("done: \(counted(s.epoch, "epoch")) in \(String(format: "%.1f", s.trainingSeconds)) s · best validation error \(EpochLine.percent(best.error)) at epoch \(best.epoch) (test error there \(String(format: "%.2f%%", 100 * testThere))\(saved)) · final test error \(EpochLine.percent(s.history.last!.testError))")
    }
}

/// What `train` prints while a run trains: the forward-product choices once, one
/// line per finished epoch, and on a terminal a progress line that the next line replaces.
private struct EpochPrinter {
    var printedEpochs: Int
    let interactive: Bool
    var progressShown = false
    var productsShown = false

    init(printedEpochs: Int, interactive: Bool) {
        self.printedEpochs = printedEpochs
        self.interactive = interactive
    }

    mutating func show(_ s: RunSnapshot) {
        if !productsShown && !s.forwardProducts.isEmpty {
            for choice in s.forwardProducts { print("forward product: \(choice.summary)") }
            fflush(nil)
            productsShown = true
        }
        while printedEpochs < s.history.count {
            if progressShown { print("\r\u{1B}[2K", terminator: ""); progressShown = false }
            print(EpochLine.line(s.history[printedEpochs], totalEpochs: s.totalEpochs))
            fflush(nil)  // one line per epoch as it happens, also into a pipe or a file
            printedEpochs += 1
        }
    }

    mutating func showProgress(_ s: RunSnapshot) {
        guard interactive && s.batchesDone > 0 else { return }
        // Cut to the terminal's width: a wrapped line would not be replaced by the next one.
        var line = EpochLine.progress(s)
        if let columns = Self.terminalColumns(), line.count >= columns { line = String(line.prefix(max(0, columns - 1))) }
        print("\r\u{1B}[2K" + line, terminator: "")
        fflush(nil)
        progressShown = true
    }

    /// Columns of the terminal on standard output, if it says.
    static func terminalColumns() -> Int? {
        var size = winsize()
        guard ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
        return Int(size.ws_col)
    }

    /// Ends a progress line with a newline, if one is showing.
    mutating func endProgress() {
        if progressShown { print(""); progressShown = false }
    }
}

extension TrainCommand {
    /// The run's control server at `--control` or the default place (printed), or nil with `--no-control`.
    fileprivate func serveControl(run: TrainingRun, configuration: TrainingConfiguration,
                                  dataset: String) throws -> ControlServer? {
        guard !noControl else { return nil }
        let path: String
        do {
            if let control {
                let directory = (control as NSString).deletingLastPathComponent
                if !directory.isEmpty { try ControlDirectory.preparePrivate(directory) }
                path = control
            } else {
                let directory = ControlDirectory.defaultPath(environment: ProcessInfo.processInfo.environment)
                try ControlDirectory.preparePrivate(directory)
                path = ControlDirectory.defaultSocketPath(directory: directory, run: run.name, pid: getpid())
            }
            let header = SessionHeader(configuration: configuration, dataset: dataset,
                                       startedAt: Date().timeIntervalSince1970)
            // On a terminal the progress line may stand where this one goes: erase it first
            // (the next progress tick draws it again, under this line).
            let erase = isatty(STDERR_FILENO) == 1 && isatty(STDOUT_FILENO) == 1 ? "\r\u{1B}[2K" : ""
            let server = try ControlServer(path: path, run: run, header: header) { line in
                printError(erase + "bnn-tui: control: \(line)")
            }
            print("control: \(path) (bnn-tui attach \(path))")
            fflush(nil)
            return server
        } catch {
            throw CommandFailure.usage("--control: \(error.description)")
        }
    }
}

/// Lets the epoch callback reach the run it belongs to. Set before the run starts;
/// afterwards touched only by the epoch callback, which runs on the run's queue, one at a time.
private final class RunReference: @unchecked Sendable {
    var run: TrainingRun?
    /// The lowest validation error so far (for --save-best).
    var bestValidationError = Double.infinity
    /// The epoch --save-best last wrote, in this invocation.
    var savedBestEpoch: Int?
}

/// Collects a failure from the run's queue for the main thread to report.
private final class FailureBox: @unchecked Sendable {
    private let lock = NSLock()
    private var message: String?
    func record(_ m: String) { lock.lock(); if message == nil { message = m }; lock.unlock() }
    func take() -> String? { lock.lock(); defer { lock.unlock() }; return message }
}
