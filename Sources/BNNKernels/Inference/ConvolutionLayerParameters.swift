/// The trained parameters of one 3×3 binary convolution and its per-channel BatchNorm.
///
/// The engine hands these over, with `DenseLayerParameters` for dense layers, to build
/// a `PackedModel` or a `FloatReferenceModel`. Layout as `ConvolutionGeometry` fixes it:
/// NHWC activations, latent weights [Cout][ky][kx][Cin] (W_b = sign(W), sign(0) = +1),
/// stride 1, padding 1. The first convolution of a network sees the real-valued image
/// and is always zero-padded; a later one reads `padding` outside the image.
public struct ConvolutionLayerParameters: Sendable, Equatable, BatchNormalizedLayerParameters {
    public var geometry: ConvolutionGeometry
    /// What a binary convolution reads outside its input (ignored for the first layer).
    public var padding: ConvolutionPadding
    /// Latent weights, Cout rows of 9·Cin values ordered (ky, kx, c).
    public var latentWeights: [Float]
    /// BatchNorm scale γ, shift β, running mean μ and variance σ² per output channel, and ε.
    public var bnGamma: [Float]
    public var bnBeta: [Float]
    public var bnRunningMean: [Float]
    public var bnRunningVar: [Float]
    public var bnEpsilon: Float

    public init(geometry: ConvolutionGeometry, padding: ConvolutionPadding, latentWeights: [Float],
                bnGamma: [Float], bnBeta: [Float], bnRunningMean: [Float], bnRunningVar: [Float], bnEpsilon: Float) {
        self.geometry = geometry
        self.padding = padding
        self.latentWeights = latentWeights
        self.bnGamma = bnGamma
        self.bnBeta = bnBeta
        self.bnRunningMean = bnRunningMean
        self.bnRunningVar = bnRunningVar
        self.bnEpsilon = bnEpsilon
    }

    public var inputShape: FeatureShape {
        FeatureShape(height: geometry.inputHeight, width: geometry.inputWidth, channels: geometry.inputChannels)
    }
    public var outputShape: FeatureShape {
        FeatureShape(height: geometry.outputHeight, width: geometry.outputWidth, channels: geometry.outputChannels)
    }

    /// Whether a shape is within what the packed kernels and the exact float reference accept:
    /// 9·Cin and Cout up to `DenseLayerParameters.maximumWidth`, at most 65536 positions and
    /// `FeatureShape.maximumCount` output values.
    static func supports(_ input: FeatureShape, outputChannels: Int) -> Bool {
        input.height > 0 && input.width > 0 && input.channels > 0 && outputChannels > 0
            && input.positions <= DenseLayerParameters.maximumWidth
            && 9 * input.channels <= DenseLayerParameters.maximumWidth
            && outputChannels <= DenseLayerParameters.maximumWidth
            && input.positions * outputChannels <= FeatureShape.maximumCount
    }

    func validate(layer index: Int) throws(ModelParametersError) {
        guard Self.supports(inputShape, outputChannels: geometry.outputChannels) else {
            throw .badShape(layer: index, inputs: geometry.patchLength, outputs: geometry.outputChannels)
        }
        try validateValues(weightCount: geometry.weightCount, outputs: geometry.outputChannels, layer: index)
    }
}

/// One layer of an inference network, in the paper's notation: `NC3`, `MP2` or `NFC`.
///
/// Semantics (BinaryNet's): binary convolution → [2×2 max-pooling] → BatchNorm → sign;
/// so a `.maxPool` follows a convolution (or another pooling) and pools the
/// convolution's sums before its BatchNorm. Dense layers end in BatchNorm + sign,
/// except the last, whose BatchNorm outputs are the class scores.
public enum InferenceLayerParameters: Sendable, Equatable {
    case convolution(ConvolutionLayerParameters)
    /// 2×2 max-pooling, stride 2 (odd rows and columns dropped).
    case maxPool
    case dense(DenseLayerParameters)
}

/// A whole network for inference: the input image shape and the layers in order.
public struct InferenceNetworkParameters: Sendable, Equatable {
    /// The image: e.g. 28×28×1 for the MNIST-style datasets (an MLP may use `.vector(784)`).
    public var inputShape: FeatureShape
    public var layers: [InferenceLayerParameters]

    public init(inputShape: FeatureShape, layers: [InferenceLayerParameters]) {
        self.inputShape = inputShape
        self.layers = layers
    }

    /// An MLP: dense layers on the flat image.
    public init(dense layers: [DenseLayerParameters]) {
        self.init(inputShape: .vector(layers.first?.inputs ?? 0), layers: layers.map { .dense($0) })
    }

    /// The activation shape after each layer (the input first), checking that the layers chain:
    /// shapes match, pools follow convolutions and leave at least 1×1, no convolution after
    /// a dense layer, the network ends in a dense layer.
    public func shapes() throws(ModelParametersError) -> [FeatureShape] {
        guard !layers.isEmpty else { throw .noLayers }
        guard case .dense = layers[layers.count - 1] else { throw .lastLayerNotDense }
        var shapes = [inputShape]
        var afterConvolution = false, afterDense = false
        for (index, layer) in layers.enumerated() {
            let shape = shapes[index]
            switch layer {
            case .convolution(let p):
                guard !afterDense else { throw .convolutionAfterDense(layer: index) }
                try p.validate(layer: index)
                guard p.inputShape == shape else {
                    throw .shapesDoNotChain(layer: index, previous: shape.description, expected: p.inputShape.description)
                }
                afterConvolution = true
                shapes.append(p.outputShape)
            case .maxPool:
                guard afterConvolution, !afterDense else { throw .poolWithoutConvolution(layer: index) }
                guard shape.height >= 2, shape.width >= 2 else { throw .poolTooSmall(layer: index, input: "\(shape.height)×\(shape.width)×\(shape.channels)") }
                shapes.append(FeatureShape(height: shape.height / 2, width: shape.width / 2, channels: shape.channels))
            case .dense(let p):
                try p.validate(layer: index)
                guard p.inputs == shape.count else {
                    throw .widthsDoNotChain(layer: index, previousOutputs: shape.count, inputs: p.inputs)
                }
                afterDense = true
                shapes.append(.vector(p.outputs))
            }
        }
        return shapes
    }
}
