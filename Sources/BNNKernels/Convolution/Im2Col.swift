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
        let h = g.inputHeight, w = g.inputWidth, c = g.inputChannels, k = g.patchLength
        let source = SendablePointer(readOnly: input), target = SendablePointer(columns)
        ImageBands.run(count: rows, threads: threads, work: rows * g.outputPositions * k) { images in
            let input = source.pointer, columns = target.pointer
            for n in images {
                let image = input + n * h * w * c
                var row = columns + n * g.outputPositions * k
                for y in 0..<h {
                    for x in 0..<w {
                        var tap = row
                        for ky in -1...1 {
                            let iy = y + ky
                            for kx in -1...1 {
                                let ix = x + kx
                                if iy >= 0 && iy < h && ix >= 0 && ix < w {
                                    let pixel = image + (iy * w + ix) * c
                                    if c < 8 {  // a few channels: a call to memmove per tap costs more than the copy
                                        for j in 0..<c { tap[j] = pixel[j] }
                                    } else {
                                        tap.update(from: pixel, count: c)
                                    }
                                } else {
                                    for j in 0..<c { tap[j] = padding }
                                }
                                tap += c
                            }
                        }
                        row += k
                    }
                }
            }
        }
    }

    /// gradient (rows x H x W x C) = the sum of every patch value of `columns` at its pixel.
    public static func accumulate(columns: UnsafePointer<Float>, rows: Int, geometry g: ConvolutionGeometry,
                                  into gradient: UnsafeMutablePointer<Float>, threads: Int) {
        let h = g.inputHeight, w = g.inputWidth, c = g.inputChannels, k = g.patchLength
        let source = SendablePointer(readOnly: columns), target = SendablePointer(gradient)
        ImageBands.run(count: rows, threads: threads, work: rows * g.outputPositions * k) { images in
            let columns = source.pointer, gradient = target.pointer
            for n in images {
                let image = gradient + n * h * w * c
                image.update(repeating: 0, count: h * w * c)
                var row = columns + n * g.outputPositions * k
                for y in 0..<h {
                    for x in 0..<w {
                        var tap = row
                        for ky in -1...1 {
                            let iy = y + ky
                            for kx in -1...1 {
                                let ix = x + kx
                                if iy >= 0 && iy < h && ix >= 0 && ix < w {
                                    let pixel = image + (iy * w + ix) * c
                                    for j in 0..<c { pixel[j] += tap[j] }
                                }
                                tap += c
                            }
                        }
                        row += k
                    }
                }
            }
        }
    }
}
