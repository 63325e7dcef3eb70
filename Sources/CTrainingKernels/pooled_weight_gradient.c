// The weight gradient of a one-channel 3x3 convolution followed by 2x2 max-pooling (the
// first layer on grayscale images), straight from the pooled gradient: only the winner of
// each window has a gradient, so dw[o][t] = the sum over windows q of gpool[q][o] times the
// input under tap t at the winner of q for output o. The four candidates of a window for
// tap t are four values of the window's 4x4 input neighbourhood; AVX2 picks each output's
// one with a lane permutation by its winner index (0-3), one permute and one FMA per tap
// and 8 outputs. The 28 x 28 x 32 gradient the pool's backward pass would write (100 KB an
// image, three quarters zeros) is never made, nor read back.
//
// Sums run over the band's images and windows in order: not the order of the dense
// kernel, so the same sums up to float rounding.
#include "bnn_training_kernels.h"
#include "float_convolution_variants.h"
#include <string.h>

// The window's candidates for every tap: cand[t][i] = x[2qy + i/2 + t/3][2qx + i%2 + t%3].
#define POOLED_CANDIDATES                                                                             \
    float cand[9][4];                                                                                 \
    {                                                                                                 \
        const float *nb = in + image * image_floats + (2 * qy * pw + 2 * qx);                         \
        for (size_t t = 0; t < 9; t++)                                                                \
            for (size_t i = 0; i < 4; i++) cand[t][i] = nb[(i / 2 + t / 3) * pw + i % 2 + t % 3];     \
    }

#define POOLED_SCALAR_TAIL                                                                            \
    for (size_t o = vector_end; o < n; o++) {                                                         \
        float acc[9] = {0};                                                                           \
        for (size_t image = first; image < first + count; image++)                                    \
            for (size_t qy = 0; qy < oh; qy++)                                                        \
                for (size_t qx = 0; qx < ow; qx++) {                                                  \
                    POOLED_CANDIDATES                                                                 \
                    const size_t q = ((image * oh + qy) * ow + qx) * n + o;                           \
                    for (size_t t = 0; t < 9; t++) acc[t] += gpool[q] * cand[t][winner[q] & 3];       \
                }                                                                                     \
        for (size_t t = 0; t < 9; t++) dw[o * 9 + t] = acc[t];                                        \
    }

void bnn_conv3x3_pooled_weight_gradient_portable(BNN_POOLED_WEIGHT_GRADIENT_ARGS) {
    const size_t pw = bnn_conv3x3_padded_width(w), image_floats = bnn_conv3x3_padded_image(h, w, 1);
    const size_t oh = h / 2, ow = w / 2, vector_end = 0;
    POOLED_SCALAR_TAIL
}

#if defined(__x86_64__)
#include <immintrin.h>
__attribute__((target("avx2,fma"))) void bnn_conv3x3_pooled_weight_gradient_avx2(BNN_POOLED_WEIGHT_GRADIENT_ARGS) {
    const size_t pw = bnn_conv3x3_padded_width(w), image_floats = bnn_conv3x3_padded_image(h, w, 1);
    const size_t oh = h / 2, ow = w / 2, vector_end = n / 8 * 8;
    for (size_t o0 = 0; o0 < vector_end; o0 += 8) {
        __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0, a8 = a0;
        for (size_t image = first; image < first + count; image++)
            for (size_t qy = 0; qy < oh; qy++) {
                const float *row = in + image * image_floats + 2 * qy * pw;
                for (size_t qx = 0; qx < ow; qx++) {
                    // Rows 0-3 of the window's 4x4 neighbourhood; the candidates of tap
                    // (ty, tx) are rows ty and ty + 1 at columns tx and tx + 1.
                    const float *nb = row + 2 * qx;
                    const __m128 r0 = _mm_loadu_ps(nb), r1 = _mm_loadu_ps(nb + pw), r2 = _mm_loadu_ps(nb + 2 * pw),
                                 r3 = _mm_loadu_ps(nb + 3 * pw);
                    const size_t q = ((image * oh + qy) * ow + qx) * n + o0;
                    const __m256 g = _mm256_loadu_ps(gpool + q);
                    const __m256i k = _mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)(winner + q)));
#define POOLED_TAP(acc, ra, rb, imm) \
    acc = _mm256_fmadd_ps(g, _mm256_permutevar8x32_ps(_mm256_castps128_ps256(_mm_shuffle_ps(ra, rb, imm)), k), acc);
                    // _mm_shuffle_ps(ra, rb, imm): lanes 0-1 from ra, 2-3 from rb; columns tx, tx + 1.
                    POOLED_TAP(a0, r0, r1, 0x44) POOLED_TAP(a1, r0, r1, 0x99) POOLED_TAP(a2, r0, r1, 0xEE)
                    POOLED_TAP(a3, r1, r2, 0x44) POOLED_TAP(a4, r1, r2, 0x99) POOLED_TAP(a5, r1, r2, 0xEE)
                    POOLED_TAP(a6, r2, r3, 0x44) POOLED_TAP(a7, r2, r3, 0x99) POOLED_TAP(a8, r2, r3, 0xEE)
#undef POOLED_TAP
                }
            }
        float sums[9][8];
        _mm256_storeu_ps(sums[0], a0); _mm256_storeu_ps(sums[1], a1); _mm256_storeu_ps(sums[2], a2);
        _mm256_storeu_ps(sums[3], a3); _mm256_storeu_ps(sums[4], a4); _mm256_storeu_ps(sums[5], a5);
        _mm256_storeu_ps(sums[6], a6); _mm256_storeu_ps(sums[7], a7); _mm256_storeu_ps(sums[8], a8);
        for (size_t l = 0; l < 8; l++)
            for (size_t t = 0; t < 9; t++) dw[(o0 + l) * 9 + t] = sums[t][l];
    }
    POOLED_SCALAR_TAIL
}
void bnn_conv3x3_pooled_weight_gradient_avx512(BNN_POOLED_WEIGHT_GRADIENT_ARGS) {
    bnn_conv3x3_pooled_weight_gradient_avx2(h, w, in, first, count, gpool, winner, n, dw);
}
#else
void bnn_conv3x3_pooled_weight_gradient_avx2(BNN_POOLED_WEIGHT_GRADIENT_ARGS) {
    bnn_conv3x3_pooled_weight_gradient_portable(h, w, in, first, count, gpool, winner, n, dw);
}
void bnn_conv3x3_pooled_weight_gradient_avx512(BNN_POOLED_WEIGHT_GRADIENT_ARGS) {
    bnn_conv3x3_pooled_weight_gradient_portable(h, w, in, first, count, gpool, winner, n, dw);
}
#endif
