/// The binary weights one first-layer unit applies to the image: for an MLP,
/// a neuron's weights over the whole image, one sign per pixel; for a ConvNet,
/// one 3×3 filter of the first convolution, one sign per tap. That is what a
/// binary unit "looks at".
///
/// A unit's pre-activation is Σ w_b · x, so the pixels where the field is +1
/// push it up when bright and those at -1 push it down.
public struct ReceptiveField: Sendable, Equatable {
    /// The neuron's index in the first layer, or the filter's output channel.
    public var neuron: Int
    /// For a convolution's filter, the input channel of this 3×3 kernel (0 for a grey image); nil for a neuron.
    public var inputChannel: Int?
    public var width: Int
    public var height: Int
    /// Row-major, true for +1.
    public var positive: [Bool]

    public init(neuron: Int, inputChannel: Int? = nil, width: Int, height: Int, positive: [Bool]) {
        precondition(positive.count == width * height)
        self.neuron = neuron; self.inputChannel = inputChannel
        self.width = width; self.height = height; self.positive = positive
    }

    /// Whether this is a convolution's kernel (rather than a dense neuron's weights).
    public var isFilter: Bool { inputChannel != nil }

    /// Fraction of +1 weights.
    public var positiveFraction: Double {
        positive.isEmpty ? 0 : Double(positive.lazy.filter { $0 }.count) / Double(positive.count)
    }
}

/// Chooses a few first-layer units whose binary weights differ most, so the
/// fields shown are not near-copies of one another.
///
/// Greedy farthest-point choice under the Hamming distance taken up to a sign
/// flip (a field and its negation look alike, inverted): start from unit 0,
/// then repeatedly add the unit farthest from all chosen so far, stopping
/// early when every remaining unit repeats a chosen one.
public enum ReceptiveFieldChoice {
    /// `count` fields from latent weights `weights` (inputs x outputs, row-major, as dense layers
    /// store them), inputs laid out as `width` x `height` images.
    public static func choose(count: Int, weights: UnsafePointer<Float>, inputs: Int, outputs: Int,
                              width: Int, height: Int) -> [ReceptiveField] {
        guard inputs == width * height, outputs > 0 else { return [] }
        return choose(count: count, units: outputs, length: inputs) { j, i in weights[i * outputs + j] >= 0 }
            .map { ReceptiveField(neuron: $0.unit, width: width, height: height, positive: $0.signs) }
    }

    /// `count` 3×3 kernels of a convolution's latent weights (`[Cout][ky][kx][Cin]`, as
    /// convolution layers store them), each kernel (output channel, input channel) a candidate.
    public static func chooseFilters(count: Int, weights: UnsafePointer<Float>, outputChannels: Int,
                                     inputChannels: Int, kernelSize: Int) -> [ReceptiveField] {
        let taps = kernelSize * kernelSize, patch = taps * inputChannels
        guard taps > 0, outputChannels > 0, inputChannels > 0 else { return [] }
        return choose(count: count, units: outputChannels * inputChannels, length: taps) { u, t in
            weights[(u / inputChannels) * patch + t * inputChannels + u % inputChannels] >= 0
        }.map {
            ReceptiveField(neuron: $0.unit / inputChannels, inputChannel: $0.unit % inputChannels,
                           width: kernelSize, height: kernelSize, positive: $0.signs)
        }
    }

    /// The farthest-point choice over `units` sign vectors of `length`, `sign(unit, i)` true for +1.
    static func choose(count: Int, units: Int, length: Int,
                       sign: (Int, Int) -> Bool) -> [(unit: Int, signs: [Bool])] {
        guard length > 0, units > 0, count > 0 else { return [] }
        // Signs packed as bits: one [UInt64] per unit.
        let words = (length + 63) / 64
        var bits = [[UInt64]](repeating: [UInt64](repeating: 0, count: words), count: units)
        for j in 0..<units {
            for i in 0..<length where sign(j, i) { bits[j][i / 64] |= 1 << UInt64(i % 64) }
        }
        func distance(_ a: Int, _ b: Int) -> Int {
            var d = 0
            for w in 0..<words { d += (bits[a][w] ^ bits[b][w]).nonzeroBitCount }
            return Swift.min(d, length - d)
        }
        var chosen = [0]
        var nearest = (0..<units).map { distance($0, 0) }
        while chosen.count < Swift.min(count, units) {
            guard let next = nearest.indices.max(by: { (nearest[$0], -$0) < (nearest[$1], -$1) }),
                  nearest[next] > 0 else { break }
            chosen.append(next)
            for j in 0..<units { nearest[j] = Swift.min(nearest[j], distance(j, next)) }
        }
        return chosen.map { j in (j, (0..<length).map { bits[j][$0 / 64] & (1 << UInt64($0 % 64)) != 0 }) }
    }
}
