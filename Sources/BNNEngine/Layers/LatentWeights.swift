import BNNKernels
import BNNSupport
import CTrainingKernels

/// The latent real-valued weights W of a dense or convolution layer, their binary
/// version W_b and the epoch bookkeeping of the weight-clip panel, in one place.
///
/// In binary modes the products use W_b = sign(W) (or a stochastic draw, for `stoch` with
/// stochastic weights), refreshed from W before every batch; the gradient is accumulated
/// in the real-valued W, which the optimizer clips to [-1, 1]. In float mode W is used as it is.
final class LatentWeights {
    let parameter: Parameter
    let binary: Bool
    /// W_b, the ±1 weights used by the products (binary modes only).
    private let binaryWeights: FloatBuffer?
    /// Sign of every weight at the start of the epoch (1 = +1), for the flip ratio.
    private var signsAtEpochStart: [UInt8] = []

    /// `count` weights drawn uniformly in [-bound, bound], in order, from `generator`.
    init(name: String, count: Int, bound: Float, binary: Bool, learningRateScale: Float,
         generator: inout SeededGenerator) {
        let value = FloatBuffer(count: count)
        for i in 0..<count { value.pointer[i] = (generator.nextUnitFloat() * 2 - 1) * bound }
        parameter = Parameter(name: name, value: value, learningRateScale: learningRateScale,
                              clipsToUnitInterval: binary)
        self.binary = binary
        binaryWeights = binary ? FloatBuffer(count: count) : nil
        parameter.binaryOutput = binaryWeights
        markEpochStart()
        refresh()
    }

    var count: Int { parameter.count }
    /// The weights the products use: W_b in binary modes, W in float mode. When the last
    /// update wrote W_b only as the first layer's nibbles, the float W_b is made from W here.
    var effective: UnsafePointer<Float> {
        if let wb = binaryWeights, !parameter.binaryOutputIsCurrent {
            writeSigns(into: wb.pointer)  // sign(W): what the nibbles hold, so they stay current
            parameter.binaryOutputIsCurrent = true
        }
        return UnsafePointer((binaryWeights ?? parameter.value).pointer)
    }

    /// W_b = sign(W) (deterministic), or +1 with probability hard_sigmoid(W) when `generator` is given.
    /// (After an update the optimizer has already written sign(W); this is for initialization,
    /// restored checkpoints, evaluation and stochastic draws.)
    func refresh(stochasticWith generator: UnsafeMutablePointer<SeededGenerator>? = nil) {
        guard let wb = binaryWeights?.pointer else { return }
        if let generator {
            let w = parameter.value.pointer, n = count
            _ = generator.pointee.withStateWords { bnn_stochastic_sign($0, w, wb, n) }
        } else {
            writeSigns(into: wb)
        }
        parameter.binaryOutputWritten()
    }

    /// Float W_b for a product to pack, or nil when its packed form `packed` is already current.
    func floatSigns(unless packed: any PackedSigns) -> UnsafePointer<Float>? {
        packed.isCurrent ? nil : effective
    }

    /// Makes `packed` the form of W_b the layer's forward product reads (nil: none). When
    /// `writtenByOptimizer`, the optimizer packs it as it updates W (`PackedSigns`), skipping
    /// float W_b when `replacingFloat`; either way it is current until float W_b is written.
    func linkPackedSigns(_ packed: (any PackedSigns)?, writtenByOptimizer: Bool, replacingFloat: Bool) {
        if !parameter.binaryOutputIsCurrent, let wb = binaryWeights?.pointer { writeSigns(into: wb) }
        parameter.binaryOutputIsCurrent = true
        parameter.packedSigns = packed
        parameter.optimizerWritesPackedSigns = packed != nil && writtenByOptimizer && binary
        parameter.packedSignsReplaceFloat = replacingFloat
        packed?.isCurrent = false
    }

    private func writeSigns(into wb: UnsafeMutablePointer<Float>) {
        let w = parameter.value.pointer
        for i in 0..<count { wb[i] = w[i] >= 0 ? 1 : -1 }
    }

    func markEpochStart() {
        let w = parameter.value.pointer
        signsAtEpochStart = (0..<count).map { w[$0] >= 0 ? 1 : 0 }
    }

    /// The signs at the start of the epoch, one bit per weight (1 = +1), 64 to a word.
    func epochStartSignWords() -> [UInt64] {
        var words = [UInt64](repeating: 0, count: (count + 63) / 64)
        for (i, sign) in signsAtEpochStart.enumerated() where sign != 0 { words[i / 64] |= 1 << UInt64(i % 64) }
        return words
    }

    /// Restores the signs `epochStartSignWords` gave (a checkpoint taken inside an epoch).
    func restoreEpochStartSigns(words: [UInt64]) {
        precondition(words.count == (count + 63) / 64, "\(words.count) sign words for \(count) weights")
        signsAtEpochStart = (0..<count).map { UInt8(truncatingIfNeeded: words[$0 / 64] >> UInt64($0 % 64) & 1) }
    }

    /// Histogram of latent weights over [-1, 1], the clip fraction and the flip ratio since `markEpochStart`.
    func statistics(inputs: Int, outputs: Int, steCancelFraction: Double) -> LayerStatistics {
        let bins = LayerStatistics.binCount
        var histogram = [Int](repeating: 0, count: bins)
        var clipped = 0, flipped = 0
        let w = parameter.value.pointer
        let n = count
        signsAtEpochStart.withUnsafeBufferPointer { signs in
            for i in 0..<n {
                let x = w[i]
                // (x.isNaN can only come from a bug elsewhere; never trap on it here.)
                let position = x.isNaN ? 0 : (min(max(x, -1), 1) + 1) * 0.5 * Float(bins)
                histogram[min(max(Int(position), 0), bins - 1)] += 1
                if abs(x) >= 1 - 1e-6 { clipped += 1 }
                if (x >= 0 ? 1 : 0) != signs[i] { flipped += 1 }
            }
        }
        return LayerStatistics(inputs: inputs, outputs: outputs, histogram: histogram,
                               clipFraction: Double(clipped) / Double(n),
                               flipRatio: Double(flipped) / Double(n),
                               steCancelFraction: steCancelFraction)
    }
}
