/// The model-independent C functions the generated `bnn_model.c` is built from.
///
/// Each layer kind names the functions it calls; the generator emits only those
/// (in this order), so `-Wall -Werror` never sees an unused static function.
/// Every function is C99 on `uint32_t` words and `int32_t`/`int64_t` sums: no
/// floating point, no library call but `memset`, and no byte is ever read as part of a word
/// (words are only built with shifts and read as whole `uint32_t` values), so
/// the result does not depend on the target's byte order.
enum CRuntimeFunction: Int, CaseIterable, Comparable {
    case popcount
    case bitPlanes
    case pixelProduct
    case binaryProduct
    case thresholdBit
    case classScore
    case denseHiddenFromPixels
    case denseHiddenFromBits
    case denseOutputFromPixels
    case denseOutputFromBits

    static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }

    /// The functions this one calls (emitted before it).
    var dependencies: [CRuntimeFunction] {
        switch self {
        case .popcount, .bitPlanes, .thresholdBit, .classScore: return []
        case .pixelProduct, .binaryProduct: return [.popcount]
        case .denseHiddenFromPixels: return [.pixelProduct, .thresholdBit]
        case .denseHiddenFromBits: return [.binaryProduct, .thresholdBit]
        case .denseOutputFromPixels: return [.pixelProduct, .classScore]
        case .denseOutputFromBits: return [.binaryProduct, .classScore]
        }
    }

    /// `functions` and everything they call, in emission order.
    static func closure(of functions: [CRuntimeFunction]) -> [CRuntimeFunction] {
        var all = Set<CRuntimeFunction>()
        func add(_ f: CRuntimeFunction) {
            guard all.insert(f).inserted else { return }
            f.dependencies.forEach(add)
        }
        functions.forEach(add)
        return all.sorted()
    }

    /// The C text of the function.
    var source: String {
        switch self {
        case .popcount:
            return """
            /* Number of set bits of a 32-bit word. Define BNN_POPCOUNT32(x) before compiling to use
               the target's instruction (e.g. __builtin_popcount on a core that has one). */
            #ifndef BNN_POPCOUNT32
            static int32_t bnn_popcount32(uint32_t x)
            {
                x = x - ((x >> 1) & 0x55555555u);
                x = (x & 0x33333333u) + ((x >> 2) & 0x33333333u);
                x = (x + (x >> 4)) & 0x0F0F0F0Fu;
                return (int32_t)((uint32_t)(x * 0x01010101u) >> 24);
            }
            #define BNN_POPCOUNT32(x) bnn_popcount32(x)
            #endif
            """
        case .bitPlanes:
            return """
            /* Splits n raw pixels into 8 bit planes of `words` words (plane q at planes + q * words,
               pixel i at word i / 32, bit i % 32) and returns the sum of the pixels. */
            static int32_t bnn_bit_planes(const uint8_t *pixels, int32_t n, int32_t words, uint32_t *planes)
            {
                int32_t sum = 0;
                memset(planes, 0, (size_t)(8 * words) * sizeof planes[0]);
                for (int32_t i = 0; i < n; i++) {
                    uint32_t p = pixels[i];
                    uint32_t bit = (uint32_t)1 << (i & 31);
                    sum += (int32_t)p;
                    for (int32_t q = 0; q < 8; q++) {
                        if ((p >> q) & 1u) planes[q * words + (i >> 5)] |= bit;
                    }
                }
                return sum;
            }
            """
        case .pixelProduct:
            return """
            /* P = p . w_b for one neuron (w_b = +1 where its bit is set, -1 elsewhere), exactly:
               the pixels under +1 weights are sum_q 2^q popcount(plane_q AND w), so P = 2 that - sum(p). */
            static int32_t bnn_pixel_product(const uint32_t *planes, int32_t words, int32_t pixel_sum, const uint32_t *w)
            {
                int32_t under_plus = 0;
                for (int32_t q = 0; q < 8; q++) {
                    int32_t c = 0;
                    for (int32_t i = 0; i < words; i++) c += BNN_POPCOUNT32(planes[q * words + i] & w[i]);
                    under_plus += c * ((int32_t)1 << q);
                }
                return 2 * under_plus - pixel_sum;
            }
            """
        case .binaryProduct:
            return """
            /* s = a . w_b of k values +1/-1 packed in `words` words (bits past k are 0 in both): k - 2 popcount(a XOR w). */
            static int32_t bnn_binary_product(const uint32_t *a, const uint32_t *w, int32_t words, int32_t k)
            {
                int32_t differ = 0;
                for (int32_t i = 0; i < words; i++) differ += BNN_POPCOUNT32(a[i] ^ w[i]);
                return k - 2 * differ;
            }
            """
        case .thresholdBit:
            return """
            /* Sets bit j of out to sign(BatchNorm(s)) = (s >= T_j) XOR flip_j (1 means +1, sign(0) = +1). */
            static void bnn_threshold_bit(uint32_t *out, int32_t j, int32_t s, const int32_t *thresholds, const uint32_t *flip)
            {
                uint32_t fires = (uint32_t)(s >= thresholds[j]) ^ ((flip[j >> 5] >> (j & 31)) & 1u);
                out[j >> 5] |= fires << (j & 31);
            }
            """
        case .classScore:
            return """
            /* Class j's fixed-point score scale_j s + offset_j; keeps it in *best when it is larger than
               every score before it (strict >: the first class wins ties, as eval). */
            static void bnn_class_score(int32_t j, int32_t s, const int32_t *scale, const int64_t *offset,
                                        int *best, int64_t *best_score)
            {
                int64_t score = (int64_t)scale[j] * s + offset[j];
                if (j == 0 || score > *best_score) { *best = (int)j; *best_score = score; }
            }
            """
        case .denseHiddenFromPixels:
            return """
            /* A first dense layer: n binarized outputs from the image's bit planes. */
            static void bnn_dense_hidden_from_pixels(const uint32_t *planes, int32_t in_words, int32_t pixel_sum,
                                                     const uint32_t *weights, const int32_t *thresholds,
                                                     const uint32_t *flip, int32_t n, uint32_t *out)
            {
                memset(out, 0, (size_t)((n + 31) / 32) * sizeof out[0]);
                for (int32_t j = 0; j < n; j++) {
                    int32_t s = bnn_pixel_product(planes, in_words, pixel_sum, weights + j * in_words);
                    bnn_threshold_bit(out, j, s, thresholds, flip);
                }
            }
            """
        case .denseHiddenFromBits:
            return """
            /* A hidden dense layer: n binarized outputs from k packed binary inputs. */
            static void bnn_dense_hidden_from_bits(const uint32_t *in, int32_t in_words, int32_t k,
                                                   const uint32_t *weights, const int32_t *thresholds,
                                                   const uint32_t *flip, int32_t n, uint32_t *out)
            {
                memset(out, 0, (size_t)((n + 31) / 32) * sizeof out[0]);
                for (int32_t j = 0; j < n; j++) {
                    int32_t s = bnn_binary_product(in, weights + j * in_words, in_words, k);
                    bnn_threshold_bit(out, j, s, thresholds, flip);
                }
            }
            """
        case .denseOutputFromPixels:
            return """
            /* A network of one dense layer: the class with the largest fixed-point score of P. */
            static int bnn_dense_output_from_pixels(const uint32_t *planes, int32_t in_words, int32_t pixel_sum,
                                                    const uint32_t *weights, const int32_t *scale,
                                                    const int64_t *offset, int32_t n)
            {
                int best = 0;
                int64_t best_score = 0;
                for (int32_t j = 0; j < n; j++) {
                    int32_t s = bnn_pixel_product(planes, in_words, pixel_sum, weights + j * in_words);
                    bnn_class_score(j, s, scale, offset, &best, &best_score);
                }
                return best;
            }
            """
        case .denseOutputFromBits:
            return """
            /* The output layer: the class with the largest fixed-point score of s. */
            static int bnn_dense_output_from_bits(const uint32_t *in, int32_t in_words, int32_t k,
                                                  const uint32_t *weights, const int32_t *scale,
                                                  const int64_t *offset, int32_t n)
            {
                int best = 0;
                int64_t best_score = 0;
                for (int32_t j = 0; j < n; j++) {
                    int32_t s = bnn_binary_product(in, weights + j * in_words, in_words, k);
                    bnn_class_score(j, s, scale, offset, &best, &best_score);
                }
                return best;
            }
            """
        }
    }
}
