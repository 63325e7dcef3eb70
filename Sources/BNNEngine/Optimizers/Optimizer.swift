import BNNSupport
import CTrainingKernels

/// Applies one update step to every parameter of a network, then clips the
/// latent weights of binary layers to [-1, 1] (the paper's
/// W ← Clip(Update(W, γη, g), -1, 1)) and, in the same pass, writes the new
/// binary weights W_b = sign(W) for the next batch, and into the packed form its forward
/// product reads (`PackedSigns`: the first layer's nibbles, an XNOR layer's column words).
///
/// Adam (β1 0.9, β2 0.999, ε 1e-8, bias-corrected step size) is the paper's
/// choice; SGD with momentum 0.9 is an option. The fused loops are C
/// (`CTrainingKernels`, vectorized for AVX-512 / AVX2 / baseline, chosen at
/// run time), split over threads for large tensors in fixed chunks, so
/// results do not depend on scheduling.
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
        let clip: Int32 = p.clipsToUnitInterval ? 1 : 0
        update(p) { start, count, signs in
            bnn_adam_step(w + start, g + start, m + start, v + start, signs, count,
                          stepSize, Self.beta1, Self.beta2, Self.epsilon, clip)
        }
    }

    private func sgd(_ p: Parameter, learningRate: Float) {
        let w = p.value.pointer, g = p.gradient.pointer, m = p.moment1.pointer
        let clip: Int32 = p.clipsToUnitInterval ? 1 : 0
        update(p) { start, count, signs in
            bnn_sgd_momentum_step(w + start, g + start, m + start, signs, count, learningRate, Self.momentum, clip)
        }
    }

    /// Runs `step(start, count, signs)` over every element of `p` (it updates [start, start +
    /// count) and writes their signs to `signs` when that is not nil), in fixed chunks over
    /// `threads` threads, with the signs going to W_b: to the float `binaryOutput`, and, when
    /// the parameter asks for it, into its forward product's packed form group by group
    /// (`PackedSigns`), for the first layer instead of the float W_b.
    private func update(_ p: Parameter, _ step: (Int, Int, UnsafeMutablePointer<Float>?) -> Void) {
        if p.optimizerWritesPackedSigns, let packed = p.packedSigns, let wb = p.binaryOutput?.pointer {
            let float = p.packedSignsReplaceFloat ? nil : wb
            packed.write(floatSigns: float) { start, count, signs in step(start, count, signs) }
            p.binaryOutputIsCurrent = float != nil
            return
        }
        let wb = p.binaryOutput?.pointer
        ParallelLoop.forEachChunk(count: p.count, threads: threads) { start, end in
            step(start, end - start, wb.map { $0 + start })
        }
        if wb != nil { p.binaryOutputWritten() }
    }
}
