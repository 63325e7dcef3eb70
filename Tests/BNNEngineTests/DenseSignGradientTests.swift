import Testing
import BNNData
import BNNSupport
import BNNKernels
@testable import BNNEngine

/// Binary modes: dense layers after a sign see ±1 inputs, so their weight gradient runs
/// through tables of signed sums (`SignGEMM`, at every width); it equals sgemm's xᵀ·g
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
        let batch = TwoPathBatch(net: net, rows: rows, inputSize: arch.inputSize, classes: arch.outputSize, seed: 22)
        let saved: [SignGEMM?] = dense.map { (layer: DenseLayer) in layer.signInputGradient }
        let (tables, products) = batch.gradients({ (on: Bool) in
            for (layer, s) in zip(dense, saved) { layer.signInputGradient = on ? s : nil }
        }, of: { dense.map { (layer: DenseLayer) in layer.latent.parameter.gradient.array } })
        for (t, p) in zip(tables, products) { expectClose(t, p, relative: 1e-5) }
    }
}
