/// 2×2 max-pooling with stride 2 on NHWC tensors (odd sizes drop the last row/column,
/// as floor division does in Lasagne and PyTorch).
///
/// The forward pass remembers which of the four inputs won (the first one on ties), so
/// the backward pass routes each output gradient to exactly that input.
public enum MaxPooling {
    /// output (rows x ⌊H/2⌋ x ⌊W/2⌋ x C) and the winner's input index per output value.
    public static func forward(input: UnsafePointer<Float>, rows: Int, height h: Int, width w: Int, channels c: Int,
                               output: UnsafeMutablePointer<Float>, winners: UnsafeMutablePointer<Int32>) {
        let oh = h / 2, ow = w / 2
        for n in 0..<rows {
            let image = n * h * w * c
            var o = n * oh * ow * c
            for y in 0..<oh {
                for x in 0..<ow {
                    let p00 = image + ((2 * y) * w + 2 * x) * c
                    for j in 0..<c {
                        let first = p00 + j
                        var best = first, value = input[first]
                        if input[first + c] > value { best = first + c; value = input[best] }
                        if input[first + w * c] > value { best = first + w * c; value = input[best] }
                        if input[first + w * c + c] > value { best = first + w * c + c; value = input[best] }
                        output[o] = value
                        winners[o] = Int32(truncatingIfNeeded: best)
                        o += 1
                    }
                }
            }
        }
    }

    /// inputGradient (rows x H x W x C): each output gradient at its winner, 0 elsewhere.
    public static func backward(outputGradient: UnsafePointer<Float>, winners: UnsafePointer<Int32>, outputCount: Int,
                                inputCount: Int, inputGradient: UnsafeMutablePointer<Float>) {
        inputGradient.update(repeating: 0, count: inputCount)
        for o in 0..<outputCount { inputGradient[Int(winners[o])] += outputGradient[o] }
    }
}
