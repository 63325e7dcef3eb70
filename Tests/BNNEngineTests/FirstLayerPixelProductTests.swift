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
                #expect(first.trainingProduct == .sgemm, "an evaluation pass does not count as training's product")
                let w = first.latent.effective
                for i in 0..<4 {
                    for j in 0..<7 {
                        var p = 0, sum: Float = 0
                        for k in 0..<20 { p += Int(pixels[i * 20 + k]) * Int(w[k * 7 + j]); sum += w[k * 7 + j] }
                        #expect(out[i * 7 + j] == PixelScaling.preactivation(pixelProduct: Float(p), weightSum: sum))
                    }
                }
                // The layer reports the product its last training batch ran: pixels, or sgemm
                // for a batch that is not pixel values.
                _ = x.withUnsafeBufferPointer { first.forward($0.baseAddress!, rows: 4, training: true, generator: &g) }
                #expect(first.trainingProduct == .pixels)
                #expect(first.statistics(steCancelFraction: 0).forwardProduct == "pixels")
                var off = x
                off[3] = 0.3
                _ = off.withUnsafeBufferPointer { first.forward($0.baseAddress!, rows: 4, training: true, generator: &g) }
                #expect(first.trainingProduct == .sgemm)
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
}
