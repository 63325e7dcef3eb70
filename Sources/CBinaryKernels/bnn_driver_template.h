// The cache-blocked drivers, instantiated once per instruction-set variant.
//
// Before including, a variant file defines:
//   BNN_SUFFIX            name suffix (portable, popcnt, avx2, avx512)
//   BNN_ATTR              __attribute__((target(...))) or nothing
//   BNN_MR, BNN_NR        XNOR register tile: rows of A x rows of B per micro-kernel call
//   BNN_GEMV_NR           rows of B per call when A has fewer than BNN_MR rows (batch 1)
//   BNN_TILE(MR, NR, a, lda, b, ldb, kw, out)
//                         always-inline micro-kernel: out[i*NR + j] = popcount(a_i XOR b_j)
//                         summed over kw words (uint64_t)
//   BNN_FULL_XNOR_TILE(a, lda, b, ldb, kw, k, c, ldc)   (optional)
//                         a full BNN_MR x BNN_NR tile that writes k - 2*popcount to c itself
//   BNN_XNOR_GEMM_SPLIT(m, n, k_bits, a, lda, b, ldb, c, ldc)   (optional)
//                         a whole XNOR product by another method; returns 0 (c untouched)
//                         for the shapes it leaves to the tiles
//   BNN_CONV_XNOR_PAIRED(h, w, in, pad, weights, ldw, n, k, first, count, sums, ldc)   (optional)
//                         the XNOR convolution with taps two to a word by another method;
//                         returns 0 (sums untouched) when it cannot run
//   BNN_CONV_PIXELS_DIRECT(h, w, cin, pixels, masks, n, first, count, sums, ldc)   (optional)
//                         the pixel convolution by another method; returns 0 (sums untouched)
//                         for the shapes it leaves to the loop here
//   BNN_PMR, BNN_PNR      bit-plane register tile: images x neurons
//   BNN_PLANE_GEMV_NR     neurons per bit-plane call when there are fewer than BNN_PMR images
//   BNN_PLANE_TILE(MR, NR, p, ldp, b, ldb, kw, out)
//                         out[i*NR + j] = sum_q 2^q popcount(plane_q of image i XOR b_j),
//                         planes interleaved: word w of plane q at p[i*ldp + 8*w + q]
//   BNN_COMPARE64(s, t, count)
//                         bits (s[u] >= t[u]) << u for u < count <= 64, as a uint64_t
// Every NR must divide 8 (B is blocked in multiples of 8 rows).
#define BNN_CAT_(a, b) a##_##b
#define BNN_CAT(a, b) BNN_CAT_(a, b)
#define BNN_FN(name) BNN_CAT(name, BNN_SUFFIX)

_Static_assert(8 % BNN_NR == 0 && 8 % BNN_GEMV_NR == 0 && 8 % BNN_PNR == 0 && 8 % BNN_PLANE_GEMV_NR == 0,
               "tile widths must divide 8");

// Calls a micro-kernel with compile-time tile sizes so that its accumulators stay
// in registers; edge tiles get their own copies, up to RMAX x CMAX.
#define BNN_EDGE_CASE(TILE, RMAX, CMAX, r, c)                                         \
    case (r) * 16 + (c):                                                              \
        if ((r) <= (RMAX) && (c) <= (CMAX)) TILE((r) <= (RMAX) ? (r) : 1,             \
            (c) <= (CMAX) ? (c) : 1, a, lda, b, ldb, kw, out);                        \
        return;
#define BNN_EDGE_ROW(TILE, RMAX, CMAX, r)                                             \
    BNN_EDGE_CASE(TILE, RMAX, CMAX, r, 1) BNN_EDGE_CASE(TILE, RMAX, CMAX, r, 2)       \
    BNN_EDGE_CASE(TILE, RMAX, CMAX, r, 3) BNN_EDGE_CASE(TILE, RMAX, CMAX, r, 4)       \
    BNN_EDGE_CASE(TILE, RMAX, CMAX, r, 5) BNN_EDGE_CASE(TILE, RMAX, CMAX, r, 6)       \
    BNN_EDGE_CASE(TILE, RMAX, CMAX, r, 7) BNN_EDGE_CASE(TILE, RMAX, CMAX, r, 8)
#define BNN_EDGE_SWITCH(TILE, RMAX, CMAX)                                             \
    switch (mr * 16 + nr) {                                                           \
        BNN_EDGE_ROW(TILE, RMAX, CMAX, 1) BNN_EDGE_ROW(TILE, RMAX, CMAX, 2)           \
        BNN_EDGE_ROW(TILE, RMAX, CMAX, 3) BNN_EDGE_ROW(TILE, RMAX, CMAX, 4)           \
        BNN_EDGE_ROW(TILE, RMAX, CMAX, 5) BNN_EDGE_ROW(TILE, RMAX, CMAX, 6)           \
        BNN_EDGE_ROW(TILE, RMAX, CMAX, 7) BNN_EDGE_ROW(TILE, RMAX, CMAX, 8)           \
        default: break;                                                               \
    }

#define BNN_MAX_(x, y) ((x) > (y) ? (x) : (y))
#define BNN_XNOR_CMAX BNN_MAX_(BNN_NR, BNN_GEMV_NR)
#define BNN_PLANE_CMAX BNN_MAX_(BNN_PNR, BNN_PLANE_GEMV_NR)

static inline __attribute__((always_inline)) BNN_ATTR void
BNN_FN(bnn_tile_any)(int mr, int nr, const uint64_t *a, size_t lda, const uint64_t *b,
                     size_t ldb, size_t kw, uint64_t *out) {
    if (mr == BNN_MR && nr == BNN_NR) {
        BNN_TILE(BNN_MR, BNN_NR, a, lda, b, ldb, kw, out);
        return;
    }
    BNN_EDGE_SWITCH(BNN_TILE, BNN_MR, BNN_XNOR_CMAX)
}

static inline __attribute__((always_inline)) BNN_ATTR void
BNN_FN(bnn_plane_tile_any)(int mr, int nr, const uint64_t *a, size_t lda, const uint64_t *b,
                           size_t ldb, size_t kw, uint64_t *out) {
    if (mr == BNN_PMR && nr == BNN_PNR) {
        BNN_PLANE_TILE(BNN_PMR, BNN_PNR, a, lda, b, ldb, kw, out);
        return;
    }
    BNN_EDGE_SWITCH(BNN_PLANE_TILE, BNN_PMR, BNN_PLANE_CMAX)
}

/// Rows of B per L2 block: a multiple of 8, at least 8.
static inline size_t BNN_FN(bnn_block_rows)(size_t row_bytes) {
    size_t rows = BNN_L2_BLOCK_BYTES / (row_bytes + 1);
    rows -= rows % 8;
    return rows < 8 ? 8 : rows;
}

BNN_ATTR void BNN_FN(bnn_xnor_gemm)(size_t m, size_t n, size_t k_bits,
                                    const uint64_t *a, size_t lda,
                                    const uint64_t *b, size_t ldb,
                                    int32_t *c, size_t ldc) {
#ifdef BNN_XNOR_GEMM_SPLIT
    if (BNN_XNOR_GEMM_SPLIT(m, n, k_bits, a, lda, b, ldb, c, ldc)) return;
#endif
    const size_t kw = (k_bits + 63) / 64;
    const int32_t k = (int32_t)k_bits;
    const size_t nb = BNN_FN(bnn_block_rows)(kw * 8);
    // Fewer rows than a tile (batch 1): wider column steps instead.
    const size_t step = m < BNN_MR ? BNN_GEMV_NR : BNN_NR;
    uint64_t pc[BNN_MR * BNN_XNOR_CMAX];
    for (size_t n0 = 0; n0 < n; n0 += nb) {
        const size_t n1 = bnn_min(n, n0 + nb);
        for (size_t i = 0; i < m; i += BNN_MR) {
            const int mr = (int)bnn_min(BNN_MR, m - i);
            const uint64_t *ai = a + i * lda;
            for (size_t j = n0; j < n1; j += step) {
                const int nr = (int)bnn_min(step, n1 - j);
#ifdef BNN_FULL_XNOR_TILE
                if (mr == BNN_MR && nr == BNN_NR) {
                    BNN_FULL_XNOR_TILE(ai, lda, b + j * ldb, ldb, kw, k, c + i * ldc + j, ldc);
                    continue;
                }
#endif
                BNN_FN(bnn_tile_any)(mr, nr, ai, lda, b + j * ldb, ldb, kw, pc);
                for (int ii = 0; ii < mr; ii++) {
                    int32_t *ci = c + (i + ii) * ldc + j;
                    for (int jj = 0; jj < nr; jj++) ci[jj] = k - 2 * (int32_t)pc[ii * nr + jj];
                }
            }
        }
    }
}

BNN_ATTR void BNN_FN(bnn_bitplane_gemm)(size_t m, size_t n, size_t k_bits,
                                        const uint64_t *planes, size_t ldp,
                                        const uint64_t *b, size_t ldb,
                                        const int32_t *weight_popcounts,
                                        int32_t *c, size_t ldc) {
    const size_t kw = (k_bits + 63) / 64;
    const size_t nb = BNN_FN(bnn_block_rows)(kw * 8);
    const size_t step = m < BNN_PMR ? BNN_PLANE_GEMV_NR : BNN_PNR;
    uint64_t weighted[BNN_PMR * BNN_PLANE_CMAX];
    for (size_t n0 = 0; n0 < n; n0 += nb) {
        const size_t n1 = bnn_min(n, n0 + nb);
        for (size_t i = 0; i < m; i += BNN_PMR) {
            const int mr = (int)bnn_min(BNN_PMR, m - i);
            for (size_t j = n0; j < n1; j += step) {
                const int nr = (int)bnn_min(step, n1 - j);
                BNN_FN(bnn_plane_tile_any)(mr, nr, planes + i * ldp, ldp, b + j * ldb, ldb, kw, weighted);
                for (int ii = 0; ii < mr; ii++) {
                    int32_t *ci = c + (i + ii) * ldc + j;
                    for (int jj = 0; jj < nr; jj++)
                        ci[jj] = (int32_t)(255 * (int64_t)weight_popcounts[j + jj] - (int64_t)weighted[ii * nr + jj]);
                }
            }
        }
    }
}

BNN_ATTR void BNN_FN(bnn_threshold_pack)(size_t m, size_t n, const int32_t *s, size_t lds,
                                         const int32_t *thresholds, const uint64_t *flip,
                                         uint64_t *out, size_t ldo) {
    const size_t nw = (n + 63) / 64;
    for (size_t i = 0; i < m; i++) {
        const int32_t *si = s + i * lds;
        uint64_t *oi = out + i * ldo;
        for (size_t w = 0; w < nw; w++) {
            const size_t base = w * 64;
            oi[w] = BNN_COMPARE64(si + base, thresholds + base, bnn_min(64, n - base)) ^ flip[w];
        }
    }
}

// The direct binary 3x3 convolution (stride 1, padding 1): no patch matrix. Each
// output position reads its nine taps where they lie (the position's words of the
// packed input, or `pad` outside the image) and XORs them with every output
// channel's weights, [o][tap][word]; with one word per position the nine taps stay in
// registers while the channels stream past. With 32 channels or fewer (the reference
// network's 32 -> 64) a tap fills at most half its word, whose upper half is 0 in input,
// pad and weights alike, so taps go two to a word: five XORs and POPCNTs per output
// instead of nine, the weights paired once per call.
#define BNN_PAIRED_OUTPUTS 512

/// One output position against every output channel when its taps are W words (a
/// compile-time count, so that they stay in registers and the word loop unrolls).
static inline __attribute__((always_inline)) BNN_ATTR void
BNN_FN(bnn_conv_position_words)(const int W, const uint64_t *t, const uint64_t *weights, size_t ldw, size_t n,
                                int32_t k, int32_t *out) {
    for (size_t o = 0; o < n; o++) {
        const uint64_t *wo = weights + o * ldw;
        int32_t pc = 0;
        for (int i = 0; i < W; i++) pc += __builtin_popcountll(t[i] ^ wo[i]);
        out[o] = k - 2 * pc;
    }
}
BNN_ATTR void BNN_FN(bnn_conv3x3_xnor)(size_t h, size_t w, size_t wpp, const uint64_t *in, const uint64_t *pad,
                                       const uint64_t *weights, size_t ldw, size_t n, size_t k_bits,
                                       size_t first, size_t count, int32_t *sums, size_t ldc) {
    const size_t hw = h * w;
    const int32_t k = (int32_t)k_bits;
    if (wpp == 1 && k_bits <= 9 * 32 && n <= BNN_PAIRED_OUTPUTS) {
#ifdef BNN_CONV_XNOR_PAIRED
        if (BNN_CONV_XNOR_PAIRED(h, w, in, pad, weights, ldw, n, k, first, count, sums, ldc)) return;
#endif
        // paired[j][o]: consecutive outputs' words side by side, so the loop over the
        // outputs vectorizes (AVX2: a nibble-table popcount of 4 outputs at a time).
        uint64_t paired[5 * BNN_PAIRED_OUTPUTS];
        for (size_t o = 0; o < n; o++) {
            const uint64_t *wo = weights + o * ldw;
            for (size_t j = 0; j < 5; j++) paired[j * n + o] = bnn_paired_word(wo, j);
        }
        const uint64_t *restrict q0 = paired, *restrict q1 = q0 + n, *restrict q2 = q1 + n, *restrict q3 = q2 + n,
                       *restrict q4 = q3 + n;
        for (size_t r = first; r < first + count; r++) {
            const size_t p = r % hw, y = p / w, x = p % w;
            uint64_t words[5];
            bnn_paired_position_words(in + (r - p), pad, h, w, y, x, words);
            const uint64_t p0 = words[0], p1 = words[1], p2 = words[2], p3 = words[3], p4 = words[4];
            int32_t *restrict out = sums + r * ldc;
            for (size_t o = 0; o < n; o++) {
                const uint64_t pc = (uint64_t)__builtin_popcountll(p0 ^ q0[o]) + (uint64_t)__builtin_popcountll(p1 ^ q1[o]) +
                                    (uint64_t)__builtin_popcountll(p2 ^ q2[o]) + (uint64_t)__builtin_popcountll(p3 ^ q3[o]) +
                                    (uint64_t)__builtin_popcountll(p4 ^ q4[o]);
                out[o] = k - 2 * (int32_t)pc;
            }
        }
        return;
    }
    for (size_t r = first; r < first + count; r++) {
        const size_t p = r % hw, y = p / w, x = p % w;
        const uint64_t *image = in + (r - p) * wpp;
        const uint64_t *tap[9];
        for (size_t t = 0; t < 9; t++) {
            const size_t yy = y + t / 3, xx = x + t % 3;  // one past the true tap, so that 0 is outside
            const int inside = yy >= 1 && yy <= h && xx >= 1 && xx <= w;
            tap[t] = inside ? image + ((yy - 1) * w + (xx - 1)) * wpp : pad;
        }
        int32_t *out = sums + r * ldc;
        if (wpp == 1) {  // spelled out: through bnn_conv_position_words(9, ...) 14x14 64->64 ran 1.5-1.8x slower
            const uint64_t t0 = *tap[0], t1 = *tap[1], t2 = *tap[2], t3 = *tap[3], t4 = *tap[4],
                           t5 = *tap[5], t6 = *tap[6], t7 = *tap[7], t8 = *tap[8];
            for (size_t o = 0; o < n; o++) {
                const uint64_t *wo = weights + o * ldw;
                const int32_t pc = __builtin_popcountll(t0 ^ wo[0]) + __builtin_popcountll(t1 ^ wo[1]) +
                                   __builtin_popcountll(t2 ^ wo[2]) + __builtin_popcountll(t3 ^ wo[3]) +
                                   __builtin_popcountll(t4 ^ wo[4]) + __builtin_popcountll(t5 ^ wo[5]) +
                                   __builtin_popcountll(t6 ^ wo[6]) + __builtin_popcountll(t7 ^ wo[7]) +
                                   __builtin_popcountll(t8 ^ wo[8]);
                out[o] = k - 2 * pc;
            }
        } else if (wpp <= 4) {  // 65-256 channels: the position's 9 * wpp words in registers
            uint64_t t[36];
            for (size_t i = 0; i < 9; i++)
                for (size_t v = 0; v < wpp; v++) t[i * wpp + v] = tap[i][v];
            if (wpp == 2) BNN_FN(bnn_conv_position_words)(18, t, weights, ldw, n, k, out);
            else if (wpp == 3) BNN_FN(bnn_conv_position_words)(27, t, weights, ldw, n, k, out);
            else BNN_FN(bnn_conv_position_words)(36, t, weights, ldw, n, k, out);
        } else {
            for (size_t o = 0; o < n; o++) {
                const uint64_t *wo = weights + o * ldw;
                int32_t pc = 0;
                for (size_t t = 0; t < 9; t++)
                    for (size_t v = 0; v < wpp; v++) pc += __builtin_popcountll(tap[t][v] ^ wo[t * wpp + v]);
                out[o] = k - 2 * pc;
            }
        }
    }
}

// The first layer's direct 3x3 convolution (stride 1, zero padding) on raw 8-bit
// pixels with ±1 weights, exact in integers: each output position adds, for every
// inside tap and channel, +p or -p to its row of n sums. The weights are sign masks
// [tap][c][o] (0 for +1, -1 for -1), so (p ^ mask) - mask is ±p: no multiply, and the
// compiler vectorizes it over the outputs.
// Outputs go in blocks of at most 64 whose sums stay in registers across the taps (stored
// once per position); with 16, 32 or 64 outputs the block is a compile-time N.
static inline __attribute__((always_inline)) BNN_ATTR void
BNN_FN(bnn_conv_pixels_block)(const int N, size_t h, size_t w, size_t cin, const uint8_t *pixels,
                              const int32_t *masks, size_t ldm, size_t first, size_t count, int32_t *sums,
                              size_t ldc) {
    const size_t hw = h * w;
    for (size_t r = first; r < first + count; r++) {
        const size_t p = r % hw, y = p / w, x = p % w;
        const uint8_t *image = pixels + (r - p) * cin;
        int32_t acc[64];
        for (int o = 0; o < N; o++) acc[o] = 0;
        for (size_t t = 0; t < 9; t++) {
            const size_t yy = y + t / 3, xx = x + t % 3;  // one past the true tap, so that 0 is outside
            if (yy < 1 || yy > h || xx < 1 || xx > w) continue;
            const uint8_t *px = image + ((yy - 1) * w + (xx - 1)) * cin;
            for (size_t c = 0; c < cin; c++) {
                const int32_t v = px[c];
                const int32_t *restrict m = masks + (t * cin + c) * ldm;
                for (int o = 0; o < N; o++) acc[o] += (v ^ m[o]) - m[o];
            }
        }
        int32_t *restrict out = sums + r * ldc;
        for (int o = 0; o < N; o++) out[o] = acc[o];
    }
}

BNN_ATTR void BNN_FN(bnn_conv3x3_pixels)(size_t h, size_t w, size_t cin, const uint8_t *pixels,
                                         const int32_t *masks, size_t n, size_t first, size_t count,
                                         int32_t *sums, size_t ldc) {
#ifdef BNN_CONV_PIXELS_DIRECT
    if (BNN_CONV_PIXELS_DIRECT(h, w, cin, pixels, masks, n, first, count, sums, ldc)) return;
#endif
    if (n == 16) BNN_FN(bnn_conv_pixels_block)(16, h, w, cin, pixels, masks, n, first, count, sums, ldc);
    else if (n == 32) BNN_FN(bnn_conv_pixels_block)(32, h, w, cin, pixels, masks, n, first, count, sums, ldc);
    else if (n == 64) BNN_FN(bnn_conv_pixels_block)(64, h, w, cin, pixels, masks, n, first, count, sums, ldc);
    else
        for (size_t o = 0; o < n; o += 64)
            BNN_FN(bnn_conv_pixels_block)((int)bnn_min(64, n - o), h, w, cin, pixels, masks + o, n, first, count,
                                          sums + o, ldc);
}
