import Foundation
import Testing
import BNNData
import BNNKernels
@testable import BNNEngine
import BNNSupport

/// A trained checkpoint packed to 1-bit weights and folded thresholds predicts
/// exactly what the engine's own (float-simulated) binary network predicts, on
/// every real test image of the embedded Fashion-MNIST subset.
@Suite struct PackedInferenceTests {
    @Test(arguments: [BinarizationMode.deterministic, .stochastic])
    func packedModelEqualsTheFloatSimulatedNetwork(mode: BinarizationMode) throws {
        let data = try RealDataLearningTests.embeddedData()
        let test = try #require(data.test as? LabeledImages)
        let config = TrainingConfiguration(architecture: Architecture(widths: [784, 128, 64, 10]), mode: mode,
                                           batchSize: 100, epochs: 2, seed: 4, threads: 2)
        let run = try TrainingRun(name: mode.rawValue, configuration: config, data: data)
        run.start()
        #expect(run.waitUntilFinished(timeout: 300))
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bnn-pack-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("run.ckpt").path
        try run.saveCheckpoint(to: path)
        let checkpoint = try RunCheckpoint(contentsOf: path)

        // The engine's evaluation-mode predictions.
        var generator = SeededGenerator(seed: 0)
        let network = Network(configuration: config, maxRows: test.count, generator: &generator)
        try checkpoint.restore(into: network, configuration: config)
        var input = [Float](repeating: 0, count: test.count * 784), labels = [Int32](repeating: 0, count: test.count)
        input.withUnsafeMutableBufferPointer { x in labels.withUnsafeMutableBufferPointer { y in
            test.gather(range: 0..<test.count, into: x.baseAddress!, labels: y.baseAddress!)
        } }
        let scores = input.withUnsafeBufferPointer { network.forward(input: $0.baseAddress!, rows: test.count, training: false, generator: &generator) }
        let engine = (0..<test.count).map { i in (0..<10).max { scores[i * 10 + $0] < scores[i * 10 + $1] }! }

        // The packed model, written and read back, on every kernel variant this CPU has.
        let modelPath = directory.appendingPathComponent("run.bnn")
        try PackedModel(layers: try checkpoint.denseLayerParameters()).write(to: modelPath)
        let packed = try PackedModel(contentsOf: modelPath)
        for variant in KernelVariant.available {
            let predicted = try packed.predict(pixels: test.pixels, gemm: try BinaryGEMM(variant: variant, threadCount: 2))
            let differing = zip(predicted, engine).filter { $0 != $1 }.count
            #expect(differing == 0, "\(mode) \(variant): \(differing) of \(test.count) predictions differ")
        }
        // And the test error the run reported is the packed model's.
        let errors = zip(engine, test.labels).filter { $0 != Int($1) }.count
        #expect(abs(Double(errors) / Double(test.count) - run.snapshot().history.last!.testError) < 1e-9)
    }

    @Test func aFloatRunCannotBePacked() throws {
        let run = try TrainingRun(name: "float", configuration: TrainingConfiguration(
            architecture: Architecture(widths: [32, 16, 10]), mode: .float, epochs: 1), data: SyntheticImages.splits())
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("bnn-float-\(UUID().uuidString).ckpt").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try run.saveCheckpoint(to: path)
        #expect(throws: CheckpointError.self) { try RunCheckpoint(contentsOf: path).denseLayerParameters() }
    }
}
