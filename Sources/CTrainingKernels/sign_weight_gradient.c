// The weight gradient of a convolution whose input is ±1 (every binary layer after the
// first): dw[o][k] = sum over positions p of x[p][k] * g[p][o] with x[p][k] = ±1 needs no
// multiply, and four positions' signs take only 16 values. So the gradient rows of four
// positions become a table of their 16 signed sums (T[e] = sum_i ±g_i, + where bit i of e
// is set; sign_tables.h), built with 16 vector additions per output vector, and each patch index k adds
// the one entry its four signs pick: one vector addition per four positions instead of
// four FMAs. Groups run in chunks of 8 (8 tables of 16 x n floats stay in L1/L2) and the
// sums of a band of patch indices live in `scratch` until the end.
//
// Padding: one-padding reads +1, exact. Zero-padding reads 0, which the tables count as +1;
// the gradient of every position whose tap t falls outside is then taken back once per tap
// (it depends on t only, not on the channel).
//
// Not bit-identical to bnn_conv3x3_weight_gradient (the sums are grouped by fours); every
// sum still runs over the positions in order, so the result never depends on the thread
// split.
#include "bnn_training_kernels.h"
#include "float_convolution_variants.h"
#include "sign_tables.h"
#include <string.h>

#define SIGN_GROUPS 8

size_t bnn_conv3x3_sign_gradient_scratch(size_t cin, size_t n, size_t count_k) {
    (void)cin;
    const size_t np = (n + 15) / 16 * 16;  // the sums, the tables, the taps' outside sums, the indices
    return count_k * np + SIGN_GROUPS * 16 * np + 9 * np + (SIGN_GROUPS * count_k + 3) / 4;
}

#define SIGN_GRADIENT_BODY(V, VL)                                                                     \
    const size_t pw = bnn_conv3x3_padded_width(w), image = bnn_conv3x3_padded_image(h, w, cin);       \
    const size_t hw = h * w, K = 9 * cin, P = images * hw;                                            \
    const size_t np = (n + 15) / 16 * 16, nv = np / (VL);                                             \
    float *restrict acc = scratch, *restrict tables = acc + count_k * np;                            \
    float *restrict outside = tables + SIGN_GROUPS * 16 * np;                                         \
    uint8_t *restrict idx = (uint8_t *)(outside + 9 * np);                                            \
    memset(acc, 0, count_k * np * sizeof(float));                                                    \
    size_t off[9];                                                                                    \
    for (size_t t = 0; t < 9; t++) off[t] = ((t / 3) * pw + t % 3) * cin;                             \
    for (size_t p0 = 0; p0 < P; p0 += 4 * SIGN_GROUPS) {                                              \
        for (size_t gi = 0; gi < SIGN_GROUPS; gi++) {                                                 \
            V *T = (V *)(tables + gi * 16 * np);                                                      \
            const float *base[4];                                                                     \
            for (size_t i = 0; i < 4; i++) {                                                          \
                const size_t p = p0 + 4 * gi + i < P ? p0 + 4 * gi + i : P - 1;                       \
                const size_t q = p / hw, r = p % hw;                                                  \
                base[i] = in + q * image + ((r / w) * pw + r % w) * cin;                              \
            }                                                                                         \
            for (size_t v = 0; v < nv; v++) {                                                         \
                V row[4];                                                                             \
                for (size_t i = 0; i < 4; i++) {                                                      \
                    const size_t p = p0 + 4 * gi + i, o = v * (VL);                                   \
                    if (p < P && o + (VL) <= n) {  /* a whole vector: one load, not a call */           \
                        memcpy(&row[i], g + p * n + o, sizeof row[i]);                                \
                        continue;                                                                     \
                    }                                                                                 \
                    float part[VL] = {0};                                                             \
                    if (p < P && o < n) memcpy(part, g + p * n + o, (n - o) * sizeof(float));         \
                    memcpy(&row[i], part, sizeof part);                                               \
                }                                                                                     \
                BNN_SIGNED_SUMS16(V, T, nv, v, row);                                                  \
            }                                                                                         \
            uint8_t *restrict id = idx + gi * count_k;                                                \
            for (size_t kk = 0; kk < count_k;) {                                                      \
                const size_t k = first_k + kk, t = k / cin, c0 = k % cin;                             \
                const size_t run = cin - c0 < count_k - kk ? cin - c0 : count_k - kk;                 \
                const float *restrict b0 = base[0] + off[t] + c0, *restrict b1 = base[1] + off[t] + c0, \
                            *restrict b2 = base[2] + off[t] + c0, *restrict b3 = base[3] + off[t] + c0; \
                for (size_t c = 0; c < run; c++)                                                      \
                    id[kk + c] = (uint8_t)((b0[c] >= 0.0f) | (b1[c] >= 0.0f) << 1 | (b2[c] >= 0.0f) << 2 | \
                                           (b3[c] >= 0.0f) << 3);                                     \
                kk += run;                                                                            \
            }                                                                                         \
        }                                                                                             \
        for (size_t kk = 0; kk < count_k; kk++) {                                                     \
            V *a = (V *)(acc + kk * np);                                                              \
            const V *r[SIGN_GROUPS];                                                                  \
            for (size_t gi = 0; gi < SIGN_GROUPS; gi++)                                               \
                r[gi] = (const V *)(tables + (gi * 16 + idx[gi * count_k + kk]) * np);                \
            for (size_t v = 0; v < nv; v++)                                                           \
                a[v] += ((r[0][v] + r[1][v]) + (r[2][v] + r[3][v])) + ((r[4][v] + r[5][v]) + (r[6][v] + r[7][v])); \
        }                                                                                             \
    }                                                                                                 \
    if (pad == 0.0f) {                                                                                \
        memset(outside, 0, 9 * np * sizeof(float));                                                  \
        for (size_t p = 0; p < P; p++) {                                                              \
            const size_t r = p % hw, y = r / w, x = r % w;                                            \
            if (y > 0 && y + 1 < h && x > 0 && x + 1 < w) continue;                                   \
            for (size_t t = 0; t < 9; t++) {                                                          \
                const size_t yy = y + t / 3, xx = x + t % 3;  /* one past the true tap */             \
                if (yy >= 1 && yy <= h && xx >= 1 && xx <= w) continue;                               \
                for (size_t o = 0; o < n; o++) outside[t * np + o] += g[p * n + o];                   \
            }                                                                                         \
        }                                                                                             \
        for (size_t kk = 0; kk < count_k; kk++) {                                                     \
            const float *restrict corr = outside + ((first_k + kk) / cin) * np;                      \
            for (size_t o = 0; o < n; o++) acc[kk * np + o] -= corr[o];                               \
        }                                                                                             \
    }                                                                                                 \
    for (size_t kk = 0; kk < count_k; kk++)                                                           \
        for (size_t o = 0; o < n; o++) dw[o * K + first_k + kk] = acc[kk * np + o];

typedef float v4f __attribute__((vector_size(16)));
void bnn_conv3x3_sign_gradient_portable(BNN_SIGN_GRADIENT_ARGS) { SIGN_GRADIENT_BODY(v4f, 4) }

#if defined(__x86_64__)
typedef float v8f __attribute__((vector_size(32)));
typedef float v16f __attribute__((vector_size(64)));
__attribute__((target("avx2,fma"))) void bnn_conv3x3_sign_gradient_avx2(BNN_SIGN_GRADIENT_ARGS) {
    SIGN_GRADIENT_BODY(v8f, 8)
}
__attribute__((target("avx512f,avx512vl,avx512bw,avx512dq,fma"))) void bnn_conv3x3_sign_gradient_avx512(
    BNN_SIGN_GRADIENT_ARGS) {
    SIGN_GRADIENT_BODY(v16f, 16)
}
#else
void bnn_conv3x3_sign_gradient_avx2(BNN_SIGN_GRADIENT_ARGS) { SIGN_GRADIENT_BODY(v4f, 4) }
void bnn_conv3x3_sign_gradient_avx512(BNN_SIGN_GRADIENT_ARGS) { SIGN_GRADIENT_BODY(v4f, 4) }
#endif
