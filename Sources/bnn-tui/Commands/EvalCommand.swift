import BNNSupport
import ArgumentParser
import BNNData
import BNNKernels
import Foundation

/// `bnn-tui eval`: test a packed model with the XNOR-popcount kernels.
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Evaluate a packed model (.bnn) on the test set: error, images per second, size.")

    @Argument(help: "A model written by bnn-tui export, or a det or stoch checkpoint (packed as export would).")
    var model: String

    @OptionGroup var data: DataOptions

    @Option(parsing: .unconditional, help: "Images per batch.")
    var batch: Int = 256

    @Option(parsing: .unconditional, help: "Threads for the binary kernels.")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "Write the predicted class of every test image to this file, one per line (to diff a port against).")
    var predictions: String?

    func validate() throws {
        if let predictions { try PredictionsFile.checkWritable(predictions) }
        guard batch >= 1 && batch <= 65536 else { throw ValidationError("--batch must be in 1...65536 (got \(batch))") }
        try ThreadCount.validate(threads)
    }

    func run() throws {
        try reportingFailures {
            let packed = try ModelInput(path: model).model
            let location = try data.locate()
            let test: LabeledImages
            do {
                test = try DatasetLoader.loadFiles(location.files, classCount: location.dataset.classCount).test
            } catch { throw CommandFailure.usage("\(error)") }
            guard test.featureCount == packed.inputSize else {
                throw CommandFailure.usage("\(model) takes \(packed.inputSize) inputs but the test images have \(test.featureCount) pixels")
            }
            let gemm: BinaryGEMM
            do { gemm = try BinaryGEMM(threadCount: threads) } catch { throw CommandFailure.usage("\(error)") }
            let predictor = packed.makePredictor(gemm: gemm, maxBatch: batch)
            var classes = [Int](repeating: 0, count: test.count)
            // Warm up once, then time the whole test set.
            try test.pixels.withUnsafeBufferPointer { p in
                try classes.withUnsafeMutableBufferPointer { c in
                    let n = min(batch, test.count)
                    try predictor.predict(pixels: UnsafeBufferPointer(rebasing: p[0..<(n * test.featureCount)]),
                                          classes: UnsafeMutableBufferPointer(rebasing: c[0..<n]))
                }
            }
            let start = DispatchTime.now().uptimeNanoseconds
            try test.pixels.withUnsafeBufferPointer { p in
                try classes.withUnsafeMutableBufferPointer { c in
                    try predictor.predict(pixels: p, classes: c)
                }
            }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            if let predictions { try PredictionsFile.write(classes, to: predictions) }
            let errors = zip(classes, test.labels).filter { $0 != Int($1) }.count
            print("\(model): \(packed.architecture) packed, kernel \(gemm.variant), \(counted(threads, "thread")), batch \(batch)")
            print(String(format: "test error %.2f%% (%d of %d images)", 100 * Double(errors) / Double(test.count), errors, test.count))
            print(String(format: "%.0f images/s (%.2f µs per image)", Double(test.count) / seconds, seconds / Double(test.count) * 1e6))
            print("model \(ByteCount.format(packed.serializedByteCount)) holding \(packed.binaryWeightCount) binary weights (1 bit each); as float32 latent weights they take \(ByteCount.format(packed.float32WeightBytes)) (\(String(format: "%.1f", Double(packed.float32WeightBytes) / Double(packed.serializedByteCount)))x)")
        }
    }
}
