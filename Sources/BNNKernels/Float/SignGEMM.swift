import BNNSupport
import CTrainingKernels

/// The weight gradient xᵀ · g of a dense layer whose input x is ±1 (binary layers after a
/// sign): no multiply is needed, so four rows of g make a table of their 16 signed sums and
/// each input's row of the gradient adds, per four rows, the entry its four signs pick
/// (`bnn_sign_gemm`). It exists because that is 1.3-1.6x OpenBLAS's sgemm at the reference
/// ConvNet's 3136 x 256 x 100 on an AVX2 Zen 3 (one C loop, one thread; 1.7-2.1x for 10
/// outputs), where sgemm also zeroes the gradient first; at 1024 x 1024 it is 0.99x there and
/// 1.5x on a Zen 4, at 4096 x 4096 1.10x and 1.07x, so it serves every size. The same sums up
/// to float rounding.
///
/// Split over the run's threads by bands of inputs, each with its own part of the scratch;
/// an entry never depends on its band.
public final class SignGEMM {
    public let maxRows: Int
    public let inputs: Int
    public let threads: Int
    private let scratchPerBand: Int
    private let scratch: UnsafeMutablePointer<Float>

    public init(maxRows: Int, inputs: Int, threads: Int) {
        precondition(maxRows > 0 && inputs > 0 && threads > 0)
        self.maxRows = maxRows; self.inputs = inputs; self.threads = threads
        scratchPerBand = (bnn_sign_gemm_scratch(maxRows, inputs) + 15) / 16 * 16
        let count = scratchPerBand * threads
        let raw = UnsafeMutableRawPointer.allocate(byteCount: count * MemoryLayout<Float>.stride, alignment: 64)
        scratch = raw.bindMemory(to: Float.self, capacity: count)
        scratch.initialize(repeating: 0, count: count)
    }

    deinit { UnsafeMutableRawPointer(scratch).deallocate() }

    /// weightGradient (inputs x outputs) = signs(x)ᵀ · g for x (rows x inputs; only signs
    /// are read, x >= 0 is +1) and g (rows x outputs).
    public func weightGradient(signs x: UnsafePointer<Float>, rows: Int, gradient g: UnsafePointer<Float>,
                               outputs: Int, into weightGradient: UnsafeMutablePointer<Float>) {
        precondition(rows > 0 && rows <= maxRows)
        let n = inputs, s = SendablePointer(scratch), per = scratchPerBand
        let xs = SendablePointer(readOnly: x), gs = SendablePointer(readOnly: g), d = SendablePointer(weightGradient)
        ImageBands.runIndexed(count: n, threads: threads, work: rows * n * outputs, minimumWork: 1 << 20) { index, band in
            bnn_sign_gemm(rows, outputs, xs.pointer, n, 1, gs.pointer, outputs, band.lowerBound, band.count,
                          s.pointer + index * per, d.pointer, outputs)
        }
    }
}
