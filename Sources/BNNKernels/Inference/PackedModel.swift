import BNNSupport

/// A trained BinaryNet (MLP or ConvNet) packed for inference: 1-bit weights, integer thresholds.
///
/// Layers are 3×3 binary convolutions, 2×2 max-poolings and dense layers
/// (`PackedLayer`). The first layer sees the raw 8-bit image: its product with the ±1
/// weights is exact in integers through 8 bit planes. Every hidden layer ends in
/// sign(BatchNorm(s)), folded into integer thresholds, so it turns packed bits into
/// packed bits with XNOR, popcount and compare only; max-pooling is an OR / AND of
/// bits. The output layer keeps its BatchNorm in float; its outputs are the class
/// scores. Predictions equal those of `FloatReferenceModel` built from the same parameters.
public struct PackedModel: Sendable, Equatable {
    /// The image shape (an MLP's is a vector).
    public let inputShape: FeatureShape
    /// The activation shape after each layer, the input first.
    public let shapes: [FeatureShape]
    /// Values per image from the input to the output, e.g. [784, 1024, 10].
    public let widths: [Int]
    let layers: [PackedLayer]

    /// Packs trained parameters: W_b = sign(W) at one bit each, hidden layers' BatchNorm
    /// folded into thresholds, the output layer's BatchNorm kept.
    public init(network: InferenceNetworkParameters) throws(ModelParametersError) {
        let shapes = try network.shapes()
        var layers: [PackedLayer] = []
        var flip: [UInt64] = []
        for (index, p) in network.layers.enumerated() {
            switch p {
            case .convolution(let c):
                let conv = PackedConvolution(parameters: c, isFirst: index == 0)
                flip = conv.flip
                layers.append(.convolution(conv))
            case .maxPool:
                layers.append(.maxPool(PackedMaxPool(inputShape: shapes[index], flip: flip)))
            case .dense(let d):
                layers.append(.dense(PackedDenseLayer(parameters: d, input: shapes[index], isFirst: index == 0,
                                                      isLast: index == network.layers.count - 1)))
            }
        }
        self.init(inputShape: network.inputShape, packedLayers: layers)
    }

    /// Packs an MLP.
    public init(layers parameters: [DenseLayerParameters]) throws(ModelParametersError) {
        try self.init(network: InferenceNetworkParameters(dense: parameters))
    }

    init(inputShape: FeatureShape, packedLayers layers: [PackedLayer]) {
        self.inputShape = inputShape
        self.layers = layers
        shapes = [inputShape] + layers.map(\.outputShape)
        widths = shapes.map(\.count)
    }

    /// Pixels per image.
    public var inputSize: Int { inputShape.count }
    /// Number of classes (the output layer's width).
    public var classCount: Int { widths[widths.count - 1] }
    /// Number of layers (convolutions, poolings and dense layers).
    public var layerCount: Int { layers.count }
    /// Whether the model has convolutions.
    public var isConvolutional: Bool { layers.contains { if case .convolution = $0 { true } else { false } } }
    /// Number of binary weights (each stored as one bit).
    public var binaryWeightCount: Int { layers.reduce(0) { $0 + $1.binaryWeightCount } }
    /// Bytes the same weights take as float32: the size the packed file is compared with.
    public var float32WeightBytes: Int { 4 * binaryWeightCount }

    /// The architecture in the paper's notation: "784-1024-10" for an MLP,
    /// "32C3-MP2-64C3-MP2-256FC-10" for a ConvNet.
    public var architecture: String {
        guard isConvolutional else { return widths.map(String.init).joined(separator: "-") }
        return layers.enumerated().map { index, layer in
            switch layer {
            case .convolution(let c): return "\(c.geometry.outputChannels)C3"
            case .maxPool: return "MP2"
            case .dense(let d): return index == layers.count - 1 ? "\(d.outputs)" : "\(d.outputs)FC"
            }
        }.joined(separator: "-")
    }

    /// The dense layer at `index`, if it is one.
    func dense(_ index: Int) -> PackedDenseLayer? {
        if case .dense(let d) = layers[index] { return d }
        return nil
    }

    /// The folded thresholds of hidden dense layer `index` (on the true integer sum).
    public func thresholds(layer index: Int) -> NeuronThresholds? {
        if case .binarized(let t)? = dense(index)?.output { return t }
        return nil
    }

    /// The output layer's BatchNorm.
    public var outputBatchNorm: BatchNormInference {
        guard case .scores(let bn)? = dense(layers.count - 1)?.output else { preconditionFailure("output layer without BatchNorm") }
        return bn
    }

    /// The packed ±1 weights of dense layer `index`, one row of `inputs` bits per neuron.
    public func weights(layer index: Int) -> BitPackedMatrix {
        guard let d = dense(index) else { preconditionFailure("layer \(index) is not a dense layer") }
        return d.logicalWeights
    }

    /// A predictor with scratch buffers for up to `maxBatch` images at a time.
    public func makePredictor(gemm: BinaryGEMM, maxBatch: Int = 256) -> PackedPredictor {
        PackedPredictor(model: self, gemm: gemm, maxBatch: maxBatch)
    }

    /// Classes of the images in `pixels` (row-major, `inputSize` raw 8-bit pixels each).
    public func predict(pixels: [UInt8], gemm: BinaryGEMM) throws(InferenceInputError) -> [Int] {
        guard pixels.count % inputSize == 0 else { throw .wrongInputSize(pixelsPerImage: inputSize, actual: pixels.count) }
        let count = pixels.count / inputSize
        let predictor = makePredictor(gemm: gemm, maxBatch: max(1, min(count, isConvolutional ? 100 : 256)))
        var classes = [Int](repeating: 0, count: count)
        try pixels.withUnsafeBufferPointer { (p) throws(InferenceInputError) in
            try classes.withUnsafeMutableBufferPointer { (c) throws(InferenceInputError) in
                try predictor.predict(pixels: p, classes: c)
            }
        }
        return classes
    }
}

/// One layer of a packed model: the kinds the model file stores.
enum PackedLayer: Sendable, Equatable {
    case convolution(PackedConvolution)
    case maxPool(PackedMaxPool)
    case dense(PackedDenseLayer)

    var outputShape: FeatureShape {
        switch self {
        case .convolution(let c): return FeatureShape(height: c.geometry.outputHeight, width: c.geometry.outputWidth,
                                                      channels: c.geometry.outputChannels)
        case .maxPool(let p): return p.outputShape
        case .dense(let d): return .vector(d.outputs)
        }
    }

    /// Words of one image's packed output.
    var outputWords: Int {
        switch self {
        case .convolution(let c): return c.outputLayout.words
        case .maxPool(let p): return p.outputLayout.words
        case .dense(let d): return BitPackedMatrix.wordsPerRow(forColumns: d.outputs)
        }
    }

    var binaryWeightCount: Int {
        switch self {
        case .convolution(let c): return c.geometry.weightCount
        case .maxPool: return 0
        case .dense(let d): return d.inputs * d.outputs
        }
    }
}

/// One packed dense layer: the ±1 weights and what follows the product.
///
/// After a convolution the input is NHWC bits with ⌈C/64⌉ words per position; the
/// weights are laid out the same way (`PositionWordLayout`), so the raw product exceeds
/// the true sum by the layout's `gapBits` (0 for an MLP or C a multiple of 64).
struct PackedDenseLayer: Sendable, Equatable {
    /// outputs x inputs bits, one row per neuron in the flattened (NHWC) order: what the file stores.
    let logicalWeights: BitPackedMatrix
    /// The same in the input's word layout: outputs x kBits.
    let weights: BitPackedMatrix
    /// Number of +1 weights per neuron (the first layer's bit-plane product needs it).
    let weightPopcounts: [Int32]
    /// Raw product − true sum.
    let gapBits: Int
    let output: Output
    /// `output`'s thresholds on the raw product (hidden layers).
    let rawThresholds: NeuronThresholds?

    enum Output: Sendable, Equatable {
        /// Hidden layer: sign(BatchNorm(s)) as thresholds on the true integer sum.
        case binarized(NeuronThresholds)
        /// Output layer: the class scores BatchNorm(s) in float.
        case scores(BatchNormInference)
    }

    /// A layer on input `shape` (NHWC after a convolution, else flat).
    init(logicalWeights: BitPackedMatrix, input shape: FeatureShape, output: Output) {
        let layout = PositionWordLayout(positions: shape.positions, channels: shape.channels)
        self.logicalWeights = logicalWeights
        self.output = output
        let w = layout.scatter(logicalWeights), gap = layout.gapBits
        weights = w
        gapBits = gap
        weightPopcounts = (0..<w.rows).map { Int32(w.popcount(row: $0)) }
        if case .binarized(let t) = output {
            rawThresholds = t.shifted { _ in gap }
        } else {
            rawThresholds = nil
        }
    }

    init(parameters p: DenseLayerParameters, input shape: FeatureShape, isFirst: Bool, isLast: Bool) {
        let weights = BitPackedMatrix(packingColumnsOf: p.latentWeights, inputs: p.inputs, outputs: p.outputs)
        let bn = BatchNormInference(p)
        let output: Output
        if isLast {
            output = .scores(bn)
        } else if isFirst {
            let sums = (0..<p.outputs).map { Float(2 * weights.popcount(row: $0) - p.inputs) }
            output = .binarized(NeuronThresholds.fold(batchNorm: bn, range: -255 * p.inputs...255 * p.inputs) { j, s in
                PixelScaling.preactivation(pixelProduct: Float(s), weightSum: sums[j])
            })
        } else {
            output = .binarized(NeuronThresholds.fold(batchNorm: bn, range: -p.inputs...p.inputs) { _, s in Float(s) })
        }
        // The first layer reads the flat image (bit planes), whatever its shape.
        self.init(logicalWeights: weights, input: isFirst ? .vector(p.inputs) : shape, output: output)
    }

    var inputs: Int { logicalWeights.columns }
    var outputs: Int { logicalWeights.rows }
    /// Bits per row the product runs over.
    var kBits: Int { weights.columns }
}
