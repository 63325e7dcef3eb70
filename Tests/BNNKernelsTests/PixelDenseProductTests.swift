import BNNSupport
import Testing
@testable import BNNKernels

@Suite("First dense layer's pixel product in training")
struct PixelDenseProductTests {
    /// (rows, inputs, outputs): one row, odd K, K < 4, outputs not a multiple of 32, the MLP's layer.
    static let shapes: [(Int, Int, Int)] = [(1, 1, 1), (3, 3, 5), (7, 65, 33), (2, 784, 70), (9, 784, 1024)]

    @Test("equals (p · W_b) / 127.5 − ΣW_b from exact integers, every variant, 1 or 2 threads",
          arguments: KernelVariant.available)
    func equalsExactProduct(variant: KernelVariant) {
        var rng = SeededGenerator(seed: 21)
        for threads in [1, 2] {
            for (rows, inputs, outputs) in Self.shapes {
                let pixels = rng.pixels(rows * inputs)
                let x = pixels.map(PixelScaling.value)
                let w = signs(rng.floats(inputs * outputs))
                let integers = referencePixelProduct(pixels, w, images: rows, n: outputs, k: inputs)
                var expected = [Float](repeating: 0, count: rows * outputs), closeToFloat = true
                for j in 0..<outputs {
                    let sum = (0..<inputs).reduce(Float(0)) { $0 + w[$1 * outputs + j] }
                    for i in 0..<rows {
                        let s = PixelScaling.preactivation(pixelProduct: Float(integers[i * outputs + j]), weightSum: sum)
                        expected[i * outputs + j] = s
                        var float = 0.0
                        for k in 0..<inputs { float += Double(x[i * inputs + k]) * Double(w[k * outputs + j]) }
                        closeToFloat = closeToFloat && abs(Double(s) - float) <= 1e-5 * Double(inputs)
                    }
                }
                #expect(closeToFloat, "the exact product is x · W_b up to float rounding")
                let product = PixelDenseProduct(maxRows: rows + 5, inputs: inputs, outputs: outputs, variant: variant,
                                                threads: threads)
                var out = [Float](repeating: .nan, count: rows * outputs)
                let ok = run(product, x, rows: rows, w, into: &out)
                #expect(ok && out == expected, "\(variant) \(threads) threads \(rows)x\(outputs)x\(inputs)")
            }
        }
    }

    @Test("an input that is not a pixel value is refused, so the layer keeps sgemm")
    func refusesOtherInputs() {
        var rng = SeededGenerator(seed: 5)
        let rows = 6, inputs = 50, outputs = 40
        let product = PixelDenseProduct(maxRows: rows, inputs: inputs, outputs: outputs, variant: .best, threads: 2)
        let w = signs(rng.floats(inputs * outputs))
        var x = rng.pixels(rows * inputs).map(PixelScaling.value)
        var out = [Float](repeating: 0, count: rows * outputs)
        #expect(run(product, x, rows: rows, w, into: &out))
        for bad: Float in [0.3, .nan, 1.5, -(PixelScaling.value(7) + PixelScaling.value(8)) / 2] {
            var y = x
            y[rows * inputs - 3] = bad
            #expect(!run(product, y, rows: rows, w, into: &out), "\(bad)")
        }
        // A dropped-out pixel (0, between 127 and 128) is not a pixel value either.
        x[0] = 0
        #expect(!run(product, x, rows: rows, w, into: &out))
    }

    private func run(_ product: PixelDenseProduct, _ x: [Float], rows: Int, _ w: [Float], into out: inout [Float]) -> Bool {
        x.withUnsafeBufferPointer { xp in
            w.withUnsafeBufferPointer { wp in
                out.withUnsafeMutableBufferPointer { op in
                    product.multiply(input: xp.baseAddress!, rows: rows, floatWeights: wp.baseAddress!, output: op.baseAddress!)
                }
            }
        }
    }
}
