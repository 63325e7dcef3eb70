import Foundation
import BNNEngine
@testable import BNNDashboard

/// Deterministic fake runs for the renderer tests: det, stoch and float on
/// 784-1024-10, with smooth made-up curves (no randomness, so renders are stable).
enum FakeRuns {
    static let architecture = Architecture(widths: [784, 1024, 10])

    /// A bell-shaped histogram over [-1, 1] with `edge` extra weights pinned in each clip bin.
    static func histogram(spread: Double, edge: Int, total: Int = 10_000) -> [Int] {
        let n = LayerStatistics.binCount
        var weights: [Double] = []
        for i in 0..<n {
            let center = -1 + (Double(i) + 0.5) * 2 / Double(n)
            weights.append(exp(-center * center / (2 * spread * spread)))
        }
        let sum = weights.reduce(0, +)
        var bins = weights.map { Int(($0 / sum * Double(total)).rounded()) }
        bins[0] += edge
        bins[n - 1] += edge
        return bins
    }

    static func metrics(run: String, mode: BinarizationMode, epoch: Int, base: Double, speed: Double,
                        clip: Double) -> EpochMetrics {
        let e = Double(epoch)
        let val = base + 0.22 * exp(-e / 3) + 0.004 * sin(e * 1.7)
        let train = val - 0.01 - 0.002 * e
        let test = val + 0.006
        return EpochMetrics(
            run: run, mode: mode.rawValue, arch: architecture.description, epoch: epoch,
            trainLoss: 0.2 + 2 * train, trainError: train, valLoss: 0.25 + 2 * val, valError: val,
            testLoss: 0.27 + 2 * test, testError: test, lr: 0.001, epochSeconds: speed,
            samplesPerSecond: 50_000 / speed, rssMB: 84,
            clipFraction: [clip * e / 12, clip * e / 24], flipRatio: [0.0042 / e, 0.002 / e],
            steCancelFraction: [0.18, 0.09],
            weightHistogram: [histogram(spread: 0.35, edge: Int(clip * 10_000 * e / 12)),
                              histogram(spread: 0.25, edge: Int(clip * 5000 * e / 12), total: 2000)])
    }

    static func run(name: String, mode: BinarizationMode, state: RunState, epochs: Int, total: Int = 20,
                    base: Double, speed: Double, clip: Double, progress: Int = 0, partial: Double? = nil) -> RunSnapshot {
        let history = (0..<epochs).map {
            metrics(run: name, mode: mode, epoch: $0 + 1, base: base, speed: speed, clip: clip)
        }
        let last = history.last
        let layers = (0..<2).map { i in
            var l = LayerStatistics(inputs: architecture.layerShape(i).inputs, outputs: architecture.layerShape(i).outputs,
                                    histogram: last?.weightHistogram[i] ?? histogram(spread: 0.5, edge: 0),
                                    clipFraction: last?.clipFraction[i] ?? 0, flipRatio: last?.flipRatio[i] ?? 0,
                                    steCancelFraction: last?.steCancelFraction[i] ?? 0)
            // As the engine reports them: a binary run's first layer multiplies pixels.
            l.forwardProduct = (mode.isBinary && i == 0 ? ForwardProductKind.pixels : .sgemm).rawValue
            return l
        }
        let trained = history.reduce(0) { $0 + $1.epochSeconds } + Double(progress) / 600 * speed
        return RunSnapshot(name: name, mode: mode, architecture: architecture, state: state, epoch: epochs,
                           totalEpochs: total, batchesDone: progress, batchesPerEpoch: 600, learningRate: 0.001,
                           partialTrainLoss: partial.map { 0.2 + 2 * $0 }, partialTrainError: partial,
                           history: history, layers: layers, trainingSeconds: trained,
                           version: UInt64(epochs * 600 + progress))
    }

    /// `count` runs of a learning-rate x mode sweep ("det-lr0.001", "stoch-lr0.003", ...),
    /// all running, each a little better than the one before.
    static func sweep(count: Int) -> [RunSnapshot] {
        let modes: [BinarizationMode] = [.deterministic, .stochastic, .float]
        let rates = ["0.001", "0.003", "0.01"]
        return (0..<count).map { i in
            let mode = modes[i / rates.count % modes.count]
            let name = "\(mode.rawValue)-lr\(rates[i % rates.count])" + (i >= 9 ? "-\(i / 9 + 1)" : "")
            return run(name: name, mode: mode, state: .running, epochs: 6 + i % 4, base: 0.10 + 0.006 * Double(i),
                       speed: 1.2, clip: 0.02)
        }
    }

    /// Three runs mid-training: det running, stoch paused, float running.
    static func three() -> [RunSnapshot] {
        [
            run(name: "det", mode: .deterministic, state: .running, epochs: 12, base: 0.11, speed: 1.31,
                clip: 0.031, progress: 408, partial: 0.085),
            run(name: "stoch", mode: .stochastic, state: .paused(reason: nil), epochs: 11, base: 0.125, speed: 1.42,
                clip: 0.08, progress: 120, partial: 0.12),
            run(name: "float", mode: .float, state: .running, epochs: 12, base: 0.10, speed: 1.08,
                clip: 0.0, progress: 500, partial: 0.05),
        ]
    }
}
