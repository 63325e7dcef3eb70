import Testing
@testable import BNNKernels
import BNNSupport

@Suite("XNOR-popcount forward product of a training layer")
struct BinaryDenseProductTests {
    /// (rows, inputs, outputs): odd K, K < 64, K a multiple of 64, one row, one output, edge tiles.
    static let shapes: [(Int, Int, Int)] = [(1, 1, 1), (1, 65, 7), (7, 1, 3), (5, 63, 1), (100, 64, 10),
                                            (9, 130, 67), (33, 784, 129), (64, 1000, 256)]

    @Test("equals x · W on ±1 operands, bit for bit, for every variant and 1 or 2 threads",
          arguments: KernelVariant.available)
    func equalsFloatProduct(variant: KernelVariant) throws {
        var rng = SeededGenerator(seed: 77)
        for threads in [1, 2] {
            let gemm = try BinaryGEMM(variant: variant, threadCount: threads)
            for (rows, inputs, outputs) in Self.shapes {
                // Operands as the engine holds them: ±1 floats, W stored inputs x outputs.
                let x = signs(rng.floats(rows * inputs)), w = signs(rng.floats(inputs * outputs))
                var expected = [Float](repeating: 0, count: rows * outputs)
                for i in 0..<rows {
                    for j in 0..<outputs {
                        var sum: Float = 0
                        for k in 0..<inputs { sum += x[i * inputs + k] * w[k * outputs + j] }
                        expected[i * outputs + j] = sum
                    }
                }
                // Larger than needed, as in the engine (buffers sized for evaluation batches).
                let product = BinaryDenseProduct(maxRows: rows + 3, inputs: inputs, outputs: outputs, gemm: gemm)
                var out = [Float](repeating: .nan, count: rows * outputs)
                x.withUnsafeBufferPointer { xp in
                    w.withUnsafeBufferPointer { wp in
                        out.withUnsafeMutableBufferPointer { op in
                            product.multiply(input: xp.baseAddress!, rows: rows, floatWeights: wp.baseAddress!,
                                             output: op.baseAddress!)
                        }
                    }
                }
                #expect(out == expected, "\(variant) \(threads) threads \(rows)x\(outputs)x\(inputs)")
            }
        }
    }

    @Test("a second, smaller batch reuses the buffers without stale bits")
    func smallerBatchAfterLarger() throws {
        let gemm = try BinaryGEMM(threadCount: 2)
        var rng = SeededGenerator(seed: 3)
        let inputs = 70, outputs = 5
        let product = BinaryDenseProduct(maxRows: 8, inputs: inputs, outputs: outputs, gemm: gemm)
        let w = signs(rng.floats(inputs * outputs))
        for rows in [8, 2] {
            let x = signs(rng.floats(rows * inputs))
            var out = [Float](repeating: 0, count: rows * outputs)
            x.withUnsafeBufferPointer { xp in
                w.withUnsafeBufferPointer { wp in
                    out.withUnsafeMutableBufferPointer { op in
                        product.multiply(input: xp.baseAddress!, rows: rows, floatWeights: wp.baseAddress!, output: op.baseAddress!)
                    }
                }
            }
            for i in 0..<rows {
                for j in 0..<outputs {
                    let sum = (0..<inputs).reduce(Float(0)) { $0 + x[i * inputs + $1] * w[$1 * outputs + j] }
                    #expect(out[i * outputs + j] == sum)
                }
            }
        }
    }
}
