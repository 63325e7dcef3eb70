// Bit packing (bit 1 means +1: x >= 0) and the bit planes of 8-bit pixels.
#include <string.h>
#include "bnn_internal.h"
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

static void bnn_zero_tail(uint64_t *row, size_t used, size_t ld) {
    for (size_t w = used; w < ld; w++) row[w] = 0;
}

void bnn_pack_rows_f32(size_t m, size_t k, const float *x, size_t ldx, uint64_t *out, size_t ldo) {
    const size_t kw = (k + 63) / 64;
    for (size_t i = 0; i < m; i++) {
        const float *xi = x + i * ldx;
        uint64_t *oi = out + i * ldo;
        for (size_t w = 0; w < kw; w++) {
            const size_t base = w * 64, count = bnn_min(64, k - base);
            uint64_t bits = 0;
            for (size_t t = 0; t < count; t++) bits |= (uint64_t)(xi[base + t] >= 0.0f) << t;
            oi[w] = bits;
        }
        bnn_zero_tail(oi, kw, ldo);
    }
}

// Transposes an 8x8 bit matrix held in a word (byte r = row r, bit c of a byte = column c)
// so that byte c holds column c (bit r = row r). Hacker's Delight, "transpose8".
static inline uint64_t bnn_transpose8x8(uint64_t x) {
    uint64_t t;
    t = (x ^ (x >> 7)) & 0x00AA00AA00AA00AAULL;  x ^= t ^ (t << 7);
    t = (x ^ (x >> 14)) & 0x0000CCCC0000CCCCULL; x ^= t ^ (t << 14);
    t = (x ^ (x >> 28)) & 0x00000000F0F0F0F0ULL; x ^= t ^ (t << 28);
    return x;
}

// Columns j0..j0+cols-1 (cols <= 64) of w, rows base..base+count-1, one bit at a time.
static void bnn_pack_columns_scalar(size_t base, size_t count, size_t j0, size_t cols, const float *w,
                                    size_t ldw, uint64_t *out, size_t ldo, size_t word) {
    for (size_t c = 0; c < cols; c++) {
        uint64_t bits = 0;
        for (size_t t = 0; t < count; t++) bits |= (uint64_t)(w[(base + t) * ldw + j0 + c] >= 0.0f) << t;
        out[(j0 + c) * ldo + word] = bits;
    }
}

void bnn_pack_columns_f32(size_t k, size_t n, const float *w, size_t ldw, uint64_t *out, size_t ldo) {
    const size_t kw = (k + 63) / 64;
    size_t j = 0;
#if defined(__SSE2__)
    // Strips of 16 columns (one cache line of each row): per 8 rows, the sign masks of
    // 8 columns form an 8x8 bit matrix, transposed in registers into 8 bits per column.
    const __m128 zero = _mm_setzero_ps();
    for (; j + 16 <= n; j += 16) {
        for (size_t word = 0; word < kw; word++) {
            const size_t base = word * 64, count = bnn_min(64, k - base);
            if (count < 64) { bnn_pack_columns_scalar(base, count, j, 16, w, ldw, out, ldo, word); continue; }
            uint64_t acc[16] = {0};
            for (size_t r0 = 0; r0 < 64; r0 += 8) {
                uint64_t lo = 0, hi = 0;
                for (size_t r = 0; r < 8; r++) {
                    const float *row = w + (base + r0 + r) * ldw + j;
                    const uint64_t m0 = (uint64_t)_mm_movemask_ps(_mm_cmpge_ps(_mm_loadu_ps(row), zero));
                    const uint64_t m1 = (uint64_t)_mm_movemask_ps(_mm_cmpge_ps(_mm_loadu_ps(row + 4), zero));
                    const uint64_t m2 = (uint64_t)_mm_movemask_ps(_mm_cmpge_ps(_mm_loadu_ps(row + 8), zero));
                    const uint64_t m3 = (uint64_t)_mm_movemask_ps(_mm_cmpge_ps(_mm_loadu_ps(row + 12), zero));
                    lo |= (m0 | (m1 << 4)) << (8 * r);
                    hi |= (m2 | (m3 << 4)) << (8 * r);
                }
                lo = bnn_transpose8x8(lo);
                hi = bnn_transpose8x8(hi);
                for (size_t c = 0; c < 8; c++) {
                    acc[c] |= ((lo >> (8 * c)) & 0xFF) << r0;
                    acc[8 + c] |= ((hi >> (8 * c)) & 0xFF) << r0;
                }
            }
            for (size_t c = 0; c < 16; c++) out[(j + c) * ldo + word] = acc[c];
        }
    }
#endif
    for (; j < n; j += 64) {
        const size_t cols = bnn_min(64, n - j);
        for (size_t word = 0; word < kw; word++) {
            const size_t base = word * 64;
            bnn_pack_columns_scalar(base, bnn_min(64, k - base), j, cols, w, ldw, out, ldo, word);
        }
    }
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
