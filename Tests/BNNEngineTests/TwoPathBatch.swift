import Testing
import BNNSupport
@testable import BNNEngine

/// One batch of random images through a network twice, once down a layer's fast path and
/// once down the path it replaces (`choose(true)`, then `choose(false)`), with the same
/// random draws: the tests that show a table kernel computes what the product before it did.
struct TwoPathBatch {
    let net: Network
    let rows: Int
    private let x: [Float]
    private let y: [Int32]

    init(net: Network, rows: Int, inputSize: Int, classes: Int, seed: UInt64) {
        self.net = net
        self.rows = rows
        var rng = SeededGenerator(seed: seed)
        x = (0..<(rows * inputSize)).map { _ in Float(rng.nextGaussian()) }
        y = (0..<rows).map { Int32($0 % classes) }
    }

    /// `gradient()` after a backward pass down each path: (fast, reference).
    func gradients<T>(_ choose: (Bool) -> Void, of gradient: () -> T) -> (fast: T, reference: T) {
        func run(_ fast: Bool) -> T {
            choose(fast)
            var draws = SeededGenerator(seed: 1)
            _ = x.withUnsafeBufferPointer { xp in y.withUnsafeBufferPointer { yp in
                net.computeGradients(input: xp.baseAddress!, labels: yp.baseAddress!, rows: rows, generator: &draws)
            } }
            return gradient()
        }
        let fast = run(true)
        return (fast, run(false))
    }
}

/// Equal up to float rounding: every entry within `relative` of the reference's largest
/// magnitude (at least 1), and the reference not all zeros (so the check can fail).
func expectClose(_ fast: [Float], _ reference: [Float], relative: Float,
                 sourceLocation: SourceLocation = #_sourceLocation) {
    let scale = reference.map { abs($0) }.max() ?? 0
    #expect(scale > 0, sourceLocation: sourceLocation)
    #expect(fast.count == reference.count, sourceLocation: sourceLocation)
    #expect(zip(fast, reference).allSatisfy { abs($0 - $1) <= relative * max(scale, 1) }, sourceLocation: sourceLocation)
}
