import BNNKernels

/// Larq-style model summary of a packed BinaryNet (MLP or ConvNet): per layer, what it stores
/// and computes.
///
/// Counts follow the packed model exactly (the file `eval` reads and the C export): binary
/// weights at 1 bit; a hidden layer's BatchNorm as one int32 threshold and one flip bit per
/// neuron or channel (the first convolution keeps one threshold set per border class, 16);
/// the output layer's BatchNorm as float32 (γ, β, μ, σ², and ε). A first dense layer
/// multiplies 8-bit pixels by ±1 weights as 8 bit planes, so its binary operations are 8×
/// those of a binary layer of the same shape; a first convolution's 9·Cin pixel products per
/// output are counted as 8-bit multiply-accumulates (each an add or subtract of a pixel, as
/// the C export computes them). A binary convolution is 9·Cin bits of XNOR-popcount per
/// output value; a max-pooling combines 4 bits per output bit (OR or AND). The float32
/// columns are the same network with real weights and BatchNorm in float32, the baseline of
/// the compression ratio.
public struct ModelSummary: Sendable, Codable, Equatable {
    public struct Layer: Sendable, Codable, Equatable {
        public var name: String
        public var kind: String
        /// Values per image in.
        public var inputs: Int
        /// [units] for a dense layer, [height, width, channels] otherwise.
        public var outputShape: [Int]
        public var binaryWeights: Int
        /// Thresholds (hidden) or BatchNorm parameters (output) the packed model stores.
        public var otherParameters: Int
        public var packedBytes: Int
        public var float32Bytes: Int
        /// XNOR (or AND, OR) + popcount work, counted per bit ...
        public var binaryOperationBits: Int
        /// ... and per 64-bit word (one XNOR and one popcount each).
        public var binaryOperationWords: Int
        /// Integer threshold compares (hidden layers).
        public var thresholdCompares: Int
        /// 8-bit pixel × ±1 weight multiply-accumulates (a first convolution).
        public var pixelMultiplyAccumulates: Int
        /// Real-valued multiply-accumulates the binary network still does (the output BatchNorm).
        public var realMultiplyAccumulates: Int
        /// Multiply-accumulates of the float32 network (products and BatchNorm).
        public var float32MultiplyAccumulates: Int
        /// Compares of the float32 network (its max-pooling, 3 per output value).
        public var float32Compares: Int

        /// Values per image out.
        public var outputCount: Int { outputShape.reduce(1, *) }
    }

    /// Values per image from the input to the output (the packed model's widths).
    public var widths: [Int]
    public var layers: [Layer]

    /// The summary of `model`, layer by layer.
    public init(model: PackedModel) {
        widths = model.widths
        layers = (0..<model.layerCount).map { index in
            let isOutput = index == model.layerCount - 1
            let pooled = index + 1 < model.layerCount && { if case .maxPool = model.view(layer: index + 1) { true } else { false } }()
            switch model.view(layer: index) {
            case .dense(let input, let n):
                return Self.dense(index, input: input, outputs: n, isOutput: isOutput)
            case .convolution(let c):
                return Self.convolution(index, c, batchNormValues: model.widths[index + (pooled ? 2 : 1)])
            case .maxPool(let input, _):
                return Self.maxPool(index, input: input)
            }
        }
    }

    private static func dense(_ index: Int, input: FeatureShape, outputs n: Int, isOutput: Bool) -> Layer {
        let inputs = input.count
        let planes = index == 0 ? 8 : 1
        let kind = (index == 0 ? "dense, 8-bit input as 8 bit planes" : "dense, binary input")
            + (isOutput ? " -> BatchNorm scores" : " -> threshold, sign")
        let words = input.positions * ((input.channels + 63) / 64)
        return Layer(
            name: "dense\(index)", kind: kind, inputs: inputs, outputShape: [n], binaryWeights: inputs * n,
            otherParameters: isOutput ? 4 * n + 1 : n,
            packedBytes: (inputs * n + 7) / 8 + (isOutput ? 4 + 16 * n : 4 * n + (n + 7) / 8),
            float32Bytes: 4 * inputs * n + 16 * n,
            binaryOperationBits: planes * inputs * n, binaryOperationWords: planes * n * words,
            thresholdCompares: isOutput ? 0 : n, pixelMultiplyAccumulates: 0,
            realMultiplyAccumulates: isOutput ? n : 0, float32MultiplyAccumulates: inputs * n + n, float32Compares: 0)
    }

    private static func convolution(_ index: Int, _ c: PackedConvolutionView, batchNormValues: Int) -> Layer {
        let g = c.geometry, n = g.outputChannels, outputs = g.outputSize
        let products = outputs * g.patchLength
        let isFirst = c.padding == nil
        let kind = "conv 3×3×\(g.inputChannels)→\(n), "
            + (isFirst ? "8-bit pixels (zero-padded)" : "binary input (\(c.padding == .one ? "one" : "zero")-padding)")
            + " -> threshold, sign"
        let sets = c.thresholds.count
        return Layer(
            name: "conv\(index)", kind: kind, inputs: g.inputSize, outputShape: [g.outputHeight, g.outputWidth, n],
            binaryWeights: g.weightCount, otherParameters: sets * n,
            packedBytes: (g.weightCount + 7) / 8 + 4 * sets * n + (n + 7) / 8,
            float32Bytes: 4 * g.weightCount + 16 * n,
            binaryOperationBits: isFirst ? 0 : products,
            binaryOperationWords: isFirst ? 0 : outputs * 9 * ((g.inputChannels + 63) / 64),
            thresholdCompares: outputs, pixelMultiplyAccumulates: isFirst ? products : 0, realMultiplyAccumulates: 0,
            float32MultiplyAccumulates: products + batchNormValues, float32Compares: 0)
    }

    private static func maxPool(_ index: Int, input: FeatureShape) -> Layer {
        let out = FeatureShape(height: input.height / 2, width: input.width / 2, channels: input.channels)
        return Layer(
            name: "pool\(index)", kind: "max-pool 2×2, OR / AND of bits", inputs: input.count,
            outputShape: [out.height, out.width, out.channels], binaryWeights: 0, otherParameters: 0,
            packedBytes: 0, float32Bytes: 0,
            binaryOperationBits: 4 * out.count, binaryOperationWords: 4 * out.positions * ((out.channels + 63) / 64),
            thresholdCompares: 0, pixelMultiplyAccumulates: 0, realMultiplyAccumulates: 0,
            float32MultiplyAccumulates: 0, float32Compares: 3 * out.count)
    }

    public func total(_ field: KeyPath<Layer, Int>) -> Int { layers.reduce(0) { $0 + $1[keyPath: field] } }

    /// Float32 bytes over packed bytes.
    public var compressionRatio: Double { Double(total(\.float32Bytes)) / Double(total(\.packedBytes)) }

    /// Whether the network has convolutions.
    public var isConvolutional: Bool { layers.first?.name.hasPrefix("conv") == true }
}
