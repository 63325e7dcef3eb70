// A matrix product with one operand of signs, c[i][o] = sum over k of sign(s(k, i)) * f[k][o]
// (sign(x) = +1 for x >= 0, else -1): the weight gradient x^T g of a binary dense layer
// whose input x is ±1 (s = x, k = the batch's rows). (Its input gradient g W_b^T has this
// form too, with s = W_b^T; at the reference ConvNet's 256 -> 3136 it ran at 0.8-0.97x
// sgemm once both transposes were paid, so it stays with sgemm.)
//
// As in sign_weight_gradient.c, four rows of f make a table of their 16 signed sums
// (T[e] = sum_j ±f[4g + j], + where bit j of e is set) and each c[i] adds, per group of four
// k, the entry its four signs pick: one vector addition per four k instead of four FMAs.
// The tables of all groups for a chunk of 8 or 16 columns fit in 32 KB of L1; the indices
// of a band of rows i are made once, before the chunks. Every c[i][o] sums its groups in
// order whatever the band, so the result never depends on the thread split; it equals the
// float product up to rounding, not in its bits.
#include "bnn_training_kernels.h"
#include "float_convolution_variants.h"
#include "sign_tables.h"
#include <string.h>

#define SIGN_GEMM_WIDEST 16  // columns per chunk of tables, at most

typedef float v4f __attribute__((vector_size(16)));

size_t bnn_sign_gemm_scratch(size_t k, size_t count) {
    const size_t groups = (k + 3) / 4;
    return groups * 16 * SIGN_GEMM_WIDEST + (groups * count + 3) / 4;
}

// The rows i0 and i0 + 1 (or only i0) of one chunk, CV vectors wide: accumulators by the
// parity of the group, so that four or more chains of additions are in flight.
#define SIGN_GEMM_ROWS(V, VL, CV)                                                                      \
    for (size_t ii = 0; ii < count; ii += 2) {                                                         \
        const int pair = ii + 1 < count;                                                               \
        V a0[CV], a1[CV], b0[CV], b1[CV];                                                              \
        for (size_t v = 0; v < (CV); v++) a0[v] = a1[v] = b0[v] = b1[v] = (V){0};                     \
        const uint8_t *restrict id0 = idx + ii, *restrict id1 = idx + ii + pair;                       \
        size_t g = 0;                                                                                  \
        for (; g + 2 <= groups; g += 2) {                                                              \
            const V *t0 = (const V *)(tables + (g * 16 + id0[g * count]) * chunk);                     \
            const V *t1 = (const V *)(tables + (g * 16 + id1[g * count]) * chunk);                     \
            const V *u0 = (const V *)(tables + ((g + 1) * 16 + id0[(g + 1) * count]) * chunk);         \
            const V *u1 = (const V *)(tables + ((g + 1) * 16 + id1[(g + 1) * count]) * chunk);         \
            for (size_t v = 0; v < (CV); v++) {                                                        \
                a0[v] += t0[v]; a1[v] += u0[v]; b0[v] += t1[v]; b1[v] += u1[v];                        \
            }                                                                                          \
        }                                                                                              \
        if (g < groups) {                                                                              \
            const V *t0 = (const V *)(tables + (g * 16 + id0[g * count]) * chunk);                     \
            const V *t1 = (const V *)(tables + (g * 16 + id1[g * count]) * chunk);                     \
            for (size_t v = 0; v < (CV); v++) { a0[v] += t0[v]; b0[v] += t1[v]; }                      \
        }                                                                                              \
        for (size_t v = 0; v < (CV); v++) {                                                            \
            const V r0 = a0[v] + a1[v], r1 = b0[v] + b1[v];                                            \
            const size_t o = v * (VL);                                                                 \
            if (o >= width) break;                                                                     \
            float *c0 = c + (first + ii) * ldc + o0 + o, *c1 = c0 + ldc;                                \
            if (o + (VL) <= width) {                                                                   \
                memcpy(c0, &r0, sizeof r0);                                                            \
                if (pair) memcpy(c1, &r1, sizeof r1);                                                  \
                continue;                                                                              \
            }                                                                                          \
            memcpy(c0, &r0, (width - o) * sizeof(float));                                              \
            if (pair) memcpy(c1, &r1, (width - o) * sizeof(float));                                    \
        }                                                                                              \
    }

#define SIGN_GEMM_BODY(V, VL)                                                                          \
    const size_t groups = (k + 3) / 4;                                                                 \
    const size_t chunk = groups <= 32 ? SIGN_GEMM_WIDEST : SIGN_GEMM_WIDEST / 2;  /* tables <= 32 KB */      \
    const size_t cv = chunk / (VL);                                                                    \
    float *restrict tables = scratch;                                                                  \
    uint8_t *restrict idx = (uint8_t *)(scratch + groups * 16 * SIGN_GEMM_WIDEST);                     \
    for (size_t g = 0; g < groups; g++) {                                                              \
        uint8_t *restrict row = idx + g * count;                                                       \
        if (s_col == 1 && 4 * g + 4 <= k) {  /* rows of s: four contiguous runs, vectorized */         \
            const float *restrict p0 = s + 4 * g * s_row + first, *restrict p1 = p0 + s_row,           \
                        *restrict p2 = p1 + s_row, *restrict p3 = p2 + s_row;                          \
            for (size_t ii = 0; ii < count; ii++)                                                      \
                row[ii] = (uint8_t)((p0[ii] >= 0.0f) | (p1[ii] >= 0.0f) << 1 | (p2[ii] >= 0.0f) << 2 | \
                                    (p3[ii] >= 0.0f) << 3);                                            \
            continue;                                                                                  \
        }                                                                                              \
        for (size_t ii = 0; ii < count; ii++) {                                                        \
            const float *at = s + (first + ii) * s_col;                                                \
            unsigned bits = 0;                                                                         \
            for (size_t j = 0; j < 4; j++) {                                                           \
                const size_t kj = 4 * g + j;                                                           \
                bits |= (unsigned)(kj >= k || at[kj * s_row] >= 0.0f) << j;                            \
            }                                                                                          \
            row[ii] = (uint8_t)bits;                                                                   \
        }                                                                                              \
    }                                                                                                  \
    for (size_t o0 = 0; o0 < n; o0 += chunk) {                                                         \
        const size_t width = n - o0 < chunk ? n - o0 : chunk;                                          \
        for (size_t g = 0; g < groups; g++) {                                                          \
            V *T = (V *)(tables + g * 16 * chunk);                                                     \
            for (size_t v = 0; v < cv; v++) {                                                          \
                V r[4];                                                                                \
                for (size_t j = 0; j < 4; j++) {                                                       \
                    const size_t kj = 4 * g + j, o = v * (VL);                                         \
                    if (kj < k && o + (VL) <= width) {  /* a whole vector: one load */                 \
                        memcpy(&r[j], f + kj * ldf + o0 + o, sizeof r[j]);                             \
                        continue;                                                                      \
                    }                                                                                  \
                    float part[VL] = {0};                                                              \
                    if (kj < k && o < width) memcpy(part, f + kj * ldf + o0 + o, (width - o) * sizeof(float)); \
                    memcpy(&r[j], part, sizeof part);                                                  \
                }                                                                                      \
                BNN_SIGNED_SUMS16(V, T, cv, v, r);                                                     \
            }                                                                                          \
        }                                                                                              \
        if (cv == SIGN_GEMM_WIDEST / (VL)) {                                                           \
            SIGN_GEMM_ROWS(V, VL, SIGN_GEMM_WIDEST / (VL))                                             \
        } else {                                                                                       \
            SIGN_GEMM_ROWS(V, VL, SIGN_GEMM_WIDEST / 2 / (VL))                                         \
        }                                                                                              \
    }

void bnn_sign_gemm_portable(BNN_SIGN_GEMM_ARGS) { SIGN_GEMM_BODY(v4f, 4) }

#if defined(__x86_64__)
typedef float v8f __attribute__((vector_size(32)));
__attribute__((target("avx2,fma"))) void bnn_sign_gemm_avx2(BNN_SIGN_GEMM_ARGS) { SIGN_GEMM_BODY(v8f, 8) }
// AVX-512 runs vectors of 8 too: a chunk's 16 columns are two of them, and the tables stay
// the same size.
__attribute__((target("avx512f,avx512vl,avx512bw,avx512dq,fma"))) void bnn_sign_gemm_avx512(BNN_SIGN_GEMM_ARGS) {
    SIGN_GEMM_BODY(v8f, 8)
}
#else
void bnn_sign_gemm_avx2(BNN_SIGN_GEMM_ARGS) { SIGN_GEMM_BODY(v4f, 4) }
void bnn_sign_gemm_avx512(BNN_SIGN_GEMM_ARGS) { SIGN_GEMM_BODY(v4f, 4) }
#endif
