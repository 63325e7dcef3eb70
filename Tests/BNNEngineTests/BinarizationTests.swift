import Testing
import BNNSupport
@testable import BNNEngine

@Suite struct BinarizationTests {
    @Test func signOfZeroIsPlusOne() {
        #expect(Binarization.sign(0) == 1)
        #expect(Binarization.sign(-0.0) == 1)
        #expect(Binarization.sign(1e-30) == 1)
        #expect(Binarization.sign(-1e-30) == -1)
        #expect(Binarization.sign(-3) == -1)
    }

    @Test func hardSigmoidClipsToUnitInterval() {
        #expect(Binarization.hardSigmoid(-2) == 0)
        #expect(Binarization.hardSigmoid(-1) == 0)
        #expect(Binarization.hardSigmoid(0) == 0.5)
        #expect(Binarization.hardSigmoid(0.5) == 0.75)
        #expect(Binarization.hardSigmoid(1) == 1)
        #expect(Binarization.hardSigmoid(7) == 1)
    }

    /// P(+1) must equal hard_sigmoid(x): 200,000 draws per x, 5-sigma tolerance.
    @Test(arguments: [-1.5, -0.8, -0.3, 0.0, 0.25, 0.6, 0.95, 1.2] as [Float])
    func stochasticFrequencyMatchesHardSigmoid(x: Float) {
        var g = SeededGenerator(seed: 42)
        let n = 200_000
        var plus = 0
        for _ in 0..<n where Binarization.stochastic(x, using: &g) == 1 { plus += 1 }
        let p = Double(Binarization.hardSigmoid(x))
        let sigma = (p * (1 - p) / Double(n)).squareRoot()
        #expect(abs(Double(plus) / Double(n) - p) <= 5 * sigma + 1e-12)
    }

    @Test func straightThroughGateIsOpenExactlyOnUnitInterval() {
        #expect(Binarization.straightThroughGradient(1) == 1)
        #expect(Binarization.straightThroughGradient(-1) == 1)
        #expect(Binarization.straightThroughGradient(0.3) == 1)
        #expect(Binarization.straightThroughGradient(1.0001) == 0)
        #expect(Binarization.straightThroughGradient(-5) == 0)
    }

    /// A hidden unit whose BN output sits above 1 for every row gets no gradient:
    /// the STE cancels it, so its γ and β gradients are exactly zero.
    @Test func steCancelsGradientOfSaturatedUnits() {
        var g = SeededGenerator(seed: 5)
        let config = TrainingConfiguration(architecture: Architecture(widths: [8, 6, 3]), mode: .deterministic)
        let net = Network(configuration: config, maxRows: 10, generator: &g)
        net.batchNorms[0].beta.value.pointer[2] = 5  // unit 2: a ≈ γ·x̂ + 5 > 1 always
        net.batchNorms[0].gamma.value.pointer[2] = 0.5
        var r = SeededGenerator(seed: 9)
        let x = (0..<80).map { _ in Float(r.nextGaussian()) }
        let y: [Int32] = (0..<10).map { Int32($0 % 3) }
        _ = x.withUnsafeBufferPointer { xp in y.withUnsafeBufferPointer { yp in
            net.computeGradients(input: xp.baseAddress!, labels: yp.baseAddress!, rows: 10, generator: &g)
        } }
        #expect(net.batchNorms[0].beta.gradient.pointer[2] == 0)
        #expect(net.batchNorms[0].gamma.gradient.pointer[2] == 0)
        // ... while an unsaturated unit does get a gradient.
        let others = (0..<6).filter { $0 != 2 }.map { abs(net.batchNorms[0].beta.gradient.pointer[$0]) }
        #expect(others.contains { $0 > 0 })
        #expect(net.binarizations[0]!.cancelled >= 10)
    }

    /// Binary modes binarize weights: every product uses ±1 weights, with sign(0) = +1.
    @Test func binaryWeightsAreSignsOfLatentWeights() {
        var g = SeededGenerator(seed: 1)
        let layer = DenseLayer(inputs: 4, outputs: 3, binary: true, learningRateScale: 1, index: 0, maxRows: 1,
                               passesGradient: false, generator: &g)
        layer.weights.value.pointer[0] = 0
        layer.weights.value.pointer[1] = -0.0001
        layer.latent.refresh()
        let wb = layer.latent.effective
        #expect(wb[0] == 1)
        #expect(wb[1] == -1)
        for i in 0..<12 { #expect(wb[i] == 1 || wb[i] == -1) }
    }
}
