/// The shape of one image's activations between two layers: height × width × channels (NHWC).
///
/// A dense layer's output is 1 × 1 × N; a convolution's keeps its input's height and
/// width; a 2×2 max-pooling halves both (floor). Flattening follows the memory order,
/// channels fastest: value (y, x, c) is feature (y·width + x)·channels + c.
public struct FeatureShape: Sendable, Hashable, CustomStringConvertible {
    public let height: Int
    public let width: Int
    public let channels: Int

    public init(height: Int, width: Int, channels: Int) {
        self.height = height
        self.width = width
        self.channels = channels
    }

    /// A flat vector of `count` features (the input or output of a dense layer).
    public static func vector(_ count: Int) -> FeatureShape { FeatureShape(height: 1, width: 1, channels: count) }

    /// The most values per image a layer's output may have in a packed model (2^22): bounds
    /// the scratch memory of a predictor.
    public static let maximumCount = 1 << 22

    /// Pixels (positions) per image.
    public var positions: Int { height * width }
    /// Values per image.
    public var count: Int { height * width * channels }

    /// "28×28×1", or "784" for a vector.
    public var description: String { height == 1 && width == 1 ? "\(channels)" : "\(height)×\(width)×\(channels)" }
}

/// How packed activations of one image lie in 64-bit words: each position's channels
/// start a new word (⌈C/64⌉ words per position), bit c of a position at bit c % 64 of
/// its word c / 64. Bits past C in a position's last word are 0.
///
/// A product over such a row runs over `kBits` bit positions (up to the last real
/// bit), of which `gapBits` are these zero gaps; since the weights have zeros there too,
/// each gap bit XNORs to +1 and the product exceeds the true sum by exactly `gapBits`.
/// When C is a multiple of 64 (or there is one position) there are no gaps.
struct PositionWordLayout: Sendable, Hashable {
    let positions: Int
    let channels: Int

    /// Words per position: ⌈C/64⌉.
    var wordsPerPosition: Int { (channels + 63) / 64 }
    /// Words of all positions.
    var words: Int { positions * wordsPerPosition }
    /// Bit positions a product covers: every word but the last in full, then C bits.
    var kBits: Int { (positions - 1) * wordsPerPosition * 64 + channels }
    /// Zero bits among `kBits` (raw product − true sum).
    var gapBits: Int { kBits - positions * channels }
    /// One position's words with every real channel bit set (+1 on every channel, gap bits
    /// 0): what a one-padded tap outside the image reads.
    var plusOneWords: [UInt64] {
        let rest = channels % 64
        return (0..<wordsPerPosition).map { k in k == wordsPerPosition - 1 && rest != 0 ? (1 << UInt64(rest)) - 1 : ~0 }
    }

    /// The bit position of value (position, channel).
    @inline(__always)
    func bit(position p: Int, channel c: Int) -> Int { p * wordsPerPosition * 64 + c }

    /// Rows of `logical` (positions·channels contiguous bits, channels fastest) re-laid
    /// out in this layout, one row per output; gaps are 0.
    func scatter(_ logical: BitPackedMatrix) -> BitPackedMatrix {
        precondition(logical.columns == positions * channels, "\(logical.columns) bits per row, layout has \(positions * channels)")
        if gapBits == 0 { return logical }
        let out = BitPackedMatrix(rows: logical.rows, columns: kBits)
        for j in 0..<logical.rows {
            let row = out.storage.pointer + j * out.wordsPerRow
            for p in 0..<positions {
                for c in 0..<channels where logical[j, p * channels + c] {
                    let b = bit(position: p, channel: c)
                    row[b / 64] |= 1 << UInt64(b % 64)
                }
            }
        }
        return out
    }
}
