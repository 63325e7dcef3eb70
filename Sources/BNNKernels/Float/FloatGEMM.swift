#if canImport(Accelerate)
import Accelerate
#else
import CBLAS
#endif

/// Float matrix products through BLAS (OpenBLAS on Linux, Accelerate on macOS).
///
/// All matrices are row-major and dense. The training engine runs its float
/// products (the real-valued first layer, every backward pass, the float
/// baseline) through here, so the BLAS choice lives in one place.
public enum FloatGEMM {
    /// C = alpha * op(A) * op(B) + beta * C, where op(A) is m x k and op(B) is k x n.
    @inline(__always)
    public static func gemm(
        transposeA: Bool = false, transposeB: Bool = false,
        m: Int, n: Int, k: Int, alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float = 0,
        c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        cblas_sgemm(CblasRowMajor,
                    transposeA ? CblasTrans : CblasNoTrans,
                    transposeB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb),
                    beta, c, Int32(ldc))
    }

    /// y = alpha * op(A) * x + beta * y, A is rows x cols row-major.
    @inline(__always)
    public static func gemv(
        transposeA: Bool = false, rows: Int, cols: Int, alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int, x: UnsafePointer<Float>,
        beta: Float = 0, y: UnsafeMutablePointer<Float>
    ) {
        cblas_sgemv(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans,
                    Int32(rows), Int32(cols), alpha, a, Int32(lda), x, 1, beta, y, 1)
    }

    /// Number of threads BLAS uses for one product. Global to the process.
    public static func setThreadCount(_ n: Int) {
        #if !canImport(Accelerate)
        openblas_set_num_threads(Int32(max(1, n)))
        #endif
    }

    /// The BLAS core in use, e.g. "Haswell" or "SkylakeX" (OpenBLAS's own name).
    public static var coreName: String {
        #if canImport(Accelerate)
        return "Accelerate"
        #else
        guard let p = openblas_get_corename() else { return "unknown" }
        return String(cString: p)
        #endif
    }
}
