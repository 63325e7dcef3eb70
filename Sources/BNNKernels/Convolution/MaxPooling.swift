import BNNSupport
import CTrainingKernels

/// 2×2 max-pooling with stride 2 on NHWC tensors (odd sizes drop the last row/column,
/// as floor division does in Lasagne and PyTorch), in C (`bnn_maxpool2x2_forward`).
///
/// The forward pass remembers which of the four inputs won (0-3 in the window, the first
/// one on ties), so the backward pass routes each output gradient to exactly that input.
public enum MaxPooling {
    /// output (rows x ⌊H/2⌋ x ⌊W/2⌋ x C) and the winner's place in its window per output value.
    public static func forward(input: UnsafePointer<Float>, rows: Int, height h: Int, width w: Int, channels c: Int,
                               output: UnsafeMutablePointer<Float>, winners: UnsafeMutablePointer<UInt8>, threads: Int) {
        let x = SendablePointer(readOnly: input), out = SendablePointer(output), k = SendablePointer(winners)
        ImageBands.run(count: rows, threads: threads, work: rows * h * w * c) { images in
            bnn_maxpool2x2_forward(h, w, c, x.pointer, images.lowerBound, images.count, out.pointer, k.pointer)
        }
    }

    /// inputGradient (rows x H x W x C): each output gradient at its winner, 0 elsewhere.
    public static func backward(outputGradient: UnsafePointer<Float>, winners: UnsafePointer<UInt8>, rows: Int,
                                height h: Int, width w: Int, channels c: Int,
                                inputGradient: UnsafeMutablePointer<Float>, threads: Int) {
        let g = SendablePointer(readOnly: outputGradient), k = SendablePointer(readOnly: winners)
        let gin = SendablePointer(inputGradient)
        ImageBands.run(count: rows, threads: threads, work: rows * h * w * c) { images in
            bnn_maxpool2x2_backward(h, w, c, g.pointer, k.pointer, images.lowerBound, images.count, gin.pointer)
        }
    }
}
