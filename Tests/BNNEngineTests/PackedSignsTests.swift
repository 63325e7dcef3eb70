import BNNKernels
import BNNSupport
import Foundation
import Testing
@testable import BNNEngine

/// The optimizer packs W_b into the form each forward product reads (`PackedSigns`) as it
/// updates the weights: training must not change by a bit, and every other writer of W_b
/// must make the next product pack again.
@Suite("Packed W_b kept current by the optimizer")
struct PackedSignsTests {
    /// Pixel-valued images (rows x inputs) and labels that depend only on `seed`.
    private static func pixelBatch(rows: Int, inputs: Int, classes: Int, seed: UInt64) -> (pixels: [UInt8], x: [Float], y: [Int32]) {
        var rng = SeededGenerator(seed: seed)
        let pixels = (0..<(rows * inputs)).map { _ -> UInt8 in
            let u = rng.nextUnitDouble()
            return u < 0.4 ? 0 : UInt8(min(255, Int(u * 256)))
        }
        let y = (0..<rows).map { _ in Int32(Int(rng.nextUnitDouble() * Double(classes)) % classes) }
        return (pixels, pixels.map(PixelScaling.value), y)
    }

    private static func train(_ net: Network, on batch: (pixels: [UInt8], x: [Float], y: [Int32]), rows: Int,
                              generator: inout SeededGenerator) {
        batch.x.withUnsafeBufferPointer { xp in
            batch.y.withUnsafeBufferPointer { yp in
                _ = net.trainStep(input: xp.baseAddress!, labels: yp.baseAddress!, rows: rows, learningRate: 0.01,
                                  generator: &generator)
            }
        }
    }

    @Test("the optimizer packing the first layer's signs straight into the nibbles trains bit for bit as packing float W_b, for Adam and SGD, on one and two threads")
    func optimizerWrittenNibblesMatchFloatSigns() throws {
        // 150 inputs end in a group of two; 150 x 450 weights are enough to split over two threads.
        let widths = [150, 450, 5], rows = 12
        for optimizer in [OptimizerKind.adam, .sgd] {
            for threads in [1, 2] {
                let config = TrainingConfiguration(architecture: Architecture(widths: widths), optimizer: optimizer,
                                                   threads: threads)
                var ga = SeededGenerator(seed: 9), gb = SeededGenerator(seed: 9)
                let fused = Network(configuration: config, maxRows: rows, generator: &ga)
                let plain = Network(configuration: config, maxRows: rows, generator: &gb)
                let fusedFirst = fused.weightLayers[0] as! DenseLayer, plainFirst = plain.weightLayers[0] as! DenseLayer
                #expect(fusedFirst.latent.parameter.optimizerWritesPackedSigns)
                plainFirst.latent.parameter.optimizerWritesPackedSigns = false
                for step in 0..<4 {
                    let batch = Self.pixelBatch(rows: rows, inputs: widths[0], classes: widths[2], seed: UInt64(step))
                    Self.train(fused, on: batch, rows: rows, generator: &ga)
                    Self.train(plain, on: batch, rows: rows, generator: &gb)
                    let parameter = fusedFirst.latent.parameter
                    #expect(parameter.packedSigns!.isCurrent && !parameter.binaryOutputIsCurrent)
                    #expect(plainFirst.latent.parameter.binaryOutputIsCurrent)
                    for (a, b) in zip(fused.allParameters, plain.allParameters) {
                        #expect(memcmp(a.value.pointer, b.value.pointer, a.count * 4) == 0, "\(optimizer) \(threads) \(a.name)")
                    }
                    // The nibbles the optimizer wrote are those of float W_b = sign(W).
                    let want = NibbleWeights(inputs: widths[0], outputs: widths[1], threads: 1)
                    want.pack(from: plainFirst.latent.effective)
                    let got = try #require(parameter.packedSigns as? NibbleWeights)
                    #expect(memcmp(got.nibbles, want.nibbles, got.stride * got.groupCount) == 0)
                    #expect(memcmp(got.weightSums, want.weightSums, widths[1] * 4) == 0)
                }
                // Reading W_b rewrites the float form from W, and the nibbles stay current.
                let fusedSigns = fusedFirst.latent.effective
                #expect(memcmp(fusedSigns, plainFirst.latent.effective, widths[0] * widths[1] * 4) == 0)
                #expect(fusedFirst.latent.parameter.binaryOutputIsCurrent && fusedFirst.latent.parameter.packedSigns!.isCurrent)
                let test = Self.pixelBatch(rows: rows, inputs: widths[0], classes: widths[2], seed: 99)
                let scores = [fused, plain].map { net -> [Float] in
                    var seen: [Float] = []
                    test.x.withUnsafeBufferPointer { xp in
                        test.y.withUnsafeBufferPointer { yp in
                            _ = net.evaluate(input: xp.baseAddress!, labels: yp.baseAddress!, rows: rows) { scores in
                                seen = Array(UnsafeBufferPointer(start: scores, count: rows * widths[2]))
                            }
                        }
                    }
                    return seen
                }
                #expect(scores[0] == scores[1] && scores[0].count == rows * widths[2])
            }
        }
    }

    @Test("W written behind the optimizer's back and refreshed (a restored checkpoint) is what the next pixel product uses")
    func refreshedWeightsReachTheNibbles() {
        let widths = [30, 40, 3], rows = 5
        var g = SeededGenerator(seed: 4)
        let net = Network(configuration: TrainingConfiguration(architecture: Architecture(widths: widths)), maxRows: rows,
                          generator: &g)
        let first = net.weightLayers[0] as! DenseLayer
        let batch = Self.pixelBatch(rows: rows, inputs: widths[0], classes: widths[2], seed: 1)
        Self.train(net, on: batch, rows: rows, generator: &g)
        #expect(first.latent.parameter.packedSigns!.isCurrent)
        let w = first.latent.parameter.value.pointer
        for i in 0..<first.latent.count { w[i] = -w[i] + (i % 7 == 0 ? 0.01 : 0) }
        first.latent.refresh()
        #expect(!first.latent.parameter.packedSigns!.isCurrent)
        let out = batch.x.withUnsafeBufferPointer { first.forward($0.baseAddress!, rows: rows, training: false, generator: &g) }
        for i in 0..<rows {
            for j in 0..<widths[1] {
                var p: Float = 0, sum: Float = 0
                for k in 0..<widths[0] {
                    let sign: Float = w[k * widths[1] + j] >= 0 ? 1 : -1
                    p += Float(batch.pixels[i * widths[0] + k]) * sign
                    sum += sign
                }
                #expect(out[i * widths[1] + j] == PixelScaling.preactivation(pixelProduct: p, weightSum: sum))
            }
        }
    }

    @Test("stochastic weights are drawn as floats before every batch, so their optimizer keeps writing float W_b")
    func stochasticWeightsKeepFloatSigns() {
        var g = SeededGenerator(seed: 2)
        let config = TrainingConfiguration(architecture: Architecture(widths: [20, 8, 3]), mode: .stochastic,
                                           stochasticTarget: .both)
        let net = Network(configuration: config, maxRows: 4, generator: &g)
        let parameter = (net.weightLayers[0] as! DenseLayer).latent.parameter
        #expect(parameter.packedSigns != nil && !parameter.optimizerWritesPackedSigns)
    }

    @Test("an XNOR layer's column words packed by the optimizer, 64 rows at a time beside float W_b, train bit for bit as packing every batch")
    func optimizerWrittenColumnWordsMatchFloatSigns() throws {
        // Layer 2 has 520 inputs: nine groups of 64 rows, the last of 8, split over two parts.
        let widths = [40, 520, 130, 5], rows = 10
        for threads in [1, 2] {
            let config = TrainingConfiguration(architecture: Architecture(widths: widths), threads: threads)
            var ga = SeededGenerator(seed: 21), gb = SeededGenerator(seed: 21)
            let fused = Network(configuration: config, maxRows: rows, generator: &ga)
            let plain = Network(configuration: config, maxRows: rows, generator: &gb)
            for net in [fused, plain] { _ = net.tuneForwardProducts(rows: rows, policy: .xnor) }
            let fusedLayer = fused.weightLayers[1] as! DenseLayer, plainLayer = plain.weightLayers[1] as! DenseLayer
            let words = try #require(fusedLayer.latent.parameter.packedSigns as? ColumnSignWords)
            #expect(words === fusedLayer.xnorForward?.weights && fusedLayer.latent.parameter.optimizerWritesPackedSigns)
            plainLayer.latent.parameter.optimizerWritesPackedSigns = false
            for step in 0..<4 {
                let batch = Self.pixelBatch(rows: rows, inputs: widths[0], classes: widths[3], seed: UInt64(step))
                Self.train(fused, on: batch, rows: rows, generator: &ga)
                Self.train(plain, on: batch, rows: rows, generator: &gb)
                #expect(words.isCurrent && fusedLayer.latent.parameter.binaryOutputIsCurrent)
                #expect(!plainLayer.xnorForward!.weights.isCurrent)
                for (a, b) in zip(fused.allParameters, plain.allParameters) {
                    #expect(memcmp(a.value.pointer, b.value.pointer, a.count * 4) == 0, "\(threads) \(a.name)")
                }
                // Float W_b is written beside the words, and the words are those of packing it.
                let count = widths[1] * widths[2]
                #expect(memcmp(fusedLayer.latent.effective, plainLayer.latent.effective, count * 4) == 0)
                let want = ColumnSignWords(inputs: widths[1], outputs: widths[2], threads: 1)
                want.pack(from: plainLayer.latent.effective)
                #expect(memcmp(words.words, want.words, widths[2] * words.wordsPerRow * 8) == 0, "\(threads) step \(step)")
            }
            // Turning XNOR off unlinks the words; the first layer keeps its nibbles.
            _ = fused.tuneForwardProducts(rows: rows, policy: .sgemm)
            #expect(fusedLayer.latent.parameter.packedSigns == nil && !fusedLayer.latent.parameter.optimizerWritesPackedSigns)
            #expect((fused.weightLayers[0] as! DenseLayer).latent.parameter.packedSigns is NibbleWeights)
        }
    }
}
