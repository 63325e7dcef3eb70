import Testing
import BNNSupport
@testable import BNNKernels

/// im2col / col2im, the float and XNOR convolution products, max-pooling and the
/// unique-filter count, against plain direct-loop references on odd sizes and channel
/// counts that are not multiples of 64.
@Suite struct ConvolutionKernelTests {
    /// Direct 3×3 convolution, stride 1, padding 1 with value `pad`, NHWC, weights [Cout][ky][kx][Cin].
    static func referenceConvolution(_ x: [Float], rows: Int, _ g: ConvolutionGeometry, weights: [Float],
                                     pad: Float) -> [Float] {
        let h = g.inputHeight, w = g.inputWidth, c = g.inputChannels, n = g.outputChannels
        var out = [Float](repeating: 0, count: rows * h * w * n)
        for r in 0..<rows {
            for y in 0..<h {
                for xx in 0..<w {
                    for o in 0..<n {
                        var s: Float = 0
                        for ky in 0..<3 {
                            for kx in 0..<3 {
                                let iy = y + ky - 1, ix = xx + kx - 1
                                for j in 0..<c {
                                    let v = iy >= 0 && iy < h && ix >= 0 && ix < w ? x[((r * h + iy) * w + ix) * c + j] : pad
                                    s += v * weights[o * 9 * c + (ky * 3 + kx) * c + j]
                                }
                            }
                        }
                        out[((r * h + y) * w + xx) * n + o] = s
                    }
                }
            }
        }
        return out
    }

    static let shapes: [(h: Int, w: Int, c: Int, n: Int)] = [(5, 7, 3, 4), (4, 3, 67, 5), (1, 1, 2, 3), (6, 6, 64, 65)]

    @Test(arguments: 0..<4)
    func im2colThenGEMMIsTheDirectConvolution(shape: Int) {
        let (h, w, c, n) = Self.shapes[shape]
        let g = ConvolutionGeometry(inputHeight: h, inputWidth: w, inputChannels: c, outputChannels: n)
        var rng = SeededGenerator(seed: UInt64(10 + shape))
        let rows = 3
        let x = rng.floats(rows * g.inputSize), wts = rng.floats(g.weightCount)
        for pad: Float in [0, 1] {
            var columns = [Float](repeating: .nan, count: rows * g.outputPositions * g.patchLength)
            var out = [Float](repeating: .nan, count: rows * g.outputSize)
            for threads in [1, 2] {
                x.withUnsafeBufferPointer { xp in columns.withUnsafeMutableBufferPointer { cp in
                    Im2Col.patches(input: xp.baseAddress!, rows: rows, geometry: g, padding: pad, columns: cp.baseAddress!, threads: threads)
                } }
                columns.withUnsafeBufferPointer { cp in wts.withUnsafeBufferPointer { wp in out.withUnsafeMutableBufferPointer { op in
                    ConvolutionProducts.forward(columns: cp.baseAddress!, positions: rows * g.outputPositions, patchLength: g.patchLength,
                                                weights: wp.baseAddress!, outputChannels: n, output: op.baseAddress!, threads: threads)
                } } }
                let expected = Self.referenceConvolution(x, rows: rows, g, weights: wts, pad: pad)
                let worst = zip(out, expected).map { abs($0 - $1) }.max()!
                #expect(worst < 1e-4, "shape \(Self.shapes[shape]) pad \(pad) threads \(threads): max error \(worst)")
            }
        }
    }

    /// col2im is im2col's adjoint: <col2im(G), X> = <G, im2col(X)> for zero padding; and the
    /// weight and patch gradients are the adjoints of the forward product.
    @Test(arguments: 0..<4)
    func backwardProductsAreTheAdjoints(shape: Int) {
        let (h, w, c, n) = Self.shapes[shape]
        let g = ConvolutionGeometry(inputHeight: h, inputWidth: w, inputChannels: c, outputChannels: n)
        var rng = SeededGenerator(seed: UInt64(20 + shape))
        let rows = 2, m = rows * g.outputPositions, k = g.patchLength
        let x = rng.floats(rows * g.inputSize), gradient = rng.floats(m * k)
        var columns = [Float](repeating: 0, count: m * k), back = [Float](repeating: .nan, count: x.count)
        x.withUnsafeBufferPointer { xp in columns.withUnsafeMutableBufferPointer { cp in
            Im2Col.patches(input: xp.baseAddress!, rows: rows, geometry: g, padding: 0, columns: cp.baseAddress!, threads: 2)
        } }
        gradient.withUnsafeBufferPointer { gp in back.withUnsafeMutableBufferPointer { bp in
            Im2Col.accumulate(columns: gp.baseAddress!, rows: rows, geometry: g, into: bp.baseAddress!, threads: 2)
        } }
        let left = zip(back, x).reduce(0.0) { $0 + Double($1.0 * $1.1) }
        let right = zip(gradient, columns).reduce(0.0) { $0 + Double($1.0 * $1.1) }
        #expect(abs(left - right) < 1e-3 * max(1, abs(left)), "col2im: \(left) vs \(right)")

        let wts = rng.floats(n * k), gs = rng.floats(m * n)
        var dW = [Float](repeating: .nan, count: n * k), dCols = [Float](repeating: .nan, count: m * k)
        for threads in [1, 2] {
            gs.withUnsafeBufferPointer { gp in columns.withUnsafeBufferPointer { cp in dW.withUnsafeMutableBufferPointer { dp in
                ConvolutionProducts.weightGradient(outputGradient: gp.baseAddress!, columns: cp.baseAddress!, positions: m,
                                                   patchLength: k, outputChannels: n, weightGradient: dp.baseAddress!, threads: threads)
            } } }
            gs.withUnsafeBufferPointer { gp in wts.withUnsafeBufferPointer { wp in dCols.withUnsafeMutableBufferPointer { dp in
                ConvolutionProducts.columnGradient(outputGradient: gp.baseAddress!, positions: m, patchLength: k,
                                                   weights: wp.baseAddress!, outputChannels: n, columnGradient: dp.baseAddress!, threads: threads)
            } } }
            for (o, t) in [(0, 0), (n - 1, k - 1), (n / 2, k / 3)] {
                var s: Float = 0
                for i in 0..<m { s += gs[i * n + o] * columns[i * k + t] }
                #expect(abs(dW[o * k + t] - s) < 1e-3, "dW[\(o)][\(t)] threads \(threads)")
            }
            for (i, t) in [(0, 0), (m - 1, k - 1), (m / 2, k / 2)] {
                var s: Float = 0
                for o in 0..<n { s += gs[i * n + o] * wts[o * k + t] }
                #expect(abs(dCols[i * k + t] - s) < 1e-4, "dCols[\(i)][\(t)] threads \(threads)")
            }
        }
    }

    /// The direct XNOR product on packed positions equals the ±1 direct convolution exactly, for every
    /// kernel variant this CPU runs, both paddings (zero needs the border correction).
    @Test(arguments: 0..<4)
    func xnorConvolutionIsExact(shape: Int) throws {
        let (h, w, c, n) = Self.shapes[shape]
        let g = ConvolutionGeometry(inputHeight: h, inputWidth: w, inputChannels: c, outputChannels: n)
        var rng = SeededGenerator(seed: UInt64(30 + shape))
        let rows = 3
        let x = signs(rng.floats(rows * g.inputSize)), wts = signs(rng.floats(g.weightCount))
        for variant in KernelVariant.allCases where variant.isSupported {
            for padding in ConvolutionPadding.allCases {
                let product = BinaryConvolutionProduct(geometry: g, padding: padding, maxRows: rows,
                                                       gemm: try BinaryGEMM(variant: variant, threadCount: 2))
                var out = [Float](repeating: .nan, count: rows * g.outputSize)
                x.withUnsafeBufferPointer { xp in wts.withUnsafeBufferPointer { wp in out.withUnsafeMutableBufferPointer { op in
                    product.multiply(input: xp.baseAddress!, rows: rows, weights: wp.baseAddress!, output: op.baseAddress!)
                } } }
                let expected = Self.referenceConvolution(x, rows: rows, g, weights: wts, pad: padding.value)
                #expect(out == expected, "\(variant) \(padding) shape \(Self.shapes[shape])")
            }
        }
    }

    @Test func maxPoolingPicksTheMaximumAndRoutesTheGradient() {
        var rng = SeededGenerator(seed: 5)
        let rows = 2, h = 5, w = 7, c = 3, oh = 2, ow = 3
        let x = rng.floats(rows * h * w * c)
        var out = [Float](repeating: .nan, count: rows * oh * ow * c)
        var winners = [Int32](repeating: -1, count: out.count)
        x.withUnsafeBufferPointer { xp in out.withUnsafeMutableBufferPointer { op in winners.withUnsafeMutableBufferPointer { wp in
            MaxPooling.forward(input: xp.baseAddress!, rows: rows, height: h, width: w, channels: c,
                               output: op.baseAddress!, winners: wp.baseAddress!)
        } } }
        for r in 0..<rows { for y in 0..<oh { for xx in 0..<ow { for j in 0..<c {
            var best: Float = -.infinity
            for dy in 0..<2 { for dx in 0..<2 { best = max(best, x[((r * h + 2 * y + dy) * w + 2 * xx + dx) * c + j]) } }
            let o = ((r * oh + y) * ow + xx) * c + j
            #expect(out[o] == best)
            #expect(x[Int(winners[o])] == best)
        } } } }
        let gradient = rng.floats(out.count)
        var back = [Float](repeating: .nan, count: x.count)
        gradient.withUnsafeBufferPointer { gp in winners.withUnsafeBufferPointer { wp in back.withUnsafeMutableBufferPointer { bp in
            MaxPooling.backward(outputGradient: gp.baseAddress!, winners: wp.baseAddress!, outputCount: out.count,
                                inputCount: x.count, inputGradient: bp.baseAddress!)
        } } }
        #expect(abs(back.reduce(0, +) - gradient.reduce(0, +)) < 1e-4)
        #expect(back.filter { $0 != 0 }.count == out.count)
        // The last row and column of the odd 5x7 image never win.
        for r in 0..<rows { for xx in 0..<w { for j in 0..<c { #expect(back[((r * h + 4) * w + xx) * c + j] == 0) } } }
    }

    @Test func uniqueFiltersCountKernelsUpToNegation() {
        // Cout 2, Cin 3: kernels (0,0)=all +1, (0,1)=all -1 (its negation), (0,2)=one tap -1,
        // (1,0)=same as (0,2), (1,1)=all +1, (1,2)=another pattern: 3 classes.
        let cin = 3
        var w = [Float](repeating: 1, count: 2 * 9 * cin)
        func set(_ o: Int, _ c: Int, _ tap: Int, _ v: Float) { w[o * 9 * cin + tap * cin + c] = v }
        for tap in 0..<9 { set(0, 1, tap, -1) }
        set(0, 2, 4, -1)
        set(1, 0, 4, -1)
        set(1, 2, 0, -1); set(1, 2, 8, -1)
        let count = w.withUnsafeBufferPointer { UniqueFilters.count(weights: $0.baseAddress!, outputChannels: 2, inputChannels: cin) }
        #expect(count == 3)
        var rng = SeededGenerator(seed: 9)
        let many = rng.floats(64 * 9 * 64)
        let random = many.withUnsafeBufferPointer { UniqueFilters.count(weights: $0.baseAddress!, outputChannels: 64, inputChannels: 64) }
        #expect(random > 200 && random <= 256)
        #expect(UniqueFilters.maximum(outputChannels: 2, inputChannels: 3) == 6)
    }
}
