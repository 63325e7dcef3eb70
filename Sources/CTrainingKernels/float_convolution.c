// The float 3x3 convolution of training, on a padded copy of its input.
//
// One direct kernel serves two products: the forward product of a layer with few input
// channels (the first: im2col + sgemm would multiply matrices only 9*cin deep) and the
// input gradient of every convolution, which is the 3x3 convolution of the output
// gradient with the layer's weights turned around (taps mirrored, channels swapped).
// Its input is padded once per batch (bnn_conv3x3_pad), so no tap needs a bounds check,
// and BNN_CONV_BLOCK neighbouring positions of a row share every weight load: a block of
// 7 positions x 32 outputs is 14 AVX-512 accumulators (AVX2: 6 x 16 in
// float_convolution_avx2.c). The same padded
// copy gives the weight gradient's patch matrix (bnn_im2col3x3_padded) with three copies
// per patch. 2x2 max-pooling lives here too, with a 2-bit code of the winner per output.
#include "bnn_training_kernels.h"
#include "float_convolution_variants.h"
#include <string.h>

size_t bnn_conv3x3_padded_width(size_t w) { return w + BNN_CONV_BLOCK + 1; }

size_t bnn_conv3x3_padded_image(size_t h, size_t w, size_t cin) {
    return (h + 2) * bnn_conv3x3_padded_width(w) * cin;
}

size_t bnn_conv3x3_packed_outputs(size_t n) { return (n + BNN_CONV_OUTPUT_ALIGNMENT - 1) / BNN_CONV_OUTPUT_ALIGNMENT * BNN_CONV_OUTPUT_ALIGNMENT; }

void bnn_conv3x3_pad(size_t h, size_t w, size_t cin, const float *restrict in, size_t first, size_t count, float pad,
                     float *restrict padded) {
    const size_t pw = bnn_conv3x3_padded_width(w), image = bnn_conv3x3_padded_image(h, w, cin);
    for (size_t n = first; n < first + count; n++) {
        float *restrict dst = padded + n * image;
        const float *restrict src = in + n * h * w * cin;
        for (size_t y = 0; y < h + 2; y++) {
            float *restrict row = dst + y * pw * cin;
            if (y == 0 || y == h + 1) {
                for (size_t i = 0; i < (w + 2) * cin; i++) row[i] = pad;
            } else {
                for (size_t i = 0; i < cin; i++) row[i] = pad;
                memcpy(row + cin, src + (y - 1) * w * cin, w * cin * sizeof(float));
                for (size_t i = 0; i < cin; i++) row[(w + 1) * cin + i] = pad;
            }
            // The slack columns are read only by positions past the row's end, whose sums are dropped.
            memset(row + (w + 2) * cin, 0, (pw - w - 2) * cin * sizeof(float));
        }
    }
}

void bnn_conv3x3_pack_weights(const float *restrict weights, size_t cin, size_t cout, int adjoint,
                              float *restrict packed) {
    const size_t kin = adjoint ? cout : cin, kout = adjoint ? cin : cout;
    const size_t np = bnn_conv3x3_packed_outputs(kout);
    memset(packed, 0, 9 * kin * np * sizeof(float));
    for (size_t o = 0; o < cout; o++)
        for (size_t t = 0; t < 9; t++)
            for (size_t c = 0; c < cin; c++) {
                const float v = weights[(o * 9 + t) * cin + c];
                if (adjoint) packed[((8 - t) * cout + o) * np + c] = v;
                else packed[(t * cin + c) * np + o] = v;
            }
}

void bnn_im2col3x3_padded(size_t h, size_t w, size_t cin, const float *restrict padded, size_t first, size_t count,
                          float *restrict columns) {
    const size_t pw = bnn_conv3x3_padded_width(w), image = bnn_conv3x3_padded_image(h, w, cin), run = 3 * cin;
    for (size_t n = first; n < first + count; n++)
        for (size_t y = 0; y < h; y++)
            for (size_t x = 0; x < w; x++) {
                float *restrict dst = columns + ((n * h + y) * w + x) * 9 * cin;
                for (size_t ky = 0; ky < 3; ky++) {
                    const float *restrict src = padded + n * image + ((y + ky) * pw + x) * cin;
                    if (run <= 16) {
                        for (size_t i = 0; i < run; i++) dst[ky * run + i] = src[i];
                    } else {
                        memcpy(dst + ky * run, src, run * sizeof(float));
                    }
                }
            }
}

// The direct kernel, once per instruction set: V is the vector type (VL floats), OC the
// vectors of outputs per block, so a block keeps BNN_CONV_BLOCK x OC accumulators. Sums
// run over taps, then channels, in the same order for every position, so a position's
// result never depends on the block or thread band it fell in.
#define CONV_BODY(V, VL, OC)                                                                       \
    const size_t pw = bnn_conv3x3_padded_width(w), image = bnn_conv3x3_padded_image(h, w, cin);   \
    const size_t np = bnn_conv3x3_packed_outputs(n), hw = h * w, end = first + count;             \
    for (size_t r = first; r < end;) {                                                             \
        const size_t p = r % hw, y = p / w, x = p % w;                                             \
        size_t m = w - x;                                                                          \
        if (m > BNN_CONV_BLOCK) m = BNN_CONV_BLOCK;                                                \
        if (m > end - r) m = end - r;                                                              \
        const float *base = in + (r / hw) * image + (y * pw + x) * cin;                            \
        for (size_t o0 = 0; o0 < n; o0 += (OC) * (VL)) {                                           \
            V acc[BNN_CONV_BLOCK][OC];                                                             \
            for (int i = 0; i < BNN_CONV_BLOCK; i++)                                               \
                for (int k = 0; k < (OC); k++) acc[i][k] = (V){0};                                 \
            for (size_t t = 0; t < 9; t++) {                                                       \
                const float *src = base + ((t / 3) * pw + t % 3) * cin;                            \
                const float *wr = wt + t * cin * np + o0;                                          \
                for (size_t c = 0; c < cin; c++, wr += np) {                                       \
                    V wv[OC];                                                                      \
                    for (int k = 0; k < (OC); k++) memcpy(&wv[k], wr + k * (VL), sizeof(V));       \
                    for (int i = 0; i < BNN_CONV_BLOCK; i++) {                                     \
                        const float v = src[i * cin + c];                                          \
                        for (int k = 0; k < (OC); k++) acc[i][k] += v * wv[k];                     \
                    }                                                                              \
                }                                                                                  \
            }                                                                                      \
            for (size_t i = 0; i < m; i++)                                                         \
                for (int k = 0; k < (OC); k++) {                                                   \
                    const size_t o = o0 + (size_t)k * (VL);                                        \
                    float *dst = out + (r + i) * ldo + o;                                          \
                    if (o + (VL) <= n) memcpy(dst, &acc[i][k], sizeof(V));                         \
                    else if (o < n) memcpy(dst, &acc[i][k], (n - o) * sizeof(float));              \
                }                                                                                  \
        }                                                                                          \
        r += m;                                                                                    \
    }

// The weight gradient, once per instruction set: dw[o][k] = sum over positions p of
// patch[p][k] * g[p][o], where patch[p][k] (k = 9-tap index x cin + channel) is read from the
// padded input at a fixed offset per k. A block holds KB patch indices x OC vectors of
// outputs (12 x 2 AVX-512 accumulators, 12 x 1 with SSE: on the Zen 5, 7 x 2 ran at
// 150 and 12 x 2 at 170-196 GFLOP/s; AVX2 in float_convolution_avx2.c); positions run in
// chunks of images that stay in L2, the block's partial
// sums parked in dw between chunks. Every sum runs over the positions in order, so the result
// depends neither on the chunks nor on the band of patch indices a thread was given.
#define WEIGHT_GRADIENT_BODY(V, VL, OC, KB)                                                            \
    const size_t pw = bnn_conv3x3_padded_width(w), image = bnn_conv3x3_padded_image(h, w, cin);   \
    const size_t hw = h * w, K = 9 * cin, end_k = first_k + count_k;                               \
    const size_t chunk = bnn_weight_gradient_chunk(hw, n, image);             \
    for (size_t n0 = 0; n0 < images; n0 += chunk) {                                                \
        const size_t n1 = n0 + chunk < images ? n0 + chunk : images;                               \
        for (size_t k0 = first_k; k0 < end_k; k0 += (KB)) {                              \
            const size_t kb = end_k - k0 < (KB) ? end_k - k0 : (KB);           \
            size_t offset[(KB)];                                                         \
            bnn_patch_offsets((KB), k0, kb, cin, pw, offset);                             \
            for (size_t o0 = 0; o0 < n; o0 += (OC) * (VL)) {                                       \
                const size_t on = n - o0 < (OC) * (VL) ? n - o0 : (OC) * (VL);                     \
                const int full = on == (OC) * (VL);                                                \
                V acc[(KB)][OC];                                                         \
                for (size_t i = 0; i < (KB); i++) {                                      \
                    float part[(OC) * (VL)] = {0};                                                 \
                    if (n0 > 0 && i < kb)                                                          \
                        for (size_t j = 0; j < on; j++) part[j] = dw[(o0 + j) * K + k0 + i];       \
                    memcpy(acc[i], part, sizeof part);                                             \
                }                                                                                  \
                for (size_t q = n0; q < n1; q++)                                                   \
                    for (size_t y = 0; y < h; y++) {                                               \
                        const float *xrow = in + q * image + y * pw * cin;                         \
                        const float *grow = g + (q * hw + y * w) * n + o0;                         \
                        for (size_t x = 0; x < w; x++) {                                           \
                            V gv[OC];                                                              \
                            if (full) {                                                            \
                                memcpy(gv, grow + x * n, sizeof gv);                               \
                            } else {                                                               \
                                float part[(OC) * (VL)] = {0};                                     \
                                memcpy(part, grow + x * n, on * sizeof(float));                    \
                                memcpy(gv, part, sizeof gv);                                       \
                            }                                                                      \
                            const float *xq = xrow + x * cin;                                      \
                            for (int i = 0; i < (KB); i++) {                             \
                                const float v = xq[offset[i]];                                     \
                                for (int k = 0; k < (OC); k++) acc[i][k] += v * gv[k];             \
                            }                                                                      \
                        }                                                                          \
                    }                                                                              \
                for (size_t i = 0; i < kb; i++) {                                                  \
                    float part[(OC) * (VL)];                                                       \
                    memcpy(part, acc[i], sizeof part);                                             \
                    for (size_t j = 0; j < on; j++) dw[(o0 + j) * K + k0 + i] = part[j];           \
                }                                                                                  \
            }                                                                                      \
        }                                                                                          \
    }

// 2x2 max-pooling, once per instruction set: VL channels at a time as vectors (the winner
// kept as a lane mask, then narrowed to bytes), the channels left over one by one.
#define POOL_FORWARD_BODY(V, VI, VB, VL)                                                           \
    const size_t oh = h / 2, ow = w / 2;                                                           \
    for (size_t n = first; n < first + count; n++)                                                 \
        for (size_t y = 0; y < oh; y++)                                                            \
            for (size_t x = 0; x < ow; x++) {                                                      \
                const float *a = in + ((n * h + 2 * y) * w + 2 * x) * c, *b = a + c, *d = a + w * c, *e = d + c; \
                const size_t o = ((n * oh + y) * ow + x) * c;                                      \
                size_t j = 0;                                                                      \
                for (; j + (VL) <= c; j += (VL)) {                                                 \
                    V va, vb, vd, ve;                                                              \
                    memcpy(&va, a + j, sizeof va); memcpy(&vb, b + j, sizeof vb);                  \
                    memcpy(&vd, d + j, sizeof vd); memcpy(&ve, e + j, sizeof ve);                  \
                    VI best = (VI)va, k = (VI){0}, m;                                              \
                    m = vb > (V)best; best = (m & (VI)vb) | (~m & best); k = (m & 1) | (~m & k);   \
                    m = vd > (V)best; best = (m & (VI)vd) | (~m & best); k = (m & 2) | (~m & k);   \
                    m = ve > (V)best; best = (m & (VI)ve) | (~m & best); k = (m & 3) | (~m & k);   \
                    memcpy(out + o + j, &best, sizeof best);                                       \
                    const VB kb = __builtin_convertvector(k, VB);                                  \
                    memcpy(winner + o + j, &kb, sizeof kb);                                        \
                }                                                                                  \
                for (; j < c; j++) {                                                               \
                    float best = a[j];                                                             \
                    uint8_t k = 0;                                                                 \
                    if (b[j] > best) { best = b[j]; k = 1; }                                       \
                    if (d[j] > best) { best = d[j]; k = 2; }                                       \
                    if (e[j] > best) { best = e[j]; k = 3; }                                       \
                    out[o + j] = best;                                                             \
                    winner[o + j] = k;                                                             \
                }                                                                                  \
            }

#define POOL_BACKWARD_BODY(V, VI, VB, VL)                                                          \
    const size_t oh = h / 2, ow = w / 2;                                                           \
    for (size_t n = first; n < first + count; n++) {                                               \
        /* An odd last row or column belongs to no window: its gradient is zero. */               \
        if ((h | w) & 1) memset(gin + n * h * w * c, 0, h * w * c * sizeof(float));               \
        for (size_t y = 0; y < oh; y++)                                                            \
            for (size_t x = 0; x < ow; x++) {                                                      \
                float *a = gin + ((n * h + 2 * y) * w + 2 * x) * c, *b = a + c, *d = a + w * c, *e = d + c; \
                const size_t o = ((n * oh + y) * ow + x) * c;                                      \
                size_t j = 0;                                                                      \
                for (; j + (VL) <= c; j += (VL)) {                                                 \
                    VI g; VB kb;                                                                   \
                    memcpy(&g, gout + o + j, sizeof g);                                            \
                    memcpy(&kb, winner + o + j, sizeof kb);                                        \
                    const VI k = __builtin_convertvector(kb, VI);                                  \
                    const VI ga = g & (k == 0), gb = g & (k == 1), gd = g & (k == 2), ge = g & (k == 3); \
                    memcpy(a + j, &ga, sizeof ga); memcpy(b + j, &gb, sizeof gb);                  \
                    memcpy(d + j, &gd, sizeof gd); memcpy(e + j, &ge, sizeof ge);                  \
                }                                                                                  \
                for (; j < c; j++) {                                                               \
                    const float g = gout[o + j];                                                   \
                    const uint8_t k = winner[o + j];                                               \
                    a[j] = k == 0 ? g : 0.0f;                                                      \
                    b[j] = k == 1 ? g : 0.0f;                                                      \
                    d[j] = k == 2 ? g : 0.0f;                                                      \
                    e[j] = k == 3 ? g : 0.0f;                                                      \
                }                                                                                  \
            }                                                                                      \
    }

#define WEIGHT_GRADIENT_BLOCK 12
typedef float v4f __attribute__((vector_size(16)));
typedef int32_t v4i __attribute__((vector_size(16)));
typedef uint8_t v4b __attribute__((vector_size(4)));
void bnn_conv3x3_f32_portable(BNN_CONV_ARGS) { CONV_BODY(v4f, 4, 1) }
void bnn_maxpool2x2_forward_portable(BNN_POOL_FORWARD_ARGS) { POOL_FORWARD_BODY(v4f, v4i, v4b, 4) }
void bnn_maxpool2x2_backward_portable(BNN_POOL_BACKWARD_ARGS) { POOL_BACKWARD_BODY(v4f, v4i, v4b, 4) }
void bnn_conv3x3_weight_gradient_portable(BNN_WEIGHT_GRADIENT_ARGS) { WEIGHT_GRADIENT_BODY(v4f, 4, 1, WEIGHT_GRADIENT_BLOCK) }

#if defined(__x86_64__) && defined(__clang__)
typedef float v8f __attribute__((vector_size(32)));
typedef float v16f __attribute__((vector_size(64)));
typedef int32_t v8i __attribute__((vector_size(32)));
typedef int32_t v16i __attribute__((vector_size(64)));
typedef uint8_t v8b __attribute__((vector_size(8)));
typedef uint8_t v16b __attribute__((vector_size(16)));
#define AVX2 __attribute__((target("avx2,fma")))
#define AVX512 __attribute__((target("avx512f,avx512vl,avx512bw,avx512dq,fma")))
// The AVX2 convolution products: float_convolution_avx2.c.
AVX512 void bnn_conv3x3_f32_avx512(BNN_CONV_ARGS) { CONV_BODY(v16f, 16, 2) }
AVX512 void bnn_conv3x3_weight_gradient_avx512(BNN_WEIGHT_GRADIENT_ARGS) { WEIGHT_GRADIENT_BODY(v16f, 16, 2, WEIGHT_GRADIENT_BLOCK) }
AVX2 void bnn_maxpool2x2_forward_avx2(BNN_POOL_FORWARD_ARGS) { POOL_FORWARD_BODY(v8f, v8i, v8b, 8) }
AVX2 void bnn_maxpool2x2_backward_avx2(BNN_POOL_BACKWARD_ARGS) { POOL_BACKWARD_BODY(v8f, v8i, v8b, 8) }
AVX512 void bnn_maxpool2x2_forward_avx512(BNN_POOL_FORWARD_ARGS) { POOL_FORWARD_BODY(v16f, v16i, v16b, 16) }
AVX512 void bnn_maxpool2x2_backward_avx512(BNN_POOL_BACKWARD_ARGS) { POOL_BACKWARD_BODY(v16f, v16i, v16b, 16) }
#else
#if !defined(__x86_64__)  // on x86-64 every compiler builds float_convolution_avx2.c
void bnn_conv3x3_f32_avx2(BNN_CONV_ARGS) { CONV_BODY(v4f, 4, 1) }
void bnn_conv3x3_weight_gradient_avx2(BNN_WEIGHT_GRADIENT_ARGS) { WEIGHT_GRADIENT_BODY(v4f, 4, 1, WEIGHT_GRADIENT_BLOCK) }
#endif
void bnn_conv3x3_f32_avx512(BNN_CONV_ARGS) { CONV_BODY(v4f, 4, 1) }
void bnn_conv3x3_weight_gradient_avx512(BNN_WEIGHT_GRADIENT_ARGS) { WEIGHT_GRADIENT_BODY(v4f, 4, 1, WEIGHT_GRADIENT_BLOCK) }
void bnn_maxpool2x2_forward_avx2(BNN_POOL_FORWARD_ARGS) { POOL_FORWARD_BODY(v4f, v4i, v4b, 4) }
void bnn_maxpool2x2_backward_avx2(BNN_POOL_BACKWARD_ARGS) { POOL_BACKWARD_BODY(v4f, v4i, v4b, 4) }
void bnn_maxpool2x2_forward_avx512(BNN_POOL_FORWARD_ARGS) { POOL_FORWARD_BODY(v4f, v4i, v4b, 4) }
void bnn_maxpool2x2_backward_avx512(BNN_POOL_BACKWARD_ARGS) { POOL_BACKWARD_BODY(v4f, v4i, v4b, 4) }
#endif
