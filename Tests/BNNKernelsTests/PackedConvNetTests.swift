import Testing
import BNNSupport
@testable import BNNKernels

/// Whole ConvNets: the packed model (bit patches, folded thresholds per border class,
/// OR / AND pooling, dense layers on NHWC bits with channel gaps) against the float
/// reference (im2col + sgemm, pooling of pre-activations before BatchNorm), bit for bit
/// in the scores, on every variant and thread count.
@Suite("Packed ConvNets against the float reference")
struct PackedConvNetTests {
    static let networks: [(spec: String, input: FeatureShape, padding: ConvolutionPadding)] = [
        ("8C3-MP2-16C3-MP2-32FC-10", FeatureShape(height: 28, width: 28, channels: 1), .zero),
        ("8C3-MP2-16C3-MP2-32FC-10", FeatureShape(height: 28, width: 28, channels: 1), .one),
        ("3C3-70C3-MP2-5FC-3", FeatureShape(height: 7, width: 5, channels: 1), .zero),
        ("65C3-MP2-MP2-4", FeatureShape(height: 6, width: 6, channels: 3), .one),
        ("5C3-9C3-7", FeatureShape(height: 1, width: 3, channels: 2), .zero),
        ("12FC-6", FeatureShape(height: 4, width: 5, channels: 1), .zero),
    ]

    @Test("scores and classes equal the float reference, every variant, 1 and 2 threads", arguments: 0..<networks.count)
    func packedEqualsReference(index: Int) throws {
        let (spec, input, padding) = Self.networks[index]
        var rng = SeededGenerator(seed: UInt64(310 + index))
        let network = randomConvNet(spec, input: input, padding: padding, rng: &rng)
        let packed = try PackedModel(network: network)
        #expect(packed.architecture == (packed.isConvolutional ? spec : "20-12-6"))
        let reference = try FloatReferenceModel(network: network, maxBatch: 16)
        let images = 40
        var pixels = rng.pixels(images * input.count)
        for t in 0..<input.count { pixels[t] = 0; pixels[input.count + t] = 255 }
        var expected = [Float](repeating: 0, count: images * packed.classCount)
        try pixels.withUnsafeBufferPointer { p in try expected.withUnsafeMutableBufferPointer { try reference.scores(pixels: p, into: $0) } }
        let expectedClasses = try reference.predict(pixels: pixels)
        #expect(Set(expectedClasses).count > 1, "degenerate test network \(spec)")
        for variant in KernelVariant.available {
            for threads in [1, 2] {
                let predictor = packed.makePredictor(gemm: try BinaryGEMM(variant: variant, threadCount: threads), maxBatch: 16)
                var scores = [Float](repeating: .nan, count: images * packed.classCount)
                try pixels.withUnsafeBufferPointer { p in try scores.withUnsafeMutableBufferPointer { try predictor.scores(pixels: p, into: $0) } }
                #expect(scores.map(\.bitPattern) == expected.map(\.bitPattern), "\(spec) \(padding) \(variant) x\(threads)")
                for i in 0..<3 {
                    let single = try pixels[(input.count * i)..<(input.count * (i + 1))].withUnsafeBufferPointer { try predictor.predict(image: $0) }
                    #expect(single == expectedClasses[i], "\(spec) \(variant) x\(threads) image \(i)")
                }
            }
        }
    }

    @Test("the reference network 32C3-MP2-64C3-MP2-256FC-10 on 28×28 images")
    func referenceNetwork() throws {
        var rng = SeededGenerator(seed: 7)
        let input = FeatureShape(height: 28, width: 28, channels: 1)
        let network = randomConvNet("32C3-MP2-64C3-MP2-256FC-10", input: input, padding: .one, rng: &rng)
        let packed = try PackedModel(network: network)
        #expect(packed.widths == [784, 25088, 6272, 12544, 3136, 256, 10])
        #expect(packed.binaryWeightCount == 32 * 9 + 64 * 288 + 3136 * 256 + 2560)
        let pixels = rng.pixels(12 * 784)
        let expected = try FloatReferenceModel(network: network, maxBatch: 12).predict(pixels: pixels)
        for variant in KernelVariant.available {
            #expect(try packed.predict(pixels: pixels, gemm: BinaryGEMM(variant: variant, threadCount: 2)) == expected, "\(variant)")
        }
    }

    @Test("layers that do not chain are typed errors")
    func badNetworks() throws {
        var rng = SeededGenerator(seed: 9)
        let input = FeatureShape(height: 4, width: 4, channels: 1)
        var net = randomConvNet("4C3-MP2-3", input: input, padding: .zero, rng: &rng)
        #expect(throws: ModelParametersError.lastLayerNotDense) {
            try PackedModel(network: InferenceNetworkParameters(inputShape: input, layers: Array(net.layers.prefix(2))))
        }
        #expect(throws: ModelParametersError.poolWithoutConvolution(layer: 0)) {
            try PackedModel(network: InferenceNetworkParameters(inputShape: input, layers: [.maxPool] + net.layers))
        }
        let dense = randomLayer(inputs: 16, outputs: 16, first: true, rng: &rng)
        #expect(throws: ModelParametersError.convolutionAfterDense(layer: 1)) {
            try PackedModel(network: InferenceNetworkParameters(inputShape: input, layers: [.dense(dense)] + net.layers))
        }
        #expect(throws: ModelParametersError.poolTooSmall(layer: 3, input: "1×1×4")) {
            try PackedModel(network: InferenceNetworkParameters(inputShape: input, layers: [net.layers[0], .maxPool, .maxPool, .maxPool, net.layers[2]]))
        }
        net.inputShape = FeatureShape(height: 5, width: 4, channels: 1)
        #expect(throws: ModelParametersError.shapesDoNotChain(layer: 0, previous: "5×4×1", expected: "4×4×1")) { try PackedModel(network: net) }
    }
}
