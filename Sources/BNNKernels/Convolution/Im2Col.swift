import BNNSupport
/// im2col and col2im for 3×3 convolutions on NHWC tensors (see `ConvolutionGeometry`).
///
/// im2col turns a batch into a matrix of patches: row (n, y, x) holds the 3×3×C values
/// around (y, x) ordered (ky, kx, c), so a convolution becomes one matrix product with the
/// weights [Cout][ky][kx][Cin]. Taps outside the image read `padding` (0, or +1 for the
/// one-padding of binary layers). col2im is its adjoint: it adds every patch value back to
/// the pixel it came from (the input gradient of a convolution).
public enum Im2Col {
    /// columns (rows·H·W x 9·C) from input (rows x H x W x C).
    public static func patches(input: UnsafePointer<Float>, rows: Int, geometry g: ConvolutionGeometry,
                               padding: Float, columns: UnsafeMutablePointer<Float>, threads: Int) {
        let h = g.inputHeight, w = g.inputWidth, c = g.inputChannels
        let source = SendablePointer(readOnly: input), target = SendablePointer(columns)
        ImageBands.run(count: rows, threads: threads, work: rows * g.outputPositions * g.patchLength) { images in
            forEachTap(images: images, height: h, width: w) { tapIndex, pixel in
                let tap = target.pointer + tapIndex * c
                if let pixel {
                    let values = source.pointer + pixel * c
                    if c < 8 {  // a few channels: a call to memmove per tap costs more than the copy
                        for j in 0..<c { tap[j] = values[j] }
                    } else {
                        tap.update(from: values, count: c)
                    }
                } else {
                    for j in 0..<c { tap[j] = padding }
                }
            }
        }
    }

    /// gradient (rows x H x W x C) = the sum of every patch value of `columns` at its pixel.
    public static func accumulate(columns: UnsafePointer<Float>, rows: Int, geometry g: ConvolutionGeometry,
                                  into gradient: UnsafeMutablePointer<Float>, threads: Int) {
        let h = g.inputHeight, w = g.inputWidth, c = g.inputChannels
        let source = SendablePointer(readOnly: columns), target = SendablePointer(gradient)
        ImageBands.run(count: rows, threads: threads, work: rows * g.outputPositions * g.patchLength) { images in
            (target.pointer + images.lowerBound * h * w * c).update(repeating: 0, count: images.count * h * w * c)
            forEachTap(images: images, height: h, width: w) { tapIndex, pixel in
                guard let pixel else { return }
                let tap = source.pointer + tapIndex * c, pixelGradient = target.pointer + pixel * c
                for j in 0..<c { pixelGradient[j] += tap[j] }
            }
        }
    }

    /// The one walk over 3×3 patches that im2col and col2im share: for every output
    /// position of `images` (images of H x W, stride 1, padding 1) and its nine taps in
    /// patch order (ky, kx), calls `body` with the tap's index in the patch matrix
    /// (position · 9 + tap) and the input pixel it reads (image · H·W + y'·W + x'), or nil
    /// for a tap outside the image.
    @inline(__always)
    static func forEachTap(images: Range<Int>, height h: Int, width w: Int, _ body: (_ tapIndex: Int, _ pixel: Int?) -> Void) {
        for n in images {
            for y in 0..<h {
                for x in 0..<w {
                    let position = (n * h + y) * w + x
                    for ky in -1...1 {
                        let iy = y + ky
                        for kx in -1...1 {
                            let ix = x + kx
                            let inside = iy >= 0 && iy < h && ix >= 0 && ix < w
                            body(position * 9 + (ky + 1) * 3 + kx + 1, inside ? (n * h + iy) * w + ix : nil)
                        }
                    }
                }
            }
        }
    }
}
