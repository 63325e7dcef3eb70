import Testing
import BNNSupport
@testable import BNNKernels

/// The packed convolution's pieces against plain loops: the direct XNOR convolution (with
/// the channel-gap and padding corrections), the first layer's direct integer convolution, and OR / AND max-pooling, on every kernel variant this CPU runs, odd image
/// sizes and channel counts that are not multiples of 64.
@Suite("Packed binary convolution")
struct PackedConvolutionTests {
    static let binaryShapes: [(h: Int, w: Int, cin: Int, cout: Int)] = [
        (5, 7, 3, 5), (3, 3, 64, 65), (1, 1, 5, 3), (2, 3, 130, 7), (6, 5, 1, 64), (4, 4, 70, 9), (1, 6, 63, 2),
        (4, 3, 32, 66), (3, 5, 33, 4),  // the most channels the paired-tap kernel takes, and one more
    ]

    @Test("binary convolution sums equal plain loops, both paddings, every variant", arguments: [ConvolutionPadding.zero, .one])
    func binarySums(padding: ConvolutionPadding) throws {
        for (index, s) in Self.binaryShapes.enumerated() {
            var rng = SeededGenerator(seed: UInt64(100 + index))
            let shape = FeatureShape(height: s.h, width: s.w, channels: s.cin)
            let images = 3
            let p = randomConvolution(shape, outputs: s.cout, padding: padding, first: false, rng: &rng)
            let conv = PackedConvolution(parameters: p, isFirst: false)
            let x = signs(rng.floats(images * shape.count))
            let expected = referenceConvolution(x, shape: shape, images: images, weights: p.latentWeights,
                                                outputs: s.cout, outside: padding.value)
            let input = packActivations(x, shape: shape, images: images)
            let m = images * shape.positions
            for variant in KernelVariant.available {
                for split in [m, (m + 1) / 2] {  // the whole batch at once, or in two row bands
                    var raw = [Int32](repeating: 0x5EED, count: m * s.cout)
                    input.withUnsafeBufferPointer { a in
                        raw.withUnsafeMutableBufferPointer { c in
                            for start in stride(from: 0, to: m, by: split) {
                                conv.binarySums(a.baseAddress!, rows: start..<min(m, start + split), variant: variant, into: c.baseAddress!)
                            }
                        }
                    }
                    let sums = conv.trueSums(raw: raw, rows: m).map(Int.init)
                    #expect(sums == expected, "\(s) \(padding) \(variant) bands of \(split)")
                }
            }
        }
    }

    @Test("the first layer's direct pixel convolution equals plain loops, every variant")
    func firstLayerSums() throws {
        for (index, s) in [(28, 28, 1, 32), (5, 3, 1, 7), (4, 6, 3, 65), (1, 1, 2, 3)].enumerated() {
            var rng = SeededGenerator(seed: UInt64(200 + index))
            let shape = FeatureShape(height: s.0, width: s.1, channels: s.2)
            let images = 2
            let p = randomConvolution(shape, outputs: s.3, padding: .zero, first: true, rng: &rng)
            let conv = PackedConvolution(parameters: p, isFirst: true)
            var pixels = rng.pixels(images * shape.count)
            for t in 0..<shape.count { pixels[t] = 255 }  // an all-white image: the largest sums
            let expected = referenceConvolution(pixels.map(Float.init), shape: shape, images: images,
                                                weights: p.latentWeights, outputs: s.3, outside: 0)
            let m = images * shape.positions
            for variant in KernelVariant.available {
                var sums = [Int32](repeating: 0x5EED, count: m * s.3)
                pixels.withUnsafeBufferPointer { px in
                    sums.withUnsafeMutableBufferPointer { conv.pixelSums(px.baseAddress!, rows: 0..<m, variant: variant, into: $0.baseAddress!) }
                }
                #expect(sums.map(Int.init) == expected, "\(s) \(variant)")
            }
        }
    }

    @Test("max-pooling packed bits is OR for direct channels and AND for flipped ones")
    func pooling() {
        var rng = SeededGenerator(seed: 5)
        for shape in [FeatureShape(height: 4, width: 6, channels: 70), FeatureShape(height: 5, width: 3, channels: 64),
                      FeatureShape(height: 2, width: 2, channels: 1)] {
            let images = 2
            let x = signs(rng.floats(images * shape.count))
            var flip = [UInt64](repeating: 0, count: (shape.channels + 63) / 64)
            for c in stride(from: 0, to: shape.channels, by: 3) { flip[c / 64] |= 1 << UInt64(c % 64) }
            let pool = PackedMaxPool(inputShape: shape, flip: flip)
            let input = packActivations(x, shape: shape, images: images)
            var output = [UInt64](repeating: 0xFF, count: images * pool.outputLayout.words)
            input.withUnsafeBufferPointer { a in output.withUnsafeMutableBufferPointer { pool.apply(a.baseAddress!, images: images, into: $0.baseAddress!) } }
            let o = pool.outputShape
            var expected = [Float](repeating: 0, count: images * o.count)
            for i in 0..<images {
                for y in 0..<o.height {
                    for xx in 0..<o.width {
                        for c in 0..<shape.channels {
                            let window = [(0, 0), (0, 1), (1, 0), (1, 1)].map { dy, dx in
                                x[((i * shape.height + 2 * y + dy) * shape.width + 2 * xx + dx) * shape.channels + c]
                            }
                            let flipped = c % 3 == 0
                            expected[((i * o.height + y) * o.width + xx) * shape.channels + c] = flipped ? window.min()! : window.max()!
                        }
                    }
                }
            }
            #expect(output == packActivations(expected, shape: o, images: images), "\(shape)")
        }
    }

    @Test("border classes: runs cover every row once, with the class of each position")
    func borderRuns() {
        for (h, w) in [(1, 1), (1, 5), (4, 1), (2, 2), (5, 7)] {
            var seen: [Int] = []
            ConvolutionBorder.forEachRun(rows: 3..<(3 + 2 * h * w + 1), height: h, width: w) { cls, run in
                for r in run {
                    let p = r % (h * w)
                    #expect(cls == ConvolutionBorder.index(y: p / w, x: p % w, height: h, width: w), "\(h)x\(w) row \(r)")
                    seen.append(r)
                }
            }
            #expect(seen == Array(3..<(3 + 2 * h * w + 1)))
        }
    }
}
