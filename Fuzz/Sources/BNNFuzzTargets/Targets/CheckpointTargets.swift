import BNNSupport
import BNNEngine
import BNNTestSupport

/// Fuzz targets for the checkpoint loader `RunCheckpoint(contentsOf:)`.
///
/// `checkpoint` hands it the input as a file, as is. Almost every mutation of a
/// real checkpoint breaks its CRC-32, so `checkpoint-framed` builds the frame
/// itself: the input is the JSON header, a 0 byte, then the tensor bytes, and the
/// target adds magic, version, header length and a correct CRC. Mutations then
/// reach the header's meaning (architecture, sizes, schedule, history).
///
/// A checkpoint that loads must be usable: its configuration must satisfy the
/// invariants its own types state (`Architecture`: at least two positive widths;
/// `TrainingRun`: batch size and epochs at least 1), and resuming a run from it
/// with its own configuration must succeed or throw `CheckpointError` (counted
/// as a refusal, like an error from the loader).
enum CheckpointTargets {
    static let file = FuzzTarget(
        name: "checkpoint",
        summary: "the input as a checkpoint file → RunCheckpoint(contentsOf:), then a resumed TrainingRun",
        maximumInputLength: 16384
    ) { input, scratch in
        load(scratch.write(input, to: "fuzz.ckpt"))
    }

    static let framed = FuzzTarget(
        name: "checkpoint-framed",
        summary: "JSON header + 0 byte + tensor bytes, framed with magic, version, length and CRC → RunCheckpoint(contentsOf:), then a resumed TrainingRun",
        maximumInputLength: 16384
    ) { input, scratch in
        let file = CheckpointFrame.frame(input)
        return load(file.withUnsafeBytes { scratch.write($0, to: "fuzz.ckpt") })
    }

    /// Loads the checkpoint at `path` and judges what came out.
    static func load(_ path: String) -> FuzzOutcome {
        let checkpoint: RunCheckpoint
        do throws(CheckpointError) {
            checkpoint = try RunCheckpoint(contentsOf: path)
        } catch {
            return .judging(error: error.description, file: path, loader: "RunCheckpoint(contentsOf:)")
        }
        let configuration = checkpoint.configuration
        let widths = configuration.architecture.widths
        guard widths.count >= 2, widths.allSatisfy({ $0 > 0 }) else {
            return .violation("RunCheckpoint(contentsOf:) loaded an architecture with widths \(widths); Architecture requires at least two positive widths")
        }
        guard configuration.batchSize >= 1, configuration.epochs >= 1 else {
            return .violation("RunCheckpoint(contentsOf:) loaded batch size \(configuration.batchSize) and \(configuration.epochs) epochs; TrainingRun requires both >= 1")
        }
        guard checkpoint.learningRate.isFinite, checkpoint.learningRate > 0, checkpoint.completedEpochs >= 0 else {
            return .violation("RunCheckpoint(contentsOf:) loaded learning rate \(checkpoint.learningRate), epoch \(checkpoint.completedEpochs)")
        }
        let summary = "\(checkpoint.name): \(configuration.architecture) \(configuration.mode), epoch \(checkpoint.completedEpochs)"
        // Resume only networks small enough to build in microseconds.
        guard widths.count <= 8, widths.allSatisfy({ $0 <= 256 }), configuration.batchSize <= 256 else {
            return .loaded(summary + " (too large to resume here)")
        }
        do throws(CheckpointError) {
            let data = ConstantImages(count: 4, featureCount: configuration.architecture.inputSize)
            let run = try TrainingRun(name: checkpoint.name, configuration: configuration,
                                      data: TrainingData(train: data, validation: data, test: data),
                                      resumingFrom: checkpoint)
            let snapshot = run.snapshot()
            guard snapshot.epoch == checkpoint.completedEpochs, snapshot.history.count == checkpoint.history.count else {
                return .violation("a run resumed from a checkpoint of epoch \(checkpoint.completedEpochs) is at epoch \(snapshot.epoch)")
            }
            return .loaded(summary + ", resumed")
        } catch {
            // Refusing to resume is a typed refusal too. `incompatible` names no file (it is
            // about the run), so only the one-line rule applies.
            let message = error.description
            if message.isEmpty || message.contains(where: \.isNewline) {
                return .violation("TrainingRun(resumingFrom:) error is not one line: \(message.debugDescription)")
            }
            return .rejected("\(path): loads, but TrainingRun(resumingFrom:) refuses it: \(message)")
        }
    }
}

/// Builds and takes apart checkpoint files in the layout `RunCheckpoint` documents:
/// "BNNTUICK" · u32 version · u64 header length · JSON header · tensors · u32 CRC-32.
public enum CheckpointFrame {
    /// A checkpoint file from "JSON header, 0 byte, tensor bytes" (all JSON when there is no 0 byte).
    public static func frame(_ input: UnsafeRawBufferPointer) -> [UInt8] {
        let split = input.firstIndex(of: 0) ?? input.count
        let header = input[0..<split]
        let tensors = split < input.count ? input[(split + 1)...] : input[input.count...]
        var file = RunCheckpoint.magic
        append(RunCheckpoint.formatVersion, to: &file)
        append(UInt64(header.count), to: &file)
        file += header
        file += tensors
        append(file.withUnsafeBytes { CRC32.checksum($0) }, to: &file)
        return file
    }

    /// `file` with version `version` in its frame and the CRC-32 recomputed (to make seeds).
    public static func withVersion(_ version: UInt32, _ file: [UInt8]) -> [UInt8] {
        guard file.count >= 24 else { return file }
        var bytes = Array(file.dropLast(4))
        withUnsafeBytes(of: version.littleEndian) { for i in 0..<4 { bytes[8 + i] = $0[i] } }
        append(bytes.withUnsafeBytes { CRC32.checksum($0) }, to: &bytes)
        return bytes
    }

    /// The inverse of `frame` for a well-formed checkpoint file (to make seeds); nil otherwise.
    public static func unframe(_ file: [UInt8]) -> [UInt8]? {
        guard file.count >= 24, Array(file[0..<8]) == RunCheckpoint.magic else { return nil }
        var length = 0
        for i in 0..<8 { length |= Int(file[12 + i]) << (8 * i) }
        guard length >= 0, length <= file.count - 24 else { return nil }
        return Array(file[20..<(20 + length)]) + [0] + Array(file[(20 + length)..<(file.count - 4)])
    }

    private static func append<T: FixedWidthInteger>(_ value: T, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { bytes += $0 }
    }
}
