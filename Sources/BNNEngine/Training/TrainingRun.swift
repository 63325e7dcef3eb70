import BNNSupport
import BNNKernels
import Dispatch
import Foundation

/// One long-lived training run: a network, its data and its schedule,
/// training on its own Dispatch queue while any thread steers and watches it.
///
/// Control (`pause`, `resume`, `stop`, `setLearningRate`, `saveCheckpoint`)
/// and `snapshot()` are safe from any thread at any moment. They meet the
/// training loop only at batch boundaries, through state guarded by one
/// `NSCondition`; the network itself is touched only by the loop. Several runs
/// train at once, each on its own queue.
public final class TrainingRun: @unchecked Sendable {
    public let name: String
    public let configuration: TrainingConfiguration
    /// Where a forked run came from (the checkpoint's), kept in its snapshots, checkpoints and metrics.
    public let lineage: RunLineage?
    private let data: TrainingData
    /// The history's JSON, epoch by epoch, for the checkpoints this run saves.
    private let encodedHistory = EncodedHistory()
    private let queue: DispatchQueue
    private let onEpochCompleted: (@Sendable (EpochMetrics) -> Void)?

    // MARK: State shared with other threads (guarded by `condition`)
    private let condition = NSCondition()
    private var published: RunSnapshot
    private var pauseRequested = false
    private var stopRequested = false
    private var pendingLearningRate: Double?
    private var checkpointRequests: [CheckpointRequest] = []
    private var loopActive = false
    private var hasStarted = false

    // MARK: Working state (touched only by the training loop, or under `condition` when it is idle)
    private let network: Network
    private var generator: SeededGenerator
    private var completedEpochs: Int
    private var learningRate: Double
    private var history: [EpochMetrics]
    private var trainingSeconds: Double
    private let evaluationRows: Int
    private let batchesPerEpoch: Int
    private let forwardProductPolicy: ForwardProductPolicy
    /// The epoch being trained, between its batches; nil between epochs. A checkpoint taken
    /// while it is set records it (`EpochProgress`), and a run resumed from one starts here.
    private var position: EpochPosition?
    /// For tests: called on the run's queue after every batch with the epoch in progress and
    /// its batches done. Set before `start()`.
    var batchCompleted: (@Sendable (_ epoch: Int, _ batchesDone: Int) -> Void)?

    private struct EpochPosition {
        /// The generator before the epoch's shuffle.
        var shuffleGenerator: SeededGenerator
        var batchesDone: Int
        var score: BatchScore
        var epochSeconds: Double
        var trainPhaseSeconds: Double
    }

    /// Creates a run, optionally continuing from a checkpoint (same architecture and mode);
    /// a fork's checkpoint (`RunCheckpoint.forked`) makes the run a fork, with its lineage.
    /// - Parameter forwardProductPolicy: how binary hidden layers pick their forward product.
    /// - Parameter onEpochCompleted: called on the run's queue after every epoch.
    public init(name: String, configuration: TrainingConfiguration, data: TrainingData,
                resumingFrom checkpoint: RunCheckpoint? = nil,
                forwardProductPolicy: ForwardProductPolicy = .fromEnvironment,
                onEpochCompleted: (@Sendable (EpochMetrics) -> Void)? = nil) throws(CheckpointError) {
        precondition(configuration.batchSize >= 1 && configuration.epochs >= 1)
        self.name = name
        self.configuration = configuration
        lineage = checkpoint?.lineage
        self.data = data
        self.onEpochCompleted = onEpochCompleted
        self.forwardProductPolicy = forwardProductPolicy
        queue = DispatchQueue(label: "bnn-tui.run.\(name)", qos: .userInitiated)
        // A ConvNet's buffers grow with the rows (patches of every position), so it evaluates
        // in batches of the training size; an MLP in chunks of at least 250.
        evaluationRows = configuration.architecture.hasConvolutions
            ? configuration.batchSize : max(configuration.batchSize, 250)
        // Runs split their products over their own threads (see SplitGEMM); BLAS stays single-threaded.
        FloatGEMM.setThreadCount(1)
        var generator = SeededGenerator(seed: configuration.seed)
        network = Network(configuration: configuration, maxRows: evaluationRows, generator: &generator)
        self.generator = generator
        completedEpochs = 0
        learningRate = configuration.schedule.start
        history = []
        trainingSeconds = 0
        let batches = Self.batchCount(examples: data.train.count, batchSize: configuration.batchSize)
        batchesPerEpoch = batches
        if let checkpoint {
            try checkpoint.restore(into: network, configuration: configuration)
            self.generator = checkpoint.generator
            completedEpochs = checkpoint.completedEpochs
            learningRate = checkpoint.learningRate
            history = checkpoint.history
            trainingSeconds = checkpoint.trainingSeconds
            if let progress = checkpoint.epochProgress {
                if let problem = progress.problem(network: network, batchesPerEpoch: batches) {
                    throw .incompatible(reason: "it was taken inside epoch \(completedEpochs + 1), but \(problem)")
                }
                progress.restoreStatistics(into: network)
                position = EpochPosition(shuffleGenerator: progress.shuffleGenerator, batchesDone: progress.batchesDone,
                                         score: progress.score, epochSeconds: progress.epochSeconds,
                                         trainPhaseSeconds: progress.trainPhaseSeconds)
            }
        }
        published = RunSnapshot(
            name: name, mode: configuration.mode, architecture: configuration.architecture,
            state: completedEpochs >= configuration.epochs ? .done : .starting,
            epoch: completedEpochs, totalEpochs: configuration.epochs, batchesDone: position?.batchesDone ?? 0,
            batchesPerEpoch: batches, learningRate: learningRate, partialTrainLoss: position?.score.meanLoss,
            partialTrainError: position?.score.errorRate, history: history, layers: network.layerStatistics(),
            trainingSeconds: trainingSeconds, version: 0)
        published.lineage = lineage
        published.insight = InsightProbe.initialInsight(of: network, history: history)
        queue.setSpecific(key: Self.queueKey, value: ObjectIdentifier(self))
    }

    /// Batches per epoch: ⌈n / B⌉, except that a last batch of a single image is
    /// skipped (BatchNorm needs at least two rows for batch statistics).
    static func batchCount(examples: Int, batchSize: Int) -> Int {
        let full = examples / batchSize, rest = examples % batchSize
        return full + (rest >= 2 ? 1 : 0)
    }

    private static let queueKey = DispatchSpecificKey<ObjectIdentifier>()

    // MARK: - Control (any thread)

    /// Starts training on the run's queue. Calling it again does nothing.
    public func start() {
        condition.lock()
        defer { condition.unlock() }
        guard !hasStarted else { return }
        hasStarted = true
        guard !published.state.isFinished else { return }
        loopActive = true
        queue.async { self.trainingLoop() }
    }

    /// Pauses at the next batch boundary.
    public func pause() {
        condition.lock()
        if !published.state.isFinished { pauseRequested = true }
        condition.unlock()
    }

    /// Resumes a paused run. A diverged one stays paused: the batches before the one that
    /// diverged have already spoiled its parameters (see `diverge`).
    public func resume() {
        condition.lock()
        if case .diverged = published.state { condition.unlock(); return }
        pauseRequested = false
        condition.broadcast()
        condition.unlock()
    }

    /// Stops at the next batch boundary; the run ends in state `.stopped`.
    public func stop() {
        condition.lock()
        stopRequested = true
        condition.broadcast()
        condition.unlock()
    }

    /// Sets the learning rate from the next batch on; later epochs keep decaying from it.
    public func setLearningRate(_ rate: Double) {
        precondition(rate.isFinite && rate > 0, "learning rate must be positive and finite")
        condition.lock()
        pendingLearningRate = rate
        published.learningRate = rate
        published.version &+= 1
        condition.unlock()
    }

    /// The latest immutable snapshot.
    public func snapshot() -> RunSnapshot {
        condition.lock()
        defer { condition.unlock() }
        return published
    }

    /// Blocks until the training loop has ended or `timeout` seconds passed; true if it ended.
    @discardableResult
    public func waitUntilFinished(timeout: Double = .infinity) -> Bool {
        let deadline = Date(timeIntervalSinceNow: min(timeout, 1e9))
        condition.lock()
        defer { condition.unlock() }
        while loopActive {
            if !condition.wait(until: deadline) { return !loopActive }
        }
        return true
    }

    /// Writes a checkpoint of the run as it stands (atomically). While training, it is
    /// taken at the next batch boundary; the caller waits for it.
    public func saveCheckpoint(to path: String) throws {
        _ = try takeCheckpoint(writingTo: path)
    }

    /// The run's state as it stands, in memory (for forking and continuing): while training,
    /// taken at the next batch boundary; the caller waits for it.
    public func checkpoint() throws -> RunCheckpoint {
        try takeCheckpoint(writingTo: nil)
    }

    private func takeCheckpoint(writingTo path: String?) throws -> RunCheckpoint {
        if DispatchQueue.getSpecific(key: Self.queueKey) == ObjectIdentifier(self) {
            // Called from the training loop itself (e.g. from `onEpochCompleted`).
            let rate = condition.withLock { pendingLearningRate ?? learningRate }
            return try writeCheckpoint(to: path, learningRate: rate)
        }
        let request = CheckpointRequest(path: path)
        condition.lock()
        if loopActive {
            checkpointRequests.append(request)
            condition.broadcast()
            while request.result == nil { condition.wait() }
            condition.unlock()
        } else {
            defer { condition.unlock() }
            let rate = pendingLearningRate ?? learningRate
            request.result = Result { try writeCheckpoint(to: path, learningRate: rate) }
        }
        return try request.result!.get()
    }

    // MARK: - The training loop (the run's queue)

    private enum Control { case proceed, stop }

    private func trainingLoop() {
        let config = configuration
        let featureCount = data.train.featureCount
        let input = FloatBuffer(count: evaluationRows * featureCount)
        var labels = [Int32](repeating: 0, count: evaluationRows)
        var order = Array(0..<data.train.count)
        let batches = Self.batchCount(examples: data.train.count, batchSize: config.batchSize)
        var finalState = RunState.done
        tuneForwardProducts()

        epochs: while completedEpochs < config.epochs {
            if checkControl() == .stop { finalState = .stopped; break epochs }
            // Each epoch's order depends only on the generator's state, so a run resumed
            // from a checkpoint sees exactly the batches an uninterrupted run would. One taken
            // inside an epoch draws that epoch's order again from the generator it began with,
            // and has its statistics restored already.
            for i in order.indices { order[i] = i }
            // The epoch's running totals, kept in `position` after every batch for checkpoints.
            var current: EpochPosition
            if let resumed = position {
                var shuffler = resumed.shuffleGenerator
                shuffler.shuffle(&order)
                current = resumed
            } else {
                current = EpochPosition(shuffleGenerator: generator, batchesDone: 0, score: BatchScore(),
                                        epochSeconds: 0, trainPhaseSeconds: 0)
                generator.shuffle(&order)
                network.beginEpochStatistics()
                position = current
            }
            for b in current.batchesDone..<batches {
                if b > 0, checkControl() == .stop { finalState = .stopped; break epochs }
                let started = DispatchTime.now().uptimeNanoseconds
                let lo = b * config.batchSize
                let rows = min(config.batchSize, order.count - lo)
                order.withUnsafeBufferPointer { o in
                    labels.withUnsafeMutableBufferPointer { l in
                        data.train.gather(indices: UnsafeBufferPointer(rebasing: o[lo..<(lo + rows)]),
                                          pixels: input.pointer, labels: l.baseAddress!)
                    }
                }
                let batchScore = labels.withUnsafeBufferPointer { l in
                    network.trainStep(input: input.pointer, labels: l.baseAddress!, rows: rows,
                                      learningRate: learningRate, generator: &generator)
                }
                let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
                current.epochSeconds += seconds
                current.trainPhaseSeconds += seconds
                current.batchesDone = b + 1
                let finite = batchScore.lossSum.isFinite
                if finite { current.score += batchScore }
                position = current
                if !finite {
                    diverge(reason: "loss became \(batchScore.lossSum.isNaN ? "NaN" : "infinite") at epoch \(completedEpochs + 1), batch \(b + 1) (lr \(formatRate(learningRate)))")
                    continue
                }
                publishProgress(batchesDone: b + 1, score: current.score, seconds: seconds)
                batchCompleted?(completedEpochs + 1, b + 1)
            }
            position = nil
            let score = current.score, trainPhaseSeconds = current.trainPhaseSeconds
            var epochSeconds = current.epochSeconds
            let evaluationStart = DispatchTime.now().uptimeNanoseconds
            var validationObserver = EvaluationObserver(classCount: network.classCount)
            var testObserver = EvaluationObserver(classCount: network.classCount)
            let validation = evaluate(data.validation, input: input, labels: &labels, observer: &validationObserver)
            let test = evaluate(data.test, input: input, labels: &labels, observer: &testObserver)
            epochSeconds += Double(DispatchTime.now().uptimeNanoseconds - evaluationStart) / 1e9
            let layers = network.layerStatistics()
            completedEpochs += 1
            var metrics = epochMetrics(score: score, validation: validation, test: test, layers: layers,
                                       epochSeconds: epochSeconds, trainPhaseSeconds: trainPhaseSeconds)
            let insight = InsightProbe.insight(of: network, epoch: completedEpochs, validation: validationObserver,
                                               test: testObserver, testSet: data.test, input: input)
            metrics.valConfusion = insight.confusion
            metrics.testMisclassified = insight.misclassified
            history.append(metrics)
            trainingSeconds += epochSeconds - trainPhaseSeconds  // batches were added as they ran
            // The next epoch's rate; after the last one the rate stays the one it used.
            if completedEpochs < config.epochs {
                learningRate = config.schedule.nextRate(after: learningRate,
                                                        remainingEpochs: config.epochs - completedEpochs)
            }
            publishEpoch(layers: layers, insight: insight)
            onEpochCompleted?(metrics)
        }
        finish(finalState)
    }

    /// Chooses the binary layers' forward products on the run's queue, so that timing them
    /// never blocks the caller, and publishes the choice.
    private func tuneForwardProducts() {
        let products = network.tuneForwardProducts(rows: configuration.batchSize, policy: forwardProductPolicy)
        condition.lock()
        published.forwardProducts = products
        published.version &+= 1
        condition.unlock()
    }

    /// The record of the epoch just completed (`completedEpochs`), at the rate it used.
    private func epochMetrics(score: BatchScore, validation: BatchScore, test: BatchScore, layers: [LayerStatistics],
                              epochSeconds: Double, trainPhaseSeconds: Double) -> EpochMetrics {
        EpochMetrics(
            run: name, mode: configuration.mode.rawValue, arch: configuration.architecture.description,
            epoch: completedEpochs, trainLoss: score.meanLoss, trainError: score.errorRate,
            valLoss: validation.meanLoss, valError: validation.errorRate,
            testLoss: test.meanLoss, testError: test.errorRate, lr: learningRate,
            epochSeconds: epochSeconds,
            samplesPerSecond: trainPhaseSeconds > 0 ? Double(score.rows) / trainPhaseSeconds : 0,
            rssMB: ProcessMemory.peakResidentMB(),
            clipFraction: layers.map(\.clipFraction), flipRatio: layers.map(\.flipRatio),
            steCancelFraction: layers.map(\.steCancelFraction),
            weightHistogram: layers.map(\.histogram), uniqueFilters: layers.map(\.uniqueFilters), parent: lineage,
            totalEpochs: configuration.epochs,
            settings: configuration.nonDefaultSettings.isEmpty ? nil : configuration.nonDefaultSettings)
    }

    /// Applies pending control at a batch boundary: learning-rate changes, checkpoint
    /// requests, pause (waiting here) and stop.
    private func checkControl() -> Control {
        condition.lock()
        defer { condition.unlock() }
        while true {
            if let rate = pendingLearningRate { learningRate = rate; pendingLearningRate = nil }
            if !checkpointRequests.isEmpty {
                let requests = checkpointRequests
                checkpointRequests = []
                let rate = learningRate
                // The working state is only ever touched by this thread: write without
                // holding the lock, so readers of snapshots never wait for the disk.
                condition.unlock()
                let results = requests.map { r in Result { try writeCheckpoint(to: r.path, learningRate: rate) } }
                condition.lock()
                for (request, result) in zip(requests, results) { request.result = result }
                condition.broadcast()
                continue
            }
            if stopRequested { return .stop }
            if !pauseRequested {
                if published.state != .running { published.state = .running; published.version &+= 1 }
                return .proceed
            }
            if case .diverged = published.state {} else if case .paused = published.state {} else {
                published.state = .paused(reason: nil)
                published.version &+= 1
            }
            condition.wait()
        }
    }

    private func diverge(reason: String) {
        condition.lock()
        pauseRequested = true
        published.state = .diverged(reason: reason)
        published.version &+= 1
        condition.unlock()
    }

    private func evaluate(_ set: any ImageBatchSource, input: FloatBuffer, labels: inout [Int32],
                          observer: inout EvaluationObserver) -> BatchScore {
        var total = BatchScore()
        var indices = [Int](repeating: 0, count: evaluationRows)
        var lo = 0
        while lo < set.count {
            let rows = min(evaluationRows, set.count - lo)
            for i in 0..<rows { indices[i] = lo + i }
            indices.withUnsafeBufferPointer { ix in
                labels.withUnsafeMutableBufferPointer { l in
                    set.gather(indices: UnsafeBufferPointer(rebasing: ix[0..<rows]), pixels: input.pointer,
                               labels: l.baseAddress!)
                }
            }
            let classes = network.classCount, first = lo
            total += labels.withUnsafeBufferPointer { l in
                network.evaluate(input: input.pointer, labels: l.baseAddress!, rows: rows) { scores in
                    observer.observe(scores: scores, labels: l.baseAddress!, rows: rows, classes: classes, firstIndex: first)
                }
            }
            lo += rows
        }
        return total
    }

    private func publishProgress(batchesDone: Int, score: BatchScore, seconds: Double) {
        trainingSeconds += seconds
        condition.lock()
        published.batchesDone = batchesDone
        published.partialTrainLoss = score.meanLoss
        published.partialTrainError = score.errorRate
        published.trainingSeconds = trainingSeconds
        if pendingLearningRate == nil { published.learningRate = learningRate }
        published.version &+= 1
        condition.unlock()
    }

    private func publishEpoch(layers: [LayerStatistics], insight: RunInsight) {
        condition.lock()
        published.insight = insight
        published.epoch = completedEpochs
        published.batchesDone = 0
        published.partialTrainLoss = nil
        published.partialTrainError = nil
        published.history = history
        published.layers = layers
        published.trainingSeconds = trainingSeconds
        if pendingLearningRate == nil { published.learningRate = learningRate }
        published.version &+= 1
        condition.unlock()
    }

    private func finish(_ state: RunState) {
        condition.lock()
        // Serve checkpoint requests that raced with the end of training.
        let rate = pendingLearningRate ?? learningRate
        for request in checkpointRequests {
            request.result = Result { try writeCheckpoint(to: request.path, learningRate: rate) }
        }
        checkpointRequests = []
        published.state = state
        published.version &+= 1
        loopActive = false
        condition.broadcast()
        condition.unlock()
    }

    @discardableResult
    private func writeCheckpoint(to path: String?, learningRate: Double) throws -> RunCheckpoint {
        var checkpoint = RunCheckpoint(name: name, configuration: configuration, network: network,
                                       generator: generator, completedEpochs: completedEpochs,
                                       learningRate: learningRate,
                                       history: history, trainingSeconds: trainingSeconds, lineage: lineage,
                                       dataSizes: DataSizes(train: data.train.count, validation: data.validation.count,
                                                            test: data.test.count),
                                       epochProgress: position.map { p in
                                           EpochProgress(batchesDone: p.batchesDone, batchesPerEpoch: batchesPerEpoch,
                                                         shuffleGenerator: p.shuffleGenerator,
                                                         score: p.score, epochSeconds: p.epochSeconds,
                                                         trainPhaseSeconds: p.trainPhaseSeconds, network: network)
                                       })
        checkpoint.encodedHistory = encodedHistory
        if let path { try AtomicFile.write(checkpoint.serialized(), to: path) }
        return checkpoint
    }
}

/// A checkpoint asked for from another thread, answered by the training loop.
private final class CheckpointRequest: @unchecked Sendable {
    /// Nil for an in-memory checkpoint.
    let path: String?
    var result: Result<RunCheckpoint, any Error>?
    init(path: String?) { self.path = path }
}

func formatRate(_ x: Double) -> String {
    String(format: "%.3g", x)
}
