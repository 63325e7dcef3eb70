import BNNSupport
import CTrainingKernels
import Synchronization

/// The activation after a hidden layer's BatchNorm: a^b = sign(a) (`det`, and `stoch` at
/// test time), +1 with probability hard_sigmoid(a) (`stoch` in training), or hardtanh(a)
/// (the float baseline). sign(0) = +1, never 0.
///
/// Backward is the straight-through estimator of Courbariaux et al.: the gradient passes
/// where |a| <= 1 and is cancelled elsewhere (hardtanh's derivative, so the float baseline
/// shares it). The layer counts the cancelled entries for the weight-clip panel.
///
/// The elementwise loops run over the run's threads (`ParallelLoop`), except the stochastic
/// draw, whose one random stream runs in order.
final class BinarizationLayer: NetworkLayer {
    let size: Int
    let mode: BinarizationMode
    let stochasticInTraining: Bool
    let threads: Int
    private let output: FloatBuffer
    /// Entries where the STE cancelled the gradient, and the total seen, this epoch.
    private(set) var cancelled = 0
    private(set) var seen = 0

    init(size: Int, mode: BinarizationMode, stochasticInTraining: Bool, maxRows: Int, threads: Int = 1) {
        self.size = size
        self.mode = mode
        self.stochasticInTraining = stochasticInTraining
        self.threads = threads
        output = FloatBuffer(count: maxRows * size)
    }

    var outputSize: Int { size }

    func forward(_ a: UnsafePointer<Float>, rows: Int, training: Bool,
                 generator: inout SeededGenerator) -> UnsafePointer<Float> {
        let ab = output.pointer, n = rows * size
        // The C loops also count |a| > 1, where the straight-through estimator will cancel the gradient.
        let saturated: Int
        if mode.isBinary && training && stochasticInTraining {
            saturated = generator.withStateWords { bnn_stochastic_sign($0, a, ab, n) }
        } else {
            let total = Atomic<Int>(0), hardtanh = !mode.isBinary
            ParallelLoop.forEachChunk(count: n, threads: threads) { start, end in
                let count = hardtanh ? bnn_hardtanh_activations(a + start, ab + start, end - start)
                                     : bnn_sign_activations(a + start, ab + start, end - start)
                total.add(count, ordering: .relaxed)
            }
            saturated = total.load(ordering: .relaxed)
        }
        if training { cancelled += saturated; seen += n }
        return UnsafePointer(ab)
    }

    /// g_a = g_{a^b} ∘ 1_{|a| <= 1}, in place.
    func backward(input a: UnsafePointer<Float>, outputGradient: UnsafeMutablePointer<Float>, rows: Int,
                  needsInputGradient: Bool) -> UnsafeMutablePointer<Float>? {
        ParallelLoop.forEachChunk(count: rows * size, threads: threads) { start, end in
            bnn_straight_through_gate(outputGradient + start, a + start, end - start)
        }
        return outputGradient
    }

    func resetCounts() { cancelled = 0; seen = 0 }
    /// Restores the counts of an epoch in progress (a checkpoint taken inside an epoch).
    func restoreCounts(cancelled: Int, seen: Int) { self.cancelled = cancelled; self.seen = seen }
    var cancelFraction: Double { seen > 0 ? Double(cancelled) / Double(seen) : 0 }
}

/// Inverted dropout (the BinaryNet code's MLPs; off by default): in training each value is
/// kept with probability 1 - p and scaled by 1 / (1 - p), else zeroed; nothing changes at
/// test time. Applied to the image and to hidden binarized activations.
final class DropoutLayer: NetworkLayer {
    let size: Int
    let probability: Float
    private let output: FloatBuffer
    /// The factor each value was multiplied by (1 / (1 - p) or 0), for the backward pass.
    private let mask: FloatBuffer

    init(size: Int, probability: Float, maxRows: Int) {
        self.size = size
        self.probability = probability
        output = FloatBuffer(count: maxRows * size)
        mask = FloatBuffer(count: maxRows * size)
    }

    var outputSize: Int { size }

    func forward(_ input: UnsafePointer<Float>, rows: Int, training: Bool,
                 generator: inout SeededGenerator) -> UnsafePointer<Float> {
        guard training else { return input }
        let n = rows * size, out = output.pointer, m = mask.pointer, keep = 1 - probability
        out.update(from: input, count: n)
        generator.withStateWords { bnn_dropout($0, out, m, n, keep) }
        return UnsafePointer(out)
    }

    /// The gradient reaches only the kept values, scaled alike (in place).
    func backward(input: UnsafePointer<Float>, outputGradient: UnsafeMutablePointer<Float>, rows: Int,
                  needsInputGradient: Bool) -> UnsafeMutablePointer<Float>? {
        bnn_multiply(outputGradient, mask.pointer, rows * size)
        return outputGradient
    }
}
