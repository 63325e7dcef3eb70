// AVX2 variant: 256-bit XOR and the vpshufb nibble-table popcount (Mula), byte
// counters flushed to 64-bit lanes with vpsadbw before they can overflow.
// XNOR product through nibble-split operands in columns of 6 rows (2 x 2 nibble-table
// tiles for the GEMV shapes and convolutions); bit-plane product 1 image x 2 neurons; the
// first layer's pixel convolution as byte pairs through vpmaddubsw; threshold step with
// vpcmpgtd + movmskps.
#if defined(__x86_64__)
#include <immintrin.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "bnn_internal.h"

#define BNN_AVX2_TARGET "avx2,popcnt"

/// A grow-only scratch buffer of the calling thread (64-byte aligned): kept between calls,
/// replaced by a larger one when a call needs more. NULL (the old buffer kept) when there
/// is no memory.
static void *bnn_thread_scratch(void **buffer, size_t *capacity, size_t bytes) {
    if (*capacity < bytes) {
        const size_t rounded = (bytes + 63) / 64 * 64;
        void *grown = aligned_alloc(64, rounded);
        if (!grown) return NULL;
        free(*buffer);
        *buffer = grown;
        *capacity = rounded;
    }
    return *buffer;
}

/// vpshufb table of the bits set in each nibble value (Mula's popcount), in both lanes.
static inline __attribute__((always_inline, target(BNN_AVX2_TARGET))) __m256i bnn_nibble_counts_avx2(void) {
    return _mm256_setr_epi8(0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4,
                            0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4);
}

/// The sum of the four 64-bit lanes.
static inline __attribute__((always_inline, target(BNN_AVX2_TARGET))) uint64_t bnn_sum_lanes_avx2(__m256i v) {
    uint64_t lanes[4];
    _mm256_storeu_si256((__m256i *)lanes, v);
    return lanes[0] + lanes[1] + lanes[2] + lanes[3];
}

static inline __attribute__((always_inline, target(BNN_AVX2_TARGET))) void
bnn_tile_avx2(const int MR, const int NR, const uint64_t *a, size_t lda,
              const uint64_t *b, size_t ldb, size_t kw, uint64_t *out) {
    const __m256i lut = bnn_nibble_counts_avx2();
    const __m256i low = _mm256_set1_epi8(0x0f);
    __m256i total[8][8];
    for (int i = 0; i < MR; i++)
        for (int j = 0; j < NR; j++) total[i][j] = _mm256_setzero_si256();
    const size_t kv = kw & ~(size_t)3;  // words covered by whole 256-bit vectors
    size_t k = 0;
    while (k < kv) {
        // Each step adds at most 8 to a byte counter: flush after 31 steps.
        const size_t kend = bnn_min(kv, k + 4 * 31);
        __m256i bytes[8][8];
        for (int i = 0; i < MR; i++)
            for (int j = 0; j < NR; j++) bytes[i][j] = _mm256_setzero_si256();
        for (; k < kend; k += 4) {
            __m256i bv[8];
            for (int j = 0; j < NR; j++) bv[j] = _mm256_loadu_si256((const __m256i *)(b + j * ldb + k));
            for (int i = 0; i < MR; i++) {
                const __m256i av = _mm256_loadu_si256((const __m256i *)(a + i * lda + k));
                for (int j = 0; j < NR; j++) {
                    const __m256i x = _mm256_xor_si256(av, bv[j]);
                    const __m256i lo = _mm256_shuffle_epi8(lut, _mm256_and_si256(x, low));
                    const __m256i hi = _mm256_shuffle_epi8(lut, _mm256_and_si256(_mm256_srli_epi16(x, 4), low));
                    bytes[i][j] = _mm256_add_epi8(bytes[i][j], _mm256_add_epi8(lo, hi));
                }
            }
        }
        for (int i = 0; i < MR; i++)
            for (int j = 0; j < NR; j++)
                total[i][j] = _mm256_add_epi64(total[i][j], _mm256_sad_epu8(bytes[i][j], _mm256_setzero_si256()));
    }
    for (int i = 0; i < MR; i++)
        for (int j = 0; j < NR; j++) {
            uint64_t sum = bnn_sum_lanes_avx2(total[i][j]);
            for (size_t t = kv; t < kw; t++) sum += (uint64_t)_mm_popcnt_u64(a[i * lda + t] ^ b[j * ldb + t]);
            out[i * NR + j] = sum;
        }
}

/// Nibble-split rows for the XNOR product: every 256-bit vector of a row becomes two,
/// its low nibbles and its high nibbles, one per byte (values 0-15). XOR commutes with
/// taking nibbles, so a product of split rows needs one XOR, one vpshufb and one add
/// per 128 bits instead of the AND, shift and AND that split x = a XOR b on the fly:
/// 6 vector operations per 256 bits of K instead of 8. Each operand is split once per
/// L2 block (B) or row panel (A), which costs 3 operations per vector, amortized over
/// the block's columns or the panel's rows.
static inline __attribute__((always_inline, target(BNN_AVX2_TARGET))) void
bnn_split_rows_avx2(size_t rows, size_t vectors, const uint64_t *src, size_t ld, __m256i *dst) {
    const __m256i low = _mm256_set1_epi8(0x0f);
    for (size_t r = 0; r < rows; r++)
        for (size_t v = 0; v < vectors; v++) {
            const __m256i x = _mm256_loadu_si256((const __m256i *)(src + r * ld + 4 * v));
            dst[2 * (r * vectors + v)] = _mm256_and_si256(x, low);
            dst[2 * (r * vectors + v) + 1] = _mm256_and_si256(_mm256_srli_epi16(x, 4), low);
        }
}

/// One column of up to six outputs: MR split rows of A (a, `row` split vectors apart)
/// against one split column of B, written to c (stride ldc) as k - 2 * popcount; the
/// words past the last whole vector (kv..kw) are added from the packed rows ra and rb.
/// The column's two vectors stay in registers and the rows are XORed straight from the
/// panel in L1 (6 KB at K = 4096), so B streams from L2 once per six rows. Byte counters
/// grow by at most 8 per vector: flushed to 64-bit lanes with vpsadbw every 31. In one
/// 2048 x 4096 x 4096 product on one thread this ran 1.19x as fast as the 3 x 2 register
/// tile it replaced (Zen 4, AVX2, best of 6 interleaved rounds): six XORs with memory
/// operands and one lane reduction per two rows cost less than that tile's register
/// traffic and its per-output reduction through memory.
static inline __attribute__((always_inline, target(BNN_AVX2_TARGET))) void
bnn_split_column_avx2(const int MR, const __m256i *a, size_t row, const __m256i *b, size_t vectors,
                      size_t kv, size_t kw, const uint64_t *ra, size_t lda, const uint64_t *rb,
                      int32_t k, int32_t *c, size_t ldc) {
    const __m256i lut = bnn_nibble_counts_avx2();
    __m256i total[8];
    for (int i = 0; i < MR; i++) total[i] = _mm256_setzero_si256();
    size_t v = 0;
    while (v < vectors) {
        const size_t vend = bnn_min(vectors, v + 31);
        __m256i bytes[8];
        for (int i = 0; i < MR; i++) bytes[i] = _mm256_setzero_si256();
        for (; v < vend; v++) {
            const __m256i bl = _mm256_load_si256(b + 2 * v), bh = _mm256_load_si256(b + 2 * v + 1);
            for (int i = 0; i < MR; i++) {
                bytes[i] = _mm256_add_epi8(bytes[i], _mm256_shuffle_epi8(lut, _mm256_xor_si256(_mm256_load_si256(a + i * row + 2 * v), bl)));
                bytes[i] = _mm256_add_epi8(bytes[i], _mm256_shuffle_epi8(lut, _mm256_xor_si256(_mm256_load_si256(a + i * row + 2 * v + 1), bh)));
            }
        }
        for (int i = 0; i < MR; i++) total[i] = _mm256_add_epi64(total[i], _mm256_sad_epu8(bytes[i], _mm256_setzero_si256()));
    }
    for (int i = 0; i < MR; i += 2) {
        // Two rows at once: [r0 lanes 0+1, r1 lanes 0+1 | r0 lanes 2+3, r1 lanes 2+3], halves added.
        const __m256i t1 = i + 1 < MR ? total[i + 1] : _mm256_setzero_si256();
        const __m256i u = _mm256_add_epi64(_mm256_unpacklo_epi64(total[i], t1), _mm256_unpackhi_epi64(total[i], t1));
        const __m128i w = _mm_add_epi64(_mm256_castsi256_si128(u), _mm256_extracti128_si256(u, 1));
        uint64_t s0 = (uint64_t)_mm_cvtsi128_si64(w);
        for (size_t t = kv; t < kw; t++) s0 += (uint64_t)_mm_popcnt_u64(ra[i * lda + t] ^ rb[t]);
        c[i * ldc] = k - 2 * (int32_t)s0;
        if (i + 1 < MR) {
            uint64_t s1 = (uint64_t)_mm_extract_epi64(w, 1);
            for (size_t t = kv; t < kw; t++) s1 += (uint64_t)_mm_popcnt_u64(ra[(i + 1) * lda + t] ^ rb[t]);
            c[(i + 1) * ldc] = k - 2 * (int32_t)s1;
        }
    }
}

enum { BNN_SPLIT_ROWS = 6 };  // rows of A per panel

/// Split operands of the calling thread: grown when a product needs more, kept for the
/// thread's next product (at most one L2 block of B plus one panel of A: 256 KB + 6 rows).
static _Thread_local void *bnn_split_buffer;
static _Thread_local size_t bnn_split_capacity;

/// The XNOR product through nibble-split operands, six rows of A by one column of B at a
/// time. Returns 0, leaving c untouched, for products it does not take: fewer than 3 rows
/// (batch 1 and 2 keep the GEMV tiles), rows shorter than one vector, or no memory for
/// the split.
static __attribute__((target(BNN_AVX2_TARGET))) int
bnn_xnor_gemm_split_avx2(size_t m, size_t n, size_t k_bits, const uint64_t *a, size_t lda,
                         const uint64_t *b, size_t ldb, int32_t *c, size_t ldc) {
    const size_t kw = (k_bits + 63) / 64, vectors = kw / 4, kv = 4 * vectors;
    if (m < 3 || vectors == 0) return 0;
    const size_t row = 2 * vectors;  // split vectors per row
    size_t nb = BNN_L2_BLOCK_BYTES / (row * sizeof(__m256i) + 1);
    nb -= nb % 8;
    if (nb < 8) nb = 8;
    __m256i *bs = bnn_thread_scratch(&bnn_split_buffer, &bnn_split_capacity,
                                     (nb + BNN_SPLIT_ROWS) * row * sizeof(__m256i));
    if (!bs) return 0;
    __m256i *as = bs + nb * row;
    const int32_t k = (int32_t)k_bits;
    for (size_t n0 = 0; n0 < n; n0 += nb) {
        const size_t n1 = bnn_min(n, n0 + nb);
        bnn_split_rows_avx2(n1 - n0, vectors, b + n0 * ldb, ldb, bs);
        for (size_t i = 0; i < m; i += BNN_SPLIT_ROWS) {
            const int mr = (int)bnn_min(BNN_SPLIT_ROWS, m - i);
            bnn_split_rows_avx2((size_t)mr, vectors, a + i * lda, lda, as);
            const uint64_t *ra = a + i * lda;
            for (size_t j = n0; j < n1; j++) {
                const __m256i *bj = bs + (j - n0) * row;
                const uint64_t *rb = b + j * ldb;
                int32_t *cj = c + i * ldc + j;
                switch (mr) {
                case 6: bnn_split_column_avx2(6, as, row, bj, vectors, kv, kw, ra, lda, rb, k, cj, ldc); break;
                case 5: bnn_split_column_avx2(5, as, row, bj, vectors, kv, kw, ra, lda, rb, k, cj, ldc); break;
                case 4: bnn_split_column_avx2(4, as, row, bj, vectors, kv, kw, ra, lda, rb, k, cj, ldc); break;
                case 3: bnn_split_column_avx2(3, as, row, bj, vectors, kv, kw, ra, lda, rb, k, cj, ldc); break;
                case 2: bnn_split_column_avx2(2, as, row, bj, vectors, kv, kw, ra, lda, rb, k, cj, ldc); break;
                default: bnn_split_column_avx2(1, as, row, bj, vectors, kv, kw, ra, lda, rb, k, cj, ldc); break;
                }
            }
        }
    }
    return 1;
}

/// Scratch of the calling thread for the paired-tap XNOR convolution: the nibble-split
/// weights of one call. Grown when a call needs more, kept for the next call.
static _Thread_local void *bnn_paired_conv_buffer;
static _Thread_local size_t bnn_paired_conv_capacity;

/// The binary 3x3 convolution with taps two to a word (one word per position, at most 32
/// channels: 5 paired words per output, see bnn_driver_template.h) from nibble-split
/// operands, 4 outputs per 256-bit vector: the weights are split once per call, the
/// position's 5 words once per position and broadcast, so a word costs 2 XORs, 2 vpshufb
/// and 2 byte adds per 4 outputs (byte sums reach at most 40), one vpsadbw per 4 outputs.
/// Positions are tracked without dividing. Returns 0 (sums untouched) if there is no
/// memory for the split weights.
static __attribute__((target(BNN_AVX2_TARGET))) int
bnn_conv3x3_xnor_paired_avx2(size_t h, size_t w, const uint64_t *in, const uint64_t *pad, const uint64_t *weights,
                             size_t ldw, size_t n, int32_t k, size_t first, size_t count, int32_t *sums, size_t ldc) {
    const size_t groups = (n + 3) / 4;
    __m256i *split = bnn_thread_scratch(&bnn_paired_conv_buffer, &bnn_paired_conv_capacity,
                                        groups * 10 * sizeof(__m256i));  // [group][word][lo, hi]
    if (!split) return 0;
    const uint64_t nibbles = 0x0f0f0f0f0f0f0f0full;
    for (size_t g = 0; g < groups; g++)
        for (size_t j = 0; j < 5; j++) {
            uint64_t lo[4] = {0, 0, 0, 0}, hi[4] = {0, 0, 0, 0};  // outputs past n: weight words 0
            for (size_t l = 0; l < 4 && 4 * g + l < n; l++) {
                const uint64_t word = bnn_paired_word(weights + (4 * g + l) * ldw, j);
                lo[l] = word & nibbles;
                hi[l] = word >> 4 & nibbles;
            }
            split[(g * 5 + j) * 2] = _mm256_loadu_si256((const __m256i *)lo);
            split[(g * 5 + j) * 2 + 1] = _mm256_loadu_si256((const __m256i *)hi);
        }
    const __m256i lut = bnn_nibble_counts_avx2();
    const __m256i low32 = _mm256_setr_epi32(0, 2, 4, 6, 0, 2, 4, 6);
    const __m128i kk = _mm_set1_epi32(k);
    const size_t hw = h * w;
    size_t y = (first % hw) / w, x = first % w;
    const uint64_t *image = in + (first - first % hw);
    for (size_t r = first; r < first + count; r++) {
        uint64_t words[5];
        bnn_paired_position_words(image, pad, h, w, y, x, words);
        __m256i plo[5], phi[5];
        for (int j = 0; j < 5; j++) {
            plo[j] = _mm256_set1_epi64x((long long)(words[j] & nibbles));
            phi[j] = _mm256_set1_epi64x((long long)(words[j] >> 4 & nibbles));
        }
        int32_t *out = sums + r * ldc;
        for (size_t g = 0; g < groups; g++) {
            const __m256i *wg = split + g * 10;
            __m256i bytes = _mm256_setzero_si256();
            for (int j = 0; j < 5; j++) {
                bytes = _mm256_add_epi8(bytes, _mm256_shuffle_epi8(lut, _mm256_xor_si256(plo[j], _mm256_load_si256(wg + 2 * j))));
                bytes = _mm256_add_epi8(bytes, _mm256_shuffle_epi8(lut, _mm256_xor_si256(phi[j], _mm256_load_si256(wg + 2 * j + 1))));
            }
            const __m256i pc = _mm256_permutevar8x32_epi32(_mm256_sad_epu8(bytes, _mm256_setzero_si256()), low32);
            const __m128i pc4 = _mm256_castsi256_si128(pc);
            const __m128i v = _mm_sub_epi32(kk, _mm_add_epi32(pc4, pc4));
            if (4 * g + 4 <= n) {
                _mm_storeu_si128((__m128i *)(out + 4 * g), v);
            } else {
                int32_t four[4];
                _mm_storeu_si128((__m128i *)four, v);
                memcpy(out + 4 * g, four, (n - 4 * g) * sizeof *out);
            }
        }
        if (++x == w) {
            x = 0;
            if (++y == h) {
                y = 0;
                image += hw;
            }
        }
    }
    return 1;
}

/// Pixel convolution, the sums of one position for a block of 32 outputs: PPR byte pairs
/// per window row (a compile-time count for 1 and 3 channels; 0 reads ppr), each broadcast
/// and multiplied by the block's interleaved ±1 weight pairs with vpmaddubsw (unsigned
/// pixels times signed weights, two products per 16-bit lane), summed in 16 bits.
static inline __attribute__((always_inline, target(BNN_AVX2_TARGET))) void
bnn_pixel_pairs_position_avx2(const int PPR, size_t ppr, const uint8_t *window, size_t stride, const __m256i *weights,
                              int32_t *out, size_t valid) {
    if (PPR) ppr = (size_t)PPR;
    __m256i low = _mm256_setzero_si256(), high = _mm256_setzero_si256();  // outputs 0-15, 16-31
    for (size_t ky = 0; ky < 3; ky++) {
        const uint8_t *row = window + ky * stride;
        for (size_t q = 0; q < ppr; q++) {
            int16_t two;
            memcpy(&two, row + 2 * q, sizeof two);
            const __m256i pair = _mm256_set1_epi16(two);
            const __m256i *wq = weights + 2 * (ky * ppr + q);
            low = _mm256_add_epi16(low, _mm256_maddubs_epi16(pair, _mm256_load_si256(wq)));
            high = _mm256_add_epi16(high, _mm256_maddubs_epi16(pair, _mm256_load_si256(wq + 1)));
        }
    }
    const __m256i wide[4] = {_mm256_cvtepi16_epi32(_mm256_castsi256_si128(low)),
                             _mm256_cvtepi16_epi32(_mm256_extracti128_si256(low, 1)),
                             _mm256_cvtepi16_epi32(_mm256_castsi256_si128(high)),
                             _mm256_cvtepi16_epi32(_mm256_extracti128_si256(high, 1))};
    if (valid == 32) {
        for (int q = 0; q < 4; q++) _mm256_storeu_si256((__m256i *)(out + 8 * q), wide[q]);
    } else {
        int32_t all[32];
        for (int q = 0; q < 4; q++) _mm256_storeu_si256((__m256i *)(all + 8 * q), wide[q]);
        memcpy(out, all, valid * sizeof *out);
    }
}

/// Scratch of the calling thread for the pixel pair product: interleaved weights, then one
/// zero-bordered image. Grown when a call needs more, kept for the next call.
static _Thread_local void *bnn_pixel_pairs_buffer;
static _Thread_local size_t bnn_pixel_pairs_capacity;

/// The first layer's pixel convolution as an exact 8-bit product: a window row of 3 * cin
/// bytes is read as byte pairs (the last one padded with a zero weight), each pair times
/// the ±1 weights of its two taps and channels with vpmaddubsw, 32 outputs per block in
/// two 16-bit accumulators (exact: |sum| <= 9 * cin * 255 < 2^15 for cin <= 14). Each image
/// is copied once into a zero-bordered buffer, so no tap needs a bounds check, and the
/// position is tracked without dividing. Returns 0 (sums untouched) for cin > 14 or no
/// memory. At 28 x 28, 1 -> 32 on a Zen 4 (one thread, a C loop): 4.9 us per image
/// against 22 us for the sums-in-registers loop of bnn_driver_template.h.
static __attribute__((target(BNN_AVX2_TARGET))) int
bnn_conv3x3_pixels_pairs_avx2(size_t h, size_t w, size_t cin, const uint8_t *pixels, const int32_t *masks, size_t n,
                              size_t first, size_t count, int32_t *sums, size_t ldc) {
    if (cin == 0 || cin > 14) return 0;
    const size_t row_bytes = 3 * cin, ppr = (row_bytes + 1) / 2, pairs = 3 * ppr, blocks = (n + 31) / 32;
    const size_t stride = (w + 2) * cin, padded = (h + 2) * stride + 2;  // +2: the last pair reads one past
    const size_t weight_bytes = blocks * pairs * 2 * sizeof(__m256i);
    uint8_t *scratch = bnn_thread_scratch(&bnn_pixel_pairs_buffer, &bnn_pixel_pairs_capacity, weight_bytes + padded);
    if (!scratch) return 0;
    __m256i *weights = (__m256i *)scratch;
    uint8_t *image = scratch + weight_bytes;
    // Block b, pair (ky, q), half hh: lane l holds the weights of output 32b + 16hh + l for
    // the pair's two bytes of window row ky (byte 2q + e is tap 3ky + (2q + e) / cin, channel
    // (2q + e) % cin); a byte past the row gets weight 0.
    int8_t *wb = (int8_t *)weights;
    memset(wb, 0, weight_bytes);
    for (size_t b = 0; b < blocks; b++)
        for (size_t ky = 0; ky < 3; ky++)
            for (size_t byte = 0; byte < row_bytes; byte++) {
                const size_t q = byte / 2, e = byte % 2, t = 3 * ky + byte / cin, c = byte % cin;
                for (size_t o = 32 * b; o < bnn_min(n, 32 * b + 32); o++) {
                    const size_t l = o - 32 * b;
                    wb[(((b * pairs + ky * ppr + q) * 2 + l / 16) * 16 + l % 16) * 2 + e] =
                        masks[(t * cin + c) * n + o] ? -1 : 1;
                }
            }
    memset(image, 0, padded);
    const size_t hw = h * w;
    size_t loaded = SIZE_MAX, y = (first % hw) / w, x = first % w;
    for (size_t r = first; r < first + count; r++) {
        if (r / hw != loaded) {  // the interior of the next image; the border stays 0
            loaded = r / hw;
            const uint8_t *src = pixels + loaded * hw * cin;
            for (size_t yy = 0; yy < h; yy++) memcpy(image + (yy + 1) * stride + cin, src + yy * w * cin, w * cin);
        }
        const uint8_t *window = image + y * stride + x * cin;  // padded (y, x) is the tap (y - 1, x - 1)
        for (size_t b = 0; b < blocks; b++) {
            const __m256i *wv = weights + b * pairs * 2;
            int32_t *out = sums + r * ldc + 32 * b;
            const size_t valid = bnn_min(32, n - 32 * b);
            if (cin == 1) bnn_pixel_pairs_position_avx2(2, 0, window, stride, wv, out, valid);
            else if (cin == 3) bnn_pixel_pairs_position_avx2(5, 0, window, stride, wv, out, valid);
            else bnn_pixel_pairs_position_avx2(0, ppr, window, stride, wv, out, valid);
        }
        if (++x == w) {
            x = 0;
            if (++y == h) y = 0;
        }
    }
    return 1;
}

/// Bit-plane tile: the 8 interleaved plane words of a pixel block are two 256-bit
/// vectors (planes 0-3, 4-7); XOR with the broadcast weight word, nibble-table
/// popcount into bytes, vpsadbw to one lane per plane, weighted by 2^q at the end.
static inline __attribute__((always_inline, target(BNN_AVX2_TARGET))) void
bnn_plane_tile_avx2(const int MR, const int NR, const uint64_t *p, size_t ldp,
                    const uint64_t *b, size_t ldb, size_t kw, uint64_t *out) {
    const __m256i lut = bnn_nibble_counts_avx2();
    const __m256i low = _mm256_set1_epi8(0x0f);
    __m256i total[1][2][2];
    for (int i = 0; i < MR; i++)
        for (int j = 0; j < NR; j++) total[i][j][0] = total[i][j][1] = _mm256_setzero_si256();
    size_t w = 0;
    while (w < kw) {
        const size_t wend = bnn_min(kw, w + 31);  // at most 8 per byte per step
        __m256i bytes[1][2][2];
        for (int i = 0; i < MR; i++)
            for (int j = 0; j < NR; j++) bytes[i][j][0] = bytes[i][j][1] = _mm256_setzero_si256();
        for (; w < wend; w++) {
            for (int j = 0; j < NR; j++) {
                const __m256i bv = _mm256_set1_epi64x((long long)b[j * ldb + w]);
                for (int i = 0; i < MR; i++)
                    for (int h = 0; h < 2; h++) {
                        const __m256i x = _mm256_xor_si256(_mm256_loadu_si256((const __m256i *)(p + i * ldp + 8 * w + 4 * h)), bv);
                        const __m256i lo = _mm256_shuffle_epi8(lut, _mm256_and_si256(x, low));
                        const __m256i hi = _mm256_shuffle_epi8(lut, _mm256_and_si256(_mm256_srli_epi16(x, 4), low));
                        bytes[i][j][h] = _mm256_add_epi8(bytes[i][j][h], _mm256_add_epi8(lo, hi));
                    }
            }
        }
        for (int i = 0; i < MR; i++)
            for (int j = 0; j < NR; j++)
                for (int h = 0; h < 2; h++)
                    total[i][j][h] = _mm256_add_epi64(total[i][j][h], _mm256_sad_epu8(bytes[i][j][h], _mm256_setzero_si256()));
    }
    const __m256i shiftLow = _mm256_setr_epi64x(0, 1, 2, 3), shiftHigh = _mm256_setr_epi64x(4, 5, 6, 7);
    for (int i = 0; i < MR; i++)
        for (int j = 0; j < NR; j++) {
            const __m256i v = _mm256_add_epi64(_mm256_sllv_epi64(total[i][j][0], shiftLow),
                                               _mm256_sllv_epi64(total[i][j][1], shiftHigh));
            out[i * NR + j] = bnn_sum_lanes_avx2(v);
        }
}

/// (s[u] >= t[u]) << u for u < count <= 64, eight lanes per compare; the last count % 8
/// one at a time (a conv layer's 32 outputs per position are four compares).
static inline __attribute__((always_inline, target(BNN_AVX2_TARGET))) uint64_t
bnn_compare64_avx2(const int32_t *s, const int32_t *t, size_t count) {
    const __m256i one = _mm256_set1_epi32(1);
    uint64_t bits = 0;
    size_t u = 0;
    for (; u + 8 <= count; u += 8) {
        const __m256i sv = _mm256_loadu_si256((const __m256i *)(s + u));
        const __m256i tv = _mm256_sub_epi32(_mm256_loadu_si256((const __m256i *)(t + u)), one);
        const __m256i ge = _mm256_cmpgt_epi32(sv, tv);  // s >= t  <=>  s > t - 1 (|t| < 2^31 - 1)
        bits |= (uint64_t)(uint8_t)_mm256_movemask_ps(_mm256_castsi256_ps(ge)) << u;
    }
    if (u < count) bits |= bnn_compare64_scalar(s + u, t + u, count - u) << u;
    return bits;
}

#define BNN_SUFFIX avx2
#define BNN_ATTR __attribute__((target(BNN_AVX2_TARGET)))
#ifndef BNN_AVX2_MR
#define BNN_AVX2_MR 2
#endif
#ifndef BNN_AVX2_NR
#define BNN_AVX2_NR 2
#endif
#define BNN_MR BNN_AVX2_MR
#define BNN_NR BNN_AVX2_NR
#define BNN_GEMV_NR 4
#define BNN_PMR 1
#define BNN_PNR 2
#define BNN_PLANE_GEMV_NR 2
#define BNN_PLANE_TILE(MR, NR, p, ldp, b, ldb, kw, out) bnn_plane_tile_avx2(MR, NR, p, ldp, b, ldb, kw, out)
#define BNN_TILE(MR, NR, a, lda, b, ldb, kw, out) bnn_tile_avx2(MR, NR, a, lda, b, ldb, kw, out)
#define BNN_COMPARE64(s, t, count) bnn_compare64_avx2(s, t, count)
#define BNN_XNOR_GEMM_SPLIT(m, n, k_bits, a, lda, b, ldb, c, ldc) bnn_xnor_gemm_split_avx2(m, n, k_bits, a, lda, b, ldb, c, ldc)
#define BNN_CONV_XNOR_PAIRED(h, w, in, pad, weights, ldw, n, k, first, count, sums, ldc) \
    bnn_conv3x3_xnor_paired_avx2(h, w, in, pad, weights, ldw, n, k, first, count, sums, ldc)
#define BNN_CONV_PIXELS_DIRECT(h, w, cin, pixels, masks, n, first, count, sums, ldc) \
    bnn_conv3x3_pixels_pairs_avx2(h, w, cin, pixels, masks, n, first, count, sums, ldc)
#include "bnn_driver_template.h"
#endif
