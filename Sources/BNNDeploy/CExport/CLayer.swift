import BNNKernels

/// One layer of the generated C program, by kind.
///
/// A kind knows what it reads (the image's bit planes or packed ±1 bits), what it
/// produces (packed bits for the next layer, or the predicted class), the `const`
/// arrays it needs in flash and the runtime functions it calls. `CModelGenerator`
/// only strings kinds together: `DenseCLayer`, `ConvolutionCLayer`, `MaxPoolCLayer`.
protocol CLayer {
    /// What the layer reads.
    var input: CLayerInput { get }
    /// Words of packed output bits for the next layer, or nil for the layer that picks the class.
    var outputWords: Int? { get }
    /// The runtime functions its call uses.
    var runtimeFunctions: [CRuntimeFunction] { get }
    /// Its `const` arrays, named with `prefix` (e.g. "bnn_layer1").
    func constants(prefix: String, into text: inout CSourceText)
    /// Bytes its `const` arrays take.
    var constantBytes: Int { get }
    /// One C statement running the layer: `input` and `output` are C expressions of
    /// `uint32_t *` buffers (`pixels` for a first convolution); a layer that picks the class returns it.
    func call(prefix: String, input: String, output: String) -> String
    /// One line for the header's comment block, e.g. "dense 784 -> 1024, 8-bit pixels in, sign out".
    var summary: String { get }
}

/// Where a layer's input comes from.
enum CLayerInput: Equatable {
    /// The image as 8 bit planes of `pixels` pixels (`bnn_bit_planes`), plus their sum `pixel_sum`.
    case pixelPlanes(pixels: Int)
    /// The raw 8-bit image of this shape, read in place from `pixels` (a first convolution).
    case image(FeatureShape)
    /// ±1 values of this shape (NHWC) packed as `CWords` lays them out (1 = +1).
    case bits(FeatureShape)

    /// 32-bit words one copy of this input takes in scratch memory.
    var words: Int {
        switch self {
        case .pixelPlanes(let pixels): return 8 * CWords.count(forBits: pixels)
        case .image: return 0
        case .bits(let shape): return CWords.count(shape)
        }
    }
}

/// The packing of ±1 values in the generated C, 32 per `uint32_t`: each position's channels start
/// a new word (⌈C/32⌉ words per position), channel c at bit c % 32 of word c / 32; the bits past C
/// are 0. A vector (one position) is simply value i at word i / 32, bit i % 32.
enum CWords {
    static func count(forBits bits: Int) -> Int { (bits + 31) / 32 }

    /// Words of one activation of `shape`.
    static func count(_ shape: FeatureShape) -> Int { shape.positions * count(forBits: shape.channels) }

    /// The rows of `matrix` (each `positions` groups of columns / positions bits, the model file's
    /// order) as 32-bit words in this layout, row after row.
    static func rows(of matrix: BitPackedMatrix, positions: Int = 1) -> [UInt32] {
        let channels = matrix.columns / positions, perPosition = count(forBits: channels)
        let perRow = positions * perPosition
        var out = [UInt32](repeating: 0, count: matrix.rows * perRow)
        if positions == 1 || channels % 32 == 0 {
            // The layout is the plain bit order: copy halves of the 64-bit words.
            matrix.withUnsafeWords { w in
                for r in 0..<matrix.rows {
                    let row = w + r * matrix.wordsPerRow
                    for i in 0..<perRow { out[r * perRow + i] = UInt32(truncatingIfNeeded: row[i / 2] >> UInt64(32 * (i % 2))) }
                }
            }
            return out
        }
        for r in 0..<matrix.rows {
            for p in 0..<positions {
                for c in 0..<channels where matrix[r, p * channels + c] {
                    out[r * perRow + p * perPosition + c / 32] |= 1 << UInt32(c % 32)
                }
            }
        }
        return out
    }

    /// The first `bits` bits of 64-bit words (flip bits) as 32-bit words.
    static func words(bits: Int, of words64: [UInt64]) -> [UInt32] {
        (0..<count(forBits: bits)).map { UInt32(truncatingIfNeeded: words64[$0 / 2] >> UInt64(32 * ($0 % 2))) }
    }
}

extension FeatureShape {
    /// "28x28x1", or "784" for a vector: `description` in ASCII, for the generated C's comments.
    var asciiText: String { height == 1 && width == 1 ? "\(channels)" : "\(height)x\(width)x\(channels)" }
}
