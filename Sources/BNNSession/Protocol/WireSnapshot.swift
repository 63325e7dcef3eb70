import BNNEngine
import BNNKernels

/// A `RunSnapshot` as it travels over the control socket: everything but the
/// epoch history, which goes once in `epochs` frames and then grows by the new
/// epochs only (`historyCount` says how many the client should hold).
public struct WireSnapshot: Sendable, Equatable, Codable {
    public var name: String
    public var mode: BinarizationMode
    public var architecture: Architecture
    public var state: String
    public var stateReason: String?
    public var epoch: Int
    public var totalEpochs: Int
    public var batchesDone: Int
    public var batchesPerEpoch: Int
    public var learningRate: Double
    public var partialTrainLoss: Double?
    public var partialTrainError: Double?
    public var historyCount: Int
    public var layers: [WireLayer]
    public var trainingSeconds: Double
    public var forwardProducts: [WireProduct]
    public var version: UInt64

    /// One dense layer's statistics (`LayerStatistics`).
    public struct WireLayer: Sendable, Equatable, Codable {
        public var inputs: Int, outputs: Int
        public var histogram: [Int]
        public var clipFraction: Double, flipRatio: Double, steCancelFraction: Double
    }

    /// One layer's forward-product choice (`ForwardProductChoice`).
    public struct WireProduct: Sendable, Equatable, Codable {
        public var layer: Int, rows: Int, outputs: Int, inputs: Int
        public var kernel: String
        public var sgemmSeconds: Double?, xnorSeconds: Double?
        public var usesXnor: Bool
    }

    public init(_ s: RunSnapshot) {
        name = s.name; mode = s.mode; architecture = s.architecture
        (state, stateReason) = Self.encode(s.state)
        epoch = s.epoch; totalEpochs = s.totalEpochs; batchesDone = s.batchesDone
        batchesPerEpoch = s.batchesPerEpoch; learningRate = s.learningRate
        partialTrainLoss = s.partialTrainLoss; partialTrainError = s.partialTrainError
        historyCount = s.history.count
        layers = s.layers.map {
            WireLayer(inputs: $0.inputs, outputs: $0.outputs, histogram: $0.histogram, clipFraction: $0.clipFraction,
                      flipRatio: $0.flipRatio, steCancelFraction: $0.steCancelFraction)
        }
        trainingSeconds = s.trainingSeconds
        forwardProducts = s.forwardProducts.map {
            WireProduct(layer: $0.layer, rows: $0.rows, outputs: $0.outputs, inputs: $0.inputs, kernel: $0.kernel.rawValue,
                        sgemmSeconds: $0.sgemmSeconds, xnorSeconds: $0.xnorSeconds, usesXnor: $0.usesXnor)
        }
        version = s.version
    }

    /// The snapshot with `history` (the client's copy, trimmed to `historyCount`).
    public func snapshot(history: [EpochMetrics]) -> RunSnapshot {
        var s = RunSnapshot(
            name: name, mode: mode, architecture: architecture, state: runState, epoch: epoch,
            totalEpochs: totalEpochs, batchesDone: batchesDone, batchesPerEpoch: batchesPerEpoch,
            learningRate: learningRate, partialTrainLoss: partialTrainLoss, partialTrainError: partialTrainError,
            history: Array(history.prefix(historyCount)),
            layers: layers.map {
                LayerStatistics(inputs: $0.inputs, outputs: $0.outputs, histogram: $0.histogram,
                                clipFraction: $0.clipFraction, flipRatio: $0.flipRatio,
                                steCancelFraction: $0.steCancelFraction)
            },
            trainingSeconds: trainingSeconds, version: version)
        s.forwardProducts = forwardProducts.compactMap { p in
            KernelVariant(rawValue: p.kernel).map {
                ForwardProductChoice(layer: p.layer, rows: p.rows, outputs: p.outputs, inputs: p.inputs, kernel: $0,
                                     sgemmSeconds: p.sgemmSeconds, xnorSeconds: p.xnorSeconds, usesXnor: p.usesXnor)
            }
        }
        return s
    }

    /// The run state this snapshot names (an unknown word reads as a failure saying so).
    public var runState: RunState {
        switch state {
        case "starting": return .starting
        case "running": return .running
        case "paused": return .paused(reason: stateReason)
        case "done": return .done
        case "stopped": return .stopped
        case "diverged": return .diverged(reason: stateReason ?? "")
        case "failed": return .failed(reason: stateReason ?? "")
        default: return .failed(reason: "unknown state '\(state)' from the run")
        }
    }

    private static func encode(_ state: RunState) -> (String, String?) {
        switch state {
        case .paused(let reason): return ("paused", reason)
        case .diverged(let reason), .failed(let reason): return (state.label, reason)
        default: return (state.label, nil)
        }
    }

    /// Whether the values are ones a real run could publish (decoded input may hold anything).
    var isPlausible: Bool {
        let counts = [epoch, totalEpochs, batchesDone, batchesPerEpoch, historyCount]
        return counts.allSatisfy { $0 >= 0 && $0 <= 100_000_000 } && !name.isEmpty && name.count <= 256
            && layers.count <= 4096 && forwardProducts.count <= 4096
            && layers.allSatisfy { $0.histogram.count <= 4096 && $0.histogram.allSatisfy { $0 >= 0 } }
    }
}
