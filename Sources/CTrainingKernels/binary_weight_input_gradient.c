// The input gradient of a 3x3 convolution whose weights are ±1 (every binary layer in det
// and stoch modes): gin[p][c] = sum over taps t and outputs o of w[o][t][c] * g[p - t][o]
// needs no multiply, and the weight signs of four outputs take only 16 values. So the
// output gradients of outputs 4j..4j+3 at each position become a table of their signed
// sums, and every (input channel, tap, group of four outputs) adds the one entry its four
// weight signs pick: one vector addition per four outputs instead of four FMAs, vectorized
// over the positions of an image row.
//
// Only the 8 entries in which output 4j+3 counts + are stored (e's bits 0-2 give the signs
// of outputs 4j..4j+2); the other 8 are their negatives, so each channel's terms split
// into a list that adds and one that subtracts. The lists are built once per call from the
// weights; the tables once per image, for every padded row (rows 0 and h+1 and the columns
// outside the image are zero: the padding is a constant and gets no gradient).
//
// Not bit-identical to the FMA kernel on the mirrored weights (the sums are grouped by
// fours); every sum runs in the same order whatever the thread split.
#include "bnn_training_kernels.h"
#include "float_convolution_variants.h"
#include "transpose.h"
#include <string.h>

/// Floats per (padded row, group, entry) of the tables, for vectors of `lanes` floats: the
/// image's w columns and the two pad columns (at least a vector and two), rounded up to 64
/// bytes, so every table row starts on a cache line. A row's vectors start at x = 0, VL,
/// 2 VL, ... and the last at w - VL, and for w = 14 and VL = 8 no load (at x0 + 0, 1 or 2)
/// crosses a line.
static size_t entry_stride(size_t w, size_t lanes) { return ((w > lanes ? w : lanes) + 2 + 15) / 16 * 16; }

size_t bnn_conv3x3_binary_input_gradient_scratch(size_t h, size_t w, size_t cout, size_t cin) {
    const size_t groups = (cout + 3) / 4, s = entry_stride(w, 8);  // the widest vectors (8 lanes) need the most
    const size_t tables = (h + 2) * groups * 8 * s, rows = 4 * groups * s, line = cin * s;
    const size_t lists = cin * 9 * groups + cin;  // uint32 words, the size of a float each
    return tables + rows + line + lists;
}

#define BINARY_INPUT_GRADIENT_BODY(V, VL)                                                              \
    const size_t groups = (cout + 3) / 4, s = entry_stride(w, VL), row_floats = groups * 8 * s;        \
    const size_t terms_per_channel = 9 * groups, vectors = (w + (VL) - 1) / (VL), sv = s / (VL);       \
    float *restrict tables = scratch;                                                                   \
    float *restrict by_output = tables + (h + 2) * row_floats;                                          \
    float *restrict line = by_output + 4 * groups * s;                                                 \
    uint32_t *restrict terms = (uint32_t *)(line + cin * s);                                            \
    uint32_t *restrict adding = terms + cin * terms_per_channel;                                       \
    /* vector v covers columns START(v) .. START(v) + VL - 1; the last one ends at column w - 1 */     \
    const size_t lanes = (VL), last_start = w > lanes ? w - lanes : 0;                                  \
    for (size_t c = 0; c < cin; c++) {                                                                  \
        uint32_t *restrict list = terms + c * terms_per_channel;                                       \
        size_t up = 0, down = 0;                                                                        \
        for (size_t t = 0; t < 9; t++) {                                                                \
            const size_t dy = 2 - t / 3, dx = 2 - t % 3;  /* the output row/column read, padded */      \
            for (size_t j = 0; j < groups; j++) {                                                       \
                unsigned bits = 0;                                                                      \
                for (size_t i = 0; i < 4; i++) {                                                        \
                    const size_t o = 4 * j + i;                                                         \
                    bits |= (unsigned)(o >= cout || weights[(o * 9 + t) * cin + c] >= 0.0f) << i;       \
                }                                                                                       \
                const unsigned e = bits & 8 ? bits & 7 : ~bits & 7;                                     \
                const uint32_t offset = (uint32_t)(((dy * groups + j) * 8 + e) * s + dx);               \
                if (bits & 8) list[up++] = offset;                                                      \
                else list[terms_per_channel - 1 - down++] = offset;                                     \
            }                                                                                           \
        }                                                                                               \
        adding[c] = (uint32_t)up;                                                                       \
    }                                                                                                   \
    memset(tables, 0, row_floats * sizeof(float));                                                      \
    memset(tables + (h + 1) * row_floats, 0, row_floats * sizeof(float));                              \
    memset(by_output, 0, 4 * groups * s * sizeof(float));                                              \
    for (size_t image = first; image < first + count; image++) {                                       \
        for (size_t r = 1; r <= h; r++) {                                                               \
            const float *restrict src = g + (image * h + r - 1) * w * cout;                             \
            TRANSPOSE(src, cout, w, cout, by_output + 1, s);                                            \
            for (size_t j = 0; j < groups; j++) {                                                       \
                const V *r0 = (const V *)(by_output + 4 * j * s), *r1 = r0 + sv, *r2 = r1 + sv, *r3 = r2 + sv; \
                V *E = (V *)(tables + (r * groups + j) * 8 * s);                                        \
                for (size_t v = 0; v < sv; v++) {                                                       \
                    const V d0 = r0[v] + r0[v], d1 = r1[v] + r1[v], d2 = r2[v] + r2[v];                \
                    E[v] = r3[v] - r0[v] - r1[v] - r2[v];                                               \
                    E[sv + v] = E[v] + d0;                                                              \
                    E[2 * sv + v] = E[v] + d1;                                                          \
                    E[3 * sv + v] = E[sv + v] + d1;                                                     \
                    for (size_t e = 0; e < 4; e++) E[(4 + e) * sv + v] = E[e * sv + v] + d2;            \
                }                                                                                       \
            }                                                                                           \
        }                                                                                               \
        for (size_t y = 0; y < h; y++) {                                                                \
            const float *restrict base = tables + y * row_floats;                                      \
            for (size_t c = 0; c < cin; c++) {                                                          \
                const uint32_t *restrict list = terms + c * terms_per_channel;                         \
                const size_t up = adding[c];                                                            \
                size_t v = 0;                                                                           \
                for (; v + 2 <= vectors; v += 2) {                                                      \
                    const float *restrict b0 = base + START(v), *restrict b1 = base + START(v + 1);    \
                    V a0 = {0}, a1 = {0}, a2 = {0}, c0 = {0}, c1 = {0}, c2 = {0};                       \
                    size_t k = 0;                                                                       \
                    for (; k + 3 <= up; k += 3) {                                                       \
                        a0 += LOAD(b0 + list[k]); c0 += LOAD(b1 + list[k]);                            \
                        a1 += LOAD(b0 + list[k + 1]); c1 += LOAD(b1 + list[k + 1]);                    \
                        a2 += LOAD(b0 + list[k + 2]); c2 += LOAD(b1 + list[k + 2]);                    \
                    }                                                                                   \
                    for (; k < up; k++) { a0 += LOAD(b0 + list[k]); c0 += LOAD(b1 + list[k]); }         \
                    for (; k + 3 <= terms_per_channel; k += 3) {                                        \
                        a0 -= LOAD(b0 + list[k]); c0 -= LOAD(b1 + list[k]);                            \
                        a1 -= LOAD(b0 + list[k + 1]); c1 -= LOAD(b1 + list[k + 1]);                    \
                        a2 -= LOAD(b0 + list[k + 2]); c2 -= LOAD(b1 + list[k + 2]);                    \
                    }                                                                                   \
                    for (; k < terms_per_channel; k++) { a0 -= LOAD(b0 + list[k]); c0 -= LOAD(b1 + list[k]); } \
                    const V sa = (a0 + a1) + a2, sc = (c0 + c1) + c2;                                   \
                    memcpy(line + c * s + START(v), &sa, sizeof sa);                                    \
                    memcpy(line + c * s + START(v + 1), &sc, sizeof sc);                                \
                }                                                                                       \
                for (; v < vectors; v++) {                                                              \
                    const float *restrict b0 = base + START(v);                                         \
                    V a0 = {0}, a1 = {0}, a2 = {0}, a3 = {0};                                           \
                    size_t k = 0;                                                                       \
                    for (; k + 4 <= up; k += 4) {                                                       \
                        a0 += LOAD(b0 + list[k]); a1 += LOAD(b0 + list[k + 1]);                        \
                        a2 += LOAD(b0 + list[k + 2]); a3 += LOAD(b0 + list[k + 3]);                    \
                    }                                                                                   \
                    for (; k < up; k++) a0 += LOAD(b0 + list[k]);                                       \
                    for (; k + 4 <= terms_per_channel; k += 4) {                                        \
                        a0 -= LOAD(b0 + list[k]); a1 -= LOAD(b0 + list[k + 1]);                        \
                        a2 -= LOAD(b0 + list[k + 2]); a3 -= LOAD(b0 + list[k + 3]);                    \
                    }                                                                                   \
                    for (; k < terms_per_channel; k++) a0 -= LOAD(b0 + list[k]);                        \
                    const V sa = (a0 + a1) + (a2 + a3);                                                 \
                    memcpy(line + c * s + START(v), &sa, sizeof sa);                                    \
                }                                                                                       \
            }                                                                                           \
            float *restrict dst = gin + (image * h + y) * w * cin;                                      \
            TRANSPOSE(line, s, cin, w, dst, cin);                                                       \
        }                                                                                               \
    }

#define START(v) ((v) * lanes < last_start ? (v) * lanes : last_start)

// V is an unaligned vector type: the tables' rows start at any multiple of 8 floats and the
// loads at any float.
#define LOAD(p) (*(const V *)(p))
typedef float v4f_unaligned __attribute__((vector_size(16), aligned(4)));
void bnn_conv3x3_binary_input_gradient_portable(BNN_BINARY_INPUT_GRADIENT_ARGS) {
#define TRANSPOSE bnn_transpose_scalar
#define V v4f_unaligned
    BINARY_INPUT_GRADIENT_BODY(V, 4)
#undef V
#undef TRANSPOSE
}

#if defined(__x86_64__)
typedef float v8f_unaligned __attribute__((vector_size(32), aligned(4)));
#define TRANSPOSE bnn_transpose_avx2
__attribute__((target("avx2,fma"))) void bnn_conv3x3_binary_input_gradient_avx2(BNN_BINARY_INPUT_GRADIENT_ARGS) {
#define V v8f_unaligned
    BINARY_INPUT_GRADIENT_BODY(V, 8)
#undef V
}
// AVX-512 runs 8 lanes as well: the rows of the reference network are 14 wide, two vectors
// of 8 without a split load, where one of 16 would split two loads in three.
__attribute__((target("avx512f,avx512vl,avx512bw,avx512dq,fma"))) void bnn_conv3x3_binary_input_gradient_avx512(
    BNN_BINARY_INPUT_GRADIENT_ARGS) {
#define V v8f_unaligned
    BINARY_INPUT_GRADIENT_BODY(V, 8)
#undef V
}
#undef TRANSPOSE
#else
void bnn_conv3x3_binary_input_gradient_avx2(BNN_BINARY_INPUT_GRADIENT_ARGS) {
    bnn_conv3x3_binary_input_gradient_portable(h, w, cout, g, weights, cin, first, count, scratch, gin);
}
void bnn_conv3x3_binary_input_gradient_avx512(BNN_BINARY_INPUT_GRADIENT_ARGS) {
    bnn_conv3x3_binary_input_gradient_portable(h, w, cout, g, weights, cin, first, count, scratch, gin);
}
#endif
