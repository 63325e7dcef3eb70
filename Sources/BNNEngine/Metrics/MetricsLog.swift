import Foundation

/// The runs recorded in metrics JSONL files (`MetricsSchema`: one `EpochMetrics`
/// JSON object per line, as `bnn-tui train --metrics` writes them), and the
/// snapshots that let the dashboard's panels draw them after the fact. The
/// reader lives beside the writer so both follow the one schema.
///
/// A file may hold several runs, told apart by "run", "arch" and "mode": two
/// networks trained under one name into one file stay two runs, as the same run
/// name in two files does (the second shown as "name#2"). A repeated epoch of a
/// run (a resumed run rewriting it) keeps the later line.
public struct MetricsLog: Sendable {
    /// One recorded run: its display name, the file it came from, its epochs in order,
    /// and the dataset its lines name (nil when they name none).
    public struct Run: Sendable, Equatable {
        public var name: String
        public var source: String
        public var epochs: [EpochMetrics]
        public var dataset: String?
    }

    public private(set) var runs: [Run] = []

    /// The dataset every run names, if they all name the same one.
    public var dataset: String? {
        let names = Set(runs.map(\.dataset))
        return names.count == 1 ? names.first! : nil
    }

    /// The settings every run's last line names ("padding zero", ...), then, when the runs
    /// differ, "settings differ by run": for a header over all of them.
    public var sharedSettings: [String] {
        let each = runs.map { $0.epochs.last?.settings ?? [] }
        guard let first = each.first else { return [] }
        let shared = first.filter { item in each.allSatisfy { $0.contains(item) } }
        return shared + (each.contains { Set($0) != Set(shared) } ? ["settings differ by run"] : [])
    }

    public init() {}

    /// Reads every file in order; the first bad file or line throws.
    public init(files: [String]) throws(MetricsLogError) {
        for path in files {
            try append(text: Self.read(path), source: path)
        }
    }

    /// Adds the runs in `text`, the content of the file named `source` (used in messages).
    public mutating func append(text: String, source: String) throws(MetricsLogError) {
        let decoder = MetricsSchema.makeDecoder()
        var byKey: [EpochMetrics.RunIdentity: [Int: EpochMetrics]] = [:]
        var datasets: [EpochMetrics.RunIdentity: String] = [:]
        var order: [EpochMetrics.RunIdentity] = []
        var lineNumber = 0
        // Split on the byte: "\r\n" is a single Character to Swift and would not split on "\n".
        for rawLine in text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            guard let (metrics, dataset) = try Self.decodeLine(String(decoding: rawLine, as: UTF8.self), decoder: decoder,
                                                               source: source, line: lineNumber) else { continue }
            let key = metrics.runIdentity
            if let dataset { datasets[key] = dataset }
            if byKey[key] == nil { order.append(key) }
            byKey[key, default: [:]][metrics.epoch] = metrics
        }
        guard !order.isEmpty else { throw .noEpochs(path: source) }
        var taken = Set(runs.map(\.name))
        for key in order {
            var display = key.name
            var k = 2
            while taken.contains(display) { display = "\(key.name)#\(k)"; k += 1 }
            taken.insert(display)
            let epochs = byKey[key]!.values.sorted { $0.epoch < $1.epoch }
            runs.append(Run(name: display, source: source, epochs: epochs, dataset: datasets[key]))
        }
    }

    /// Snapshots of the recorded runs as finished runs: every epoch in the
    /// history, the last epoch's layer statistics, training time the sum of epoch times.
    public func snapshots() -> [RunSnapshot] {
        runs.map { Self.snapshot(name: $0.name, epochs: $0.epochs, state: .done) }
    }

    /// The snapshot of a recorded run with these epochs (in order, at least one), in `state`:
    /// every epoch in the history, the last epoch's layer statistics, training time the sum of epoch times.
    /// A live (followed) run's epoch total is its last line's `total_epochs`; a done one's is its last epoch.
    public static func snapshot(name: String, epochs: [EpochMetrics], state: RunState) -> RunSnapshot {
        let last = epochs[epochs.count - 1]
        let architecture = (try? Architecture(parsing: last.arch)) ?? Architecture(widths: [1, 1])
        let layers = architecture.weightLayers.enumerated().map { i, shape in
            var l = LayerStatistics(inputs: shape.inputs, outputs: shape.outputs,
                                    histogram: i < last.weightHistogram.count ? last.weightHistogram[i] : [],
                                    clipFraction: i < last.clipFraction.count ? last.clipFraction[i] : .nan,
                                    flipRatio: i < last.flipRatio.count ? last.flipRatio[i] : .nan,
                                    steCancelFraction: i < last.steCancelFraction.count ? last.steCancelFraction[i] : .nan)
            l.kernelSize = shape.convolution?.kernelSize
            if let unique = last.uniqueFilters, i < unique.count { l.uniqueFilters = unique[i] }
            return l
        }
        let renamed = epochs.map { e -> EpochMetrics in
            var copy = e
            copy.run = name
            return copy
        }
        return RunSnapshot(name: name, mode: BinarizationMode(rawValue: last.mode) ?? .deterministic,
                           architecture: architecture, state: state, epoch: last.epoch,
                           totalEpochs: state == .done ? last.epoch : Swift.max(last.epoch, last.totalEpochs ?? last.epoch),
                           batchesDone: 0, batchesPerEpoch: 0, learningRate: last.lr,
                           partialTrainLoss: nil, partialTrainError: nil, history: renamed, layers: layers,
                           trainingSeconds: epochs.reduce(0) { $0 + ($1.epochSeconds.isFinite ? $1.epochSeconds : 0) },
                           version: 0).withRecordedInsight(last).withLineage(last.parent)
    }

    // MARK: - One line

    /// Decodes and checks line number `line` of `source` (a decoder from
    /// `MetricsSchema.makeDecoder()`): its metrics and the dataset it names; nil for a blank line.
    public static func decodeLine(_ text: String, decoder: JSONDecoder, source: String,
                                  line lineNumber: Int) throws(MetricsLogError) -> (EpochMetrics, String?)? {
        let line = text.trimmingWhitespace()
        if line.isEmpty { return nil }
        let metrics: EpochMetrics
        let record: MetricsRecord
        do {
            record = try decoder.decode(MetricsRecord.self, from: Data(line.utf8))
            metrics = record.metrics
            if let dataset = record.dataset {
                guard (1...80).contains(dataset.count),
                      dataset.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F }) else {
                    throw MetricsLogError.malformedLine(path: source, line: lineNumber,
                                                       reason: "'\(MetricsSchema.datasetKey)' must be 1-80 printable characters")
                }
            }
        } catch let error as MetricsLogError {
            throw error
        } catch let error as DecodingError {
            throw .malformedLine(path: source, line: lineNumber, reason: Self.explain(error))
        } catch {
            throw .malformedLine(path: source, line: lineNumber, reason: "not a metrics record")
        }
        try Self.check(metrics, path: source, line: lineNumber)
        return (metrics, record.dataset)
    }

    // MARK: - Reading and checking

    static func read(_ path: String) throws(MetricsLogError) -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .unreadable(path: path, reason: "no such file")
        }
        guard !isDirectory.boolValue else { throw .unreadable(path: path, reason: "is a directory") }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .unreadable(path: path, reason: "permission denied or unreadable")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw .unreadable(path: path, reason: "not UTF-8 text")
        }
        return text
    }

    private static func check(_ m: EpochMetrics, path: String, line: Int) throws(MetricsLogError) {
        func bad(_ reason: String) -> MetricsLogError { .malformedLine(path: path, line: line, reason: reason) }
        guard !m.run.isEmpty else { throw bad("empty run name") }
        guard BinarizationMode(rawValue: m.mode) != nil else {
            throw bad("unknown mode '\(m.mode)' (expected det, stoch or float)")
        }
        let architecture: Architecture
        do { architecture = try Architecture(parsing: m.arch) } catch { throw bad(error.description) }
        guard (1...1_000_000).contains(m.epoch) else { throw bad("epoch \(m.epoch) is out of range 1-1000000") }
        let layers = architecture.layerCount
        typealias Field = EpochMetrics.CodingKeys
        for (field, count) in [(Field.clipFraction, m.clipFraction.count), (.flipRatio, m.flipRatio.count),
                               (.steCancelFraction, m.steCancelFraction.count),
                               (.weightHistogram, m.weightHistogram.count)] where count != layers {
            throw bad("\(field.stringValue) has \(count) entries but \(m.arch) has \(layers) layers")
        }
        let histogram = Field.weightHistogram.stringValue
        for (i, bins) in m.weightHistogram.enumerated() {
            guard bins.count >= 2 else { throw bad("\(histogram)[\(i)] has \(bins.count) bins; needs the two clip edges at least") }
            guard bins.allSatisfy({ $0 >= 0 }) else { throw bad("\(histogram)[\(i)] has a negative count") }
        }
        let classes = architecture.outputSize
        if let confusion = m.valConfusion {
            guard confusion.classCount == classes else {
                throw bad("val_confusion is \(confusion.classCount)x\(confusion.classCount) but \(m.arch) has \(classes) classes")
            }
            guard confusion.counts.allSatisfy({ $0.allSatisfy { $0 <= 1 << 40 } }) else { throw bad("val_confusion has a count out of range") }
        }
        if let problem = m.parent?.problem(atEpoch: m.epoch - 1) { throw bad("parent: \(problem)") }
        for image in m.testMisclassified ?? [] {
            guard (0..<(1 << 31)).contains(image.index), (0..<classes).contains(image.label),
                  (0..<classes).contains(image.predicted), image.margin.isFinite else {
                throw bad("test_misclassified has an entry out of range (index \(image.index), label \(image.label), predicted \(image.predicted))")
            }
        }
    }

    /// A short reason for a decoding failure, naming the key.
    static func explain(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
                .replacingOccurrences(of: ".[", with: "[")
        }
        switch error {
        case .keyNotFound(let key, _): return "missing key '\(key.stringValue)'"
        case .valueNotFound(_, let context): return "'\(path(context))' is null"
        case .typeMismatch(let type, let context):
            if context.codingPath.isEmpty { return "not a JSON object" }
            let what = type == String.self ? "a string" : type == Int.self ? "an integer"
                : (type == Double.self ? "a number" : "a \(type)")
            return "'\(path(context))' is not \(what)"
        case .dataCorrupted(let context):
            if context.codingPath.last?.stringValue == MetricsSchema.schemaKey { return context.debugDescription }
            return context.codingPath.isEmpty ? "not valid JSON" : "'\(path(context))' is invalid"
        @unknown default: return "not a metrics record"
        }
    }
}

extension RunSnapshot {
    /// The snapshot of a fork: `lineage` set (nil leaves it as it is).
    public func withLineage(_ lineage: RunLineage?) -> RunSnapshot {
        var copy = self
        if let lineage { copy.lineage = lineage }
        return copy
    }

    /// The snapshot with the insight an epoch record carries (matrix and misclassified list; no
    /// pictures or receptive fields, which a metrics file does not hold — see `RunInsight.withPixels`).
    public func withRecordedInsight(_ m: EpochMetrics) -> RunSnapshot {
        guard m.valConfusion != nil || m.testMisclassified != nil else { return self }
        var copy = self
        let n = architecture.inputSize, side = Int(Double(n).squareRoot().rounded())
        copy.insight = RunInsight(epoch: m.epoch, confusion: m.valConfusion, misclassified: m.testMisclassified ?? [],
                                  misclassifiedPixels: [], imageWidth: side * side == n ? side : 0,
                                  imageHeight: side * side == n ? side : 0, receptiveFields: [])
        return copy
    }
}
