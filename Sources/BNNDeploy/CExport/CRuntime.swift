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
    case borderEdge
    case convolutionFromPixels
    case convolutionFromBits
    case maxPool

    static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }

    /// The functions this one calls (emitted before it).
    var dependencies: [CRuntimeFunction] {
        switch self {
        case .popcount, .bitPlanes, .thresholdBit, .classScore, .borderEdge, .maxPool: return []
        case .pixelProduct, .binaryProduct: return [.popcount]
        case .denseHiddenFromPixels: return [.pixelProduct, .thresholdBit]
        case .denseHiddenFromBits: return [.binaryProduct, .thresholdBit]
        case .denseOutputFromPixels: return [.pixelProduct, .classScore]
        case .denseOutputFromBits: return [.binaryProduct, .classScore]
        case .convolutionFromPixels: return [.borderEdge, .thresholdBit]
        case .convolutionFromBits: return [.binaryProduct, .thresholdBit]
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
        case .denseHiddenFromPixels: return Self.dense(fromPixels: true, hidden: true)
        case .denseHiddenFromBits: return Self.dense(fromPixels: false, hidden: true)
        case .denseOutputFromPixels: return Self.dense(fromPixels: true, hidden: false)
        case .denseOutputFromBits: return Self.dense(fromPixels: false, hidden: false)
        case .borderEdge:
            return """
            /* Where row (or column) i of n lies: 0 inside, 1 first, 2 last, 3 both (n == 1). The border class
               edge(y, h) * 4 + edge(x, w) says which of a 3x3 window's taps are inside the image. */
            static int32_t bnn_border_edge(int32_t i, int32_t n)
            {
                return n == 1 ? 3 : i == 0 ? 1 : i == n - 1 ? 2 : 0;
            }
            """
        case .convolutionFromPixels:
            return """
            /* The first convolution (3x3, stride 1, zero-padded) on h x w x cin raw pixels: per position and
               output channel j, P = p . w_b over the taps inside the image, exactly in integers (w_b = +1 where
               bit (ky * 3 + kx) * cin + c of row j is set), then bit j = (P >= T) XOR flip_j with the thresholds
               of the position's border class (row class_row[class] of `thresholds`, cout per row). */
            static void bnn_conv_from_pixels(const uint8_t *pixels, int32_t h, int32_t w, int32_t cin,
                const uint32_t *weights, int32_t row_words, const int32_t *thresholds, const uint8_t *class_row,
                const uint32_t *flip, int32_t cout, uint32_t *out)
            {
                int32_t out_words = (cout + 31) / 32;
                memset(out, 0, (size_t)(h * w * out_words) * sizeof out[0]);
                for (int32_t y = 0; y < h; y++) {
                    for (int32_t x = 0; x < w; x++) {
                        const int32_t *t = thresholds + class_row[bnn_border_edge(y, h) * 4 + bnn_border_edge(x, w)] * cout;
                        uint32_t *o = out + (y * w + x) * out_words;
                        for (int32_t j = 0; j < cout; j++) {
                            const uint32_t *wj = weights + j * row_words;
                            int32_t p = 0;
                            for (int32_t tap = 0; tap < 9; tap++) {
                                int32_t yy = y + tap / 3 - 1, xx = x + tap % 3 - 1;
                                if (yy < 0 || yy >= h || xx < 0 || xx >= w) continue;
                                for (int32_t c = 0; c < cin; c++) {
                                    int32_t bit = tap * cin + c, v = pixels[(yy * w + xx) * cin + c];
                                    p += ((wj[bit >> 5] >> (bit & 31)) & 1u) ? v : -v;
                                }
                            }
                            bnn_threshold_bit(o, j, p, t, flip);
                        }
                    }
                }
            }
            """
        case .convolutionFromBits:
            return """
            /* A binary convolution (3x3, stride 1) on h x w x cin packed +1/-1 values, (cin + 31) / 32 words per
               position: per position and output channel j, the true sum s over the 9 taps (row j holds a tap's
               cin bits in as many words); a tap outside the image reads +1 (one_padding: it adds the sum of its
               weights, 2 popcount(w) - cin) or 0 (zero-padding); then bit j = (s >= T_j) XOR flip_j. */
            static void bnn_conv_from_bits(const uint32_t *in, int32_t h, int32_t w, int32_t cin, const uint32_t *weights,
                const int32_t *thresholds, const uint32_t *flip, int32_t cout, int32_t one_padding, uint32_t *out)
            {
                int32_t in_words = (cin + 31) / 32, out_words = (cout + 31) / 32;
                memset(out, 0, (size_t)(h * w * out_words) * sizeof out[0]);
                for (int32_t y = 0; y < h; y++) {
                    for (int32_t x = 0; x < w; x++) {
                        uint32_t *o = out + (y * w + x) * out_words;
                        for (int32_t j = 0; j < cout; j++) {
                            int32_t s = 0;
                            for (int32_t tap = 0; tap < 9; tap++) {
                                int32_t yy = y + tap / 3 - 1, xx = x + tap % 3 - 1;
                                const uint32_t *wt = weights + (j * 9 + tap) * in_words;
                                if (yy >= 0 && yy < h && xx >= 0 && xx < w) {
                                    s += bnn_binary_product(in + (yy * w + xx) * in_words, wt, in_words, cin);
                                } else if (one_padding) {
                                    int32_t plus = 0;
                                    for (int32_t i = 0; i < in_words; i++) plus += BNN_POPCOUNT32(wt[i]);
                                    s += 2 * plus - cin;
                                }
                            }
                            bnn_threshold_bit(o, j, s, thresholds, flip);
                        }
                    }
                }
            }
            """
        case .maxPool:
            return """
            /* 2x2 max-pooling (stride 2, odd rows and columns dropped) of packed bits, `words` words per position.
               Pooling comes before BatchNorm + sign, and the bit (s >= T) XOR flip is monotone in s: the pooled
               bit is the OR of the four where flip is 0 and their AND where it is 1. */
            static void bnn_max_pool(const uint32_t *in, int32_t h, int32_t w, int32_t words, const uint32_t *flip,
                uint32_t *out)
            {
                for (int32_t y = 0; y < h / 2; y++) {
                    for (int32_t x = 0; x < w / 2; x++) {
                        const uint32_t *a = in + (2 * y * w + 2 * x) * words, *b = a + w * words;
                        uint32_t *o = out + (y * (w / 2) + x) * words;
                        for (int32_t k = 0; k < words; k++) {
                            uint32_t any = a[k] | a[k + words] | b[k] | b[k + words];
                            uint32_t all = a[k] & a[k + words] & b[k] & b[k + words];
                            o[k] = (any & ~flip[k]) | (all & flip[k]);
                        }
                    }
                }
            }
            """
        }
    }

    /// The four dense layer functions: the first layer's bit-plane product or a binary one,
    /// then a hidden layer's thresholds (packed bits out) or the output layer's class scores.
    private static func dense(fromPixels: Bool, hidden: Bool) -> String {
        let name = "bnn_dense_" + (hidden ? "hidden" : "output") + (fromPixels ? "_from_pixels" : "_from_bits")
        let what = switch (fromPixels, hidden) {
        case (true, true): "A first dense layer: n binarized outputs from the image's bit planes."
        case (false, true): "A hidden dense layer: n binarized outputs from k packed binary inputs."
        case (true, false): "A network of one dense layer: the class with the largest fixed-point score of P."
        case (false, false): "The output layer: the class with the largest fixed-point score of s."
        }
        let input = fromPixels ? "const uint32_t *planes, int32_t in_words, int32_t pixel_sum"
                               : "const uint32_t *in, int32_t in_words, int32_t k"
        let product = fromPixels ? "bnn_pixel_product(planes, in_words, pixel_sum, weights + j * in_words)"
                                 : "bnn_binary_product(in, weights + j * in_words, in_words, k)"
        let step = hidden ? "const int32_t *thresholds, const uint32_t *flip, int32_t n, uint32_t *out"
                          : "const int32_t *scale, const int64_t *offset, int32_t n"
        let before = hidden ? ["    memset(out, 0, (size_t)((n + 31) / 32) * sizeof out[0]);"]
                            : ["    int best = 0;", "    int64_t best_score = 0;"]
        let apply = hidden ? "bnn_threshold_bit(out, j, s, thresholds, flip);"
                           : "bnn_class_score(j, s, scale, offset, &best, &best_score);"
        return (["/* \(what) */",
                 "static \(hidden ? "void" : "int") \(name)(\(input),",
                 "    const uint32_t *weights, \(step))",
                 "{"] + before + [
                 "    for (int32_t j = 0; j < n; j++) {",
                 "        int32_t s = \(product);",
                 "        \(apply)",
                 "    }"] + (hidden ? [] : ["    return best;"]) + ["}"]).joined(separator: "\n")
    }
}

