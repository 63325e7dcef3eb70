import BNNSupport
import CBinaryKernels

/// The first layer's exact integer product of raw 8-bit pixels with packed ±1 weights,
/// c[i][j] = Σ_k p[i][k]·w_j[k], by the cheaper of two exact methods for the variant.
///
/// Where vpshufb is the fastest tool (AVX2) it looks the nibbles of the weights up in
/// per-image tables of pixel-nibble subset sums (`bnn_pixel_gemm`, weights held once in
/// the nibble layout); elsewhere it splits the pixels into their 8 bit planes and runs
/// the bit-plane XOR-popcount product (`bnn_bitplane_gemm`, which AVX-512 VPOPCNTDQ
/// runs fastest). Both give the same integers. Scratch is sized once for `maxBatch`
/// images; `prepare` then `multiply` over any split of rows and columns.
public final class PixelProduct: @unchecked Sendable {
    /// True when the product runs by table lookup, false for bit planes.
    public let usesTableLookup: Bool
    public let variant: KernelVariant
    public let inputs: Int
    public let outputs: Int
    private let weights: BitPackedMatrix
    private let weightPopcounts: [Int32]
    private let nibbles: UnsafeMutablePointer<UInt8>
    private let nibbleStride: Int
    private let planes: AlignedWords
    private let planeStride: Int
    private var pixels: UnsafePointer<UInt8>?

    /// Whether `variant` runs the first layer by table lookup.
    public static func prefersTableLookup(_ variant: KernelVariant) -> Bool { variant == .avx2 }

    /// Prepares `weights` (one packed row of `inputs` bits per neuron) for up to `maxBatch` images.
    public init(weights: BitPackedMatrix, weightPopcounts: [Int32], variant: KernelVariant, maxBatch: Int,
                tableLookup: Bool? = nil) {
        precondition(weightPopcounts.count == weights.rows && maxBatch > 0)
        self.variant = variant
        self.weights = weights
        self.weightPopcounts = weightPopcounts
        inputs = weights.columns
        outputs = weights.rows
        let lookup = tableLookup ?? Self.prefersTableLookup(variant)
        usesTableLookup = lookup
        let stride = lookup ? weights.rows : 0
        let table = UnsafeMutablePointer<UInt8>.allocate(capacity: max(1, stride * ((weights.columns + 3) / 4)))
        if lookup {
            weights.withUnsafeWords { w in
                bnn_pack_weight_nibbles(weights.rows, weights.columns, w, weights.wordsPerRow, table, stride)
            }
        }
        nibbles = table
        nibbleStride = stride
        planeStride = BitPlanes.wordsPerImage(forPixels: weights.columns)
        planes = AlignedWords(count: lookup ? 0 : maxBatch * planeStride)
        self.maxBatch = maxBatch
    }

    /// The most images one `prepare` takes.
    public let maxBatch: Int

    deinit { nibbles.deallocate() }

    /// Takes `images` images of `inputs` raw pixels (row-major; kept by pointer until the
    /// next call, so they must stay valid while `multiply` runs).
    public func prepare(pixels: UnsafePointer<UInt8>, images: Int) {
        precondition(images >= 0 && images <= maxBatch, "\(images) images, at most \(maxBatch)")
        self.pixels = pixels
        if !usesTableLookup { bnn_pack_bitplanes_u8(images, inputs, pixels, inputs, planes.pointer, planeStride) }
    }

    /// c[i·ldc + j] for the images in `rows` and the neurons in `columns` of the last
    /// `prepare`, with c pointing at element (rows.lowerBound, columns.lowerBound).
    /// Disjoint parts may run in parallel.
    public func multiply(rows: Range<Int>, columns: Range<Int>, into c: UnsafeMutablePointer<Int32>, ldc: Int) {
        guard let pixels else { preconditionFailure("multiply before prepare") }
        let status: Int32
        if usesTableLookup {
            status = bnn_pixel_gemm(variant.cValue, rows.count, columns.count, inputs,
                                    pixels + rows.lowerBound * inputs, inputs,
                                    nibbles + columns.lowerBound, nibbleStride, c, ldc)
        } else {
            status = weights.withUnsafeWords { w in
                weightPopcounts.withUnsafeBufferPointer { pop in
                    bnn_bitplane_gemm(variant.cValue, rows.count, columns.count, inputs,
                                      planes.pointer + rows.lowerBound * planeStride, planeStride,
                                      w + columns.lowerBound * weights.wordsPerRow, weights.wordsPerRow,
                                      pop.baseAddress! + columns.lowerBound, c, ldc)
                }
            }
        }
        precondition(status == 0, "first-layer kernel failed with status \(status)")
    }
}
