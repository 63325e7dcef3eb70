import Testing
import BNNData
import BNNSupport
import BNNKernels
@testable import BNNEngine

/// Finite-difference checks of a ConvNet's analytic gradients in float mode: 3×3
/// convolutions (zero and one padding), 2×2 max-pooling on an odd-sized image, BatchNorm
/// per channel, the hardtanh/STE gate and a dense output layer.
@Suite struct ConvolutionGradientTests {
    /// With one input channel the first convolution takes the pool's gradient unexpanded
    /// (`takesPooledGradient`); with two the pool expands it.
    @Test(arguments: ConvolutionPadding.allCases, [1, 2])
    func convolutionAndPoolingGradientsMatchFiniteDifferences(padding: ConvolutionPadding, channels: Int) throws {
        let rows = 4
        let arch = try Architecture(parsing: "3C3-MP2-4C3-5FC-3", input: ImageShape(height: 5, width: 5, channels: channels))
        let config = TrainingConfiguration(architecture: arch, mode: .float, batchSize: rows, padding: padding)
        var g = SeededGenerator(seed: 11)
        let net = Network(configuration: config, maxRows: rows, generator: &g)
        var rng = SeededGenerator(seed: 12)
        let x = (0..<(rows * arch.inputSize)).map { _ in Float(rng.nextGaussian()) * 0.3 }
        let y = (0..<rows).map { Int32($0 % 3) }
        for bn in net.batchNorms {
            for j in 0..<bn.features {
                bn.gamma.value.pointer[j] = 0.4 + Float(rng.nextUnitDouble()) * 0.4
                bn.beta.value.pointer[j] = Float(rng.nextUnitDouble()) * 0.2 - 0.1
            }
        }
        let loss = {
            var draws = SeededGenerator(seed: 1)
            return x.withUnsafeBufferPointer { xp in y.withUnsafeBufferPointer { yp in
                net.computeGradients(input: xp.baseAddress!, labels: yp.baseAddress!, rows: rows, generator: &draws).meanLoss
            } }
        }
        let (checked, failures) = FiniteDifferences.compare(net.allParameters, h: 2.5e-4, loss: loss)
        #expect(checked > 150)
        // A kink (hardtanh edge, hinge margin, a max-pool winner swapping) crossed by the probe may disagree.
        #expect(failures.count <= checked / 40, "\(failures.count) of \(checked) disagree: \(failures.prefix(8))")
        // Both convolutions' weights were checked (the first one reads only the image).
        #expect(net.weightLayers.count == 4 && net.weightLayers[0] is ConvolutionLayer && net.weightLayers[1] is ConvolutionLayer)
        #expect((net.weightLayers[0] as? ConvolutionLayer)?.takesPooledGradient == (channels == 1))
    }

    /// Binary modes: the forward product of a hidden binary convolution is the same through
    /// sgemm and XNOR-popcount, bit for bit, so a run's metrics never depend on the choice.
    @Test(arguments: ConvolutionPadding.allCases)
    func xnorAndSgemmTrainTheSameConvNet(padding: ConvolutionPadding) throws {
        let arch = try Architecture(parsing: "4C3-MP2-70C3-MP2-8FC-3", input: ImageShape(height: 9, width: 7, channels: 1))
        func train(_ policy: ForwardProductPolicy) -> [Float] {
            let config = TrainingConfiguration(architecture: arch, mode: .deterministic, batchSize: 6, threads: 2, padding: padding)
            var g = SeededGenerator(seed: 5)
            let net = Network(configuration: config, maxRows: 6, generator: &g)
            let choices = net.tuneForwardProducts(rows: 6, policy: policy)
            #expect(choices.count == (policy == .sgemm ? 0 : 3))
            var rng = SeededGenerator(seed: 6)
            let x = (0..<(6 * arch.inputSize)).map { _ in Float(rng.nextGaussian()) }
            let y = (0..<6).map { Int32($0 % 3) }
            for _ in 0..<3 {
                _ = x.withUnsafeBufferPointer { xp in y.withUnsafeBufferPointer { yp in
                    net.trainStep(input: xp.baseAddress!, labels: yp.baseAddress!, rows: 6, learningRate: 0.01, generator: &g)
                } }
            }
            return net.allParameters.flatMap { (p: Parameter) in p.value.array }
        }
        #expect(train(.xnor) == train(.sgemm))
    }

    /// Binary modes: hidden convolutions see ±1 inputs, so their weight gradient runs through
    /// tables of signed sums (`signInput`); it equals the FMA kernel's up to float rounding.
    @Test(arguments: ConvolutionPadding.allCases)
    func signInputWeightGradientIsTheProduct(padding: ConvolutionPadding) throws {
        let (batch, convs) = try Self.smallConvNet(mode: .deterministic, padding: padding, seed: 8)
        #expect(convs.map(\.signInput) == [false, true])
        let (tables, products) = batch.gradients({ convs[1].signInput = $0 }, of: { convs[1].latent.parameter.gradient.array })
        expectClose(tables, products, relative: 1e-5)
    }

    /// Binary modes: W_b is ±1, so hidden convolutions' input gradient runs through tables
    /// of signed sums (`tableInputGradient`); the gradient it hands back (seen in the first
    /// convolution's weight gradient, through BatchNorm, the sign and the pool) equals the
    /// direct product's up to float rounding, for det and stoch.
    @Test(arguments: ConvolutionPadding.allCases, [BinarizationMode.deterministic, .stochastic])
    func binaryWeightInputGradientIsTheProduct(padding: ConvolutionPadding, mode: BinarizationMode) throws {
        let (batch, convs) = try Self.smallConvNet(mode: mode, padding: padding, seed: 11)
        #expect(convs.map(\.tableInputGradient) == [false, true])
        let (tables, products) = batch.gradients({ convs[1].tableInputGradient = $0 },
                                                 of: { convs[0].latent.parameter.gradient.array })
        expectClose(tables, products, relative: 1e-4)
    }

    /// A one-channel first convolution before a max-pool makes its weight gradient from the
    /// pool's output gradient and winners (`takesPooledGradient`); it equals the pool's
    /// backward pass then the dense product up to float rounding, on odd-sized images.
    @Test(arguments: [BinarizationMode.deterministic, .float])
    func pooledWeightGradientIsThePoolsBackwardThenTheProduct(mode: BinarizationMode) throws {
        let (batch, convs) = try Self.smallConvNet(mode: mode, padding: .one, seed: 31)
        #expect(convs.map(\.takesPooledGradient) == [true, false])
        let (pooled, expanded) = batch.gradients({ convs[0].takesPooledGradient = $0 },
                                                 of: { convs[0].latent.parameter.gradient.array })
        expectClose(pooled, expanded, relative: 1e-5)
    }

    /// 4C3-MP2-70C3-MP2-8FC-3 on 9×7 one-channel images (odd sizes, 70 channels), batch 6 on
    /// two threads, and its convolutions.
    static func smallConvNet(mode: BinarizationMode, padding: ConvolutionPadding,
                             seed: UInt64) throws -> (TwoPathBatch, [ConvolutionLayer]) {
        let arch = try Architecture(parsing: "4C3-MP2-70C3-MP2-8FC-3", input: ImageShape(height: 9, width: 7, channels: 1))
        let config = TrainingConfiguration(architecture: arch, mode: mode, batchSize: 6, threads: 2, padding: padding)
        var g = SeededGenerator(seed: seed)
        let net = Network(configuration: config, maxRows: 6, generator: &g)
        let batch = TwoPathBatch(net: net, rows: 6, inputSize: arch.inputSize, classes: 3, seed: seed + 1)
        return (batch, net.weightLayers.compactMap { $0 as? ConvolutionLayer })
    }
}
