import BNNKernels
import BNNSupport
import Foundation
import Testing

@testable import BNNDeploy

/// The generated C against `PackedModel`'s predictions, for every layer kind (dense: 8-bit
/// first layer to thresholds or to scores, binary hidden, binary output; convolution on the
/// 8-bit image and on bits, one- and zero-padded; max-pooling, also of a pooling; dense on NHWC
/// bits) with odd widths, channel counts and image sizes (every border class), compiled with the
/// host's `cc -std=c99 -Wall -Wextra -Werror -pedantic -O2`.
@Suite("Generated C")
struct GeneratedCTests {
    static let shapes: [[Int]] = [[37, 10], [100, 33, 5], [61, 31, 64, 65, 3], [784, 1, 2]]

    /// ConvNets of odd shapes: Cin 1 to 3, Cout across 32-bit word boundaries (33, 70), images of a
    /// row or a column (border class "both"), a pooling of a pooling, dense output right after a convolution.
    static let convNets: [(layers: [RandomNetwork.Layer], image: [Int], padding: ConvolutionPadding)] = [
        ([.c3(8), .maxPool, .c3(16), .maxPool, .fc(32), .fc(10)], [28, 28, 1], .zero),
        ([.c3(8), .maxPool, .c3(16), .maxPool, .fc(32), .fc(10)], [28, 28, 1], .one),
        ([.c3(3), .c3(70), .maxPool, .fc(5), .fc(3)], [7, 5, 1], .zero),
        ([.c3(33), .maxPool, .maxPool, .fc(4)], [6, 6, 3], .one),
        ([.c3(5), .c3(9), .fc(7)], [1, 3, 2], .zero),
        ([.c3(8), .c3(16), .fc(5)], [3, 1, 2], .one),
    ]

    @Test("predicts what the packed model predicts", arguments: shapes)
    func matchesPackedModel(widths: [Int]) throws {
        var rng = SeededGenerator(seed: UInt64(widths.reduce(0, +)))
        try Self.check(try PackedModel(layers: Self.randomLayers(widths, &rng)), rng: &rng)
    }

    @Test("a ConvNet predicts what the packed model predicts", arguments: 0..<convNets.count)
    func convNetMatchesPackedModel(index: Int) throws {
        let (layers, image, padding) = Self.convNets[index]
        var rng = SeededGenerator(seed: UInt64(40 + index))
        let input = FeatureShape(height: image[0], width: image[1], channels: image[2])
        try Self.check(try PackedModel(network: Self.randomConvNet(layers, input: input, padding: padding, &rng)), rng: &rng)
    }

    /// Compiles the C of `model` and compares its classes of 300 random images with the packed model's.
    static func check(_ model: PackedModel, rng: inout SeededGenerator) throws {
        let count = 300
        let pixels = (0..<(count * model.inputSize)).map { _ in rng.next() % 3 == 0 ? UInt8(0) : UInt8(truncatingIfNeeded: rng.next()) }
        let expected = try model.predict(pixels: pixels, gemm: try BinaryGEMM(threadCount: 1))

        let names = (0..<model.classCount).map { "class \"\($0)\"" }
        let provenance = ModelProvenance(architecture: "test", mode: "det", trainingRun: "random */ weights",
                                         testError: "not measured", classNames: names)
        let c = try CModelGenerator.generate(model, provenance: provenance)
        #expect(c.scratchBytes > 0 && c.constantBytes >= model.binaryWeightCount / 8)
        #expect(!c.source.contains("float") && !c.source.contains("double"))
        let predicted = try Self.compileAndRun(c, pixels: pixels)
        let differing = zip(predicted, expected).filter { $0 != $1 }.count
        #expect(predicted.count == count && differing == 0, "\(model.architecture): \(differing) of \(count) predictions differ")
        #expect(Set(expected).count > 1, "a degenerate model \(model.architecture) predicts one class only")
    }

    @Test("the reference ConvNet's scratch: two buffers sized by the outputs written to each")
    func referenceScratch() throws {
        var rng = SeededGenerator(seed: 5)
        let layers: [RandomNetwork.Layer] = [.c3(32), .maxPool, .c3(64), .maxPool, .fc(256), .fc(10)]
        let model = try PackedModel(network: Self.randomConvNet(layers, input: FeatureShape(height: 28, width: 28, channels: 1),
                                                                padding: .one, &rng))
        #expect(model.architecture == "32C3-MP2-64C3-MP2-256FC-10")
        let c = try CModelGenerator.generate(model, provenance: ModelProvenance(architecture: "reference", mode: "det", trainingRun: "random",
                                                                                testError: "not measured", classNames: nil))
        // conv 28·28·1 words and conv 14·14·2 and dense 8 to buffer 0; the pools' 14·14·1 and 7·7·2 to buffer 1.
        #expect(c.scratchBytes == 4 * (784 + 196) + 3)
        #expect(c.source.contains("bnn_conv_from_pixels(pixels, 28, 28, 1,") && c.source.contains("bnn_max_pool(mem + 0, 28, 28, 1,"))
        #expect(c.header.contains("layer 2: conv 3x3x32 -> 64 on 14x14, binary in (XNOR-popcount, one-padding)"))
        // The first convolution keeps the thresholds of the 9 border classes a 28×28 image has.
        #expect(c.source.contains("static const int32_t bnn_layer0_thresholds[\(9 * 32)]"))
    }

    /// Random trained-looking parameters: γ of both signs and some zero (thresholds with flips
    /// and the always/never sentinels), running statistics of the sums' size.
    static func randomLayers(_ widths: [Int], _ rng: inout SeededGenerator) -> [DenseLayerParameters] {
        (0..<(widths.count - 1)).map { k in randomDense(inputs: widths[k], outputs: widths[k + 1], &rng) }
    }

    static func randomDense(inputs: Int, outputs n: Int, _ rng: inout SeededGenerator) -> DenseLayerParameters {
        let weights = (0..<(inputs * n)).map { _ in 2 * rng.nextUnitFloat() - 1 }
        let bn = randomBatchNorm(n, sums: inputs, &rng)  // of x·W_b, with x = p / 127.5 − 1 in the first layer
        return DenseLayerParameters(inputs: inputs, outputs: n, latentWeights: weights,
                                    bnGamma: bn.gamma, bnBeta: bn.beta, bnRunningMean: bn.mean, bnRunningVar: bn.variance, bnEpsilon: 1e-4)
    }

    /// γ of both signs (every 7th zero), β, μ and σ² of the size of a sum of `sums` ±1 terms.
    static func randomBatchNorm(_ n: Int, sums: Int, _ rng: inout SeededGenerator) -> (gamma: [Float], beta: [Float], mean: [Float], variance: [Float]) {
        let spread = Float(sums).squareRoot()
        func uniform() -> Float { 2 * rng.nextUnitFloat() - 1 }
        return ((0..<n).map { j in j % 7 == 3 ? 0 : uniform() }, (0..<n).map { _ in uniform() },
                (0..<n).map { _ in 0.3 * uniform() * spread }, (0..<n).map { _ in (0.2 + rng.nextUnitFloat()) * spread * spread })
    }

    /// A random ConvNet of `layers` on `input` with `randomBatchNorm` statistics; a pooled
    /// convolution's means move towards the pooled sums, and the output layer's γ > 0 and small
    /// means, so that its scores follow the sums and several classes win.
    static func randomConvNet(_ layers: [RandomNetwork.Layer], input: FeatureShape, padding: ConvolutionPadding,
                              _ rng: inout SeededGenerator) -> InferenceNetworkParameters {
        let seed = rng.next()
        var statistics = rng
        let network = RandomNetwork.parameters(input: input, layers: layers, padding: padding, seed: seed) { index, n, fanIn in
            var bn = randomBatchNorm(n, sums: fanIn, &statistics)
            if index == layers.count - 1 {
                bn.gamma = (0..<n).map { _ in 0.5 + statistics.nextUnitFloat() }
                bn.mean = (0..<n).map { _ in 2 * statistics.nextUnitFloat() - 1 }
                bn.beta = [Float](repeating: 0, count: n)
            } else if index + 1 < layers.count, layers[index + 1] == .maxPool {
                // Pooling takes the max (γ > 0) or the min (γ < 0) of four sums, about one standard
                // deviation above (below) one: sqrt(fan-in) on bits, about 0.6 of that on pixels.
                let spread = Float(fanIn).squareRoot() * (index == 0 ? 0.6 : 1)
                for j in 0..<n { bn.mean[j] += bn.gamma[j] < 0 ? -spread : spread }
            }
            return RandomNetwork.BatchNorm(gamma: bn.gamma, beta: bn.beta, mean: bn.mean, variance: bn.variance)
        }
        rng = statistics
        return network
    }

    static func compileAndRun(_ c: CModelSource, pixels: [UInt8]) throws -> [Int] {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bnn-generated-c-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try c.header.write(to: dir.appendingPathComponent(CModelSource.headerName), atomically: true, encoding: .utf8)
        try c.source.write(to: dir.appendingPathComponent(CModelSource.sourceName), atomically: true, encoding: .utf8)
        try Data(pixels).write(to: dir.appendingPathComponent("pixels.raw"))
        let driver = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("CExport/predict_images.c").path
        let exe = dir.appendingPathComponent("predict").path
        _ = try run(["cc", "-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic", "-O2", "-I", dir.path,
                     dir.appendingPathComponent(CModelSource.sourceName).path, driver, "-o", exe])
        return try run([exe, dir.appendingPathComponent("pixels.raw").path]).split(separator: "\n").map { Int($0)! }
    }

    struct CommandFailed: Error, CustomStringConvertible {
        let description: String
    }

    static func run(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let output = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CommandFailed(description: "\(arguments[0]) failed: \(String(decoding: errors, as: UTF8.self))")
        }
        return String(decoding: output, as: UTF8.self)
    }
}

extension RandomNetwork.Layer {
    static func c3(_ n: Int) -> Self { .convolution(outputChannels: n) }
    static func fc(_ n: Int) -> Self { .dense(units: n) }
}
