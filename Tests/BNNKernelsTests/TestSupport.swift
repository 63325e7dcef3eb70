import BNNSupport
@testable import BNNKernels

/// Random test data from the package's one seeded generator, so every test run sees the same data.
extension SeededGenerator {
    mutating func float(in range: ClosedRange<Float>) -> Float { Float.random(in: range, using: &self) }
    mutating func floats(_ n: Int, in range: ClosedRange<Float> = -1...1) -> [Float] { (0..<n).map { _ in float(in: range) } }
    mutating func pixels(_ n: Int) -> [UInt8] { (0..<n).map { _ in UInt8.random(in: 0...255, using: &self) } }
}

/// sign with sign(0) = +1, as ±1 floats.
func signs(_ values: [Float]) -> [Float] { values.map { $0 >= 0 ? 1 : -1 } }

/// Plain Swift reference: c[i][j] = Σ_k a[i][k]·b[j][k] on ±1 rows.
func referenceProduct(_ a: [Float], _ b: [Float], m: Int, n: Int, k: Int) -> [Int32] {
    var c = [Int32](repeating: 0, count: m * n)
    for i in 0..<m {
        for j in 0..<n {
            var s: Float = 0
            for t in 0..<k { s += a[i * k + t] * b[j * k + t] }
            c[i * n + j] = Int32(s)
        }
    }
    return c
}

/// A random layer: latent weights in [-1, 1] (some exactly 0), BatchNorm with
/// positive, negative and zero γ and some thresholds landing exactly on integer sums.
func randomLayer(inputs: Int, outputs: Int, first: Bool, rng: inout SeededGenerator) -> DenseLayerParameters {
    var w = rng.floats(inputs * outputs)
    for i in stride(from: 0, to: w.count, by: 37) { w[i] = 0 }
    // s = x·W_b has a standard deviation near sqrt(K) (x = p/127.5 - 1 uniform in
    // [-1, 1] for the first layer, ±1 elsewhere): keep the BatchNorm in that range.
    let k = Float(inputs), spread = k.squareRoot() * (first ? 0.6 : 1)
    var gamma = rng.floats(outputs, in: -1.5...1.5)
    var beta = rng.floats(outputs, in: -0.5...0.5)
    var mean = rng.floats(outputs, in: -spread...spread)
    let variance = rng.floats(outputs, in: (0.2 * spread * spread)...(2 * spread * spread + 0.1))
    for j in 0..<outputs {
        switch j % 7 {
        case 0: gamma[j] = 0
        case 1: gamma[j] = -gamma[j].magnitude
        case 2: mean[j] = mean[j].rounded(); beta[j] = 0  // a = 0 exactly at s = mean: sign(0) = +1
        default: break
        }
    }
    return DenseLayerParameters(inputs: inputs, outputs: outputs, latentWeights: w, bnGamma: gamma, bnBeta: beta,
                                bnRunningMean: mean, bnRunningVar: variance, bnEpsilon: 1e-4)
}

func randomNetwork(_ widths: [Int], rng: inout SeededGenerator) -> [DenseLayerParameters] {
    (0..<(widths.count - 1)).map { randomLayer(inputs: widths[$0], outputs: widths[$0 + 1], first: $0 == 0, rng: &rng) }
}

extension BitPackedMatrix {
    /// A random rows x columns matrix filled word by word (fast even in debug builds), pads kept zero.
    static func random(rows: Int, columns: Int, rng: inout SeededGenerator) -> BitPackedMatrix {
        let m = BitPackedMatrix(rows: rows, columns: columns)
        let full = columns / 64, rest = columns % 64
        for r in 0..<rows {
            let row = m.storage.pointer + r * m.wordsPerRow
            for w in 0..<full { row[w] = rng.next() }
            if rest > 0 { row[full] = rng.next() & ((1 << UInt64(rest)) - 1) }
        }
        return m
    }
}

/// Σ_k p[i][k]·sign(w[k][j]) in integers: the first layer's product of raw pixels
/// (images x k) with the signs of a k x n weight matrix, one term at a time.
func referencePixelProduct(_ pixels: [UInt8], _ w: [Float], images: Int, n: Int, k: Int) -> [Int32] {
    var expected = [Int32](repeating: 0, count: images * n)
    for i in 0..<images {
        for j in 0..<n {
            var s = 0
            for t in 0..<k { s += Int(pixels[i * k + t]) * (w[t * n + j] >= 0 ? 1 : -1) }
            expected[i * n + j] = Int32(s)
        }
    }
    return expected
}
