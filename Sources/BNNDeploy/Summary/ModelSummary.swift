/// Larq-style model summary of a packed BinaryNet MLP: per layer, what it stores and computes.
///
/// Counts follow the packed model exactly (the file `eval` reads and the C export): binary
/// weights at 1 bit, hidden layers' BatchNorm as one int32 threshold and one flip bit per
/// neuron, the output layer's BatchNorm as float32 (γ, β, μ, σ², and ε). The first layer
/// multiplies 8-bit pixels by ±1 weights as 8 bit planes, so its binary operations are 8×
/// those of a binary layer of the same shape. The float32 column is the same network
/// with real weights and BatchNorm in float32, the baseline of the compression ratio.
public struct ModelSummary: Sendable, Codable, Equatable {
    public struct Layer: Sendable, Codable, Equatable {
        public var name: String
        public var kind: String
        public var inputs: Int
        public var outputShape: [Int]
        public var binaryWeights: Int
        /// Thresholds (hidden) or BatchNorm parameters (output) the packed model stores.
        public var otherParameters: Int
        public var packedBytes: Int
        public var float32Bytes: Int
        /// XNOR (or AND) + popcount work, counted per bit ...
        public var binaryOperationBits: Int
        /// ... and per 64-bit word (one XNOR and one popcount each).
        public var binaryOperationWords: Int
        /// Integer threshold compares (hidden layers).
        public var thresholdCompares: Int
        /// Real-valued multiply-accumulates the binary network still does (the output BatchNorm).
        public var realMultiplyAccumulates: Int
        /// Multiply-accumulates of the float32 network (products and BatchNorm).
        public var float32MultiplyAccumulates: Int
    }

    public var widths: [Int]
    public var layers: [Layer]

    /// The summary of an MLP with these widths (input first).
    public init(widths: [Int]) {
        precondition(widths.count >= 2, "an MLP needs an input and an output width")
        self.widths = widths
        let last = widths.count - 2
        layers = (0...last).map { k in
            let inputs = widths[k], n = widths[k + 1]
            let isOutput = k == last
            let planes = k == 0 ? 8 : 1
            let kind = (k == 0 ? "dense, 8-bit input as 8 bit planes" : "dense, binary input")
                + (isOutput ? " -> BatchNorm scores" : " -> threshold, sign")
            let weightBytes = (inputs * n + 7) / 8
            return Layer(
                name: "dense\(k)", kind: kind, inputs: inputs, outputShape: [n], binaryWeights: inputs * n,
                otherParameters: isOutput ? 4 * n + 1 : n,
                packedBytes: weightBytes + (isOutput ? 4 + 16 * n : 4 * n + (n + 7) / 8),
                float32Bytes: 4 * inputs * n + 16 * n,
                binaryOperationBits: planes * inputs * n,
                binaryOperationWords: planes * n * ((inputs + 63) / 64),
                thresholdCompares: isOutput ? 0 : n,
                realMultiplyAccumulates: isOutput ? n : 0,
                float32MultiplyAccumulates: inputs * n + n)
        }
    }

    public func total(_ field: KeyPath<Layer, Int>) -> Int { layers.reduce(0) { $0 + $1[keyPath: field] } }

    /// Float32 bytes over packed bytes.
    public var compressionRatio: Double { Double(total(\.float32Bytes)) / Double(total(\.packedBytes)) }
}
