import Testing
import BNNData
import BNNSupport
import BNNKernels
@testable import BNNEngine

/// Binary modes: dense layers after a sign see ±1 inputs, so their weight gradient runs
/// through tables of signed sums (`SignGEMM`, below 1024 outputs); it equals sgemm's xᵀ·g
/// up to float rounding, in an MLP and in a ConvNet's dense layers, with odd sizes.
@Suite struct DenseSignGradientTests {
    /// An MLP on 9×7 images (its first layer sees pixels, not signs) and a small ConvNet.
    @Test(arguments: [("63-37-19-10", false), ("8C3-MP2-70FC-3", true)])
    func signInputWeightGradientIsTheProduct(spec: String, firstDenseSeesSigns: Bool) throws {
        let arch = try Architecture(parsing: spec, input: ImageShape(height: 9, width: 7, channels: 1))
        let rows = 11
        let config = TrainingConfiguration(architecture: arch, mode: .deterministic, batchSize: rows, threads: 2)
        var g = SeededGenerator(seed: 21)
        let net = Network(configuration: config, maxRows: rows, generator: &g)
        let dense = net.weightLayers.compactMap { $0 as? DenseLayer }
        let usesTables: [Bool] = dense.map { (layer: DenseLayer) in layer.signInputGradient != nil }
        let expected: [Bool] = dense.indices.map { (k: Int) in k > 0 || firstDenseSeesSigns }
        #expect(usesTables == expected)
        var rng = SeededGenerator(seed: 22)
        let x = (0..<(rows * arch.inputSize)).map { _ in Float(rng.nextGaussian()) }
        let y = (0..<rows).map { Int32($0 % arch.outputSize) }
        func gradients(tables: Bool) -> [[Float]] {
            let saved: [SignGEMM?] = dense.map { (layer: DenseLayer) in layer.signInputGradient }
            if !tables { for layer in dense { layer.signInputGradient = nil } }
            defer { for (layer, s) in zip(dense, saved) { layer.signInputGradient = s } }
            var h = SeededGenerator(seed: 23)
            _ = x.withUnsafeBufferPointer { xp in y.withUnsafeBufferPointer { yp in
                net.computeGradients(input: xp.baseAddress!, labels: yp.baseAddress!, rows: rows, generator: &h)
            } }
            return dense.map { (layer: DenseLayer) in layer.latent.parameter.gradient.array }
        }
        let tables = gradients(tables: true), products = gradients(tables: false)
        for (t, p) in zip(tables, products) {
            let scale: Float = p.map { abs($0) }.max() ?? 0
            #expect(scale > 0)
            #expect(zip(t, p).allSatisfy { abs($0 - $1) <= 1e-5 * max(scale, 1) })
        }
    }
}
