import BNNSupport
import BNNKernels

/// A 3×3 convolution, stride 1, padding 1, without bias, on NHWC tensors, with the latent
/// weights' W_b (Cout x 3·3·Cin, [Cout][ky][kx][Cin]).
///
/// Taps outside the image read `paddingValue`: 0 for the first layer (the real image) and
/// for `--padding zero`, +1 for `--padding one`. Every batch's input is copied once into
/// the padded layout (`PaddedImages`); from it the direct kernels compute the float forward
/// product and the weight gradient, and the input gradient is the direct convolution of the
/// padded output gradient with W_b's mirrored taps. No patch matrix is ever made: for the
/// reference network it would be 22 MB per batch, written and read three times.
final class ConvolutionLayer: WeightLayer {
    let geometry: ConvolutionGeometry
    let paddingValue: Float
    let threads: Int
    let latent: LatentWeights
    /// When set, the forward product runs through XNOR-popcount on packed positions
    /// (the input must be ±1); chosen by `Network.tuneForwardProducts`.
    var xnorForward: BinaryConvolutionProduct?
    /// The XNOR product's buffers, made the first time it is chosen.
    var xnorProduct: BinaryConvolutionProduct?
    /// Set by `Network` when the input is ±1 (binary modes, after a sign): the weight
    /// gradient then sums the positions by fours through tables of signed gradient sums
    /// (`ConvolutionProducts.signWeightGradient`), its scratch made on first use.
    var signInput = false
    private var signScratch: FloatBuffer?
    /// The last input, padded; whether it holds the last forward input (the XNOR product
    /// reads the input itself, and `backward` pads it then).
    private let paddedInput: PaddedImages
    private var paddedHoldsInput = false
    /// W_b packed for the direct forward product.
    private let forwardWeights: FloatBuffer
    /// The max-pool after this layer, if any (set by `NetworkBuilder`): the forward product
    /// then pools each chunk of images while its sums are in cache, into the pool's buffers
    /// (`ConvolutionProducts.directPooled`, `BinaryConvolutionProduct.multiplyPooled`), and
    /// the pool layer only hands them on.
    weak var fusedPool: MaxPoolLayer?
    /// Whether the backward pass takes the pool's output gradient as it is (the pool passes
    /// it on unexpanded) and makes the weight gradient from it and the pool's winners
    /// (`ConvolutionProducts.pooledWeightGradient`): set by `fuse(pool:)` for a one-channel
    /// first layer, which needs no input gradient.
    var takesPooledGradient: Bool {
        get { fusedPool?.defersBackward ?? false }
        set {
            precondition(!newValue || (fusedPool != nil && inputGradient == nil && geometry.inputChannels == 1))
            fusedPool?.defersBackward = newValue
        }
    }
    private var pooledGradientScratch: FloatBuffer?
    /// The chunks' sums of the fused product, made on first use.
    private var pooledScratch: FloatBuffer?
    private let output: FloatBuffer
    /// Whether the input gradient runs through tables of signed sums
    /// (`ConvolutionProducts.binaryInputGradient`): set when the weights are binary (W_b is
    /// ±1); else it is the direct product. Each path makes its buffers on first use.
    var tableInputGradient: Bool
    /// The direct product's output gradient padded with zeros and weights packed for it.
    private var paddedGradient: PaddedImages?
    private var adjointWeights: FloatBuffer?
    /// The tables of each thread band.
    private var tableScratch: FloatBuffer?
    private let maxRows: Int
    private let inputGradient: FloatBuffer?

    init(geometry: ConvolutionGeometry, paddingValue: Float, binary: Bool, learningRateScale: Float, bound: Float,
         index: Int, maxRows: Int, passesGradient: Bool, threads: Int, generator: inout SeededGenerator) {
        self.geometry = geometry
        self.paddingValue = paddingValue
        self.threads = threads
        latent = LatentWeights(name: "conv\(index).W", count: geometry.weightCount, bound: bound, binary: binary,
                               learningRateScale: learningRateScale, generator: &generator)
        output = FloatBuffer(count: maxRows * geometry.outputSize)
        paddedInput = PaddedImages(input: geometry, capacity: maxRows)
        forwardWeights = FloatBuffer(count: ConvolutionProducts.packedWeightCount(geometry, adjoint: false))
        tableInputGradient = binary && passesGradient
        self.maxRows = maxRows
        inputGradient = passesGradient ? FloatBuffer(count: maxRows * geometry.inputSize) : nil
    }

    /// Makes `pool` (the max-pool right after this layer) part of this layer's products.
    func fuse(pool: MaxPoolLayer) {
        fusedPool = pool
        takesPooledGradient = inputGradient == nil && geometry.inputChannels == 1
    }

    var inputSize: Int { geometry.inputSize }
    var outputSize: Int { geometry.outputSize }

    func forward(_ input: UnsafePointer<Float>, rows: Int, training: Bool,
                 generator: inout SeededGenerator) -> UnsafePointer<Float> {
        guard let pool = fusedPool else {
            product(input, rows: rows)
            return UnsafePointer(output.pointer)
        }
        // The fused products: `output` stays unwritten; the pool layer's forward returns its own.
        pool.pooledAhead = true
        if let xnorForward {
            xnorForward.multiplyPooled(input: input, rows: rows, weights: latent.effective,
                                       pooled: pool.output.pointer, winners: pool.winners)
            paddedHoldsInput = false
            return UnsafePointer(output.pointer)
        }
        prepareDirectProduct(input, rows: rows)
        let scratch = pooledScratch ?? FloatBuffer(count: ConvolutionProducts.pooledScratchCount(geometry, threads: threads))
        pooledScratch = scratch
        ConvolutionProducts.directPooled(padded: paddedInput, rows: rows, packed: forwardWeights.pointer,
                                         outputs: geometry.outputChannels, scratch: scratch.pointer,
                                         pooled: pool.output.pointer, winners: pool.winners, threads: threads)
        return UnsafePointer(output.pointer)
    }

    /// output (rows x H x W x Cout) = the convolution of the input with W_b: XNOR-popcount
    /// on packed positions, or the direct float product on the padded input.
    func product(_ input: UnsafePointer<Float>, rows: Int) {
        if let xnorForward {
            xnorForward.multiply(input: input, rows: rows, weights: latent.effective, output: output.pointer)
            paddedHoldsInput = false
            return
        }
        prepareDirectProduct(input, rows: rows)
        ConvolutionProducts.direct(padded: paddedInput, rows: rows, packed: forwardWeights.pointer,
                                   outputs: geometry.outputChannels, output: output.pointer, threads: threads)
    }

    /// Pads the input (kept for the weight gradient) and packs W_b for the direct forward product.
    private func prepareDirectProduct(_ input: UnsafePointer<Float>, rows: Int) {
        paddedInput.fill(from: input, rows: rows, padding: paddingValue, threads: threads)
        paddedHoldsInput = true
        ConvolutionProducts.packWeights(latent.effective, geometry: geometry, adjoint: false, into: forwardWeights.pointer)
    }

    /// ∂C/∂W = Σ over positions of patch ⊗ ∂C/∂s; ∂C/∂input = the output gradient convolved
    /// with the mirrored taps of the weights used (zero-padded: the padding is a constant, it
    /// has no gradient).
    func backward(input: UnsafePointer<Float>, outputGradient gs: UnsafeMutablePointer<Float>, rows: Int,
                  needsInputGradient: Bool) -> UnsafeMutablePointer<Float>? {
        let g = geometry
        if !paddedHoldsInput {
            paddedInput.fill(from: input, rows: rows, padding: paddingValue, threads: threads)
            paddedHoldsInput = true
        }
        if takesPooledGradient, let pool = fusedPool {
            let perBand = g.weightCount
            let scratch = pooledGradientScratch ?? FloatBuffer(count: max(threads, 1) * perBand)
            pooledGradientScratch = scratch
            ConvolutionProducts.pooledWeightGradient(padded: paddedInput, rows: rows, pooledGradient: gs,
                                                     winners: pool.winners, outputChannels: g.outputChannels,
                                                     scratch: scratch.pointer, weightGradient: latent.parameter.gradient.pointer,
                                                     threads: threads)
            return nil
        }
        if signInput {
            let perBand = ConvolutionProducts.signGradientScratchCount(g)
            let scratch = signScratch ?? FloatBuffer(count: threads * perBand)
            signScratch = scratch
            ConvolutionProducts.signWeightGradient(padded: paddedInput, rows: rows, outputGradient: gs,
                                                   outputChannels: g.outputChannels, pad: paddingValue,
                                                   scratch: scratch.pointer, scratchPerBand: perBand,
                                                   weightGradient: latent.parameter.gradient.pointer, threads: threads)
        } else {
            ConvolutionProducts.weightGradient(padded: paddedInput, rows: rows, outputGradient: gs,
                                               outputChannels: g.outputChannels,
                                               weightGradient: latent.parameter.gradient.pointer, threads: threads)
        }
        guard needsInputGradient, let inputGradient else { return nil }
        if tableInputGradient {
            let perBand = ConvolutionProducts.binaryInputGradientScratchCount(g)
            let scratch = tableScratch ?? FloatBuffer(count: max(threads, 1) * perBand)
            tableScratch = scratch
            ConvolutionProducts.binaryInputGradient(geometry: g, rows: rows, outputGradient: gs, weights: latent.effective,
                                                    scratch: scratch.pointer, scratchPerBand: perBand,
                                                    inputGradient: inputGradient.pointer, threads: threads)
            return inputGradient.pointer
        }
        let paddedGradient = self.paddedGradient ?? PaddedImages(outputGradient: g, capacity: maxRows)
        let adjointWeights = self.adjointWeights
            ?? FloatBuffer(count: ConvolutionProducts.packedWeightCount(g, adjoint: true))
        self.paddedGradient = paddedGradient
        self.adjointWeights = adjointWeights
        paddedGradient.fill(from: gs, rows: rows, padding: 0, threads: threads)
        ConvolutionProducts.packWeights(latent.effective, geometry: g, adjoint: true, into: adjointWeights.pointer)
        ConvolutionProducts.direct(padded: paddedGradient, rows: rows, packed: adjointWeights.pointer,
                                   outputs: g.inputChannels, output: inputGradient.pointer, threads: threads)
        return inputGradient.pointer
    }

    func statistics(steCancelFraction: Double) -> LayerStatistics {
        var s = latent.statistics(inputs: geometry.inputChannels, outputs: geometry.outputChannels,
                                  steCancelFraction: steCancelFraction)
        s.kernelSize = geometry.kernelSize
        s.forwardProduct = (xnorForward == nil ? ForwardProductKind.direct : .xnor).rawValue
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
    let threads: Int
    fileprivate let output: FloatBuffer
    fileprivate let winners: UnsafeMutablePointer<UInt8>
    private let inputGradient: FloatBuffer
    /// Set by the convolution before this layer when its forward pass already pooled into
    /// `output` and `winners` (`ConvolutionLayer.fusedPool`); the next forward consumes it.
    fileprivate var pooledAhead = false
    /// Set by the convolution before this layer when it takes the pooled gradient itself
    /// (`ConvolutionLayer.takesPooledGradient`): backward then hands the gradient on as it is.
    fileprivate var defersBackward = false

    init(height: Int, width: Int, channels: Int, maxRows: Int, threads: Int) {
        self.height = height; self.width = width; self.channels = channels; self.threads = threads
        output = FloatBuffer(count: maxRows * (height / 2) * (width / 2) * channels)
        winners = .allocate(capacity: max(output.count, 1))
        winners.initialize(repeating: 0, count: max(output.count, 1))
        inputGradient = FloatBuffer(count: maxRows * height * width * channels)
    }

    deinit { winners.deallocate() }

    var outputSize: Int { (height / 2) * (width / 2) * channels }

    func forward(_ input: UnsafePointer<Float>, rows: Int, training: Bool,
                 generator: inout SeededGenerator) -> UnsafePointer<Float> {
        if pooledAhead {
            pooledAhead = false
            return UnsafePointer(output.pointer)
        }
        MaxPooling.forward(input: input, rows: rows, height: height, width: width, channels: channels,
                           output: output.pointer, winners: winners, threads: threads)
        return UnsafePointer(output.pointer)
    }

    func backward(input: UnsafePointer<Float>, outputGradient: UnsafeMutablePointer<Float>, rows: Int,
                  needsInputGradient: Bool) -> UnsafeMutablePointer<Float>? {
        if defersBackward { return outputGradient }
        guard needsInputGradient else { return nil }
        MaxPooling.backward(outputGradient: outputGradient, winners: winners, rows: rows, height: height, width: width,
                            channels: channels, inputGradient: inputGradient.pointer, threads: threads)
        return inputGradient.pointer
    }
}
