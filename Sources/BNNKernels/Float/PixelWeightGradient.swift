import CBinaryKernels
import CTrainingKernels
import BNNSupport

/// The weight gradient xᵀ · g of a dense layer whose input is made of pixel values
/// (x = p / 127.5 − 1, `PixelScaling`): the first layer of an MLP, binary or float.
///
/// It is the largest product of an MLP's training step (784 x 1024 x 100 multiply-adds per
/// batch for 784-1024-10), and sgemm computes it densely although about half of
/// Fashion-MNIST's pixels are black. With x = a[p] − 1 (a = `PixelScaling.aboveBlack`, 0 for
/// black), xᵀ · g is the sum of a[p] · g over the pixels that are not black, minus the
/// column sums of g (`bnn_pixel_weight_gradient`, in groups of four inputs). The same
/// sums as sgemm up to float rounding, not the same bits, and independent of the thread
/// count: every entry sums its images in order whatever band of inputs it falls in.
public final class PixelWeightGradient {
    public let maxRows: Int
    public let inputs: Int
    public let threads: Int
    /// The input read back to bytes, when the caller has no bytes of it.
    private let pixels: UnsafeMutablePointer<UInt8>
    /// Per band of images: whether its inputs were all pixel values.
    private let pixelValued: UnsafeMutablePointer<Int32>
    private let scratch: UnsafeMutablePointer<Float>
    private let scratchPerBand: Int
    /// Bands of inputs, whole groups of four: one per thread.
    private let bands: [Range<Int>]
    private let above = PixelScaling.aboveBlack
    private let scaling = PixelScaling.table

    /// Buffers for up to `maxRows` images of `inputs` pixels.
    public init(maxRows: Int, inputs: Int, threads: Int) {
        precondition(maxRows > 0 && inputs > 0 && threads > 0)
        self.maxRows = maxRows; self.inputs = inputs; self.threads = threads
        bands = WorkPartition.bands(count: inputs, parts: threads, alignment: 4)
        scratchPerBand = ((bands.map { bnn_pixel_weight_gradient_scratch(maxRows, $0.count) }.max() ?? 0) + 15) / 16 * 16
        scratch = .allocate(capacity: scratchPerBand * bands.count)
        pixels = .allocate(capacity: maxRows * inputs)
        pixelValued = .allocate(capacity: threads)
    }

    deinit { scratch.deallocate(); pixels.deallocate(); pixelValued.deallocate() }

    /// weightGradient (inputs x outputs) = xᵀ · g for x (rows x inputs) and g (rows x
    /// outputs). `bytes`, when given, are x's pixel bytes (rows x inputs), e.g. from the
    /// forward product of the same batch; otherwise x is read back to bytes here. Returns
    /// false, with nothing written, when some input is not `PixelScaling.table[p]` for a byte p.
    public func weightGradient(input x: UnsafePointer<Float>, bytes: UnsafePointer<UInt8>?, rows: Int,
                               gradient g: UnsafePointer<Float>, outputs: Int,
                               into weightGradient: UnsafeMutablePointer<Float>) -> Bool {
        precondition(rows > 0 && rows <= maxRows && outputs > 0)
        let k = inputs
        let p: UnsafePointer<UInt8>
        if let bytes {
            p = bytes
        } else {
            guard readBack(x, rows: rows) else { return false }
            p = UnsafePointer(pixels)
        }
        let px = SendablePointer(UnsafeMutablePointer(mutating: p)), gs = SendablePointer(readOnly: g)
        let dw = SendablePointer(weightGradient), s = SendablePointer(scratch), per = scratchPerBand
        let bands = self.bands
        above.withUnsafeBufferPointer { table in
            let a = SendablePointer(readOnly: table.baseAddress!)
            ForkJoin.run(iterations: bands.count) { b in
                let band = bands[b]
                bnn_pixel_weight_gradient(rows, px.pointer, k, a.pointer, gs.pointer, outputs, outputs,
                                          band.lowerBound, band.count, s.pointer + b * per, dw.pointer, outputs)
            }
        }
        return true
    }

    /// Reads x back to bytes by bands of images; false when some value is not a pixel value.
    private func readBack(_ x: UnsafePointer<Float>, rows: Int) -> Bool {
        let k = inputs, parts = min(threads, rows)
        let xs = SendablePointer(readOnly: x), p = SendablePointer(pixels), exact = SendablePointer(pixelValued)
        scaling.withUnsafeBufferPointer { table in
            let t = SendablePointer(readOnly: table.baseAddress!)
            ForkJoin.run(iterations: parts) { b in
                let first = rows * b / parts, end = rows * (b + 1) / parts
                exact.pointer[b] = bnn_pixels_from_scaled((end - first) * k, xs.pointer + first * k, t.pointer,
                                                          p.pointer + first * k)
            }
        }
        return (0..<parts).allSatisfy { pixelValued[$0] != 0 }
    }
}
