import Testing
@testable import BNNKernels
import BNNSupport

@Suite("BatchNorm + sign folded into thresholds")
struct ThresholdFoldingTests {
    @Test("for every integer sum, the threshold agrees with sign(BatchNorm(s)) in float")
    func exhaustive() {
        var rng = SeededGenerator(seed: 3)
        let k = 301
        let layer = randomLayer(inputs: k, outputs: 200, first: false, rng: &rng)
        let bn = BatchNormInference(layer)
        let folded = NeuronThresholds.fold(batchNorm: bn, range: -k...k) { _, s in Float(s) }
        for j in 0..<200 {
            for s in -k...k {
                #expect(folded.activation(neuron: j, sum: Int32(s)) == (bn.apply(Float(s), neuron: j) >= 0), "neuron \(j) s \(s)")
            }
        }
    }

    @Test("γ = 0 gives a constant neuron, γ < 0 a flipped comparison, a = 0 counts as +1")
    func specialCases() {
        let bn = BatchNormInference(gamma: [0, 0, -1, 1, 1], beta: [0.5, -0.5, 0, 0, 0], mean: [0, 0, 3, 3, 1000],
                                    variance: [1, 1, 1, 1, 1], epsilon: 0)
        let t = NeuronThresholds.fold(batchNorm: bn, range: -10...10) { _, s in Float(s) }
        #expect(t.thresholds[0] == NeuronThresholds.always)
        #expect(t.thresholds[1] == NeuronThresholds.never)
        #expect(t.activation(neuron: 2, sum: 3) && !t.activation(neuron: 2, sum: 4) && t.activation(neuron: 2, sum: -10))
        #expect(t.thresholds[3] == 3 && t.activation(neuron: 3, sum: 3) && !t.activation(neuron: 3, sum: 2))
        #expect(t.thresholds[4] == NeuronThresholds.never)
    }

    static let architectures: [[Int]] = [[784, 10], [784, 64, 10], [784, 100, 65, 10], [100, 130, 3, 7], [784, 1024, 10], [784, 2048, 300, 10]]

    @Test("the packed model's scores and classes equal the float reference, every variant",
          arguments: architectures)
    func packedEqualsFloatReference(widths: [Int]) throws {
        var rng = SeededGenerator(seed: UInt64(widths.reduce(0, +)))
        let layers = randomNetwork(widths, rng: &rng)
        let packed = try PackedModel(layers: layers)
        let reference = try FloatReferenceModel(layers: layers, maxBatch: 64)
        if widths == [784, 2048, 300, 10] {
            let gemm = try BinaryGEMM(variant: .portable, threadCount: 2)
            #expect(gemm.parts(m: 1, n: 2048, kBits: 784, productsPerOutput: 8).count == 2, "batch 1 must split columns")
        }
        let images = 150
        var pixels = rng.pixels(images * widths[0])
        for t in 0..<widths[0] { pixels[t] = 0; pixels[widths[0] + t] = 255 }  // extremes
        var expectedScores = [Float](repeating: 0, count: images * packed.classCount)
        try pixels.withUnsafeBufferPointer { p in
            try expectedScores.withUnsafeMutableBufferPointer { try reference.scores(pixels: p, into: $0) }
        }
        let expectedClasses = try reference.predict(pixels: pixels)
        // One image at a time the reference uses sgemv instead of sgemm: same scores.
        let oneByOne = try FloatReferenceModel(layers: layers, maxBatch: 1)
        var singleScores = [Float](repeating: .nan, count: 10 * packed.classCount)
        try pixels[0..<(10 * widths[0])].withUnsafeBufferPointer { p in
            try singleScores.withUnsafeMutableBufferPointer { try oneByOne.scores(pixels: p, into: $0) }
        }
        #expect(singleScores.map(\.bitPattern) == expectedScores[0..<(10 * packed.classCount)].map(\.bitPattern))
        #expect(Set(expectedClasses).count > 1 || packed.classCount == 1, "degenerate test network")
        for variant in KernelVariant.available {
            for threads in [1, 2] {
                let predictor = packed.makePredictor(gemm: try BinaryGEMM(variant: variant, threadCount: threads), maxBatch: 64)
                var scores = [Float](repeating: .nan, count: images * packed.classCount)
                var classes = [Int](repeating: -1, count: images)
                try pixels.withUnsafeBufferPointer { p in
                    try scores.withUnsafeMutableBufferPointer { try predictor.scores(pixels: p, into: $0) }
                    try classes.withUnsafeMutableBufferPointer { try predictor.predict(pixels: p, classes: $0) }
                }
                #expect(scores.map(\.bitPattern) == expectedScores.map(\.bitPattern), "\(variant) x\(threads)")
                #expect(classes == expectedClasses, "\(variant) x\(threads)")
                // One image at a time: wide layers then split columns (in 64-neuron words) across threads.
                for i in 0..<6 {
                    let single = try pixels[(widths[0] * i)..<(widths[0] * (i + 1))].withUnsafeBufferPointer {
                        try predictor.predict(image: $0)
                    }
                    #expect(single == expectedClasses[i], "\(variant) x\(threads) image \(i)")
                }
            }
        }
        #expect(try packed.predict(pixels: pixels, gemm: BinaryGEMM(variant: .portable)) == expectedClasses)
    }

    @Test("bad parameters and inputs are typed errors")
    func badInput() throws {
        var rng = SeededGenerator(seed: 1)
        var layers = randomNetwork([20, 8, 3], rng: &rng)
        #expect(throws: ModelParametersError.noLayers) { try PackedModel(layers: []) }
        var broken = layers
        broken[1].bnRunningVar[2] = -1
        broken[1].bnEpsilon = 0
        #expect(throws: ModelParametersError.nonPositiveVariance(layer: 1, neuron: 2)) { try PackedModel(layers: broken) }
        broken = layers
        broken[0].latentWeights[5] = .nan
        #expect(throws: ModelParametersError.nonFinite(layer: 0, field: "latentWeights", index: 5)) { try PackedModel(layers: broken) }
        broken = layers
        broken[0].bnGamma.removeLast()
        #expect(throws: ModelParametersError.wrongCount(layer: 0, field: "bnGamma", expected: 8, actual: 7)) { try FloatReferenceModel(layers: broken) }
        layers[1] = randomLayer(inputs: 9, outputs: 3, first: false, rng: &rng)
        #expect(throws: ModelParametersError.widthsDoNotChain(layer: 1, previousOutputs: 8, inputs: 9)) { try PackedModel(layers: layers) }
        let model = try PackedModel(layers: randomNetwork([20, 8, 3], rng: &rng))
        #expect(throws: InferenceInputError.wrongInputSize(pixelsPerImage: 20, actual: 30)) {
            try model.predict(pixels: [UInt8](repeating: 0, count: 30), gemm: BinaryGEMM(variant: .portable))
        }
    }
}
