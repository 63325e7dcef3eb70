// The weight gradient x^T g of a dense layer whose input is made of pixels, x = p / 127.5 - 1
// (PixelScaling): the first layer of every MLP, and the largest product of its training step
// (784 x 1024 x 100 multiply-adds per batch, which sgemm computes densely).
//
// Black is the most common pixel (about half of Fashion-MNIST's), and x = a[p] - 1 with
// a[p] = p / 127.5 is 0 there. So dw[i][o] = sum over b of a[p[b][i]] * g[b][o], minus the
// column sum of g, and the first sum only needs the images whose pixel i is not black. Inputs
// go in groups of four (four rows of dw share every load of g): for each group, the list of
// images where any of the four pixels is not black (about 62 of 100 for Fashion-MNIST) with
// their four coefficients, made once per call; then, by chunks of 2 vectors of outputs (the
// chunk of g, rows x 2 vectors, stays in L1), each group's four rows of dw sum their list:
// per image, two vector loads of g, four broadcasts and eight fused multiply-adds.
//
// Every dw[i][o] adds its images in order and subtracts the column sum (in image order)
// last, whatever the band of inputs, so the result never depends on the split into bands.
// It equals the float product up to rounding, not in its bits.
#include "bnn_training_kernels.h"
#include "float_convolution_variants.h"
#include <string.h>

typedef float v4f __attribute__((vector_size(16)));

/// Widest chunk of outputs: two AVX-512 vectors.
#define PWG_WIDEST 32

size_t bnn_pixel_weight_gradient_scratch(size_t rows, size_t count) {
    const size_t groups = (count + 3) / 4;
    // Per group: its length, then image indices and four coefficients per image; then one
    // chunk of g, rows x PWG_WIDEST floats.
    return groups + groups * rows * 5 + rows * PWG_WIDEST;
}

// Row i0 + r of dw for the chunk: the row's sums minus the column sums.
#define PWG_STORE(V, VL, r, acc)                                                                   \
    {                                                                                              \
        const V d0 = acc##0 - cs0, d1 = acc##1 - cs1;                                              \
        float *restrict out = dw + (i0 + (r)) * ldw + o0;                                          \
        if (width == 2 * (VL)) {                                                                   \
            memcpy(out, &d0, sizeof d0);                                                           \
            memcpy(out + (VL), &d1, sizeof d1);                                                    \
        } else {                                                                                   \
            float both[2 * (VL)];                                                                  \
            memcpy(both, &d0, sizeof d0);                                                          \
            memcpy(both + (VL), &d1, sizeof d1);                                                   \
            memcpy(out, both, width * sizeof(float));                                              \
        }                                                                                          \
    }

// `x - 0` is x for every float (also -0), so this is a plain broadcast of x.
#define PWG_SPLAT(V, x) ((x) - (V){0})

#define PIXEL_WEIGHT_GRADIENT_BODY(V, VL)                                                          \
    const size_t groups = (count + 3) / 4;                                                         \
    uint32_t *restrict lengths = (uint32_t *)scratch;                                              \
    uint32_t *restrict images = lengths + groups;                                                  \
    float *restrict coefficients = scratch + groups + groups * rows;                               \
    float *restrict chunk = coefficients + groups * rows * 4;                                      \
    for (size_t gi = 0; gi < groups; gi++) {                                                       \
        const size_t i0 = first + 4 * gi, m = first + count - i0 < 4 ? first + count - i0 : 4;      \
        uint32_t length = 0;                                                                       \
        float *restrict cf = coefficients + gi * rows * 4;                                         \
        for (size_t b = 0; b < rows; b++) {                                                        \
            const uint8_t *px = pixels + b * ldp + i0;                                             \
            uint32_t four = 0;                                                                     \
            memcpy(&four, px, m);                                                                  \
            if (!four) continue;                                                                   \
            images[gi * rows + length] = (uint32_t)(b * 2 * (VL));                                 \
            for (size_t r = 0; r < 4; r++) cf[4 * length + r] = r < m ? above[px[r]] : 0.0f;       \
            length++;                                                                              \
        }                                                                                          \
        lengths[gi] = length;                                                                      \
    }                                                                                              \
    for (size_t o0 = 0; o0 < n; o0 += 2 * (VL)) {                                                  \
        const size_t width = n - o0 < 2 * (VL) ? n - o0 : 2 * (VL);                                \
        /* The chunk of g, contiguous: its rows lie ldg floats apart in g, which for a */          \
        /* power of two puts them all in one set of L1. Zeros past the last column. */             \
        V cs0 = (V){0}, cs1 = (V){0};                                                              \
        for (size_t b = 0; b < rows; b++) {                                                        \
            float *restrict to = chunk + b * 2 * (VL);                                             \
            const float *restrict from = g + b * ldg + o0;                                         \
            V g0, g1;                                                                              \
            if (width == 2 * (VL)) {  /* two vector loads, not a call to memcpy */                 \
                memcpy(&g0, from, sizeof g0);                                                      \
                memcpy(&g1, from + (VL), sizeof g1);                                               \
            } else {                                                                               \
                float part[2 * (VL)] = {0};                                                        \
                memcpy(part, from, width * sizeof(float));                                         \
                memcpy(&g0, part, sizeof g0);                                                      \
                memcpy(&g1, part + (VL), sizeof g1);                                               \
            }                                                                                      \
            memcpy(to, &g0, sizeof g0);                                                            \
            memcpy(to + (VL), &g1, sizeof g1);                                                     \
            cs0 += g0; cs1 += g1;                                                                  \
        }                                                                                          \
        for (size_t gi = 0; gi < groups; gi++) {                                                   \
            V a00 = (V){0}, a01 = a00, a10 = a00, a11 = a00, a20 = a00, a21 = a00, a30 = a00, a31 = a00; \
            const uint32_t length = lengths[gi];                                                   \
            const uint32_t *restrict image = images + gi * rows;                                   \
            const float *restrict cf = coefficients + gi * rows * 4;                               \
            for (uint32_t e = 0; e < length; e++, cf += 4) {                                       \
                const float *restrict gr = chunk + image[e];                                       \
                V g0, g1;                                                                          \
                memcpy(&g0, gr, sizeof g0);                                                        \
                memcpy(&g1, gr + (VL), sizeof g1);                                                 \
                const V c0 = PWG_SPLAT(V, cf[0]), c1 = PWG_SPLAT(V, cf[1]);                        \
                const V c2 = PWG_SPLAT(V, cf[2]), c3 = PWG_SPLAT(V, cf[3]);                        \
                a00 += c0 * g0; a01 += c0 * g1;                                                    \
                a10 += c1 * g0; a11 += c1 * g1;                                                    \
                a20 += c2 * g0; a21 += c2 * g1;                                                    \
                a30 += c3 * g0; a31 += c3 * g1;                                                    \
            }                                                                                      \
            const size_t i0 = first + 4 * gi, m = first + count - i0 < 4 ? first + count - i0 : 4;  \
            PWG_STORE(V, VL, 0, a0)                                                                \
            if (m > 1) PWG_STORE(V, VL, 1, a1)                                                     \
            if (m > 2) PWG_STORE(V, VL, 2, a2)                                                     \
            if (m > 3) PWG_STORE(V, VL, 3, a3)                                                     \
        }                                                                                          \
    }

#if defined(__x86_64__)
typedef float v8f __attribute__((vector_size(32)));
typedef float v16f __attribute__((vector_size(64)));
#define PWG_AVX2 __attribute__((target("avx2,fma")))
#define PWG_AVX512 __attribute__((target("avx512f,avx512vl,avx512bw,avx512dq,fma")))

void bnn_pixel_weight_gradient_portable(BNN_PIXEL_WEIGHT_GRADIENT_ARGS) { PIXEL_WEIGHT_GRADIENT_BODY(v4f, 4) }

PWG_AVX2 void bnn_pixel_weight_gradient_avx2(BNN_PIXEL_WEIGHT_GRADIENT_ARGS) { PIXEL_WEIGHT_GRADIENT_BODY(v8f, 8) }

PWG_AVX512 void bnn_pixel_weight_gradient_avx512(BNN_PIXEL_WEIGHT_GRADIENT_ARGS) {
    PIXEL_WEIGHT_GRADIENT_BODY(v16f, 16)
}
#else
void bnn_pixel_weight_gradient_portable(BNN_PIXEL_WEIGHT_GRADIENT_ARGS) { PIXEL_WEIGHT_GRADIENT_BODY(v4f, 4) }
void bnn_pixel_weight_gradient_avx2(BNN_PIXEL_WEIGHT_GRADIENT_ARGS) { PIXEL_WEIGHT_GRADIENT_BODY(v4f, 4) }
void bnn_pixel_weight_gradient_avx512(BNN_PIXEL_WEIGHT_GRADIENT_ARGS) { PIXEL_WEIGHT_GRADIENT_BODY(v4f, 4) }
#endif
