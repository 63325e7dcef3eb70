import BNNSupport
import Testing
@testable import BNNKernels

@Suite("First-layer pixel product")
struct PixelProductTests {
    @Test("table lookup and bit planes both equal p · W_b in integers, any band of rows and columns",
          arguments: KernelVariant.available)
    func bothMethodsExact(variant: KernelVariant) {
        var rng = SeededGenerator(seed: 9)
        for (images, n, k) in [(1, 5, 1), (3, 33, 65), (2, 70, 784), (4, 1024, 784), (3, 40, 4097)] {
            let pixels = rng.pixels(images * k)
            var w = rng.floats(k * n)
            w[0] = 0
            let weights = BitPackedMatrix(packingColumnsOf: w, inputs: k, outputs: n)
            let popcounts = (0..<n).map { Int32(weights.popcount(row: $0)) }
            let expected = referencePixelProduct(pixels, w, images: images, n: n, k: k)
            for lookup in [true, false] {
                let product = PixelProduct(weights: weights, weightPopcounts: popcounts, variant: variant,
                                           maxBatch: images, tableLookup: lookup)
                var c = [Int32](repeating: -1, count: images * n)
                pixels.withUnsafeBufferPointer { p in
                    product.prepare(pixels: p.baseAddress!, images: images)
                    c.withUnsafeMutableBufferPointer { out in
                        // Two bands of columns and of rows, as parallel parts would run them.
                        let cut = n / 2, half = images / 2
                        for rows in [0..<half, half..<images] where !rows.isEmpty {
                            for columns in [0..<cut, cut..<n] where !columns.isEmpty {
                                product.multiply(rows: rows, columns: columns,
                                                 into: out.baseAddress! + rows.lowerBound * n + columns.lowerBound, ldc: n)
                            }
                        }
                    }
                }
                #expect(c == expected, "\(variant) lookup \(lookup) \(images)x\(n)x\(k)")
            }
        }
    }

    @Test("AVX2 runs the first layer by table lookup, other variants by bit planes")
    func methodPerVariant() {
        #expect(PixelProduct.prefersTableLookup(.avx2))
        #expect(!PixelProduct.prefersTableLookup(.avx512))
        #expect(!PixelProduct.prefersTableLookup(.portable))
    }
}
