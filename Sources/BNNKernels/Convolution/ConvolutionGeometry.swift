/// The value a binary convolution reads outside the image.
///
/// BinaryNet pads with zeros (a ternary tap: the product treats it as 0). Larq Compute
/// Engine recommends padding with +1 ("one-padding"), which keeps every tap ±1 and so
/// costs nothing in XNOR-popcount arithmetic. The first convolution sees the real-valued
/// image, which is always zero-padded whatever this says.
public enum ConvolutionPadding: String, Sendable, Codable, CaseIterable {
    /// Taps outside the image read 0 (BinaryNet).
    case zero
    /// Taps outside the image read +1 (Larq Compute Engine's recommendation).
    case one

    /// The value a padded tap reads in a binary layer's input.
    public var value: Float { self == .zero ? 0 : 1 }
}

/// The shape of one 3×3 convolution, stride 1, padding 1, on NHWC tensors.
///
/// Exists so that training (im2col + sgemm, XNOR on packed patches) and inference
/// (packed binary conv) agree on one layout: tensors are (batch, height, width,
/// channels) with channels fastest; a patch is ordered (ky, kx, c) with c fastest,
/// so an im2col row holds 9·C values; weights are stored [Cout][ky][kx][Cin], i.e.
/// Cout rows of `patchLength` values. The output has the input's height and width.
public struct ConvolutionGeometry: Sendable, Hashable, Codable {
    public let inputHeight: Int
    public let inputWidth: Int
    public let inputChannels: Int
    public let outputChannels: Int
    /// Kernel side (3), stride (1) and padding (1): fixed by the paper's `NC3` notation.
    public let kernelSize: Int
    public let stride: Int
    public let padding: Int

    public init(inputHeight: Int, inputWidth: Int, inputChannels: Int, outputChannels: Int) {
        precondition(inputHeight > 0 && inputWidth > 0 && inputChannels > 0 && outputChannels > 0)
        self.inputHeight = inputHeight
        self.inputWidth = inputWidth
        self.inputChannels = inputChannels
        self.outputChannels = outputChannels
        kernelSize = 3
        stride = 1
        padding = 1
    }

    /// Output height and width: (H + 2·padding - kernel) / stride + 1, equal to the input's here.
    public var outputHeight: Int { (inputHeight + 2 * padding - kernelSize) / stride + 1 }
    public var outputWidth: Int { (inputWidth + 2 * padding - kernelSize) / stride + 1 }
    /// Output positions per image (rows of the im2col matrix per image).
    public var outputPositions: Int { outputHeight * outputWidth }
    /// Values in one patch: kernel² · Cin, ordered (ky, kx, c).
    public var patchLength: Int { kernelSize * kernelSize * inputChannels }
    /// Values in one input image and one output image (NHWC).
    public var inputSize: Int { inputHeight * inputWidth * inputChannels }
    public var outputSize: Int { outputPositions * outputChannels }
    /// Weights: Cout rows of `patchLength`.
    public var weightCount: Int { outputChannels * patchLength }
}
