#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Applies one update step to every parameter of a network, then clips the
/// latent weights of binary layers to [-1, 1] (the paper's
/// W ← Clip(Update(W, γη, g), -1, 1)).
///
/// Adam (β1 0.9, β2 0.999, ε 1e-8, bias-corrected step size) is the paper's
/// choice; SGD with momentum 0.9 is an option. Elementwise loops run on
/// unsafe pointers and are split over threads for large tensors in fixed
/// chunks, so results do not depend on scheduling.
struct Optimizer {
    let kind: OptimizerKind
    let threads: Int
    /// Number of steps taken (Adam's t).
    var step: Int = 0

    static let beta1: Float = 0.9
    static let beta2: Float = 0.999
    static let epsilon: Float = 1e-8
    static let momentum: Float = 0.9

    init(kind: OptimizerKind, threads: Int) {
        self.kind = kind
        self.threads = threads
    }

    mutating func apply(to parameters: [Parameter], learningRate: Double) {
        step += 1
        switch kind {
        case .adam:
            let t = Double(step)
            let correction = (1 - pow(Double(Self.beta2), t)).squareRoot() / (1 - pow(Double(Self.beta1), t))
            let stepSize = Float(learningRate * correction)
            for p in parameters { adam(p, stepSize: stepSize * p.learningRateScale) }
        case .sgd:
            for p in parameters { sgd(p, learningRate: Float(learningRate) * p.learningRateScale) }
        }
    }

    private func adam(_ p: Parameter, stepSize: Float) {
        let w = p.value.pointer, g = p.gradient.pointer, m = p.moment1.pointer, v = p.moment2.pointer
        let clip = p.clipsToUnitInterval
        ParallelLoop.forEachChunk(count: p.count, threads: threads) { start, end in
            let b1 = Self.beta1, b2 = Self.beta2, eps = Self.epsilon
            for i in start..<end {
                let gi = g[i]
                let mi = b1 * m[i] + (1 - b1) * gi
                let vi = b2 * v[i] + (1 - b2) * gi * gi
                m[i] = mi
                v[i] = vi
                var wi = w[i] - stepSize * mi / (vi.squareRoot() + eps)
                if clip { wi = min(max(wi, -1), 1) }
                w[i] = wi
            }
        }
    }

    private func sgd(_ p: Parameter, learningRate: Float) {
        let w = p.value.pointer, g = p.gradient.pointer, m = p.moment1.pointer
        let clip = p.clipsToUnitInterval
        ParallelLoop.forEachChunk(count: p.count, threads: threads) { start, end in
            let mu = Self.momentum
            for i in start..<end {
                let vi = mu * m[i] - learningRate * g[i]
                m[i] = vi
                var wi = w[i] + vi
                if clip { wi = min(max(wi, -1), 1) }
                w[i] = wi
            }
        }
    }
}
