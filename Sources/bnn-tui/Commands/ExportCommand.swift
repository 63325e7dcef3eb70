import ArgumentParser
import BNNSupport
import BNNEngine
import BNNKernels
import Foundation

/// `bnn-tui export`: a training checkpoint to a packed inference model.
///
/// The checkpoint holds latent weights (float32, what training updates); the
/// model holds only their signs, the binary weights, at one bit each, with
/// every hidden layer's BatchNorm + sign folded into integer thresholds.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Pack a det or stoch checkpoint into a 1-bit inference model (.bnn).",
        discussion: """
        The checkpoint's latent weights are real numbers in [-1, 1] kept for training; the model \
        stores only their signs (the binary weights, 1 bit each), per-neuron integer thresholds \
        for the hidden layers, and the float parts of the first and last layers.
        """)

    @Argument(help: "A checkpoint written by train --save or the dashboard's s key (with --format c, also a packed .bnn model).")
    var checkpoint: String

    @Option(name: .shortAndLong, help: "The model file to write (with --format c: the directory for bnn_model.h and bnn_model.c).")
    var output: String

    @Option(help: "bnn (the packed model file eval reads) or c (C99 source for microcontrollers, docs/deploy.md).")
    var format: ExportFormat = .bnn

    /// With --format c: the test set whose error goes into the header, and the class names.
    @OptionGroup var data: DataOptions

    func validate() throws {
        guard format == .bnn else { return }
        do { try AtomicFile.checkWritable(output) } catch { throw ValidationError("--output: \(error.description)") }
    }

    func run() throws {
        try reportingFailures {
            if format == .c { return try CExport.run(input: checkpoint, directory: output, data: data) }
            let saved: RunCheckpoint
            do { saved = try RunCheckpoint(contentsOf: checkpoint) } catch { throw CommandFailure.usage("\(error)") }
            let model: PackedModel
            do { model = try PackedModel(network: try saved.inferenceNetwork()) } catch {
                throw CommandFailure.usage("\(checkpoint): \(error)")
            }
            do { try model.write(to: URL(fileURLWithPath: output)) } catch { throw CommandFailure.runtime("\(error)") }
            let checkpointBytes = (try? FileManager.default.attributesOfItem(atPath: checkpoint)[.size] as? Int) ?? 0
            print("\(checkpoint): \(saved.configuration.architecture) \(saved.configuration.mode) after \(saved.trainedDescription)")
            print("  latent weights (float32, for training): \(model.binaryWeightCount) × 4 B = \(ByteCount.format(model.float32WeightBytes)) (checkpoint with optimizer state: \(ByteCount.format(checkpointBytes)))")
            print("  binary weights (1 bit, for inference):  \(model.binaryWeightCount) bits = \(ByteCount.format((model.binaryWeightCount + 7) / 8))")
            print("wrote \(output): \(ByteCount.format(model.serializedByteCount)), \(String(format: "%.1f", Double(model.float32WeightBytes) / Double(model.serializedByteCount)))x smaller than the float32 weights")
        }
    }
}

/// Human-readable byte counts (KiB, MiB).
enum ByteCount {
    static func format(_ bytes: Int) -> String {
        let b = Double(bytes)
        if b >= 1_048_576 { return String(format: "%.1f MiB", b / 1_048_576) }
        if b >= 1024 { return String(format: "%.1f KiB", b / 1024) }
        return "\(bytes) B"
    }
}
