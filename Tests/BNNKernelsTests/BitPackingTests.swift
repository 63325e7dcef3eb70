import Testing
@testable import BNNKernels
import BNNSupport

@Suite("Bit packing")
struct BitPackingTests {
    static let widths = [1, 63, 64, 65, 127, 784, 1000]

    @Test("packing rows round-trips to sign(x) with sign(0) = +1", arguments: widths)
    func rowsRoundTrip(k: Int) {
        var rng = SeededGenerator(seed: UInt64(k))
        var x = rng.floats(5 * k)
        x[0] = 0
        if x.count > 1 { x[1] = -0.0 }
        let m = BitPackedMatrix(packingRowsOf: x, rows: 5, columns: k)
        #expect(m.unpacked() == signs(x))
        #expect(m.wordsPerRow % 8 == 0 && m.wordsPerRow * 64 >= k)
        // Every bit past K is zero.
        m.withUnsafeWords { w in
            for r in 0..<5 {
                for bit in k..<(m.wordsPerRow * 64) {
                    #expect((w[r * m.wordsPerRow + bit / 64] >> UInt64(bit % 64)) & 1 == 0)
                }
            }
        }
    }

    @Test("packing columns of an inputs x outputs matrix equals packing rows of its transpose", arguments: widths)
    func columnsAreTransposedRows(inputs: Int) {
        var rng = SeededGenerator(seed: 100 + UInt64(inputs))
        // 16-column strips, the scalar remainder, and both together.
        for outputs in [1, 9, 16, 17, 40, 70] {
        var w = rng.floats(inputs * outputs)
        w[0] = 0
        if w.count > 2 { w[2] = -0.0 }
        var transposed = [Float](repeating: 0, count: w.count)
        for k in 0..<inputs { for j in 0..<outputs { transposed[j * inputs + k] = w[k * outputs + j] } }
        let byColumns = BitPackedMatrix(packingColumnsOf: w, inputs: inputs, outputs: outputs)
        #expect(byColumns == BitPackedMatrix(packingRowsOf: transposed, rows: outputs, columns: inputs))
        #expect(byColumns.unpacked() == signs(transposed))
        }
    }

    @Test("bit planes hold bit q of every pixel", arguments: [1, 15, 16, 17, 64, 100, 784])
    func bitPlanes(k: Int) {
        var rng = SeededGenerator(seed: 7 + UInt64(k))
        let pixels = rng.pixels(3 * k)
        let planes = pixels.withUnsafeBufferPointer { BitPlanes(pixels: $0, images: 3, pixelsPerImage: k) }
        #expect(planes.images == 3 && planes.pixelsPerImage == k && planes.wordsPerImage % 8 == 0)
        for i in 0..<3 {
            for q in 0..<8 {
                for t in 0..<k {
                    #expect(planes[i, q, t] == ((pixels[i * k + t] >> UInt8(q)) & 1 == 1))
                }
            }
        }
        // Every word past the pixels is zero.
        for i in 0..<3 {
            for w in 0..<planes.wordsPerImage {
                let word = planes.storage.pointer[i * planes.wordsPerImage + w]
                let firstPixel = (w / 8) * 64
                let valid = max(0, min(64, k - firstPixel))
                #expect(valid == 64 || word >> UInt64(valid) == 0)
            }
        }
    }

    @Test("setting bits copies on write")
    func copyOnWrite() {
        var a = BitPackedMatrix(rows: 2, columns: 70)
        let b = a
        a[1, 69] = true
        #expect(a[1, 69] && !b[1, 69])
        #expect(a.popcount(row: 1) == 1 && b.popcount(row: 1) == 0)
        a[1, 69] = false
        #expect(a == b)
    }
}
