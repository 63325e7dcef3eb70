import BNNSupport
import BNNKernels

/// A 3×3 convolution, stride 1, padding 1, without bias, on NHWC tensors: the patches of
/// the input (im2col) times the latent weights' W_b (Cout x 3·3·Cin, [Cout][ky][kx][Cin]).
///
/// Taps outside the image read `paddingValue`: 0 for the first layer (the real image) and
/// for `--padding zero`, +1 for `--padding one`. The weight gradient needs the patches of
/// the last forward input: the float product keeps them, after the XNOR product `backward`
/// makes them from its input.
final class ConvolutionLayer: WeightLayer {
    let geometry: ConvolutionGeometry
    let paddingValue: Float
    let threads: Int
    let latent: LatentWeights
    /// When set, the forward product runs through XNOR-popcount on packed patches
    /// (the input must be ±1); chosen by `Network.tuneForwardProducts`.
    var xnorForward: BinaryConvolutionProduct?
    /// The XNOR product's buffers, made the first time it is chosen.
    var xnorProduct: BinaryConvolutionProduct?
    private let columns: FloatBuffer
    /// Whether `columns` holds the patches of the last forward input (the float product
    /// makes them; the direct XNOR product does not, and `backward` makes them then).
    private var columnsHoldInput = false
    /// Scratch of the direct float product, which a zero-padded layer with few input
    /// channels (the first) runs instead of im2col + sgemm.
    private let transposedWeights: FloatBuffer?
    private let output: FloatBuffer
    private let columnGradient: FloatBuffer?
    private let inputGradient: FloatBuffer?

    init(geometry: ConvolutionGeometry, paddingValue: Float, binary: Bool, learningRateScale: Float, bound: Float,
         index: Int, maxRows: Int, passesGradient: Bool, threads: Int, generator: inout SeededGenerator) {
        self.geometry = geometry
        self.paddingValue = paddingValue
        self.threads = threads
        latent = LatentWeights(name: "conv\(index).W", count: geometry.weightCount, bound: bound, binary: binary,
                               learningRateScale: learningRateScale, generator: &generator)
        columns = FloatBuffer(count: maxRows * geometry.outputPositions * geometry.patchLength)
        output = FloatBuffer(count: maxRows * geometry.outputSize)
        columnGradient = passesGradient ? FloatBuffer(count: columns.count) : nil
        inputGradient = passesGradient ? FloatBuffer(count: maxRows * geometry.inputSize) : nil
        let direct = paddingValue == 0 && geometry.inputChannels <= ConvolutionProducts.directChannelLimit
        transposedWeights = direct ? FloatBuffer(count: geometry.weightCount) : nil
    }

    var inputSize: Int { geometry.inputSize }
    var outputSize: Int { geometry.outputSize }

    func forward(_ input: UnsafePointer<Float>, rows: Int, training: Bool,
                 generator: inout SeededGenerator) -> UnsafePointer<Float> {
        product(input, rows: rows)
        return UnsafePointer(output.pointer)
    }

    /// output (rows x H x W x Cout) = im2col(input) · W_bᵀ, or a direct convolution of the
    /// input (XNOR, or float for few channels), which leaves the patches to `backward`.
    func product(_ input: UnsafePointer<Float>, rows: Int) {
        let g = geometry
        if let xnorForward {
            xnorForward.multiply(input: input, rows: rows, weights: latent.effective, output: output.pointer)
            columnsHoldInput = false
            return
        }
        if let transposedWeights {
            ConvolutionProducts.directForward(input: input, rows: rows, geometry: g, weights: latent.effective,
                                              transposed: transposedWeights.pointer, output: output.pointer, threads: threads)
            columnsHoldInput = false
            return
        }
        Im2Col.patches(input: input, rows: rows, geometry: g, padding: paddingValue,
                       columns: columns.pointer, threads: threads)
        columnsHoldInput = true
        ConvolutionProducts.forward(columns: columns.pointer, positions: rows * g.outputPositions,
                                    patchLength: g.patchLength, weights: latent.effective,
                                    outputChannels: g.outputChannels, output: output.pointer, threads: threads)
    }

    /// ∂C/∂W = ∂C/∂sᵀ · patches; ∂C/∂input = col2im(∂C/∂s · W_b).
    func backward(input: UnsafePointer<Float>, outputGradient gs: UnsafeMutablePointer<Float>, rows: Int,
                  needsInputGradient: Bool) -> UnsafeMutablePointer<Float>? {
        let g = geometry, m = rows * g.outputPositions
        if !columnsHoldInput {
            Im2Col.patches(input: input, rows: rows, geometry: g, padding: paddingValue,
                           columns: columns.pointer, threads: threads)
        }
        ConvolutionProducts.weightGradient(outputGradient: gs, columns: columns.pointer, positions: m,
                                           patchLength: g.patchLength, outputChannels: g.outputChannels,
                                           weightGradient: latent.parameter.gradient.pointer, threads: threads)
        guard needsInputGradient, let columnGradient = columnGradient?.pointer,
              let inputGradient = inputGradient?.pointer else { return nil }
        ConvolutionProducts.columnGradient(outputGradient: gs, positions: m, patchLength: g.patchLength,
                                           weights: latent.effective, outputChannels: g.outputChannels,
                                           columnGradient: columnGradient, threads: threads)
        Im2Col.accumulate(columns: columnGradient, rows: rows, geometry: g, into: inputGradient, threads: threads)
        return inputGradient
    }

    func statistics(steCancelFraction: Double) -> LayerStatistics {
        var s = latent.statistics(inputs: geometry.inputChannels, outputs: geometry.outputChannels,
                                  steCancelFraction: steCancelFraction)
        s.kernelSize = geometry.kernelSize
        if latent.binary {
            s.uniqueFilters = UniqueFilters.count(weights: latent.parameter.value.pointer,
                                                  outputChannels: geometry.outputChannels,
                                                  inputChannels: geometry.inputChannels)
        }
        return s
    }
}

/// A 2×2 max-pool, stride 2, after a convolution (before its BatchNorm, as in BinaryNet).
final class MaxPoolLayer: NetworkLayer {
    let height: Int
    let width: Int
    let channels: Int
    private let output: FloatBuffer
    private let winners: UnsafeMutablePointer<Int32>
    private let inputGradient: FloatBuffer

    init(height: Int, width: Int, channels: Int, maxRows: Int) {
        self.height = height; self.width = width; self.channels = channels
        output = FloatBuffer(count: maxRows * (height / 2) * (width / 2) * channels)
        winners = .allocate(capacity: max(output.count, 1))
        inputGradient = FloatBuffer(count: maxRows * height * width * channels)
    }

    deinit { winners.deallocate() }

    var outputSize: Int { (height / 2) * (width / 2) * channels }

    func forward(_ input: UnsafePointer<Float>, rows: Int, training: Bool,
                 generator: inout SeededGenerator) -> UnsafePointer<Float> {
        MaxPooling.forward(input: input, rows: rows, height: height, width: width, channels: channels,
                           output: output.pointer, winners: winners)
        return UnsafePointer(output.pointer)
    }

    func backward(input: UnsafePointer<Float>, outputGradient: UnsafeMutablePointer<Float>, rows: Int,
                  needsInputGradient: Bool) -> UnsafeMutablePointer<Float>? {
        guard needsInputGradient else { return nil }
        MaxPooling.backward(outputGradient: outputGradient, winners: winners, outputCount: rows * outputSize,
                            inputCount: rows * height * width * channels, inputGradient: inputGradient.pointer)
        return inputGradient.pointer
    }
}
