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
}
