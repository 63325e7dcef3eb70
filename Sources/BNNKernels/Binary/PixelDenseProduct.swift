import CBinaryKernels
import BNNSupport

/// The forward product of a binary network's first dense layer in training and evaluation,
/// exact in integers: s = x · W_b with x = p / 127.5 − 1 (`PixelScaling`) is
/// (p · W_b) / 127.5 − ΣW_b, and p · W_b of 8-bit pixels with ±1 weights is an integer
/// sum the table-lookup pixel product (`bnn_pixel_gemm`) computes exactly.
///
/// It exists because the first layer is the one product of a binary MLP that XNOR cannot
/// take (its input is real-valued), and on AVX2 CPUs the lookup is faster than sgemm at
/// the training shape (100 x 1024 x 784 on the Zen 3: 2.3x for the lookup alone, 1.5x
/// with the per-batch packing). It is also how the packed model computes the layer
/// (`PixelScaling.preactivation`), so training, evaluation and the exported model share
/// one definition of s. Unlike the XNOR product it is not bit-identical to sgemm (sgemm
/// rounds its float sums along the way), so it is not a timed choice: a binary
/// network's first dense layer always uses it when its input is made of pixel values.
///
/// A call given float W_b packs its signs into the nibble layout with the column sums ΣW_b
/// (`NibbleWeights`, by bands of neurons); a call without reuses `weights`, which the
/// optimizer keeps current (or the last call packed). Then by bands of images it reads the
/// input back to bytes, checking that every value is a pixel value (else it returns false
/// and the caller uses sgemm), and runs the lookup, all split over `threads` threads.
public final class PixelDenseProduct {
    public let maxRows: Int
    public let inputs: Int
    public let outputs: Int
    public let variant: KernelVariant
    public let threads: Int
    /// W_b in the lookup's layout.
    public let weights: NibbleWeights
    private let pixels: UnsafeMutablePointer<UInt8>
    private let sums: UnsafeMutablePointer<Int32>
    /// Per band of images: whether its inputs were all pixel values in the last call.
    private let pixelValued: UnsafeMutablePointer<Int32>
    private let scaling: [Float]
    /// The input and row count of the last call that returned true: `pixels` holds its bytes.
    private var lastPixelInput: (input: UnsafePointer<Float>, rows: Int)?

    /// Buffers for up to `maxRows` images of `inputs` pixels times inputs x outputs ±1 weights.
    public init(maxRows: Int, inputs: Int, outputs: Int, variant: KernelVariant, threads: Int) {
        precondition(maxRows > 0 && inputs > 0 && outputs > 0 && threads > 0)
        // |p · W_b| <= 255 · inputs must be exact in Int32 and in Float (< 2^24).
        precondition(255 * inputs < 1 << 24, "pixel sums over \(inputs) inputs are not exact in Float")
        self.maxRows = maxRows
        self.inputs = inputs
        self.outputs = outputs
        self.variant = variant
        self.threads = threads
        weights = NibbleWeights(inputs: inputs, outputs: outputs, threads: threads)
        pixels = .allocate(capacity: maxRows * inputs)
        sums = .allocate(capacity: maxRows * outputs)
        pixelValued = .allocate(capacity: threads)
        scaling = PixelScaling.table
    }

    deinit {
        pixels.deallocate(); sums.deallocate(); pixelValued.deallocate()
    }

    /// output (rows x outputs) = input (rows x inputs) · W_b as (p · W_b) / 127.5 − ΣW_b, with
    /// W_b = `floatWeights` (inputs x outputs, ±1, only the signs are read) packed first, or
    /// when nil the current `weights`. Returns false, with `output` partly written, when some
    /// input is not `PixelScaling.table[p]` for a byte p.
    public func multiply(input: UnsafePointer<Float>, rows: Int, floatWeights: UnsafePointer<Float>?,
                         output: UnsafeMutablePointer<Float>) -> Bool {
        precondition(rows > 0 && rows <= maxRows)
        if let floatWeights { weights.pack(from: floatWeights) }
        precondition(weights.isCurrent, "the first layer's nibbles are not its current weights")
        let k = inputs, n = outputs, ldn = weights.stride
        let x = SendablePointer(UnsafeMutablePointer(mutating: input))
        let p = SendablePointer(pixels), nib = SendablePointer(weights.nibbles), ws = SendablePointer(weights.weightSums)
        let s = SendablePointer(sums), out = SendablePointer(output), exact = SendablePointer(pixelValued)
        let parts = min(threads, rows), cVariant = variant.cValue
        scaling.withUnsafeBufferPointer { table in
            let t = SendablePointer(UnsafeMutablePointer(mutating: table.baseAddress!))
            // By bands of images: read the band back to bytes, then (if it was pixels) its product.
            ForkJoin.run(iterations: parts) { b in
                let first = rows * b / parts, end = rows * (b + 1) / parts
                exact.pointer[b] = bnn_pixels_from_scaled((end - first) * k, x.pointer + first * k, t.pointer,
                                                          p.pointer + first * k)
                guard exact.pointer[b] != 0 else { return }
                let status = bnn_pixel_gemm(cVariant, end - first, n, k, p.pointer + first * k, k,
                                            nib.pointer, ldn, s.pointer + first * n, n)
                precondition(status == 0, "first-layer kernel failed with status \(status)")
                for r in first..<end {
                    let sr = s.pointer + r * n, or = out.pointer + r * n
                    for j in 0..<n {
                        or[j] = PixelScaling.preactivation(pixelProduct: Float(sr[j]), weightSum: Float(ws.pointer[j]))
                    }
                }
            }
        }
        lastPixelInput = nil
        for b in 0..<parts where pixelValued[b] == 0 { return false }
        lastPixelInput = (input, rows)
        return true
    }

    /// The pixel bytes (rows x inputs) of `input` when the last `multiply` was on this input
    /// and row count and returned true, else nil. For the weight gradient of the same batch
    /// (`PixelWeightGradient`), which needs the bytes the forward product already made.
    public func pixelBytes(of input: UnsafePointer<Float>, rows: Int) -> UnsafePointer<UInt8>? {
        guard let last = lastPixelInput, last.input == input, last.rows == rows else { return nil }
        return UnsafePointer(pixels)
    }
}
