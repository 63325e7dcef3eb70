/// One layer of the generated C program, by kind.
///
/// A kind knows what it reads (the image's bit planes or packed ±1 bits), what it
/// produces (packed bits for the next layer, or the predicted class), the `const`
/// arrays it needs in flash and the runtime functions it calls. `CModelGenerator`
/// only strings kinds together, so new kinds (binary convolution, max pooling) slot
/// in as new conformers without touching the dense ones.
protocol CLayer {
    /// What the layer reads.
    var input: CLayerInput { get }
    /// Packed output bits for the next layer, or nil for the layer that picks the class.
    var outputBits: Int? { get }
    /// The runtime functions its call uses.
    var runtimeFunctions: [CRuntimeFunction] { get }
    /// Its `const` arrays, named with `prefix` (e.g. "bnn_layer1").
    func constants(prefix: String, into text: inout CSourceText)
    /// Bytes its `const` arrays take.
    var constantBytes: Int { get }
    /// One C statement running the layer: `input` and `output` are C expressions of
    /// `uint32_t *` buffers; a layer that picks the class returns it.
    func call(prefix: String, input: String, output: String) -> String
    /// One line for the header's comment block, e.g. "dense 784 -> 1024, 8-bit pixels in, sign out".
    var summary: String { get }
}

/// Where a layer's input comes from.
enum CLayerInput: Equatable {
    /// The image as 8 bit planes of `pixels` pixels (`bnn_bit_planes`), plus their sum `pixel_sum`.
    case pixelPlanes(pixels: Int)
    /// `count` ±1 values packed 32 to a word (1 = +1).
    case bits(count: Int)

    /// 32-bit words one copy of this input takes.
    var words: Int {
        switch self {
        case .pixelPlanes(let pixels): return 8 * CWords.count(forBits: pixels)
        case .bits(let count): return CWords.count(forBits: count)
        }
    }
}

/// The packing of ±1 values in the generated C: 32 per `uint32_t`, value i at word i / 32, bit i % 32.
enum CWords {
    static func count(forBits bits: Int) -> Int { (bits + 31) / 32 }
}
