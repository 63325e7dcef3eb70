import Testing
import BNNSupport
@testable import BNNEngine

/// Finite-difference checks of every analytic gradient in float mode
/// (dense, BatchNorm through batch statistics, hardtanh/STE gate, both losses).
@Suite struct GradientCheckTests {
    func makeNetwork(loss: LossKind, arch: [Int], rows: Int) -> Network {
        var g = SeededGenerator(seed: 7)
        let config = TrainingConfiguration(architecture: Architecture(widths: arch), mode: .float,
                                           loss: loss, batchSize: rows)
        return Network(configuration: config, maxRows: rows, generator: &g)
    }

    func meanLoss(_ net: Network, _ x: [Float], _ y: [Int32], rows: Int) -> Double {
        var g = SeededGenerator(seed: 1)
        let score = x.withUnsafeBufferPointer { xp in
            y.withUnsafeBufferPointer { yp in
                net.computeGradients(input: xp.baseAddress!, labels: yp.baseAddress!, rows: rows, generator: &g)
            }
        }
        return score.meanLoss
    }

    @Test(arguments: [LossKind.squareHinge, .crossEntropy])
    func analyticGradientsMatchFiniteDifferences(loss: LossKind) {
        let rows = 8, arch = [6, 5, 4, 3]
        let net = makeNetwork(loss: loss, arch: arch, rows: rows)
        var rng = SeededGenerator(seed: 3)
        // Inputs scaled so that most hidden pre-activations stay inside |a| <= 1 (few kinks).
        let x = (0..<(rows * arch[0])).map { _ in Float(rng.nextGaussian()) * 0.5 }
        let y = (0..<rows).map { Int32($0 % arch.last!) }
        // Perturb γ and β away from 1 and 0 so their gradients are generic.
        for bn in net.batchNorms {
            for j in 0..<bn.features {
                bn.gamma.value.pointer[j] = 0.4 + Float(rng.nextUnitDouble()) * 0.4
                bn.beta.value.pointer[j] = Float(rng.nextUnitDouble()) * 0.2 - 0.1
            }
        }
        let (checked, failures) = FiniteDifferences.compare(net.allParameters) { meanLoss(net, x, y, rows: rows) }
        // A kink (hardtanh edge or hinge margin) crossed by the ±h probe can make a few entries disagree.
        #expect(checked > 60)
        #expect(failures.count <= checked / 50, "\(failures.count) of \(checked) disagree: \(failures.prefix(8))")
    }

    /// The same check with pixel-valued inputs (black half the time), so that the first
    /// layer's weight gradient runs through `PixelWeightGradient` rather than sgemm.
    @Test func pixelInputGradientsMatchFiniteDifferences() {
        let rows = 8, arch = [10, 5, 4, 3]
        let net = makeNetwork(loss: .crossEntropy, arch: arch, rows: rows)
        #expect((net.weightLayers[0] as? DenseLayer)?.pixelGradient != nil)
        var rng = SeededGenerator(seed: 4)
        let x = (0..<(rows * arch[0])).map { _ in
            PixelScaling.value(rng.nextUnitDouble() < 0.5 ? 0 : UInt8(rng.nextUnitDouble() * 256))
        }
        let y = (0..<rows).map { Int32($0 % arch.last!) }
        let (checked, failures) = FiniteDifferences.compare(net.allParameters) { meanLoss(net, x, y, rows: rows) }
        #expect(checked > 60)
        #expect(failures.count <= checked / 50, "\(failures.count) of \(checked) disagree: \(failures.prefix(8))")
    }
}
