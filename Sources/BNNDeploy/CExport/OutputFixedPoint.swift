import BNNKernels
import BNNSupport

/// The output layer's BatchNorm as integer arithmetic: score_j = scale_j · s + offset_j.
///
/// At inference BatchNorm is affine in the layer's integer sum s:
/// a_j = γ_j (s' − μ_j) / sd_j + β_j with s' = s (binary inputs) or s' = P / 127.5 − ΣW_b
/// (the image's pixel product P, for a network of one layer). So
/// a_j = c_j · s + d_j, and with one shared binary point F the integers
/// scale_j = round(c_j 2^F) (int32) and offset_j = round(d_j 2^F) (int64) rank the
/// classes as the real-valued a_j do. F is the largest that keeps scale_j in int32
/// and |scale_j · s| + |offset_j| below 2^62 for every reachable s, so the fixed-point
/// scores are far more precise than `eval`'s float32 evaluation; the two can only
/// disagree when two classes' float scores are within float rounding of each other
/// (the export test counts disagreements on all 10,000 test images).
public struct OutputFixedPoint: Sendable, Equatable {
    /// scale_j, in units of 2^−F per unit of s.
    public let scale: [Int32]
    /// offset_j, in units of 2^−F.
    public let offset: [Int64]
    /// The binary point F.
    public let fractionBits: Int

    /// Why an output layer cannot be put in fixed point.
    public struct Unrepresentable: Error, CustomStringConvertible {
        public let largestScale: Double
        public var description: String {
            "the output layer's BatchNorm scale γ/σ reaches \(largestScale), too large for a 32-bit fixed-point scale"
        }
    }

    /// Fixed point for a_j = c_j · s + d_j over sums with |s| <= `largestSum`.
    public init(slopes c: [Double], intercepts d: [Double], largestSum: Int) throws(Unrepresentable) {
        let maxC = c.map(abs).max() ?? 0, maxD = d.map(abs).max() ?? 0
        var f = 62
        if maxC > 0 { f = min(f, Int((Double(Int32.max) / maxC).exponent)) }
        let reach = maxC * Double(largestSum) + maxD
        if reach > 0 { f = min(f, Int((Double(Int64(1) << 61) / reach).exponent)) }
        guard f >= 0 else { throw Unrepresentable(largestScale: maxC) }
        let unit = Double(sign: .plus, exponent: f, significand: 1)
        fractionBits = f
        scale = c.map { Int32(($0 * unit).rounded()) }
        offset = d.map { Int64(($0 * unit).rounded()) }
    }

    /// The output layer of `model` (the last packed layer) in fixed point.
    public init(outputOf model: PackedModel) throws(Unrepresentable) {
        let bn = model.outputBatchNorm
        let last = model.layerCount - 1
        let inputs = model.widths[last]
        let gain = (0..<bn.count).map { Double(bn.gamma[$0]) / Double(bn.standardDeviation[$0]) }
        var shift = bn.mean.map(Double.init)
        var slopes = gain
        var largestSum = inputs
        if last == 0 {
            // s' = P / 127.5 − ΣW_b: the pixel scale goes into the slope, ΣW_b into the shift.
            let weights = model.weights(layer: 0)
            for j in 0..<bn.count {
                shift[j] += Double(2 * weights.popcount(row: j) - inputs)
                slopes[j] = gain[j] / Double(PixelScaling.scale)
            }
            largestSum = 255 * inputs
        }
        let intercepts = (0..<bn.count).map { Double(bn.beta[$0]) - gain[$0] * shift[$0] }
        try self.init(slopes: slopes, intercepts: intercepts, largestSum: largestSum)
    }

    /// The score of class j for the integer sum s.
    public func score(_ j: Int, sum s: Int32) -> Int64 { Int64(scale[j]) * Int64(s) + offset[j] }
}
