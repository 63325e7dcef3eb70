/// How many of a binary convolution's Cout×Cin 3×3 kernels are distinct, counting a
/// kernel and its negation as one.
///
/// A 3×3 binary kernel is one of 2^9 = 512 sign patterns, 256 up to negation; in a layer
/// with thousands of kernels many repeat, and only the distinct ones would need computing
/// (the blog's observation). The weights are [Cout][ky][kx][Cin]; only signs are read.
public enum UniqueFilters {
    public static func count(weights: UnsafePointer<Float>, outputChannels: Int, inputChannels: Int) -> Int {
        var seen = [Bool](repeating: false, count: 256)
        var distinct = 0
        let patch = 9 * inputChannels
        for o in 0..<outputChannels {
            for c in 0..<inputChannels {
                var pattern = 0
                for tap in 0..<9 where weights[o * patch + tap * inputChannels + c] >= 0 { pattern |= 1 << tap }
                // A pattern and its negation share a class: keep the one with tap 8 clear.
                let canonical = pattern & 0x100 != 0 ? pattern ^ 0x1FF : pattern
                if !seen[canonical] { seen[canonical] = true; distinct += 1 }
            }
        }
        return distinct
    }

    /// The most classes there can be: min(256, Cout·Cin).
    public static func maximum(outputChannels: Int, inputChannels: Int) -> Int {
        min(256, outputChannels * inputChannels)
    }
}
