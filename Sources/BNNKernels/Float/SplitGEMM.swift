import BNNSupport
import Dispatch

/// Float products for training, split over the run's threads by output columns.
///
/// OpenBLAS's own threading loses at training shapes on two cores (batch 100:
/// two BLAS threads ran slower than one), and one process-wide BLAS thread
/// count cannot suit several runs at once. So BLAS runs single-threaded and
/// each run splits its products into column blocks, one per thread. Each block
/// is computed the same way whatever the scheduling, so results depend only on
/// the thread count.
public enum SplitGEMM {
    /// Products below this many multiply-adds run in one piece.
    public static let minimumSplitWork = 1 << 21

    /// C (m x n) = op(A) (m x k) · op(B) (k x n), row-major.
    public static func gemm(transposeA: Bool = false, transposeB: Bool = false, m: Int, n: Int, k: Int,
                            a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                            c: UnsafeMutablePointer<Float>, ldc: Int, threads: Int) {
        let pieces = (threads > 1 && m * n * k >= minimumSplitWork && n >= 16 * threads) ? threads : 1
        if pieces == 1 {
            FloatGEMM.gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                           a: a, lda: lda, b: b, ldb: ldb, c: c, ldc: ldc)
            return
        }
        let pa = SendablePointer(readOnly: a), pb = SendablePointer(readOnly: b), pc = SendablePointer(c)
        ForkJoin.run(iterations: pieces) { piece in
            let a = UnsafePointer(pa.pointer), b = UnsafePointer(pb.pointer), c = pc.pointer
            // Column blocks aligned to 16 floats (one cache line) where possible.
            let lo = (n * piece / pieces) & ~15, hi = piece == pieces - 1 ? n : (n * (piece + 1) / pieces) & ~15
            guard hi > lo else { return }
            // Columns lo..<hi of op(B): B[:, lo...] without transpose, rows lo... of B with it.
            let bBlock = transposeB ? b + lo * ldb : b + lo
            FloatGEMM.gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: hi - lo, k: k,
                           a: a, lda: lda, b: bBlock, ldb: ldb, c: c + lo, ldc: ldc)
        }
    }
}
