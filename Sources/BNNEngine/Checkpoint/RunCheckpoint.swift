import BNNKernels
import BNNSupport
import Foundation

/// A saved training run: latent weights, BatchNorm parameters and running
/// statistics, optimizer moments and step, the epoch, the RNG state, the
/// learning rate and the metrics history — everything needed to continue
/// exactly where it stopped.
///
/// File layout (little-endian), version 2:
/// `"BNNTUICK"` · u32 version · u64 header length · JSON header ·
/// the tensors as float32 in header order · u32 CRC-32 of all preceding bytes.
/// Version 2 adds the optional header key `parent` (a fork's `RunLineage`);
/// version 1 files (without it) still load. The optional key `data` (`DataSizes`, since
/// session 13) needs no new version: older builds ignore it, and files without it load.
/// Version 3 is written only by checkpoints taken inside an epoch: it adds the key
/// `progress` (`EpochProgress`), which a build that ignored it would resume wrongly; files
/// taken between epochs stay version 2. Written atomically by `TrainingRun.saveCheckpoint(to:)`.
public struct RunCheckpoint: Sendable {
    public static let magic = Array("BNNTUICK".utf8)
    /// The version written between epochs.
    public static let formatVersion: UInt32 = 2
    /// The version written inside an epoch (with `epochProgress`).
    public static let inProgressFormatVersion: UInt32 = 3
    /// The versions read: 1 (before lineage), 2 and 3.
    public static let readableVersions: ClosedRange<UInt32> = 1...inProgressFormatVersion

    public let name: String
    public let configuration: TrainingConfiguration
    public let completedEpochs: Int
    public let learningRate: Double
    public let history: [EpochMetrics]
    public let trainingSeconds: Double
    /// Where a forked run came from; nil for a run that was never forked (and in version-1 files).
    public let lineage: RunLineage?
    /// The images the run trained and evaluated on; nil in files written before it was recorded.
    public let dataSizes: DataSizes?
    /// Where the run stood inside epoch `completedEpochs + 1`; nil for a checkpoint taken between epochs.
    public let epochProgress: EpochProgress?
    let generator: SeededGenerator
    let optimizerStep: Int
    /// The run's cache of its history's JSON (set for checkpoints a run takes of itself).
    var encodedHistory: EncodedHistory?
    /// Named tensors in a fixed order.
    let tensors: [(name: String, values: [Float])]

    struct TensorInfo: Codable { let name: String; let count: Int }
    struct Header: Codable {
        let name: String
        let configuration: TrainingConfiguration
        let completedEpochs: Int
        let learningRate: Double
        let history: [EpochMetrics]
        let trainingSeconds: Double
        let generator: SeededGenerator
        let optimizerStep: Int
        let tensors: [TensorInfo]
        let parent: RunLineage?
        let data: DataSizes?
        let progress: EpochProgress?
    }

    init(name: String, configuration: TrainingConfiguration, network: Network, generator: SeededGenerator,
         completedEpochs: Int, learningRate: Double, history: [EpochMetrics], trainingSeconds: Double,
         lineage: RunLineage?, dataSizes: DataSizes?, epochProgress: EpochProgress? = nil) {
        self.name = name
        self.lineage = lineage
        self.dataSizes = dataSizes
        self.epochProgress = epochProgress
        self.configuration = configuration
        self.generator = generator
        self.completedEpochs = completedEpochs
        self.learningRate = learningRate
        self.history = history
        self.trainingSeconds = trainingSeconds
        optimizerStep = network.optimizer.step
        tensors = Self.tensorBuffers(of: network).map { ($0.name, $0.buffer.array) }
    }

    /// Every tensor a checkpoint holds, by name, in file order.
    static func tensorBuffers(of network: Network) -> [(name: String, buffer: FloatBuffer)] {
        var list: [(String, FloatBuffer)] = []
        for p in network.allParameters {
            list.append((p.name, p.value))
            list.append((p.name + ".m1", p.moment1))
            list.append((p.name + ".m2", p.moment2))
        }
        for (k, bn) in network.batchNorms.enumerated() {
            list.append(("bn\(k).running_mean", bn.runningMean))
            list.append(("bn\(k).running_var", bn.runningVariance))
        }
        return list
    }

    /// The file's bytes.
    func serialized() throws -> Data {
        let header = Header(name: name, configuration: configuration, completedEpochs: completedEpochs,
                            learningRate: learningRate, history: encodedHistory == nil ? history : [],
                            trainingSeconds: trainingSeconds,
                            generator: generator, optimizerStep: optimizerStep,
                            tensors: tensors.map { TensorInfo(name: $0.name, count: $0.values.count) },
                            parent: lineage, data: dataSizes, progress: epochProgress)
        var json = try MetricsSchema.makeEncoder().encode(header)
        if let encodedHistory {
            // The header with an empty history, the cached history spliced in. Quotes inside
            // strings are escaped, so the key's bytes occur once, as the key.
            let empty = Data("\"history\":[]".utf8)
            guard let range = json.range(of: empty) else { preconditionFailure("no history key in the checkpoint header") }
            json.replaceSubrange(range, with: Data("\"history\":".utf8) + (try encodedHistory.json(of: history)))
        }
        var data = Data()
        data.reserveCapacity(json.count + 32 + tensors.reduce(0) { $0 + $1.values.count * 4 })
        data.append(contentsOf: Self.magic)
        appendLittleEndian(epochProgress == nil ? Self.formatVersion : Self.inProgressFormatVersion, to: &data)
        appendLittleEndian(UInt64(json.count), to: &data)
        data.append(json)
        for t in tensors {
            t.values.withUnsafeBufferPointer { buffer in
                #if _endian(big)
                for v in buffer { appendLittleEndian(v.bitPattern, to: &data) }
                #else
                data.append(UnsafeBufferPointer(start: UnsafeRawPointer(buffer.baseAddress!)
                    .assumingMemoryBound(to: UInt8.self), count: buffer.count * 4))
                #endif
            }
        }
        let crc = data.withUnsafeBytes { CRC32.checksum($0) }
        appendLittleEndian(crc, to: &data)
        return data
    }

    /// Reads and verifies a checkpoint file.
    public init(contentsOf path: String) throws(CheckpointError) {
        let data: Data
        do { data = try FileContents.read(path) } catch { throw .unreadable(path: path, reason: error.reason) }
        try self.init(data: data, path: path)
    }

    /// Decodes and verifies a checkpoint's bytes; `path` only names the source in errors.
    public init(data: Data, path: String) throws(CheckpointError) {
        let bytes = [UInt8](data)
        guard bytes.count >= 8, Array(bytes[0..<8]) == Self.magic else {
            if bytes.count < 8 && Self.magic.starts(with: bytes) && !bytes.isEmpty { throw .truncated(path: path) }
            if bytes.starts(with: PackedModelFormat.magic) { throw .packedModel(path: path) }
            throw .notACheckpoint(path: path)
        }
        guard bytes.count >= 24 else { throw .truncated(path: path) }
        let version = readLittleEndian(UInt32.self, bytes, at: 8)
        guard Self.readableVersions.contains(version) else { throw .unsupportedVersion(path: path, version: version) }
        let headerLength = readLittleEndian(UInt64.self, bytes, at: 12)
        guard headerLength <= UInt64(bytes.count - 24) else { throw .truncated(path: path) }
        let headerEnd = 20 + Int(headerLength)
        let header: Header
        do {
            header = try MetricsSchema.makeDecoder().decode(Header.self, from: Data(bytes[20..<headerEnd]))
        } catch {
            // A damaged header is most often a damaged file: let the checksum say so if it can.
            if bytes.count >= 4, Self.crcMismatch(bytes) { throw .checksumMismatch(path: path) }
            throw .corrupt(path: path, reason: "unreadable header")
        }
        var expectedBytes = 0
        for t in header.tensors {
            guard t.count >= 0, t.count <= 1 << 32 else { throw .corrupt(path: path, reason: "tensor \(t.name) has size \(t.count)") }
            expectedBytes += t.count * 4
        }
        guard bytes.count - headerEnd - 4 >= expectedBytes else { throw .truncated(path: path) }
        guard bytes.count - headerEnd - 4 == expectedBytes else {
            throw .corrupt(path: path, reason: "\(bytes.count - headerEnd - 4 - expectedBytes) unexpected trailing bytes")
        }
        guard !Self.crcMismatch(bytes) else { throw .checksumMismatch(path: path) }
        var offset = headerEnd
        var tensors: [(String, [Float])] = []
        for t in header.tensors {
            var values = [Float](repeating: 0, count: t.count)
            values.withUnsafeMutableBytes { dst in
                bytes.withUnsafeBytes { src in
                    dst.copyMemory(from: UnsafeRawBufferPointer(rebasing: src[offset..<(offset + t.count * 4)]))
                }
            }
            #if _endian(big)
            values = values.map { Float(bitPattern: UInt32(littleEndian: $0.bitPattern)) }
            #endif
            tensors.append((t.name, values))
            offset += t.count * 4
        }
        name = header.name
        configuration = header.configuration
        completedEpochs = header.completedEpochs
        learningRate = header.learningRate
        history = header.history
        trainingSeconds = header.trainingSeconds
        generator = header.generator
        optimizerStep = header.optimizerStep
        lineage = header.parent
        dataSizes = header.data
        epochProgress = version >= Self.inProgressFormatVersion ? header.progress : nil
        self.tensors = tensors
        guard learningRate.isFinite, learningRate > 0, completedEpochs >= 0, trainingSeconds.isFinite else {
            throw .corrupt(path: path, reason: "bad learning rate or epoch")
        }
        if let problem = lineage?.problem(atEpoch: completedEpochs) { throw .corrupt(path: path, reason: problem) }
        if let progress = epochProgress,
           progress.batchesDone < 1 || progress.batchesDone >= progress.batchesPerEpoch || completedEpochs >= configuration.epochs {
            throw .corrupt(path: path, reason: "its epoch in progress lies outside the run's epochs")
        }
        if let problem = configuration.problem { throw .corrupt(path: path, reason: problem) }
        for (name, values) in tensors where !values.allSatisfy({ $0.isFinite }) {
            throw .corrupt(path: path, reason: "tensor \(name) holds a value that is not finite")
        }
    }

    private static func crcMismatch(_ bytes: [UInt8]) -> Bool {
        let stored = readLittleEndian(UInt32.self, bytes, at: bytes.count - 4)
        let computed = bytes.withUnsafeBytes { CRC32.checksum(UnsafeRawBufferPointer(rebasing: $0[0..<(bytes.count - 4)])) }
        return stored != computed
    }

    /// Copies the saved tensors into `network`, which must have the same architecture and mode.
    func restore(into network: Network, configuration current: TrainingConfiguration) throws(CheckpointError) {
        guard current.architecture == configuration.architecture else {
            throw .incompatible(reason: "it holds \(configuration.architecture), the run is \(current.architecture)")
        }
        guard current.mode == configuration.mode else {
            throw .incompatible(reason: "it holds a \(configuration.mode) run, this run is \(current.mode)")
        }
        let targets = Self.tensorBuffers(of: network)
        guard targets.count == tensors.count else { throw .incompatible(reason: "tensor count differs") }
        for (target, saved) in zip(targets, tensors) {
            guard target.name == saved.name, target.buffer.count == saved.values.count else {
                throw .incompatible(reason: "tensor \(saved.name) does not fit \(target.name)")
            }
            target.buffer.copy(from: saved.values)
        }
        network.optimizer.step = optimizerStep
        for layer in network.weightLayers { layer.latent.refresh(); layer.latent.markEpochStart() }
    }

    /// What the run had trained: "8 epochs", or "8 epochs and 7 of 200 batches of epoch 9".
    public var trainedDescription: String {
        let epochs = "\(counted(completedEpochs, "epoch"))"
        return epochProgress.map { "\(epochs) and \($0.describe(afterEpochs: completedEpochs))" } ?? epochs
    }

    /// The saved tensor called `name`, if any (for export to a packed model).
    public func tensor(named name: String) -> [Float]? {
        tensors.first { $0.name == name }?.values
    }
}

private func appendLittleEndian<T: FixedWidthInteger>(_ value: T, to data: inout Data) {
    withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) }
}

private func readLittleEndian<T: FixedWidthInteger>(_: T.Type, _ bytes: [UInt8], at offset: Int) -> T {
    var value: T = 0
    for i in 0..<MemoryLayout<T>.size { value |= T(bytes[offset + i]) << (8 * i) }
    return value
}
