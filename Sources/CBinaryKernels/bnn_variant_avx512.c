// AVX-512 VPOPCNTDQ variant: 512-bit XOR + vpopcntq. XNOR product: 4 x 4 register
// tile (16 accumulators) reduced eight at a time, masked loads for the last
// partial vector of a row, 1 x 8 tiles for a single row. Bit-plane product: the
// 8 interleaved planes of a 64-pixel block in one register against a broadcast
// weight word, 2 images x 8 neurons per tile. Threshold step: mask compares.
#if defined(__x86_64__)
#include <immintrin.h>
#include "bnn_internal.h"

#define BNN_AVX512_TARGET "avx512f,avx512vpopcntdq,avx512bw,avx512vl,avx2,popcnt"

#define BNN_AVX512_INLINE static inline __attribute__((always_inline, target(BNN_AVX512_TARGET)))

/// Lane sums of eight vectors at once: result lane t = sum of the lanes of v[t]
/// (21 instructions instead of eight separate horizontal reductions).
BNN_AVX512_INLINE __m512i bnn_reduce8_avx512(const __m512i v[8]) {
    __m512i s[4];
    for (int p = 0; p < 4; p++)
        s[p] = _mm512_add_epi64(_mm512_unpacklo_epi64(v[2 * p], v[2 * p + 1]),
                                _mm512_unpackhi_epi64(v[2 * p], v[2 * p + 1]));
    __m512i t[2];
    for (int p = 0; p < 2; p++)
        t[p] = _mm512_add_epi64(_mm512_shuffle_i64x2(s[2 * p], s[2 * p + 1], 0x88),
                                _mm512_shuffle_i64x2(s[2 * p], s[2 * p + 1], 0xDD));
    return _mm512_add_epi64(_mm512_shuffle_i64x2(t[0], t[1], 0x88),
                            _mm512_shuffle_i64x2(t[0], t[1], 0xDD));
}

/// The register tile: acc[i][j] collects popcount(a_i XOR b_j) per 64-bit lane.
BNN_AVX512_INLINE void bnn_accumulate_avx512(const int MR, const int NR, const uint64_t *a, size_t lda,
                                             const uint64_t *b, size_t ldb, size_t kw,
                                             __m512i acc[8][8]) {
    for (int i = 0; i < MR; i++)
        for (int j = 0; j < NR; j++) acc[i][j] = _mm512_setzero_si512();
    size_t k = 0;
    for (; k + 8 <= kw; k += 8) {
        __m512i bv[8];
        for (int j = 0; j < NR; j++) bv[j] = _mm512_loadu_si512((const void *)(b + j * ldb + k));
        for (int i = 0; i < MR; i++) {
            const __m512i av = _mm512_loadu_si512((const void *)(a + i * lda + k));
            for (int j = 0; j < NR; j++)
                acc[i][j] = _mm512_add_epi64(acc[i][j], _mm512_popcnt_epi64(_mm512_xor_si512(av, bv[j])));
        }
    }
    if (k < kw) {
        const __mmask8 mask = (__mmask8)((1u << (kw - k)) - 1u);
        __m512i bv[8];
        for (int j = 0; j < NR; j++) bv[j] = _mm512_maskz_loadu_epi64(mask, b + j * ldb + k);
        for (int i = 0; i < MR; i++) {
            const __m512i av = _mm512_maskz_loadu_epi64(mask, a + i * lda + k);
            for (int j = 0; j < NR; j++)
                acc[i][j] = _mm512_add_epi64(acc[i][j], _mm512_popcnt_epi64(_mm512_xor_si512(av, bv[j])));
        }
    }
}

/// out[i*NR + j] = the lane sum of acc[i][j]: eight accumulators reduced per store when
/// the tile's count allows, one by one otherwise.
BNN_AVX512_INLINE void bnn_store_sums_avx512(const int MR, const int NR, __m512i acc[8][8], uint64_t *out) {
    if ((MR * NR) % 8 == 0) {
        for (int g = 0; g < MR * NR; g += 8) {
            __m512i v[8];
            for (int t = 0; t < 8; t++) v[t] = acc[(g + t) / NR][(g + t) % NR];
            _mm512_storeu_si512((void *)(out + g), bnn_reduce8_avx512(v));
        }
    } else {
        for (int i = 0; i < MR; i++)
            for (int j = 0; j < NR; j++) out[i * NR + j] = (uint64_t)_mm512_reduce_add_epi64(acc[i][j]);
    }
}

BNN_AVX512_INLINE void bnn_tile_avx512(const int MR, const int NR, const uint64_t *a, size_t lda,
                                       const uint64_t *b, size_t ldb, size_t kw, uint64_t *out) {
    __m512i acc[8][8];
    bnn_accumulate_avx512(MR, NR, a, lda, b, ldb, kw, acc);
    bnn_store_sums_avx512(MR, NR, acc, out);
}

/// The full 4 x 4 tile of the XNOR product, written straight to c as k - 2 * popcount.
BNN_AVX512_INLINE void bnn_xnor_tile4x4_avx512(const uint64_t *a, size_t lda, const uint64_t *b,
                                               size_t ldb, size_t kw, int32_t k, int32_t *c, size_t ldc) {
    __m512i acc[8][8];
    bnn_accumulate_avx512(4, 4, a, lda, b, ldb, kw, acc);
    const __m256i kk = _mm256_set1_epi32(k);
    for (int g = 0; g < 2; g++) {
        const __m512i v[8] = {acc[2 * g][0], acc[2 * g][1], acc[2 * g][2], acc[2 * g][3],
                              acc[2 * g + 1][0], acc[2 * g + 1][1], acc[2 * g + 1][2], acc[2 * g + 1][3]};
        const __m256i pc = _mm512_cvtepi64_epi32(bnn_reduce8_avx512(v));
        const __m256i dot = _mm256_sub_epi32(kk, _mm256_add_epi32(pc, pc));
        _mm_storeu_si128((__m128i *)(c + (size_t)(2 * g) * ldc), _mm256_castsi256_si128(dot));
        _mm_storeu_si128((__m128i *)(c + (size_t)(2 * g + 1) * ldc), _mm256_extracti128_si256(dot, 1));
    }
}

/// Bit-plane tile: lane q of acc[i][j] counts plane q of image i XOR the broadcast
/// weight word of neuron j; the lanes are weighted by 2^q only once, at the end.
BNN_AVX512_INLINE void bnn_plane_tile_avx512(const int MR, const int NR, const uint64_t *p, size_t ldp,
                                             const uint64_t *b, size_t ldb, size_t kw, uint64_t *out) {
    __m512i acc[8][8];
    for (int i = 0; i < MR; i++)
        for (int j = 0; j < NR; j++) acc[i][j] = _mm512_setzero_si512();
    for (size_t w = 0; w < kw; w++) {
        __m512i pv[8];
        for (int i = 0; i < MR; i++) pv[i] = _mm512_loadu_si512((const void *)(p + i * ldp + 8 * w));
        for (int j = 0; j < NR; j++) {
            const __m512i bv = _mm512_set1_epi64((long long)b[j * ldb + w]);
            for (int i = 0; i < MR; i++)
                acc[i][j] = _mm512_add_epi64(acc[i][j], _mm512_popcnt_epi64(_mm512_xor_si512(pv[i], bv)));
        }
    }
    const __m512i shifts = _mm512_setr_epi64(0, 1, 2, 3, 4, 5, 6, 7);
    for (int i = 0; i < MR; i++)
        for (int j = 0; j < NR; j++) acc[i][j] = _mm512_sllv_epi64(acc[i][j], shifts);
    bnn_store_sums_avx512(MR, NR, acc, out);
}

/// (s[u] >= t[u]) << u for u < count <= 64: four mask compares of 16 lanes.
BNN_AVX512_INLINE uint64_t bnn_compare64_avx512(const int32_t *s, const int32_t *t, size_t count) {
    uint64_t bits = 0;
    for (unsigned u = 0; u < 64 && u < count; u += 16) {
        const size_t left = count - u;
        const __mmask16 valid = left >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << left) - 1u);
        const __m512i sv = _mm512_maskz_loadu_epi32(valid, s + u);
        const __m512i tv = _mm512_maskz_loadu_epi32(valid, t + u);
        bits |= (uint64_t)_mm512_mask_cmpge_epi32_mask(valid, sv, tv) << u;
    }
    return bits;
}

#define BNN_SUFFIX avx512
#define BNN_ATTR __attribute__((target(BNN_AVX512_TARGET)))
#ifndef BNN_AVX512_MR
#define BNN_AVX512_MR 4
#endif
#ifndef BNN_AVX512_NR
#define BNN_AVX512_NR 4
#endif
#define BNN_MR BNN_AVX512_MR
#define BNN_NR BNN_AVX512_NR
#define BNN_GEMV_NR 8
#ifndef BNN_AVX512_PMR
#define BNN_AVX512_PMR 2
#endif
#ifndef BNN_AVX512_PNR
#define BNN_AVX512_PNR 8
#endif
#define BNN_PMR BNN_AVX512_PMR
#define BNN_PNR BNN_AVX512_PNR
#define BNN_PLANE_GEMV_NR 8
#define BNN_PLANE_TILE(MR, NR, p, ldp, b, ldb, kw, out) bnn_plane_tile_avx512(MR, NR, p, ldp, b, ldb, kw, out)
#define BNN_TILE(MR, NR, a, lda, b, ldb, kw, out) bnn_tile_avx512(MR, NR, a, lda, b, ldb, kw, out)
#if BNN_AVX512_MR == 4 && BNN_AVX512_NR == 4
#define BNN_FULL_XNOR_TILE(a, lda, b, ldb, kw, k, c, ldc) bnn_xnor_tile4x4_avx512(a, lda, b, ldb, kw, k, c, ldc)
#endif
#define BNN_COMPARE64(s, t, count) bnn_compare64_avx512(s, t, count)
#include "bnn_driver_template.h"
#endif
