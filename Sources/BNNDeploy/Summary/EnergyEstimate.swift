/// Energy per inference of the float32 network and of the binary network, from Horowitz's
/// 45 nm figures (ISSCC 2014) as quoted in the review of Courbariaux et al. (Tables 2-3).
///
/// Table 2 gives multiply and add energies, Table 3 the energy of one 64-bit memory
/// access by memory size. Neither has an XNOR or a popcount: `assumptions` states how
/// they are priced (from the 8-bit add, per bit-slice), and every other choice, so the
/// printed estimate can be redone by hand.
public struct EnergyEstimate: Sendable, Codable, Equatable {
    /// Picojoules of one network's inference, split into arithmetic and memory.
    public struct Budget: Sendable, Codable, Equatable {
        public var computePicojoules: Double
        public var memoryPicojoules: Double
        public var totalPicojoules: Double { computePicojoules + memoryPicojoules }
        /// Where the weights are read from (Table 3's row).
        public var weightMemory: String

        enum CodingKeys: String, CodingKey { case computePicojoules, memoryPicojoules, totalPicojoules, weightMemory }
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(computePicojoules, forKey: .computePicojoules)
            try c.encode(memoryPicojoules, forKey: .memoryPicojoules)
            try c.encode(totalPicojoules, forKey: .totalPicojoules)
            try c.encode(weightMemory, forKey: .weightMemory)
        }
        public init(computePicojoules: Double, memoryPicojoules: Double, weightMemory: String) {
            self.computePicojoules = computePicojoules
            self.memoryPicojoules = memoryPicojoules
            self.weightMemory = weightMemory
        }
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            computePicojoules = try c.decode(Double.self, forKey: .computePicojoules)
            memoryPicojoules = try c.decode(Double.self, forKey: .memoryPicojoules)
            weightMemory = try c.decode(String.self, forKey: .weightMemory)
        }
    }

    public var float32: Budget
    public var binary: Budget
    /// float32 total over binary total.
    public var ratio: Double
    public var assumptions: [String]

    // Table 2 (pJ)
    static let float32Multiply = 3.7, float32Add = 0.9
    static let int32Multiply = 3.1, int32Add = 0.1
    static let int8Add = 0.03
    /// An XNOR or a popcount adder slice, per bit: an 8-bit add spread over its 8 bit-slices.
    static let bitSlice = int8Add / 8
    /// One 64-bit word of XNOR + popcount: 64 XNOR slices, ~64 adder slices in the popcount
    /// tree, and one 32-bit add of the count into the neuron's sum.
    static let binaryWord = 64 * bitSlice + 64 * bitSlice + int32Add

    // Table 3 (pJ per 64-bit access)
    static let memoryLevels: [(bytes: Int, picojoules: Double, name: String)] = [
        (8 << 10, 10, "8 KB (10 pJ per 64-bit access)"), (32 << 10, 20, "32 KB (20 pJ)"),
        (1 << 20, 100, "1 MB (100 pJ)"),
    ]
    static let dram = (picojoules: 1300.0, name: "DRAM (1.3 nJ, the low end of 1.3-2.6 nJ)")

    static func memory(forBytes bytes: Int) -> (picojoules: Double, name: String) {
        for level in memoryLevels where bytes <= level.bytes { return (level.picojoules, level.name) }
        return dram
    }

    public init(_ s: ModelSummary) {
        let macs = Double(s.total(\.float32MultiplyAccumulates))
        let fMem = Self.memory(forBytes: s.total(\.float32Bytes))
        let bMem = Self.memory(forBytes: s.total(\.packedBytes))
        // Activations live in two buffers as large as the widest layer: float32, or bits beside the 8-bit image.
        let widest = s.widths.max() ?? 0
        let fActivations = Self.memory(forBytes: 2 * 4 * widest)
        let bActivations = Self.memory(forBytes: 2 * ((widest + 7) / 8) + (s.widths.first ?? 0))
        // Each layer reads its input and writes its output once.
        let floatActivationBits = s.layers.enumerated().reduce(0) { $0 + ($1.offset == 0 ? 8 : 32) * $1.element.inputs + 32 * $1.element.outputCount }
        let binaryActivationBits = s.layers.enumerated().reduce(0) { $0 + ($1.offset == 0 ? 8 : 1) * $1.element.inputs + $1.element.outputCount }
        let floatWeightAccesses = Double(s.total(\.float32Bytes)) / 8
        let binaryWeightAccesses = Double(s.total(\.packedBytes)) / 8
        float32 = Budget(
            computePicojoules: macs * (Self.float32Multiply + Self.float32Add) + Double(s.total(\.float32Compares)) * Self.float32Add,
            memoryPicojoules: floatWeightAccesses * fMem.picojoules + Double(floatActivationBits) / 64 * fActivations.picojoules,
            weightMemory: fMem.name)
        binary = Budget(
            computePicojoules: Double(s.total(\.binaryOperationWords)) * Self.binaryWord
                + Double(s.total(\.thresholdCompares)) * Self.int32Add
                + Double(s.total(\.pixelMultiplyAccumulates)) * Self.int32Add
                + Double(s.total(\.realMultiplyAccumulates)) * (Self.int32Multiply + Self.int32Add),
            memoryPicojoules: binaryWeightAccesses * bMem.picojoules + Double(binaryActivationBits) / 64 * bActivations.picojoules,
            weightMemory: bMem.name)
        ratio = float32.totalPicojoules / binary.totalPicojoules
        let activations = fActivations.name == bActivations.name ? "from \(fActivations.name)"
            : "float32 from \(fActivations.name), binary from \(bActivations.name)"
        let convolutions = !s.isConvolutional ? [] : [
            "float32 convolutions: 9*Cin*Cout multiply-accumulates per output position, and BatchNorm on the (pooled) outputs",
            "first convolution: each 8-bit pixel times a +-1 weight is an add or subtract into a 32-bit sum (priced as a 32-bit add, 0.1 pJ), as the C export computes it",
            "binary convolutions: 9*Cin bits of XNOR + popcount per output value, in 64-bit words of one tap's channels (ceil(Cin/64) words per tap, as the packed model lays them out)",
            "max-pooling: binary, 4 bits combined per output bit (OR, or AND where BatchNorm decreases), priced as XNOR + popcount words (an overestimate); float32, 3 compares per output value, priced as float adds (0.9 pJ)",
        ]
        assumptions = [
            "figures: Horowitz (ISSCC 2014, 45 nm) as quoted in the review of Courbariaux et al., Tables 2-3",
            "float32 network: one 32-bit float multiply (3.7 pJ) + add (0.9 pJ) per multiply-accumulate, K*N per layer, and one more per neuron for its BatchNorm (scale and shift folded)",
            String(format: "XNOR and popcount are not in Table 2: one bit of either is priced as one bit-slice of an 8-bit integer add, 0.03 pJ / 8 = %.5f pJ", Self.bitSlice),
            String(format: "one 64-bit word of XNOR + popcount = 64 XNOR slices + 64 popcount-adder slices + one 32-bit add (0.1 pJ) of the count into the sum = %.3f pJ", Self.binaryWord),
            s.isConvolutional ? nil : "first layer: 8-bit pixels times +-1 weights as 8 bit planes (AND + popcount per plane, as the packed model computes it): 8 words per weight word",
        ].compactMap { $0 } + convolutions + [
            "hidden layers: one 32-bit integer compare (priced as a 32-bit add, 0.1 pJ) per neuron\(s.isConvolutional ? " or convolution output" : "") for the folded BatchNorm + sign",
            "output layer of the binary network: BatchNorm as a 32-bit integer multiply (3.1 pJ) + add (0.1 pJ) per class (the C export's fixed point)",
            "weights and BatchNorm parameters: read once per inference in 64-bit accesses from the smallest Table 3 memory holding all of them (float32: \(fMem.name); packed: \(bMem.name))",
            "activations: every layer reads its input and writes its output once (float32 or 1 bit; 8-bit pixels in both), \(activations)",
            "one image at a time (no weight reuse across a batch); control, instruction fetch and the argmax are not counted",
        ]
    }
}
