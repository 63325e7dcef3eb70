import BNNKernels
import BNNSupport
import Foundation
import Testing

@testable import BNNDeploy

/// The generated C against `PackedModel`'s predictions, for every dense layer kind
/// (8-bit first layer to thresholds or to scores, binary hidden, binary output) and odd
/// widths, compiled with the host's `cc -std=c99 -Wall -Wextra -Werror -pedantic -O2`.
@Suite("Generated C")
struct GeneratedCTests {
    static let shapes: [[Int]] = [[37, 10], [100, 33, 5], [61, 31, 64, 65, 3], [784, 1, 2]]

    @Test("predicts what the packed model predicts", arguments: shapes)
    func matchesPackedModel(widths: [Int]) throws {
        var rng = SeededGenerator(seed: UInt64(widths.reduce(0, +)))
        let model = try PackedModel(layers: Self.randomLayers(widths, &rng))
        let count = 300
        let pixels = (0..<(count * widths[0])).map { _ in rng.next() % 3 == 0 ? UInt8(0) : UInt8(truncatingIfNeeded: rng.next()) }
        let expected = try model.predict(pixels: pixels, gemm: try BinaryGEMM(threadCount: 1))

        let names = (0..<model.classCount).map { "class \"\($0)\"" }
        let provenance = ModelProvenance(architecture: "test", mode: "det", trainingRun: "random */ weights",
                                         testError: "not measured", classNames: names)
        let c = try CModelGenerator.generate(model, provenance: provenance)
        #expect(c.scratchBytes > 0 && c.constantBytes >= 4 * widths[1])
        let predicted = try Self.compileAndRun(c, pixels: pixels)
        let differing = zip(predicted, expected).filter { $0 != $1 }.count
        #expect(predicted.count == count && differing == 0, "\(differing) of \(count) predictions differ")
        #expect(Set(expected).count > 1, "a degenerate model predicts one class only")
    }

    /// Random trained-looking parameters: γ of both signs and some zero (thresholds with flips
    /// and the always/never sentinels), running statistics of the sums' size.
    static func randomLayers(_ widths: [Int], _ rng: inout SeededGenerator) -> [DenseLayerParameters] {
        (0..<(widths.count - 1)).map { k in
            let n = widths[k + 1], inputs = widths[k]
            let spread = Float(inputs).squareRoot()  // of x·W_b, with x = p / 127.5 − 1 in the first layer
            func uniform() -> Float { 2 * rng.nextUnitFloat() - 1 }
            return DenseLayerParameters(
                inputs: inputs, outputs: n,
                latentWeights: (0..<(inputs * n)).map { _ in uniform() },
                bnGamma: (0..<n).map { j in j % 7 == 3 ? 0 : uniform() },
                bnBeta: (0..<n).map { _ in uniform() },
                bnRunningMean: (0..<n).map { _ in 0.3 * uniform() * spread },
                bnRunningVar: (0..<n).map { _ in (0.2 + rng.nextUnitFloat()) * spread * spread },
                bnEpsilon: 1e-4)
        }
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
