/// The trained parameters of one dense layer and its BatchNorm, independent of the engine.
///
/// This is what the training engine hands over to build a `PackedModel` or a
/// `FloatReferenceModel`: the latent real-valued weights W (the binary weight
/// used by the network is W_b = sign(W), sign(0) = +1) and the BatchNorm
/// parameters used at inference (γ, β and the running mean and variance).
public struct DenseLayerParameters: Sendable, Equatable, BatchNormalizedLayerParameters {
    /// Input width K of the layer.
    public var inputs: Int
    /// Output width N of the layer (neurons).
    public var outputs: Int
    /// Latent weights W, inputs x outputs, row-major (the engine's layout), values in [-1, 1].
    public var latentWeights: [Float]
    /// BatchNorm scale γ, one per output.
    public var bnGamma: [Float]
    /// BatchNorm shift β, one per output.
    public var bnBeta: [Float]
    /// BatchNorm running mean μ of s, one per output.
    public var bnRunningMean: [Float]
    /// BatchNorm running variance σ² of s, one per output.
    public var bnRunningVar: [Float]
    /// BatchNorm ε added to σ².
    public var bnEpsilon: Float

    public init(inputs: Int, outputs: Int, latentWeights: [Float],
                bnGamma: [Float], bnBeta: [Float], bnRunningMean: [Float], bnRunningVar: [Float],
                bnEpsilon: Float) {
        self.inputs = inputs
        self.outputs = outputs
        self.latentWeights = latentWeights
        self.bnGamma = bnGamma
        self.bnBeta = bnBeta
        self.bnRunningMean = bnRunningMean
        self.bnRunningVar = bnRunningVar
        self.bnEpsilon = bnEpsilon
    }

    /// The largest layer width the packed kernels accept. With it, every sum of
    /// the first layer (at most 255·K) and of the others stays below 2^24, so the
    /// float reference computes them exactly too.
    public static let maximumWidth = 65536

    /// Checks shapes and values of layer `index`.
    public func validate(layer index: Int) throws(ModelParametersError) {
        guard inputs > 0, outputs > 0, inputs <= Self.maximumWidth, outputs <= Self.maximumWidth else {
            throw .badShape(layer: index, inputs: inputs, outputs: outputs)
        }
        try validateValues(weightCount: inputs * outputs, outputs: outputs, layer: index)
    }
}

/// Why a set of layer parameters cannot form an inference model.
public enum ModelParametersError: Error, Equatable, CustomStringConvertible {
    case noLayers
    case badShape(layer: Int, inputs: Int, outputs: Int)
    case wrongCount(layer: Int, field: String, expected: Int, actual: Int)
    case nonFinite(layer: Int, field: String, index: Int)
    case nonPositiveVariance(layer: Int, neuron: Int)
    case widthsDoNotChain(layer: Int, previousOutputs: Int, inputs: Int)
    case shapesDoNotChain(layer: Int, previous: String, expected: String)
    case lastLayerNotDense
    case convolutionAfterDense(layer: Int)
    case poolWithoutConvolution(layer: Int)
    case poolTooSmall(layer: Int, input: String)

    public var description: String {
        switch self {
        case .noLayers:
            return "a model needs at least one layer"
        case let .badShape(layer, inputs, outputs):
            return "layer \(layer): shape \(inputs)x\(outputs) is not supported (widths must be 1...\(DenseLayerParameters.maximumWidth))"
        case let .wrongCount(layer, field, expected, actual):
            return "layer \(layer): \(field) has \(actual) values, expected \(expected)"
        case let .nonFinite(layer, field, index):
            return "layer \(layer): \(field)[\(index)] is not a finite number"
        case let .nonPositiveVariance(layer, neuron):
            return "layer \(layer): neuron \(neuron) has running variance + epsilon <= 0"
        case let .widthsDoNotChain(layer, previousOutputs, inputs):
            return "layer \(layer): takes \(inputs) inputs but the previous layer has \(previousOutputs) outputs"
        case let .shapesDoNotChain(layer, previous, expected):
            return "layer \(layer): takes a \(expected) input but the previous layer gives \(previous)"
        case .lastLayerNotDense:
            return "the last layer must be a dense layer (its BatchNorm outputs are the class scores)"
        case let .convolutionAfterDense(layer):
            return "layer \(layer): a convolution cannot follow a dense layer"
        case let .poolWithoutConvolution(layer):
            return "layer \(layer): max-pooling must follow a convolution"
        case let .poolTooSmall(layer, input):
            return "layer \(layer): 2×2 max-pooling needs at least 2×2 positions, not \(input)"
        }
    }

    /// `values` has `count` finite numbers.
    static func check(_ values: [Float], _ name: String, _ count: Int, layer index: Int) throws(ModelParametersError) {
        guard values.count == count else {
            throw .wrongCount(layer: index, field: name, expected: count, actual: values.count)
        }
        if let bad = values.firstIndex(where: { !$0.isFinite }) {
            throw .nonFinite(layer: index, field: name, index: bad)
        }
    }
}

/// Why a batch of images cannot be run through a model.
public enum InferenceInputError: Error, Equatable, CustomStringConvertible {
    /// The pixel count is not a whole number of images.
    case wrongInputSize(pixelsPerImage: Int, actual: Int)
    /// The output buffer is smaller than the number of results.
    case outputTooSmall(needed: Int, actual: Int)

    public var description: String {
        switch self {
        case let .wrongInputSize(pixelsPerImage, actual):
            return "input has \(actual) pixels, not a multiple of the model's \(pixelsPerImage) pixels per image"
        case let .outputTooSmall(needed, actual):
            return "output buffer holds \(actual) values, \(needed) needed"
        }
    }
}
