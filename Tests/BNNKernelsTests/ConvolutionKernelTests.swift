import Testing
import BNNSupport
@testable import BNNKernels

/// im2col, the direct float products (forward and input gradient), the XNOR product, max-pooling and the
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
            let scratch = PaddedImages(input: g, capacity: rows)
            for threads in [1, 2] {
                x.withUnsafeBufferPointer { xp in columns.withUnsafeMutableBufferPointer { cp in
                    Im2Col.patches(input: xp.baseAddress!, rows: rows, padding: pad, scratch: scratch, columns: cp.baseAddress!,
                                   threads: threads)
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

    /// The direct float product on the padded input equals the plain convolution, for both
    /// paddings, one and two threads.
    @Test(arguments: 0..<4)
    func directProductIsTheConvolution(shape: Int) {
        let (h, w, c, n) = Self.shapes[shape]
        let g = ConvolutionGeometry(inputHeight: h, inputWidth: w, inputChannels: c, outputChannels: n)
        var rng = SeededGenerator(seed: UInt64(40 + shape))
        let rows = 3
        let x = rng.floats(rows * g.inputSize), wts = rng.floats(g.weightCount)
        let padded = PaddedImages(input: g, capacity: rows)
        var packed = [Float](repeating: .nan, count: ConvolutionProducts.packedWeightCount(g, adjoint: false))
        wts.withUnsafeBufferPointer { wp in packed.withUnsafeMutableBufferPointer { pp in
            ConvolutionProducts.packWeights(wp.baseAddress!, geometry: g, adjoint: false, into: pp.baseAddress!)
        } }
        for pad: Float in [0, 1] {
            let expected = Self.referenceConvolution(x, rows: rows, g, weights: wts, pad: pad)
            for threads in [1, 2] {
                var out = [Float](repeating: .nan, count: rows * g.outputSize)
                x.withUnsafeBufferPointer { padded.fill(from: $0.baseAddress!, rows: rows, padding: pad, threads: threads) }
                packed.withUnsafeBufferPointer { pp in out.withUnsafeMutableBufferPointer { op in
                    ConvolutionProducts.direct(padded: padded, rows: rows, packed: pp.baseAddress!, outputs: n,
                                               output: op.baseAddress!, threads: threads)
                } }
                let worst = zip(out, expected).map { abs($0 - $1) }.max()!
                #expect(worst < 1e-4, "shape \(Self.shapes[shape]) pad \(pad) threads \(threads): max error \(worst)")
            }
        }
    }

    /// The fused product (convolve a chunk, pool it while in cache) gives exactly what the
    /// direct product then max-pooling give: odd sizes, several chunks per band, 1 and 2 threads.
    @Test(arguments: [(28, 28, 1, 32, 5), (7, 9, 3, 5, 3), (14, 14, 32, 64, 9)])
    func pooledDirectProductIsTheProductThenThePool(h: Int, w: Int, c: Int, n: Int, rows: Int) {
        let g = ConvolutionGeometry(inputHeight: h, inputWidth: w, inputChannels: c, outputChannels: n)
        var rng = SeededGenerator(seed: UInt64(h * 100 + c))
        let x = rng.floats(rows * g.inputSize), wts = rng.floats(g.weightCount)
        let padded = PaddedImages(input: g, capacity: rows)
        var packed = [Float](repeating: 0, count: ConvolutionProducts.packedWeightCount(g, adjoint: false))
        wts.withUnsafeBufferPointer { wp in packed.withUnsafeMutableBufferPointer { pp in
            ConvolutionProducts.packWeights(wp.baseAddress!, geometry: g, adjoint: false, into: pp.baseAddress!)
        } }
        x.withUnsafeBufferPointer { padded.fill(from: $0.baseAddress!, rows: rows, padding: 0, threads: 1) }
        let pooledCount = rows * (h / 2) * (w / 2) * n
        var sums = [Float](repeating: .nan, count: rows * g.outputSize)
        var expected = [Float](repeating: .nan, count: pooledCount), expectedWinners = [UInt8](repeating: 9, count: pooledCount)
        packed.withUnsafeBufferPointer { pp in sums.withUnsafeMutableBufferPointer { sp in
            ConvolutionProducts.direct(padded: padded, rows: rows, packed: pp.baseAddress!, outputs: n, output: sp.baseAddress!, threads: 1)
            expected.withUnsafeMutableBufferPointer { ep in expectedWinners.withUnsafeMutableBufferPointer { kp in
                MaxPooling.forward(input: UnsafePointer(sp.baseAddress!), rows: rows, height: h, width: w, channels: n,
                                   output: ep.baseAddress!, winners: kp.baseAddress!, threads: 1)
            } }
        } }
        for threads in [1, 2] {
            var scratch = [Float](repeating: .nan, count: ConvolutionProducts.pooledScratchCount(g, threads: threads))
            var pooled = [Float](repeating: .nan, count: pooledCount), winners = [UInt8](repeating: 9, count: pooledCount)
            packed.withUnsafeBufferPointer { pp in scratch.withUnsafeMutableBufferPointer { sp in
                pooled.withUnsafeMutableBufferPointer { op in winners.withUnsafeMutableBufferPointer { kp in
                    ConvolutionProducts.directPooled(padded: padded, rows: rows, packed: pp.baseAddress!, outputs: n,
                                                     scratch: sp.baseAddress!, pooled: op.baseAddress!,
                                                     winners: kp.baseAddress!, threads: threads)
                } }
            } }
            #expect(pooled.map(\.bitPattern) == expected.map(\.bitPattern), "\(h)x\(w) \(c)->\(n) threads \(threads)")
            #expect(winners == expectedWinners, "\(h)x\(w) \(c)->\(n) threads \(threads)")
        }
    }

    /// The input gradient (the output gradient convolved with the mirrored weights) is the
    /// forward product's adjoint: <∂X, X> = <G, conv(X)> (zero padding: the padding is a
    /// constant); and the direct weight gradient is ∂sᵀ · patches.
    @Test(arguments: 0..<4)
    func backwardProductsAreTheAdjoints(shape: Int) {
        let (h, w, c, n) = Self.shapes[shape]
        let g = ConvolutionGeometry(inputHeight: h, inputWidth: w, inputChannels: c, outputChannels: n)
        var rng = SeededGenerator(seed: UInt64(20 + shape))
        let rows = 2, m = rows * g.outputPositions, k = g.patchLength
        let x = rng.floats(rows * g.inputSize), wts = rng.floats(n * k), gs = rng.floats(m * n)
        let forward = Self.referenceConvolution(x, rows: rows, g, weights: wts, pad: 0)
        var packed = [Float](repeating: .nan, count: ConvolutionProducts.packedWeightCount(g, adjoint: true))
        wts.withUnsafeBufferPointer { wp in packed.withUnsafeMutableBufferPointer { pp in
            ConvolutionProducts.packWeights(wp.baseAddress!, geometry: g, adjoint: true, into: pp.baseAddress!)
        } }
        let paddedGradient = PaddedImages(outputGradient: g, capacity: rows)
        for threads in [1, 2] {
            var back = [Float](repeating: .nan, count: x.count)
            gs.withUnsafeBufferPointer { paddedGradient.fill(from: $0.baseAddress!, rows: rows, padding: 0, threads: threads) }
            packed.withUnsafeBufferPointer { pp in back.withUnsafeMutableBufferPointer { bp in
                ConvolutionProducts.direct(padded: paddedGradient, rows: rows, packed: pp.baseAddress!, outputs: c,
                                           output: bp.baseAddress!, threads: threads)
            } }
            let left = zip(back, x).reduce(0.0) { $0 + Double($1.0 * $1.1) }
            let right = zip(gs, forward).reduce(0.0) { $0 + Double($1.0 * $1.1) }
            #expect(abs(left - right) < 1e-3 * max(1, abs(left)), "input gradient threads \(threads): \(left) vs \(right)")
        }

        // The weight gradient: Σ over positions of patch ⊗ ∂s, for both paddings, against im2col.
        for pad: Float in [0, 1] {
            var columns = [Float](repeating: 0, count: m * k)
            let padded = PaddedImages(input: g, capacity: rows)
            x.withUnsafeBufferPointer { xp in columns.withUnsafeMutableBufferPointer { cp in
                Im2Col.patches(input: xp.baseAddress!, rows: rows, padding: pad, scratch: padded, columns: cp.baseAddress!,
                               threads: 2)
            } }
            for threads in [1, 2] {
                var dW = [Float](repeating: .nan, count: n * k)
                gs.withUnsafeBufferPointer { gp in dW.withUnsafeMutableBufferPointer { dp in
                    ConvolutionProducts.weightGradient(padded: padded, rows: rows, outputGradient: gp.baseAddress!,
                                                       outputChannels: n, weightGradient: dp.baseAddress!, threads: threads)
                } }
                for o in 0..<n {
                    for t in 0..<k {
                        var s: Float = 0
                        for i in 0..<m { s += gs[i * n + o] * columns[i * k + t] }
                        #expect(abs(dW[o * k + t] - s) < 1e-3, "dW[\(o)][\(t)] pad \(pad) threads \(threads)")
                    }
                }
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
        var winners = [UInt8](repeating: 9, count: out.count)
        x.withUnsafeBufferPointer { xp in out.withUnsafeMutableBufferPointer { op in winners.withUnsafeMutableBufferPointer { wp in
            MaxPooling.forward(input: xp.baseAddress!, rows: rows, height: h, width: w, channels: c,
                               output: op.baseAddress!, winners: wp.baseAddress!, threads: 2)
        } } }
        for r in 0..<rows { for y in 0..<oh { for xx in 0..<ow { for j in 0..<c {
            var best: Float = -.infinity
            for dy in 0..<2 { for dx in 0..<2 { best = max(best, x[((r * h + 2 * y + dy) * w + 2 * xx + dx) * c + j]) } }
            let o = ((r * oh + y) * ow + xx) * c + j
            #expect(out[o] == best)
            let k = Int(winners[o])
            #expect(k < 4 && x[((r * h + 2 * y + k / 2) * w + 2 * xx + k % 2) * c + j] == best)
        } } } }
        let gradient = rng.floats(out.count)
        var back = [Float](repeating: .nan, count: x.count)
        gradient.withUnsafeBufferPointer { gp in winners.withUnsafeBufferPointer { wp in back.withUnsafeMutableBufferPointer { bp in
            MaxPooling.backward(outputGradient: gp.baseAddress!, winners: wp.baseAddress!, rows: rows, height: h, width: w,
                                channels: c, inputGradient: bp.baseAddress!, threads: 2)
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
