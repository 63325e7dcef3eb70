import BNNSupport

/// 2×2 max-pooling (stride 2, odd rows and columns dropped) of packed binary activations.
///
/// BinaryNet pools a convolution's sums before its BatchNorm and sign. The folded
/// comparison bit = (s >= T) XOR flip is monotone in s, non-decreasing when flip = 0
/// (γ ≥ 0) and non-increasing when flip = 1 (γ < 0), so sign(BN(max s)) is the OR of the
/// four bits for a direct channel and their AND for a flipped one:
/// out = (a|b|c|d) & ~flip | (a&b&c&d) & flip, 64 channels per word.
struct PackedMaxPool: Sendable, Equatable {
    let inputShape: FeatureShape
    /// Flip bits of the channels, ⌈C/64⌉ words (from the convolution being pooled).
    let flip: [UInt64]

    var outputShape: FeatureShape {
        FeatureShape(height: inputShape.height / 2, width: inputShape.width / 2, channels: inputShape.channels)
    }
    var inputLayout: PositionWordLayout { PositionWordLayout(positions: inputShape.positions, channels: inputShape.channels) }
    var outputLayout: PositionWordLayout { PositionWordLayout(positions: outputShape.positions, channels: outputShape.channels) }

    /// Pools `images` images of packed activations.
    func apply(_ input: UnsafePointer<UInt64>, images: Int, into output: UnsafeMutablePointer<UInt64>) {
        let w = inputShape.width, wpp = inputLayout.wordsPerPosition
        let oh = outputShape.height, ow = outputShape.width
        let inWords = inputLayout.words, outWords = outputLayout.words
        flip.withUnsafeBufferPointer { fl in
            for i in 0..<images {
                let src = input + i * inWords, dst = output + i * outWords
                for y in 0..<oh {
                    for x in 0..<ow {
                        let a = src + ((2 * y) * w + 2 * x) * wpp, c = a + w * wpp
                        let o = dst + (y * ow + x) * wpp
                        for k in 0..<wpp {
                            let any = a[k] | a[k + wpp] | c[k] | c[k + wpp]
                            let all = a[k] & a[k + wpp] & c[k] & c[k + wpp]
                            o[k] = (any & ~fl[k]) | (all & fl[k])
                        }
                    }
                }
            }
        }
    }
}
