import Foundation
import Testing
import BNNData
import BNNKernels
import BNNSupport
@testable import BNNEngine

/// A ConvNet trained briefly on real Fashion-MNIST, exported to a packed model file and
/// read back, predicts exactly what the engine's own evaluation predicts on all 10,000
/// test images, det and stoch, both paddings, on every kernel variant this CPU runs.
@Suite struct PackedConvNetInferenceTests {
    @Test(arguments: [(BinarizationMode.deterministic, ConvolutionPadding.one), (.stochastic, .zero)])
    func packedConvNetEqualsTheEngineOnTheTestSet(mode: BinarizationMode, padding: ConvolutionPadding) throws {
        let location = try DatasetLocator(explicitDirectory: DatasetDescriptor.fashionMNIST.systemDirectory,
                                          environment: [:], embeddedDirectory: nil).locate()
        let test = try DatasetLoader.loadSplits(from: location).test
        #expect(test.count == 10_000)
        let data = try RealDataLearningTests.embeddedData(SplitOptions(trainLimit: 1000, evalLimit: 200))
        let config = TrainingConfiguration(architecture: try Architecture(parsing: "8C3-MP2-16C3-MP2-32FC-10"), mode: mode,
                                           batchSize: 50, epochs: 1, seed: 2, threads: 2, padding: padding)
        let run = try TrainingRun(name: mode.rawValue, configuration: config, data: data)
        run.start()
        #expect(run.waitUntilFinished(timeout: 600))
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bnn-cnn-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("run.ckpt").path
        try run.saveCheckpoint(to: path)
        let checkpoint = try RunCheckpoint(contentsOf: path)

        // The engine's evaluation-mode predictions, 500 images at a time.
        let chunk = 500
        var generator = SeededGenerator(seed: 0)
        let network = Network(configuration: config, maxRows: chunk, generator: &generator)
        try checkpoint.restore(into: network, configuration: config)
        var input = [Float](repeating: 0, count: chunk * 784), labels = [Int32](repeating: 0, count: chunk)
        var engine: [Int] = []
        for start in stride(from: 0, to: test.count, by: chunk) {
            input.withUnsafeMutableBufferPointer { x in labels.withUnsafeMutableBufferPointer { y in
                test.gather(range: start..<(start + chunk), into: x.baseAddress!, labels: y.baseAddress!)
            } }
            let scores = input.withUnsafeBufferPointer { network.forward(input: $0.baseAddress!, rows: chunk, training: false, generator: &generator) }
            engine += (0..<chunk).map { i in (0..<10).max { scores[i * 10 + $0] < scores[i * 10 + $1] }! }
        }

        let modelPath = directory.appendingPathComponent("run.bnn")
        try PackedModel(network: try checkpoint.inferenceNetwork()).write(to: modelPath)
        let packed = try PackedModel(contentsOf: modelPath)
        #expect(packed.architecture == "8C3-MP2-16C3-MP2-32FC-10" && packed.formatVersion == 2)
        for variant in KernelVariant.available {
            let predicted = try packed.predict(pixels: test.pixels, gemm: try BinaryGEMM(variant: variant, threadCount: 2))
            let differing = zip(predicted, engine).filter { $0 != $1 }.count
            #expect(differing == 0, "\(mode) \(padding) \(variant): \(differing) of \(test.count) predictions differ")
        }
        #expect(Set(engine).count > 5, "the trained ConvNet predicts few classes")
    }
}
