import BNNEngine

/// A `RunSnapshot` as it travels over the control socket: the snapshot itself,
/// but for the epoch history, which goes once in `epochs` frames and then grows by
/// the new epochs only (`historyCount` says how many the client should hold).
/// Insight, lineage and notice do not travel as such: the client rebuilds the
/// insight a metrics record carries (the confusion matrix and the misclassified list,
/// as `watch` does; no pictures or receptive fields) and the lineage from the last
/// epoch record.
///
/// On the wire it is one JSON object: the snapshot's fields under their property
/// names (layers and forward products in their own `Codable` form), the state as its
/// word (`RunState.label`) with the reason in `stateReason`, and `historyCount`.
/// The fields are listed once, in `fields`; encoding and decoding both follow it.
public struct WireSnapshot: Sendable, Equatable, Codable {
    /// The run's snapshot, its history empty.
    public var run: RunSnapshot
    public var historyCount: Int

    public init(_ s: RunSnapshot) {
        run = s
        run.history = []; run.insight = nil; run.lineage = nil; run.notice = nil
        historyCount = s.history.count
    }

    /// The snapshot with `history` (the client's copy, trimmed to `historyCount`), and the
    /// insight and lineage its last epoch record carries.
    public func snapshot(history: [EpochMetrics]) -> RunSnapshot {
        var s = run
        s.history = Array(history.prefix(historyCount))
        guard let last = s.history.last else { return s }
        return s.withRecordedInsight(last).withLineage(last.parent)
    }

    /// Whether the values are ones a real run could publish (decoded input may hold anything).
    var isPlausible: Bool {
        let counts = [run.epoch, run.totalEpochs, run.batchesDone, run.batchesPerEpoch, historyCount]
        return counts.allSatisfy { $0 >= 0 && $0 <= 100_000_000 } && !run.name.isEmpty && run.name.count <= 256
            && run.layers.count <= 4096 && run.forwardProducts.count <= 4096
            && run.layers.allSatisfy { $0.histogram.count <= 4096 && $0.histogram.allSatisfy { $0 >= 0 } }
    }

    // MARK: - Codable

    enum Key: String, CodingKey {
        case name, mode, architecture, state, stateReason, epoch, totalEpochs, batchesDone, batchesPerEpoch
        case learningRate, partialTrainLoss, partialTrainError, historyCount, layers, trainingSeconds
        case forwardProducts, version
    }

    /// Every field of the snapshot that travels, in one list.
    private static var fields: [Field] {
        [.value(.name, \.name), .value(.mode, \.mode), .value(.architecture, \.architecture), .state,
         .value(.epoch, \.epoch), .value(.totalEpochs, \.totalEpochs), .value(.batchesDone, \.batchesDone),
         .value(.batchesPerEpoch, \.batchesPerEpoch), .value(.learningRate, \.learningRate),
         .optional(.partialTrainLoss, \.partialTrainLoss), .optional(.partialTrainError, \.partialTrainError),
         .value(.layers, \.layers), .value(.trainingSeconds, \.trainingSeconds), .forwardProducts,
         .value(.version, \.version)]
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        for field in Self.fields { try field.encode(run, &c) }
        try c.encode(historyCount, forKey: .historyCount)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        run = RunSnapshot(name: "", mode: .deterministic, architecture: try c.decode(Architecture.self, forKey: .architecture),
                          state: .starting, epoch: 0, totalEpochs: 0, batchesDone: 0, batchesPerEpoch: 0,
                          learningRate: 0, partialTrainLoss: nil, partialTrainError: nil, history: [], layers: [],
                          trainingSeconds: 0, version: 0)
        for field in Self.fields { try field.decode(&run, c) }
        historyCount = try c.decode(Int.self, forKey: .historyCount)
    }

    /// One field on the wire: how to write it from a snapshot and read it into one.
    private struct Field {
        let encode: (RunSnapshot, inout KeyedEncodingContainer<Key>) throws -> Void
        let decode: (inout RunSnapshot, KeyedDecodingContainer<Key>) throws -> Void

        static func value<T: Codable>(_ key: Key, _ path: WritableKeyPath<RunSnapshot, T>) -> Field {
            Field(encode: { try $1.encode($0[keyPath: path], forKey: key) },
                  decode: { $0[keyPath: path] = try $1.decode(T.self, forKey: key) })
        }

        static func optional<T: Codable>(_ key: Key, _ path: WritableKeyPath<RunSnapshot, T?>) -> Field {
            Field(encode: { try $1.encodeIfPresent($0[keyPath: path], forKey: key) },
                  decode: { $0[keyPath: path] = try $1.decodeIfPresent(T.self, forKey: key) })
        }

        /// The state's word and reason; an unknown word reads as a failure saying so.
        static var state: Field {
            Field(encode: { s, c in
                try c.encode(s.state.label, forKey: .state)
                switch s.state {
                case .paused(let reason?), .diverged(let reason), .failed(let reason): try c.encode(reason, forKey: .stateReason)
                default: break
                }
            }, decode: { s, c in
                let word = try c.decode(String.self, forKey: .state), reason = try c.decodeIfPresent(String.self, forKey: .stateReason)
                s.state = RunState(label: word, reason: reason)
            })
        }

        /// The forward products whose kernel this build knows (a newer peer's variant is left out).
        static var forwardProducts: Field {
            Field(encode: { try $1.encode($0.forwardProducts, forKey: .forwardProducts) },
                  decode: { $0.forwardProducts = try $1.decode([Known<ForwardProductChoice>].self, forKey: .forwardProducts)
                                .compactMap(\.value) })
        }
    }

    /// An element that decodes to nil instead of failing the whole array.
    private struct Known<T: Decodable>: Decodable {
        let value: T?
        init(from decoder: any Decoder) throws { value = try? T(from: decoder) }
    }
}

extension RunState {
    /// The state a `label` word and its reason name; an unknown word is a failure saying so.
    init(label: String, reason: String?) {
        switch label {
        case "starting": self = .starting
        case "running": self = .running
        case "paused": self = .paused(reason: reason)
        case "done": self = .done
        case "stopped": self = .stopped
        case "diverged": self = .diverged(reason: reason ?? "")
        case "failed": self = .failed(reason: reason ?? "")
        default: self = .failed(reason: "unknown state '\(label)' from the run")
        }
    }
}
