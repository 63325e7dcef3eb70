import Testing
@testable import BNNKernels
import BNNSupport

@Suite("XNOR-popcount GEMM")
struct BinaryGEMMTests {
    static let shapes: [(m: Int, n: Int, k: Int)] = {
        var s: [(Int, Int, Int)] = []
        for k in [1, 63, 64, 65, 127, 784, 1000] {
            s.append((1, 7, k))      // GEMV
            s.append((6, 1, k))      // N = 1
            s.append((9, 13, k))     // edge tiles in both directions
        }
        s.append((1, 1, 1))
        s.append((33, 70, 513))
        return s
    }()

    @Test("every variant on this CPU equals the Swift reference", arguments: KernelVariant.available)
    func matchesReference(variant: KernelVariant) throws {
        let gemm = try BinaryGEMM(variant: variant)
        var rng = SeededGenerator(seed: 42)
        for (m, n, k) in Self.shapes {
            let a = rng.floats(m * k), b = rng.floats(n * k)
            let pa = BitPackedMatrix(packingRowsOf: a, rows: m, columns: k)
            let pb = BitPackedMatrix(packingRowsOf: b, rows: n, columns: k)
            let expected = referenceProduct(signs(a), signs(b), m: m, n: n, k: k)
            #expect(gemm.multiply(pa, pb) == expected, "\(variant) \(m)x\(n)x\(k)")
        }
    }

    @Test("threaded products (row and column splits) equal one thread", arguments: KernelVariant.available)
    func threaded(variant: KernelVariant) throws {
        let one = try BinaryGEMM(variant: variant, threadCount: 1)
        let two = try BinaryGEMM(variant: variant, threadCount: 2)
        var rng = SeededGenerator(seed: 9)
        for (m, n, k) in [(64, 300, 1000), (3, 4096, 1000), (1, 4100, 4096)] {
            #expect(two.parts(m: m, n: n, kBits: k).count == 2, "\(m)x\(n)x\(k) should run on two threads")
            let pa = BitPackedMatrix.random(rows: m, columns: k, rng: &rng)
            let pb = BitPackedMatrix.random(rows: n, columns: k, rng: &rng)
            #expect(two.multiply(pa, pb) == one.multiply(pa, pb))
        }
        let pa = BitPackedMatrix(packingRowsOf: rng.floats(5 * 65), rows: 5, columns: 65)
        let pb = BitPackedMatrix(packingRowsOf: rng.floats(3 * 65), rows: 3, columns: 65)
        #expect(two.multiply(pa, pb) == referenceProduct(pa.unpacked(), pb.unpacked(), m: 5, n: 3, k: 65))
    }

    @Test("the bit-plane product equals p · W_b in integers", arguments: KernelVariant.available)
    func bitPlaneProduct(variant: KernelVariant) throws {
        var rng = SeededGenerator(seed: 5)
        for threads in [1, 2] {
            let gemm = try BinaryGEMM(variant: variant, threadCount: threads)
            for (images, n, k) in [(1, 5, 1), (3, 9, 65), (2, 17, 784), (20, 70, 1000), (1, 2048, 784), (5, 11, 130), (64, 40, 784)] {
                let pixels = rng.pixels(images * k)
                var w = rng.floats(k * n)
                w[0] = 0
                let weights = BitPackedMatrix(packingColumnsOf: w, inputs: k, outputs: n)
                let planes = pixels.withUnsafeBufferPointer { BitPlanes(pixels: $0, images: images, pixelsPerImage: k) }
                var c = [Int32](repeating: 0, count: images * n)
                c.withUnsafeMutableBufferPointer { gemm.bitPlaneProduct(planes: planes, weights: weights, into: $0.baseAddress!, ldc: n) }
                let expected = referencePixelProduct(pixels, w, images: images, n: n, k: k)
                #expect(c == expected, "\(variant) threads \(threads) \(images)x\(n)x\(k)")
            }
        }
    }

    @Test("work is split into aligned, disjoint bands covering the output")
    func partition() {
        for (m, n, parts) in [(256, 4096, 2), (1, 4096, 2), (1, 100, 2), (100, 1024, 3), (9, 64, 2)] {
            let split = WorkPartition.split(m: m, n: n, parts: parts)
            var covered = [Int](repeating: 0, count: m * n)
            for p in split {
                #expect(p.columns.lowerBound % WorkPartition.columnAlignment == 0)
                #expect(p.rows.lowerBound % WorkPartition.rowAlignment == 0)
                for i in p.rows { for j in p.columns { covered[i * n + j] += 1 } }
            }
            #expect(covered.allSatisfy { $0 == 1 }, "\(m)x\(n) in \(parts)")
        }
    }
}

@Suite("Benchmark timer")
struct BenchmarkTimerTests {
    @Test("runs once to warm up, then at least minimumRuns and at most maximumRuns times")
    func runCounts() {
        var calls = 0
        let quick = BenchmarkTimer(budget: 0, minimumRuns: 5, maximumRuns: 9).median { calls += 1 }
        #expect(quick.runs == 5 && calls == 6)
        calls = 0
        let capped = BenchmarkTimer(budget: 100, minimumRuns: 1, maximumRuns: 4).median { calls += 1 }
        #expect(capped.runs == 4 && calls == 5)
        #expect(capped.seconds >= 0)
    }
}
