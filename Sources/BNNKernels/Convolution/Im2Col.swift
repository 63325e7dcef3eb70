import BNNSupport
import CTrainingKernels

/// im2col for 3×3 convolutions on NHWC tensors (see `ConvolutionGeometry`).
///
/// im2col turns a batch into a matrix of patches: row (n, y, x) holds the 3×3×C values
/// around (y, x) ordered (ky, kx, c), so a convolution becomes one matrix product with the
/// weights [Cout][ky][kx][Cin]. Taps outside the image read the padding (0, or +1 for the
/// one-padding of binary layers). It reads a padded copy of the input (`PaddedImages`),
/// where a patch is three contiguous runs of 3·C values (`bnn_im2col3x3_padded`). Its
/// adjoint (col2im) is not needed: input gradients are direct convolutions
/// (`ConvolutionProducts.direct`).
public enum Im2Col {
    /// columns (rows·H·W x 9·C) from the first `rows` images of `padded`.
    public static func patches(from padded: PaddedImages, rows: Int, columns: UnsafeMutablePointer<Float>, threads: Int) {
        let (h, w, c) = (padded.height, padded.width, padded.channels)
        let source = SendablePointer(readOnly: UnsafePointer(padded.pointer)), target = SendablePointer(columns)
        ImageBands.run(count: rows, threads: threads, work: rows * h * w * 9 * c) { images in
            bnn_im2col3x3_padded(h, w, c, source.pointer, images.lowerBound, images.count, target.pointer)
        }
    }

    /// columns (rows·H·W x 9·C) from input (rows x H x W x C), padded into `scratch` first.
    public static func patches(input: UnsafePointer<Float>, rows: Int, padding: Float, scratch: PaddedImages,
                               columns: UnsafeMutablePointer<Float>, threads: Int) {
        scratch.fill(from: input, rows: rows, padding: padding, threads: threads)
        patches(from: scratch, rows: rows, columns: columns, threads: threads)
    }
}
