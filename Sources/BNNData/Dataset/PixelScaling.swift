/// The map from a stored pixel byte to the network's input value.
///
/// As in Courbariaux, Hubara et al.'s MNIST experiments, inputs are scaled to
/// [-1, 1]: `x = p / 127.5 - 1`, so black (0) is exactly -1, white (255) exactly
/// +1, and the sign of an input is its binarization at 127.5. The 256 possible
/// values are precomputed once (in Double, rounded to Float) so converting a batch
/// is a table lookup per pixel.
public enum PixelScaling {
    /// `table[p] == Float(Double(p) / 127.5 - 1)` for every byte `p`.
    public static let table: [Float] = (0...255).map { Float(Double($0) / 127.5 - 1.0) }

    /// The input value of one pixel byte.
    @inlinable
    public static func value(_ pixel: UInt8) -> Float {
        Float(Double(pixel) / 127.5 - 1.0)
    }
}
