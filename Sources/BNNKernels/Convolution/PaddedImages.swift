import BNNSupport
import CTrainingKernels

/// A batch of NHWC images copied into the padded layout of `bnn_conv3x3_pad`: a ring of
/// the padding value around each image and spare columns after each row, so the direct
/// convolution (`ConvolutionProducts.direct`) and the patch matrix (`Im2Col`) read every
/// tap without a bounds check.
///
/// It exists so that one copy per batch serves all three: a layer's padded input gives the
/// first layer's forward product and the weight gradient's patches, a padded output
/// gradient gives the input gradient. Owned by one layer and touched only on its run's
/// queue, so it is deliberately not `Sendable`.
public final class PaddedImages {
    public let height: Int
    public let width: Int
    public let channels: Int
    /// Images it has room for.
    public let capacity: Int
    /// Floats of one padded image.
    public let imageFloats: Int
    public let pointer: UnsafeMutablePointer<Float>

    public init(height: Int, width: Int, channels: Int, capacity: Int) {
        precondition(height > 0 && width > 0 && channels > 0 && capacity >= 0)
        self.height = height; self.width = width; self.channels = channels; self.capacity = capacity
        imageFloats = bnn_conv3x3_padded_image(height, width, channels)
        let count = max(imageFloats * capacity, 1)
        let raw = UnsafeMutableRawPointer.allocate(byteCount: count * MemoryLayout<Float>.stride, alignment: 64)
        pointer = raw.bindMemory(to: Float.self, capacity: count)
        pointer.initialize(repeating: 0, count: count)
    }

    /// The padded copy of a convolution's input.
    public convenience init(input g: ConvolutionGeometry, capacity: Int) {
        self.init(height: g.inputHeight, width: g.inputWidth, channels: g.inputChannels, capacity: capacity)
    }

    /// The padded copy of a convolution's output gradient (for its input gradient).
    public convenience init(outputGradient g: ConvolutionGeometry, capacity: Int) {
        self.init(height: g.outputHeight, width: g.outputWidth, channels: g.outputChannels, capacity: capacity)
    }

    deinit { UnsafeMutableRawPointer(pointer).deallocate() }

    /// Copies `rows` images of `input` (rows x H x W x C) in; taps outside read `padding`.
    public func fill(from input: UnsafePointer<Float>, rows: Int, padding: Float, threads: Int) {
        precondition(rows <= capacity)
        let (h, w, c) = (height, width, channels)
        let source = SendablePointer(readOnly: input), target = SendablePointer(pointer)
        ImageBands.run(count: rows, threads: threads, work: rows * imageFloats) { images in
            bnn_conv3x3_pad(h, w, c, source.pointer, images.lowerBound, images.count, padding, target.pointer)
        }
    }
}
