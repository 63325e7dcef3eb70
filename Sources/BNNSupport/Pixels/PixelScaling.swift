/// The map from a stored pixel byte p to the network's input value x = p / 127.5 − 1.
///
/// As in Courbariaux, Hubara et al.'s MNIST experiments, inputs are scaled to
/// [-1, 1]: black (0) is exactly -1, white (255) exactly +1, and the sign of an
/// input is its binarization at 127.5. Training converts batches with `table`
/// (the 256 values precomputed in Double, rounded to Float, so a batch is a
/// lookup per pixel); packed inference never converts pixels at all but uses
/// `preactivation(pixelProduct:weightSum:)`, which follows from the same map.
/// Model files store `scale` and `offset` so a reader can check them.
public enum PixelScaling {
    /// The divisor of x = p / scale + offset.
    public static let scale: Float = 127.5
    /// The offset of x = p / scale + offset.
    public static let offset: Float = -1

    /// `table[p] == Float(Double(p) / 127.5 - 1)` for every byte `p`.
    public static let table: [Float] = (0...255).map { value(UInt8($0)) }

    /// `aboveBlack[p] == Float(Double(p) / 127.5)`: x − offset, how far the input of byte `p`
    /// lies above black's −1 (0 for black). The first layer's weight gradient sums these
    /// (`PixelWeightGradient`), so black pixels cost nothing there.
    public static let aboveBlack: [Float] = (0...255).map { Float(Double($0) / 127.5) }

    /// The input value of one pixel byte.
    @inlinable
    public static func value(_ pixel: UInt8) -> Float {
        Float(Double(pixel) / 127.5 - 1.0)
    }

    /// s = x·W_b of one neuron from P = p·W_b and S = ΣW_b: since
    /// x·W_b = (p·W_b) / 127.5 − ΣW_b, the first layer's pre-activation follows
    /// from the exact integer p·W_b (computed from bit planes) and the column sum.
    @inlinable @inline(__always)
    public static func preactivation(pixelProduct: Float, weightSum: Float) -> Float {
        pixelProduct / scale - weightSum
    }
}
