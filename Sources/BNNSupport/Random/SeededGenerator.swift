/// The package's one seeded pseudo-random generator (xoshiro256**, seeded through SplitMix64).
///
/// Swift's `SystemRandomNumberGenerator` cannot be seeded and the standard
/// library gives no portable seeded one, so this one exists to make shuffles,
/// initial weights, stochastic binarization, benchmark operands and test data
/// identical on every machine and OS for the same seed. Its whole state is four
/// words, saved in checkpoints.
public struct SeededGenerator: RandomNumberGenerator, Sendable, Hashable, Codable {
    // Four words, inlinable so that hot loops in other modules (stochastic
    // binarization draws one number per activation) inline the generator.
    @usableFromInline var s0: UInt64
    @usableFromInline var s1: UInt64
    @usableFromInline var s2: UInt64
    @usableFromInline var s3: UInt64

    /// The whole state, e.g. for a checkpoint.
    public var state: (UInt64, UInt64, UInt64, UInt64) { (s0, s1, s2, s3) }

    /// Seeds the four state words from `seed` with SplitMix64, as the xoshiro authors recommend.
    public init(seed: UInt64) {
        var sm = seed
        func splitMix(_ x: inout UInt64) -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            return Self.mix(x)
        }
        s0 = splitMix(&sm); s1 = splitMix(&sm); s2 = splitMix(&sm); s3 = splitMix(&sm)
    }

    /// SplitMix64's finalizer: a bijection of 64-bit words that scatters nearby
    /// inputs (e.g. consecutive epoch numbers) to unrelated outputs.
    @inlinable
    public static func mix(_ x: UInt64) -> UInt64 {
        var z = x
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Restores a generator from a saved state (e.g. from a checkpoint).
    public init(state: (UInt64, UInt64, UInt64, UInt64)) {
        precondition(state != (0, 0, 0, 0), "xoshiro256** state must not be all zero")
        (s0, s1, s2, s3) = state
    }

    @inlinable @inline(__always)
    public mutating func next() -> UInt64 {
        let result = (s1 &* 5).rotatedLeft(7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = s3.rotatedLeft(45)
        return result
    }

    /// Lends the four state words to `body` (e.g. a C loop that draws one number per
    /// element with the same xoshiro256** steps) and keeps whatever state it leaves.
    public mutating func withStateWords<R>(_ body: (UnsafeMutablePointer<UInt64>) throws -> R) rethrows -> R {
        var words: (UInt64, UInt64, UInt64, UInt64) = (s0, s1, s2, s3)
        defer { (s0, s1, s2, s3) = words }
        return try withUnsafeMutableBytes(of: &words) { raw in
            try body(raw.baseAddress!.assumingMemoryBound(to: UInt64.self))
        }
    }

    /// A uniform Float in [0, 1) from the top 24 bits.
    @inlinable @inline(__always)
    public mutating func nextUnitFloat() -> Float {
        Float(next() >> 40) * (1.0 / 16_777_216.0)
    }

    /// A uniform Float in [lo, hi), e.g. random operands for kernels and tests.
    @inlinable @inline(__always)
    public mutating func nextFloat(in lo: Float, _ hi: Float) -> Float {
        lo + (hi - lo) * nextUnitFloat()
    }

    /// A uniform Double in [0, 1) from the top 53 bits.
    @inline(__always)
    public mutating func nextUnitDouble() -> Double {
        Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0)
    }

    /// A uniform integer in 0..<bound, without modulo bias (Lemire's method),
    /// so shuffles do not depend on the standard library's algorithm.
    @inline(__always)
    public mutating func nextInt(below bound: Int) -> Int {
        precondition(bound > 0)
        let b = UInt64(bound)
        var m = next().multipliedFullWidth(by: b)
        if m.low < b {
            let threshold = (0 &- b) % b
            while m.low < threshold { m = next().multipliedFullWidth(by: b) }
        }
        return Int(m.high)
    }

    /// A standard normal sample (Box-Muller), used for weight initialization.
    public mutating func nextGaussian() -> Double {
        var u1 = nextUnitDouble()
        if u1 < 1e-300 { u1 = 1e-300 }
        let u2 = nextUnitDouble()
        return (-2 * cLog(u1)).squareRoot() * cCos(2 * Double.pi * u2)
    }

    /// Fisher-Yates shuffle with this generator: the same seed gives the same order everywhere.
    public mutating func shuffle<T>(_ array: inout [T]) {
        guard array.count > 1 else { return }
        for i in stride(from: array.count - 1, to: 0, by: -1) {
            let j = nextInt(below: i + 1)
            if i != j { array.swapAt(i, j) }
        }
    }

    public static func == (a: Self, b: Self) -> Bool { a.state == b.state }
    public func hash(into h: inout Hasher) {
        h.combine(state.0); h.combine(state.1); h.combine(state.2); h.combine(state.3)
    }

    enum CodingKeys: CodingKey { case s }
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let s = try c.decode([UInt64].self, forKey: .s)
        guard s.count == 4, s != [0, 0, 0, 0] else {
            throw DecodingError.dataCorruptedError(forKey: .s, in: c, debugDescription: "bad generator state")
        }
        (s0, s1, s2, s3) = (s[0], s[1], s[2], s[3])
    }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode([state.0, state.1, state.2, state.3], forKey: .s)
    }
}

extension UInt64 {
    @inlinable @inline(__always)
    func rotatedLeft(_ k: UInt64) -> UInt64 { (self << k) | (self >> (64 - k)) }
}
