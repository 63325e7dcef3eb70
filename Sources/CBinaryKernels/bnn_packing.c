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

void bnn_pack_columns_f32(size_t k, size_t n, const float *w, size_t ldw, uint64_t *out, size_t ldo) {
    for (size_t j = 0; j < n; j++) memset(out + j * ldo, 0, ldo * sizeof(uint64_t));
    // Walk w row by row (sequential reads); the n words being filled stay in cache.
    for (size_t kk = 0; kk < k; kk++) {
        const float *wk = w + kk * ldw;
        const size_t word = kk / 64;
        const unsigned shift = (unsigned)(kk % 64);
        for (size_t j = 0; j < n; j++) out[j * ldo + word] |= (uint64_t)(wk[j] >= 0.0f) << shift;
    }
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
