// Bit packing (bit 1 means +1: x >= 0) and the bit planes of 8-bit pixels.
#include <string.h>
#include "bnn_internal.h"
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

static void bnn_zero_tail(uint64_t *row, size_t used, size_t ld) {
    for (size_t w = used; w < ld; w++) row[w] = 0;
}

#if !defined(__SSE2__)
// Transposes an 8x8 bit matrix held in a word (byte r = row r, bit c of a byte = column c)
// so that byte c holds column c (bit r = row r). Hacker's Delight, "transpose8".
static inline uint64_t bnn_transpose8x8(uint64_t x) {
    uint64_t t;
    t = (x ^ (x >> 7)) & 0x00AA00AA00AA00AAULL;  x ^= t ^ (t << 7);
    t = (x ^ (x >> 14)) & 0x0000CCCC0000CCCCULL; x ^= t ^ (t << 14);
    t = (x ^ (x >> 28)) & 0x00000000F0F0F0F0ULL; x ^= t ^ (t << 28);
    return x;
}
#endif

#if defined(__SSE2__)
// The signs of 16 floats as 16 bits (bit t = x[t] >= 0): four compares packed to bytes.
static inline uint32_t bnn_signs16(const float *x) {
    const __m128 zero = _mm_setzero_ps();
    const __m128i a = _mm_castps_si128(_mm_cmpge_ps(_mm_loadu_ps(x), zero));
    const __m128i b = _mm_castps_si128(_mm_cmpge_ps(_mm_loadu_ps(x + 4), zero));
    const __m128i c = _mm_castps_si128(_mm_cmpge_ps(_mm_loadu_ps(x + 8), zero));
    const __m128i d = _mm_castps_si128(_mm_cmpge_ps(_mm_loadu_ps(x + 12), zero));
    return (uint32_t)_mm_movemask_epi8(_mm_packs_epi16(_mm_packs_epi32(a, b), _mm_packs_epi32(c, d)));
}
#endif

void bnn_pack_rows_f32(size_t m, size_t k, const float *x, size_t ldx, uint64_t *out, size_t ldo) {
    const size_t kw = (k + 63) / 64;
    for (size_t i = 0; i < m; i++) {
        const float *xi = x + i * ldx;
        uint64_t *oi = out + i * ldo;
        for (size_t w = 0; w < kw; w++) {
            const size_t base = w * 64, count = bnn_min(64, k - base);
            uint64_t bits = 0;
            size_t t = 0;
#if defined(__SSE2__)
            for (; t + 16 <= count; t += 16) bits |= (uint64_t)bnn_signs16(xi + base + t) << t;
#endif
            for (; t < count; t++) bits |= (uint64_t)(xi[base + t] >= 0.0f) << t;
            oi[w] = bits;
        }
        bnn_zero_tail(oi, kw, ldo);
    }
}

/// bnn_pack_columns_f32's blocks: 8 words of 64 rows (one cache line of output per column)
/// by 128 columns (512 bytes of each row; 8 KB of sign bytes).
#define BNN_PACK_WORDS 8
#define BNN_PACK_STRIP 128

// By blocks of 8 words (512 rows) and, in a block, strips of 128 columns: first each row's
// 512 bytes of the strip leave the signs of its columns as bytes (8 columns per byte), the
// bytes of one byte-column for all the block's rows together; then each byte-column's 64
// bytes per word give the words of its 8 columns (byte sign masks with SSE2; 8x8 bit
// transposes without), a column's 8 words one whole cache line of output. Reading down a
// strip of 16 columns of all k rows instead (4096 rows 16 KB apart for the paper's 4096 x
// 4096 layers), each output line written a word at a time over the whole pass, took 13-20
// ms for 4096 x 4096 on one Zen 4 core.
void bnn_pack_column_words_f32(size_t k, size_t n, const float *w, size_t ldw, uint64_t *out, size_t ldo) {
    const size_t kw = (k + 63) / 64;
    uint8_t bytes[BNN_PACK_STRIP / 8 * BNN_PACK_WORDS * 64];  // [byte-column][row of the block]
    for (size_t word0 = 0; word0 < kw; word0 += BNN_PACK_WORDS) {
        const size_t words = bnn_min(BNN_PACK_WORDS, kw - word0), base = word0 * 64;
        const size_t rows = words * 64, count = bnn_min(rows, k - base);
        for (size_t j0 = 0; j0 < n; j0 += BNN_PACK_STRIP) {
            const size_t cols = bnn_min(BNN_PACK_STRIP, n - j0), byte_cols = (cols + 7) / 8;
            for (size_t r = 0; r < rows; r++) {
                uint8_t *to = bytes + r;
                if (r >= count) {
                    for (size_t b = 0; b < byte_cols; b++) to[b * rows] = 0;
                    continue;
                }
                const float *row = w + (base + r) * ldw + j0;
                size_t c = 0;
#if defined(__SSE2__)
                // What this row's turn reads next (the next strip, or the next block's first),
                // into cache while the other rows are read: each turn is only 8 lines of a row,
                // too short for the hardware prefetchers to follow.
                const float *next = j0 + BNN_PACK_STRIP < n ? row + BNN_PACK_STRIP
                                  : base + rows + r < k     ? w + (base + rows + r) * ldw
                                                            : NULL;
                const size_t ahead = j0 + BNN_PACK_STRIP < n ? n - j0 - BNN_PACK_STRIP : n;
                if (next)
                    for (size_t line = 0; line < bnn_min(BNN_PACK_STRIP, ahead); line += 16)
                        _mm_prefetch((const char *)(next + line), _MM_HINT_T0);
                for (; c + 16 <= cols; c += 16) {
                    const uint32_t bits = bnn_signs16(row + c);
                    to[(c / 8) * rows] = (uint8_t)bits;
                    to[(c / 8 + 1) * rows] = (uint8_t)(bits >> 8);
                }
#endif
                for (; c < cols; c += 8) {
                    uint32_t bits = 0;
                    for (size_t t = 0; t < 8 && c + t < cols; t++) bits |= (uint32_t)(row[c + t] >= 0.0f) << t;
                    to[(c / 8) * rows] = (uint8_t)bits;
                }
            }
            for (size_t b = 0; b < byte_cols; b++) {
                const size_t first = j0 + 8 * b, here = bnn_min(8, n - first);
                for (size_t wd = 0; wd < words; wd++) {
                    const uint8_t *column_bytes = bytes + b * rows + wd * 64;  // byte r: row r, bit c: column first + c
                    uint64_t *to = out + first * ldo + word0 + wd;
#if defined(__SSE2__)
                    // Column c's word: bit c of the 64 bytes, moved to the top of each byte by
                    // a 16-bit shift (bits from the low byte never reach the high byte's top),
                    // then the bytes' sign masks, 16 rows at a time.
                    const __m128i q0 = _mm_loadu_si128((const __m128i *)column_bytes);
                    const __m128i q1 = _mm_loadu_si128((const __m128i *)(column_bytes + 16));
                    const __m128i q2 = _mm_loadu_si128((const __m128i *)(column_bytes + 32));
                    const __m128i q3 = _mm_loadu_si128((const __m128i *)(column_bytes + 48));
                    for (size_t c = 0; c < here; c++) {
                        const __m128i shift = _mm_cvtsi32_si128((int)(7 - c));
                        to[c * ldo] = (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_sll_epi16(q0, shift)) |
                                      (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_sll_epi16(q1, shift)) << 16 |
                                      (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_sll_epi16(q2, shift)) << 32 |
                                      (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_sll_epi16(q3, shift)) << 48;
                    }
#else
                    uint64_t acc[8] = {0};
                    for (size_t r0 = 0; r0 < 64; r0 += 8) {
                        uint64_t block;  // byte r: row r0 + r, bit c: column first + c
                        memcpy(&block, column_bytes + r0, 8);
                        block = bnn_transpose8x8(block);  // byte c: column first + c, bit r: row r0 + r
                        for (size_t c = 0; c < 8; c++) acc[c] |= ((block >> (8 * c)) & 0xFF) << r0;
                    }
                    for (size_t c = 0; c < here; c++) to[c * ldo] = acc[c];
#endif
                }
            }
        }
    }
}

void bnn_pack_columns_f32(size_t k, size_t n, const float *w, size_t ldw, uint64_t *out, size_t ldo) {
    bnn_pack_column_words_f32(k, n, w, ldw, out, ldo);
    const size_t kw = (k + 63) / 64;
    for (size_t jj = 0; jj < n; jj++) bnn_zero_tail(out + jj * ldo, kw, ldo);
}

void bnn_pack_bitplanes_u8(size_t m, size_t k, const uint8_t *p, size_t ldp, uint64_t *out, size_t ldo) {
    const size_t kw = (k + 63) / 64;
    for (size_t i = 0; i < m; i++) {
        const uint8_t *pi = p + i * ldp;
        uint64_t *oi = out + i * ldo;
        for (size_t w = 0; w < kw; w++) {
            const size_t base = w * 64, count = bnn_min(64, k - base);
            uint64_t planes[8] = {0};
            size_t t = 0;
#if defined(__SSE2__)
            // 16 pixels at a time: shifting bit q to the top of each byte and
            // taking the byte sign mask gives 16 bits of plane q.
            for (; t + 16 <= count; t += 16) {
                const __m128i v = _mm_loadu_si128((const __m128i *)(pi + base + t));
                planes[7] |= (uint64_t)(uint16_t)_mm_movemask_epi8(v) << t;
                planes[6] |= (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_slli_epi16(v, 1)) << t;
                planes[5] |= (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_slli_epi16(v, 2)) << t;
                planes[4] |= (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_slli_epi16(v, 3)) << t;
                planes[3] |= (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_slli_epi16(v, 4)) << t;
                planes[2] |= (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_slli_epi16(v, 5)) << t;
                planes[1] |= (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_slli_epi16(v, 6)) << t;
                planes[0] |= (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_slli_epi16(v, 7)) << t;
            }
#endif
            for (; t < count; t++) {
                const unsigned v = pi[base + t];
                for (unsigned q = 0; q < 8; q++) planes[q] |= (uint64_t)((v >> q) & 1u) << t;
            }
            for (unsigned q = 0; q < 8; q++) oi[8 * w + q] = planes[q];
        }
        bnn_zero_tail(oi, 8 * kw, ldo);
    }
}

uint64_t bnn_popcount_words(const uint64_t *words, size_t count) {
    uint64_t total = 0;
    for (size_t i = 0; i < count; i++) total += (uint64_t)__builtin_popcountll(words[i]);
    return total;
}

#if defined(__x86_64__)
#include <immintrin.h>
/// The first count / 8 * 8 values of bnn_pixels_from_scaled, eight at a time, with the same
/// arithmetic (a subtraction, a multiplication and an addition, not fused) and the check
/// through a gather of the table. Returns how many it did; *exact is cleared on a miss.
__attribute__((target("avx2"))) static size_t bnn_pixels_from_scaled_avx2(size_t count, const float *x,
                                                                          const float *table, float low,
                                                                          float inverse, uint8_t *out, int *exact) {
    const __m256 vlow = _mm256_set1_ps(low), vinverse = _mm256_set1_ps(inverse), half = _mm256_set1_ps(0.5f);
    const __m256 zero = _mm256_setzero_ps(), top = _mm256_set1_ps(256.0f);
    // Byte 0 of each 32-bit lane to the bottom four bytes of its 128-bit half.
    const __m256i bytes = _mm256_setr_epi8(0, 4, 8, 12, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
                                           0, 4, 8, 12, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1);
    __m256 equal = _mm256_castsi256_ps(_mm256_set1_epi32(-1));
    size_t i = 0;
    for (; i + 8 <= count; i += 8) {
        const __m256 v = _mm256_loadu_ps(x + i);
        const __m256 q = _mm256_add_ps(_mm256_mul_ps(_mm256_sub_ps(v, vlow), vinverse), half);
        const __m256 inside = _mm256_and_ps(_mm256_cmp_ps(q, zero, _CMP_GE_OQ), _mm256_cmp_ps(q, top, _CMP_LT_OQ));
        const __m256i p = _mm256_and_si256(_mm256_cvttps_epi32(q), _mm256_castps_si256(inside));
        equal = _mm256_and_ps(equal, _mm256_cmp_ps(_mm256_i32gather_ps(table, p, 4), v, _CMP_EQ_OQ));
        const __m256i packed = _mm256_shuffle_epi8(p, bytes);
        const uint32_t lo = (uint32_t)_mm_cvtsi128_si32(_mm256_castsi256_si128(packed));
        const uint32_t hi = (uint32_t)_mm_cvtsi128_si32(_mm256_extracti128_si256(packed, 1));
        memcpy(out + i, &lo, 4);
        memcpy(out + i + 4, &hi, 4);
    }
    if (_mm256_movemask_ps(equal) != 0xFF) *exact = 0;
    return i;
}
#endif

int bnn_pixels_from_scaled(size_t count, const float *x, const float *table, uint8_t *out) {
    const float low = table[0], inverse = 255.0f / (table[255] - table[0]);
    int exact = 1;
    size_t first = 0;  // the first value the plain loop below reads back
#if defined(__x86_64__)
    if (bnn_active_variant() >= BNN_VARIANT_AVX2)
        first = bnn_pixels_from_scaled_avx2(count, x, table, low, inverse, out, &exact);
#endif
    for (size_t i = first; i < count; i++) {
        const float q = (x[i] - low) * inverse + 0.5f;  // NaN and values far outside fail below
        const int p = q >= 0.0f && q < 256.0f ? (int)q : 0;
        exact &= table[p] == x[i];
        out[i] = (uint8_t)p;
    }
    return exact;
}
