import BNNSupport

/// A trained BinaryNet MLP packed for inference: 1-bit weights, integer thresholds.
///
/// Layer k computes s = a · W_b (no bias). The first layer's a is the image:
/// p · W_b is computed exactly in integers from the 8 bit planes of the raw
/// pixels. Hidden layers end in sign(BatchNorm(s)), folded into one integer
/// threshold per neuron (`NeuronThresholds`), so they turn packed bits into
/// packed bits with XNOR, popcount and compare only. The output layer keeps its
/// BatchNorm in float; its outputs are the class scores. Predictions equal those
/// of `FloatReferenceModel` built from the same parameters.
public struct PackedModel: Sendable, Equatable {
    /// Layer widths from the input to the output, e.g. [784, 1024, 10].
    public let widths: [Int]
    let layers: [PackedLayer]

    /// Packs trained parameters: W_b = sign(W) at one bit each, hidden layers' BatchNorm
    /// folded into thresholds, the output layer's BatchNorm kept.
    public init(layers parameters: [DenseLayerParameters]) throws(ModelParametersError) {
        try DenseLayerParameters.validate(network: parameters)
        var layers: [PackedLayer] = []
        for (index, p) in parameters.enumerated() {
            let weights = BitPackedMatrix(packingColumnsOf: p.latentWeights, inputs: p.inputs, outputs: p.outputs)
            let bn = BatchNormInference(p)
            let output: PackedLayer.Output
            if index == parameters.count - 1 {
                output = .scores(bn)
            } else if index == 0 {
                let sums = (0..<p.outputs).map { Float(2 * weights.popcount(row: $0) - p.inputs) }
                output = .binarized(NeuronThresholds.fold(batchNorm: bn, range: -255 * p.inputs...255 * p.inputs) { j, s in
                    PixelScaling.preactivation(pixelProduct: Float(s), weightSum: sums[j])
                })
            } else {
                output = .binarized(NeuronThresholds.fold(batchNorm: bn, range: -p.inputs...p.inputs) { _, s in Float(s) })
            }
            layers.append(PackedLayer(weights: weights, output: output))
        }
        self.init(packedLayers: layers)
    }

    init(packedLayers layers: [PackedLayer]) {
        self.layers = layers
        widths = [layers[0].inputs] + layers.map(\.outputs)
    }

    /// Pixels per image.
    public var inputSize: Int { widths[0] }
    /// Number of classes (the output layer's width).
    public var classCount: Int { widths[widths.count - 1] }
    /// Number of dense layers.
    public var layerCount: Int { layers.count }
    /// Number of binary weights (each stored as one bit).
    public var binaryWeightCount: Int { layers.reduce(0) { $0 + $1.inputs * $1.outputs } }
    /// Bytes the same weights take as float32: the size the packed file is compared with.
    public var float32WeightBytes: Int { 4 * binaryWeightCount }

    /// The hidden layers' folded thresholds (layer index below `layerCount − 1`).
    public func thresholds(layer index: Int) -> NeuronThresholds? {
        if case .binarized(let t) = layers[index].output { return t }
        return nil
    }

    /// The output layer's BatchNorm.
    public var outputBatchNorm: BatchNormInference {
        guard case .scores(let bn) = layers[layers.count - 1].output else { preconditionFailure("output layer without BatchNorm") }
        return bn
    }

    /// The packed ±1 weights of layer `index`, one row of `inputs` bits per neuron.
    public func weights(layer index: Int) -> BitPackedMatrix { layers[index].weights }

    /// A predictor with scratch buffers for up to `maxBatch` images at a time.
    public func makePredictor(gemm: BinaryGEMM, maxBatch: Int = 256) -> PackedPredictor {
        PackedPredictor(model: self, gemm: gemm, maxBatch: maxBatch)
    }

    /// Classes of the images in `pixels` (row-major, `inputSize` raw 8-bit pixels each).
    public func predict(pixels: [UInt8], gemm: BinaryGEMM) throws(InferenceInputError) -> [Int] {
        guard pixels.count % inputSize == 0 else { throw .wrongInputSize(pixelsPerImage: inputSize, actual: pixels.count) }
        let count = pixels.count / inputSize
        let predictor = makePredictor(gemm: gemm, maxBatch: max(1, min(count, 256)))
        var classes = [Int](repeating: 0, count: count)
        try pixels.withUnsafeBufferPointer { (p) throws(InferenceInputError) in
            try classes.withUnsafeMutableBufferPointer { (c) throws(InferenceInputError) in
                try predictor.predict(pixels: p, classes: c)
            }
        }
        return classes
    }
}

/// One packed dense layer: the ±1 weights and what follows the product.
struct PackedLayer: Sendable, Equatable {
    /// outputs x inputs bits: one packed row per neuron.
    let weights: BitPackedMatrix
    /// Number of +1 weights per neuron (the first layer's bit-plane product needs it).
    let weightPopcounts: [Int32]
    let output: Output

    enum Output: Sendable, Equatable {
        /// Hidden layer: sign(BatchNorm(s)) as thresholds on the integer sum.
        case binarized(NeuronThresholds)
        /// Output layer: the class scores BatchNorm(s) in float.
        case scores(BatchNormInference)
    }

    init(weights: BitPackedMatrix, output: Output) {
        self.weights = weights
        self.output = output
        weightPopcounts = (0..<weights.rows).map { Int32(weights.popcount(row: $0)) }
    }

    var inputs: Int { weights.columns }
    var outputs: Int { weights.rows }
}
