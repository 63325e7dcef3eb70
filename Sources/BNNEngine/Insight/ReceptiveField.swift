/// The binary weights one first-layer neuron applies to the image: what a
/// binary MLP neuron "looks at", one sign per pixel.
///
/// A neuron's pre-activation is Σ w_b · x, so the pixels where the field is +1
/// push it up when bright and those at -1 push it down.
public struct ReceptiveField: Sendable, Equatable {
    /// The neuron's index in the first layer.
    public var neuron: Int
    public var width: Int
    public var height: Int
    /// Row-major, true for +1.
    public var positive: [Bool]

    public init(neuron: Int, width: Int, height: Int, positive: [Bool]) {
        precondition(positive.count == width * height)
        self.neuron = neuron; self.width = width; self.height = height; self.positive = positive
    }

    /// Fraction of +1 weights.
    public var positiveFraction: Double {
        positive.isEmpty ? 0 : Double(positive.lazy.filter { $0 }.count) / Double(positive.count)
    }
}

/// Chooses a few first-layer neurons whose binary weights differ most, so the
/// fields shown are not near-copies of one another.
///
/// Greedy farthest-point choice under the Hamming distance taken up to a sign
/// flip (a field and its negation look alike, inverted): start from neuron 0,
/// then repeatedly add the neuron farthest from all chosen so far.
public enum ReceptiveFieldChoice {
    /// `count` fields from latent weights `weights` (inputs x outputs, row-major, as dense layers
    /// store them), inputs laid out as `width` x `height` images.
    public static func choose(count: Int, weights: UnsafePointer<Float>, inputs: Int, outputs: Int,
                              width: Int, height: Int) -> [ReceptiveField] {
        guard inputs == width * height, outputs > 0, count > 0 else { return [] }
        // Columns of signs packed as bits: one [UInt64] per neuron.
        let words = (inputs + 63) / 64
        var bits = [[UInt64]](repeating: [UInt64](repeating: 0, count: words), count: outputs)
        for i in 0..<inputs {
            let row = weights + i * outputs
            for j in 0..<outputs where row[j] >= 0 { bits[j][i / 64] |= 1 << UInt64(i % 64) }
        }
        func distance(_ a: Int, _ b: Int) -> Int {
            var d = 0
            for w in 0..<words { d += (bits[a][w] ^ bits[b][w]).nonzeroBitCount }
            return Swift.min(d, inputs - d)
        }
        var chosen = [0]
        var nearest = (0..<outputs).map { distance($0, 0) }
        while chosen.count < Swift.min(count, outputs) {
            guard let next = nearest.indices.max(by: { (nearest[$0], -$0) < (nearest[$1], -$1) }),
                  nearest[next] > 0 else { break }
            chosen.append(next)
            for j in 0..<outputs { nearest[j] = Swift.min(nearest[j], distance(j, next)) }
        }
        return chosen.map { j in
            ReceptiveField(neuron: j, width: width, height: height,
                           positive: (0..<inputs).map { bits[j][$0 / 64] & (1 << UInt64($0 % 64)) != 0 })
        }
    }
}
