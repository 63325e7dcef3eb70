import Foundation
import Testing
import BNNSupport
import CTrainingKernels
@testable import BNNEngine

/// Dropout (the BinaryNet code's regularizer, off by default) and the C loops that draw per element.
@Suite struct DropoutTests {
    @Test func dropoutKeepsTheRightFractionAndRescales() {
        var g = SeededGenerator(seed: 11)
        let n = 200_000, keep: Float = 0.8
        var x = [Float](repeating: -1, count: n), mask = [Float](repeating: 7, count: n)
        g.withStateWords { s in
            x.withUnsafeMutableBufferPointer { xp in
                mask.withUnsafeMutableBufferPointer { bnn_dropout(s, xp.baseAddress!, $0.baseAddress!, n, keep) }
            }
        }
        let kept = mask.filter { $0 != 0 }.count
        // Binomial(n, 0.8): standard deviation ≈ 179; allow 5 of them.
        #expect(abs(Double(kept) - 0.8 * Double(n)) < 900)
        #expect(mask.allSatisfy { $0 == 0 || $0 == 1 / keep })
        for i in 0..<n { #expect(x[i] == -mask[i]) }
    }

    /// The C loop draws exactly what `Binarization.stochastic` draws from the same generator state.
    @Test func cStochasticSignMatchesSwift() {
        var swiftGenerator = SeededGenerator(seed: 21), cGenerator = swiftGenerator
        let a: [Float] = (0..<1000).map { Float($0 % 41) / 10 - 2 }
        let expected = a.map { Binarization.stochastic($0, using: &swiftGenerator) }
        var out = [Float](repeating: 0, count: a.count)
        let saturated = cGenerator.withStateWords { s in
            out.withUnsafeMutableBufferPointer { bnn_stochastic_sign(s, a, $0.baseAddress!, a.count) }
        }
        #expect(out == expected)
        #expect(cGenerator == swiftGenerator)
        #expect(saturated == a.filter { abs($0) > 1 }.count)
    }

    /// With the masks held fixed (same generator state for every evaluation), the analytic
    /// gradient through dropout matches finite differences (float mode, as the other checks).
    @Test func gradientThroughDropoutMatchesFiniteDifferences() {
        let rows = 8, arch = [6, 7, 3]
        var g = SeededGenerator(seed: 7)
        let config = TrainingConfiguration(architecture: Architecture(widths: arch), mode: .float,
                                           batchSize: rows, inputDropout: 0.25, hiddenDropout: 0.4)
        let net = Network(configuration: config, maxRows: rows, generator: &g)
        var rng = SeededGenerator(seed: 3)
        let x = (0..<(rows * arch[0])).map { _ in Float(rng.nextGaussian()) * 0.5 }
        let y = (0..<rows).map { Int32($0 % arch.last!) }
        func loss() -> Double {
            var masks = SeededGenerator(seed: 99)
            return x.withUnsafeBufferPointer { xp in
                y.withUnsafeBufferPointer { yp in
                    net.computeGradients(input: xp.baseAddress!, labels: yp.baseAddress!, rows: rows, generator: &masks)
                }
            }.meanLoss
        }
        let (checked, failures) = FiniteDifferences.compare(net.allParameters, loss: loss)
        #expect(checked > 60)
        #expect(failures.count <= checked / 50, "\(failures.count) of \(checked) disagree: \(failures.prefix(8))")
    }

    /// Dropout changes training only: evaluation is deterministic and the same run with the
    /// same seed gives the same metrics.
    @Test func dropoutRunsAreReproducibleAndDiffer() throws {
        func run(_ hidden: Float) throws -> [Double] {
            let c = TrainingConfiguration(architecture: Architecture(widths: [32, 64, 10]), mode: .deterministic,
                                          schedule: .exponential(start: 0.01, end: 0.001), batchSize: 50,
                                          epochs: 2, seed: 1, inputDropout: 0.1, hiddenDropout: hidden)
            let r = try TrainingRun(name: "d", configuration: c, data: SyntheticImages.splits(train: 1000, eval: 300))
            r.start()
            #expect(r.waitUntilFinished(timeout: 120))
            let s = r.snapshot()
            #expect(s.history.last.map { $0.testError < 0.3 } == true, "dropout run did not learn: \(s.history)")
            return s.history.map(\.trainLoss)
        }
        let a = try run(0.3), b = try run(0.3), c = try run(0.0)
        #expect(a == b)
        #expect(a != c)
    }

    /// Checkpoints written before the dropout and initialization options existed still load.
    @Test func configurationsWithoutNewKeysDecode() throws {
        let config = TrainingConfiguration(architecture: Architecture(widths: [4, 3, 2]))
        var object = try #require(JSONSerialization.jsonObject(with: JSONEncoder().encode(config)) as? [String: Any])
        #expect(object["hiddenDropout"] != nil && object["weightInitialization"] != nil)
        for key in ["inputDropout", "hiddenDropout", "weightInitialization"] { object.removeValue(forKey: key) }
        let old = try JSONDecoder().decode(TrainingConfiguration.self, from: JSONSerialization.data(withJSONObject: object))
        #expect(old == config)
        var bad = config
        bad.hiddenDropout = 1
        #expect(bad.problem?.contains("hidden dropout") == true)
    }
}
