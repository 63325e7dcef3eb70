import BNNKernels
import BNNSupport
import Testing
@testable import BNNEngine

@Suite("The first dense layer's exact pixel product")
struct FirstLayerPixelProductTests {
    @Test("binary modes compute s = (p · W_b) / 127.5 − ΣW_b from pixel inputs; float mode and dropout keep sgemm")
    func firstLayerUsesPixels() {
        for mode in [BinarizationMode.deterministic, .stochastic, .float] {
            for inputDropout: Float in [0, 0.2] {
                var g = SeededGenerator(seed: 3)
                let config = TrainingConfiguration(architecture: Architecture(widths: [20, 7, 3]), mode: mode,
                                                   inputDropout: inputDropout)
                let net = Network(configuration: config, maxRows: 4, generator: &g)
                let first = net.weightLayers[0] as! DenseLayer
                #expect((first.pixelForward != nil) == (mode.isBinary && inputDropout == 0), "\(mode) \(inputDropout)")
                guard first.pixelForward != nil else { continue }
                let pixels: [UInt8] = (0..<80).map { UInt8(($0 * 37 + 11) % 256) }
                let x = pixels.map(PixelScaling.value)
                let out = x.withUnsafeBufferPointer { first.forward($0.baseAddress!, rows: 4, training: false, generator: &g) }
                let w = first.latent.effective
                for i in 0..<4 {
                    for j in 0..<7 {
                        var p = 0, sum: Float = 0
                        for k in 0..<20 { p += Int(pixels[i * 20 + k]) * Int(w[k * 7 + j]); sum += w[k * 7 + j] }
                        #expect(out[i * 7 + j] == PixelScaling.preactivation(pixelProduct: Float(p), weightSum: sum))
                    }
                }
            }
        }
    }

    @Test("every mode's first layer sums its weight gradient over the pixels that are not black; other inputs take sgemm")
    func firstLayerWeightGradientSkipsBlack() {
        for mode in [BinarizationMode.deterministic, .stochastic, .float] {
            for inputDropout: Float in [0, 0.2] {
                var g = SeededGenerator(seed: 5)
                let config = TrainingConfiguration(architecture: Architecture(widths: [22, 9, 3]), mode: mode,
                                                   inputDropout: inputDropout)
                let rows = 6
                let net = Network(configuration: config, maxRows: rows, generator: &g)
                let first = net.weightLayers[0] as! DenseLayer
                #expect((first.pixelGradient != nil) == (inputDropout == 0), "\(mode) \(inputDropout)")
                guard let pixelGradient = first.pixelGradient else { continue }
                // Half the pixels black, whole groups of four among them; 22 inputs end in a group of two.
                let pixels: [UInt8] = (0..<(rows * 22)).map { (i: Int) -> UInt8 in
                    (i / 4) % 3 == 0 || i % 5 == 1 ? 0 : UInt8((i * 53 + 7) % 256)
                }
                let x = pixels.map(PixelScaling.value)
                let gradient: [Float] = (0..<(rows * 9)).map { Float(($0 * 29) % 17) / 8 - 1 }
                for fromForward in [true, false] {
                    var gs = gradient
                    x.withUnsafeBufferPointer { xp in
                        // The binary modes' forward product leaves its bytes for the backward pass.
                        if fromForward { _ = first.forward(xp.baseAddress!, rows: rows, training: true, generator: &g) }
                        gs.withUnsafeMutableBufferPointer { gp in
                            if fromForward {
                                _ = first.backward(input: xp.baseAddress!, outputGradient: gp.baseAddress!, rows: rows,
                                                   needsInputGradient: false)
                            } else {
                                let done = pixelGradient.weightGradient(
                                    input: xp.baseAddress!, bytes: nil, rows: rows, gradient: gp.baseAddress!, outputs: 9,
                                    into: first.latent.parameter.gradient.pointer)
                                #expect(done)
                            }
                        }
                    }
                    let dw = first.latent.parameter.gradient.pointer
                    for i in 0..<22 {
                        for o in 0..<9 {
                            var want = 0.0
                            for b in 0..<rows { want += Double(x[b * 22 + i]) * Double(gradient[b * 9 + o]) }
                            let got = Double(dw[i * 9 + o])
                            #expect(abs(got - want) < 1e-5, "\(mode) dw[\(i)][\(o)] = \(got), want \(want)")
                        }
                    }
                }
                // An input that is not a pixel value: no bytes, nothing written, and the layer uses sgemm.
                var off = x
                off[5] = 0.3
                let refused = off.withUnsafeBufferPointer { xp in
                    gradient.withUnsafeBufferPointer { gp in
                        pixelGradient.weightGradient(input: xp.baseAddress!, bytes: nil, rows: rows, gradient: gp.baseAddress!,
                                                     outputs: 9, into: first.latent.parameter.gradient.pointer)
                    }
                }
                #expect(!refused)
            }
        }
    }

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
    func optimizerWrittenNibblesMatchFloatSigns() {
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
                #expect(fusedFirst.latent.parameter.optimizerWritesNibbles)
                plainFirst.latent.parameter.optimizerWritesNibbles = false
                for step in 0..<4 {
                    let batch = Self.pixelBatch(rows: rows, inputs: widths[0], classes: widths[2], seed: UInt64(step))
                    Self.train(fused, on: batch, rows: rows, generator: &ga)
                    Self.train(plain, on: batch, rows: rows, generator: &gb)
                    let parameter = fusedFirst.latent.parameter
                    #expect(parameter.nibbleOutput!.isCurrent && !parameter.binaryOutputIsCurrent)
                    #expect(plainFirst.latent.parameter.binaryOutputIsCurrent)
                    for (a, b) in zip(fused.allParameters, plain.allParameters) {
                        #expect(memcmp(a.value.pointer, b.value.pointer, a.count * 4) == 0, "\(optimizer) \(threads) \(a.name)")
                    }
                    // The nibbles the optimizer wrote are those of float W_b = sign(W).
                    let want = NibbleWeights(inputs: widths[0], outputs: widths[1], threads: 1)
                    want.pack(from: plainFirst.latent.effective)
                    let got = parameter.nibbleOutput!
                    #expect(memcmp(got.nibbles, want.nibbles, got.stride * got.groupCount) == 0)
                    #expect(memcmp(got.weightSums, want.weightSums, widths[1] * 4) == 0)
                }
                // Reading W_b rewrites the float form from W, and the nibbles stay current.
                let fusedSigns = fusedFirst.latent.effective
                #expect(memcmp(fusedSigns, plainFirst.latent.effective, widths[0] * widths[1] * 4) == 0)
                #expect(fusedFirst.latent.parameter.binaryOutputIsCurrent && fusedFirst.latent.parameter.nibbleOutput!.isCurrent)
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
        #expect(first.latent.parameter.nibbleOutput!.isCurrent)
        let w = first.latent.parameter.value.pointer
        for i in 0..<first.latent.count { w[i] = -w[i] + (i % 7 == 0 ? 0.01 : 0) }
        first.latent.refresh()
        #expect(!first.latent.parameter.nibbleOutput!.isCurrent)
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
        #expect(parameter.nibbleOutput != nil && !parameter.optimizerWritesNibbles)
    }
}
