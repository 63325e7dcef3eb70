/// Where a 3×3 window overhangs its image: one of 16 border classes per output position.
///
/// With padding 1 the taps of the window at (y, x) that fall outside the image depend
/// only on whether y is the first row, the last row, both (a 1-row image) or neither, and
/// the same for x. The packed convolution needs this because its folded thresholds
/// depend on which taps are real: the first layer's pre-activation is (p·W_b)/127.5
/// minus the sum of the weights of the inside taps, and a zero-padded binary layer's
/// product counts each outside tap as −1 where the engine counts 0.
enum ConvolutionBorder {
    static let classCount = 16

    /// 0 inside, 1 first row, 2 last row, 3 both (a dimension of 1).
    @inline(__always)
    static func edge(_ i: Int, _ size: Int) -> Int {
        size == 1 ? 3 : i == 0 ? 1 : i == size - 1 ? 2 : 0
    }

    /// The class of output position (y, x) of a height × width image.
    @inline(__always)
    static func index(y: Int, x: Int, height: Int, width: Int) -> Int {
        edge(y, height) * 4 + edge(x, width)
    }

    /// Whether kernel row (or column) k ∈ 0...2 lies inside the image for edge class e.
    @inline(__always)
    static func inside(edge e: Int, k: Int) -> Bool {
        switch k {
        case 0: return e == 0 || e == 2
        case 2: return e == 0 || e == 1
        default: return true
        }
    }

    /// Whether tap (ky, kx) is inside the image for border class c.
    static func tapInside(class c: Int, ky: Int, kx: Int) -> Bool {
        inside(edge: c / 4, k: ky) && inside(edge: c % 4, k: kx)
    }

    /// Σ over the inside taps and all input channels of W_b, per class and output channel:
    /// result[c][j]. `weights` holds W_b as Cout rows of 9·Cin bits ordered (ky, kx, c).
    static func insideWeightSums(weights w: BitPackedMatrix, inputChannels cin: Int) -> [[Int]] {
        let cout = w.rows
        var tapSums = [Int](repeating: 0, count: cout * 9)
        for j in 0..<cout {
            for t in 0..<9 {
                var s = 0
                for c in 0..<cin { s += w[j, t * cin + c] ? 1 : -1 }
                tapSums[j * 9 + t] = s
            }
        }
        return (0..<classCount).map { cls in
            (0..<cout).map { j in
                var s = 0
                for t in 0..<9 where tapInside(class: cls, ky: t / 3, kx: t % 3) { s += tapSums[j * 9 + t] }
                return s
            }
        }
    }

    /// Calls `body(class, rows)` for maximal runs of consecutive output rows (row r is
    /// position r % (height·width) of image r / (height·width)) that share a class.
    static func forEachRun(rows: Range<Int>, height: Int, width: Int, _ body: (Int, Range<Int>) -> Void) {
        let positions = height * width
        var start = rows.lowerBound
        while start < rows.upperBound {
            let p = start % positions, y = p / width, x = p % width
            let cls = index(y: y, x: x, height: height, width: width)
            // Inside a row only x = 0 and x = width − 1 differ from their neighbours.
            let runEnd: Int
            if x == 0 || x == width - 1 || width <= 2 {
                runEnd = start + 1
            } else {
                runEnd = min(rows.upperBound, start + (width - 1 - x))
            }
            body(cls, start..<runEnd)
            start = runEnd
        }
    }
}
