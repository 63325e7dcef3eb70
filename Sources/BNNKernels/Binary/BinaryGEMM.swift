import CBinaryKernels
import BNNSupport

/// The XNOR-popcount matrix product of bit-packed ±1 matrices.
///
/// `c[i][j] = Σ_k a[i][k]·b[j][k] = K − 2·popcount(a_i XOR b_j)`: both operands
/// hold one packed row of K bits per output row / output column (for a layer,
/// `b` is the weight matrix packed by columns, one row per neuron). Runs the
/// chosen instruction-set variant on up to `threadCount` threads; small
/// products stay on the calling thread, where a thread hand-off would cost more
/// than it saves.
public struct BinaryGEMM: Sendable {
    /// The instruction-set variant the products run.
    public let variant: KernelVariant
    /// The most threads one product uses.
    public let threadCount: Int

    /// Word-pair operations (m·n·K/64) below which a product runs on one thread.
    static let parallelThreshold = 1 << 17

    /// A product running `variant` on up to `threadCount` threads.
    ///
    /// - Throws: `KernelSelectionError.unsupported` when this CPU cannot run `variant`.
    public init(variant: KernelVariant, threadCount: Int = 1) throws(KernelSelectionError) {
        guard variant.isSupported else { throw .unsupported(variant) }
        self.variant = variant
        self.threadCount = max(1, threadCount)
    }

    /// A product running the variant `BNN_KERNEL` names, or the best one.
    public init(threadCount: Int = 1) throws(KernelSelectionError) {
        try self.init(variant: try KernelVariant.current, threadCount: threadCount)
    }

    /// The parts an m x n product over kBits is split into; each output costs
    /// `productsPerOutput` row products (8 for the bit-plane product).
    func parts(m: Int, n: Int, kBits: Int, productsPerOutput: Int = 1) -> [WorkPart] {
        let work = m * n * ((kBits + 63) / 64) * productsPerOutput
        return WorkPartition.split(m: m, n: n, parts: work >= Self.parallelThreshold ? threadCount : 1)
    }

    /// c (a.rows x b.rows, leading dimension ldc) = a · bᵀ in ±1 arithmetic.
    public func multiply(_ a: BitPackedMatrix, _ b: BitPackedMatrix, into c: UnsafeMutablePointer<Int32>, ldc: Int) {
        precondition(a.columns == b.columns, "operands have \(a.columns) and \(b.columns) bits per row")
        precondition(ldc >= b.rows, "ldc \(ldc) < \(b.rows) columns")
        a.withUnsafeWords { pa in
            b.withUnsafeWords { pb in
                multiply(m: a.rows, n: b.rows, kBits: a.columns, a: pa, lda: a.wordsPerRow,
                         b: pb, ldb: b.wordsPerRow, c: c, ldc: ldc)
            }
        }
    }

    /// The a.rows x b.rows matrix a · bᵀ in ±1 arithmetic, row-major.
    public func multiply(_ a: BitPackedMatrix, _ b: BitPackedMatrix) -> [Int32] {
        [Int32](unsafeUninitializedCapacity: a.rows * b.rows) { buffer, count in
            if let base = buffer.baseAddress, a.rows * b.rows > 0 { multiply(a, b, into: base, ldc: b.rows) }
            count = a.rows * b.rows
        }
    }

    /// The product on raw packed words: m rows of `a`, n rows of `b`, kBits bits each,
    /// leading dimensions in words; all bits past kBits must be 0.
    public func multiply(m: Int, n: Int, kBits: Int,
                         a: UnsafePointer<UInt64>, lda: Int,
                         b: UnsafePointer<UInt64>, ldb: Int,
                         c: UnsafeMutablePointer<Int32>, ldc: Int) {
        let pa = SendablePointer(UnsafeMutablePointer(mutating: a))
        let pb = SendablePointer(UnsafeMutablePointer(mutating: b))
        let pc = SendablePointer(c)
        let v = variant.cValue
        WorkPartition.run(parts(m: m, n: n, kBits: kBits)) { part in
            let status = bnn_xnor_gemm(v, part.rows.count, part.columns.count, kBits,
                                       pa.pointer + part.rows.lowerBound * lda, lda,
                                       pb.pointer + part.columns.lowerBound * ldb, ldb,
                                       pc.pointer + part.rows.lowerBound * ldc + part.columns.lowerBound, ldc)
            precondition(status == 0, "bnn_xnor_gemm failed with status \(status)")
        }
    }

    /// The first layer's exact integer product c[i][j] = Σ_k p[i][k]·w_j[k] of
    /// 8-bit pixels (as `BitPlanes`) with packed ±1 weights (one row per neuron),
    /// written to c (images x weights.rows, leading dimension ldc).
    public func bitPlaneProduct(planes: BitPlanes, weights: BitPackedMatrix,
                                into c: UnsafeMutablePointer<Int32>, ldc: Int) {
        precondition(planes.pixelsPerImage == weights.columns,
                     "images have \(planes.pixelsPerImage) pixels, weights \(weights.columns) inputs")
        precondition(ldc >= weights.rows, "ldc \(ldc) < \(weights.rows) columns")
        let popcounts = (0..<weights.rows).map { Int32(weights.popcount(row: $0)) }
        popcounts.withUnsafeBufferPointer { pw in
            weights.withUnsafeWords { pb in
                bitPlaneProduct(images: planes.images, n: weights.rows, kBits: planes.pixelsPerImage,
                                planes: planes.storage.pointer, ldp: planes.wordsPerImage,
                                b: pb, ldb: weights.wordsPerRow,
                                weightPopcounts: pw.baseAddress!, c: c, ldc: ldc)
            }
        }
    }

    /// The bit-plane product on raw words (see `bitPlaneProduct(planes:weights:into:ldc:)`).
    func bitPlaneProduct(images m: Int, n: Int, kBits: Int,
                         planes: UnsafePointer<UInt64>, ldp: Int,
                         b: UnsafePointer<UInt64>, ldb: Int,
                         weightPopcounts: UnsafePointer<Int32>,
                         c: UnsafeMutablePointer<Int32>, ldc: Int) {
        let pp = SendablePointer(UnsafeMutablePointer(mutating: planes))
        let pb = SendablePointer(UnsafeMutablePointer(mutating: b))
        let pw = SendablePointer(UnsafeMutablePointer(mutating: weightPopcounts))
        let pc = SendablePointer(c)
        let v = variant.cValue
        WorkPartition.run(parts(m: m, n: n, kBits: kBits, productsPerOutput: 8)) { part in
            let status = bnn_bitplane_gemm(v, part.rows.count, part.columns.count, kBits,
                                           pp.pointer + part.rows.lowerBound * ldp, ldp,
                                           pb.pointer + part.columns.lowerBound * ldb, ldb,
                                           pw.pointer + part.columns.lowerBound,
                                           pc.pointer + part.rows.lowerBound * ldc + part.columns.lowerBound, ldc)
            precondition(status == 0, "bnn_bitplane_gemm failed with status \(status)")
        }
    }
}
