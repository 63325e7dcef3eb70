// The AVX2 variants of the two float convolution products of training, written with
// intrinsics and one named register per accumulator: the generic vector bodies of
// float_convolution.c, compiled for AVX2 with more than 8 accumulators, spill them to
// the stack inside the innermost loop (clang 21), which kept the AVX2 tiles at 7 x 8 and
// 12 x 8 outputs (7 and 12 accumulators, short of the 8 that hide the FMA latency on two
// FMA pipes, and one broadcast per FMA). Here both tiles hold 12 accumulators, 2 or 4
// vector loads and 6 or 3 broadcasts per 12 FMAs, 15 of the 16 ymm registers.
//
// The sums run in the order of the generic bodies (taps, then channels; positions in
// order), one FMA per product, so the results are bit-identical to them.
#include "bnn_training_kernels.h"
#include "float_convolution_variants.h"
#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>

#define AVX2 __attribute__((target("avx2,fma")))
/// Positions of a row per block of the forward kernel: 6 x 16 outputs.
#define CONV_POSITIONS 6
_Static_assert(CONV_POSITIONS <= BNN_CONV_BLOCK, "the padded layout has BNN_CONV_BLOCK - 1 spare columns");

#define FMA2(i, v)                                \
    a##i##0 = _mm256_fmadd_ps(v, w0, a##i##0);    \
    a##i##1 = _mm256_fmadd_ps(v, w1, a##i##1);

/// 6 neighbouring positions x 16 outputs per block; the block's last positions may lie
/// past the row's end (in the padded layout's spare columns): their sums are dropped.
AVX2 void bnn_conv3x3_f32_avx2(BNN_CONV_ARGS) {
    const size_t pw = bnn_conv3x3_padded_width(w), image = bnn_conv3x3_padded_image(h, w, cin);
    const size_t np = bnn_conv3x3_packed_outputs(n), hw = h * w, end = first + count;
    for (size_t r = first; r < end;) {
        const size_t p = r % hw, y = p / w, x = p % w;
        size_t m = w - x;
        if (m > CONV_POSITIONS) m = CONV_POSITIONS;
        if (m > end - r) m = end - r;
        const float *base = in + (r / hw) * image + (y * pw + x) * cin;
        for (size_t o0 = 0; o0 < n; o0 += 16) {  // np is a multiple of 32: the weight rows are long enough
            __m256 a00 = _mm256_setzero_ps(), a01 = a00, a10 = a00, a11 = a00, a20 = a00, a21 = a00, a30 = a00,
                   a31 = a00, a40 = a00, a41 = a00, a50 = a00, a51 = a00;
            for (size_t t = 0; t < 9; t++) {
                const float *src = base + ((t / 3) * pw + t % 3) * cin;
                const float *wr = wt + t * cin * np + o0;
                for (size_t c = 0; c < cin; c++, wr += np) {
                    const __m256 w0 = _mm256_loadu_ps(wr), w1 = _mm256_loadu_ps(wr + 8);
                    __m256 v;
                    v = _mm256_broadcast_ss(src + c); FMA2(0, v)
                    v = _mm256_broadcast_ss(src + cin + c); FMA2(1, v)
                    v = _mm256_broadcast_ss(src + 2 * cin + c); FMA2(2, v)
                    v = _mm256_broadcast_ss(src + 3 * cin + c); FMA2(3, v)
                    v = _mm256_broadcast_ss(src + 4 * cin + c); FMA2(4, v)
                    v = _mm256_broadcast_ss(src + 5 * cin + c); FMA2(5, v)
                }
            }
            const __m256 acc[CONV_POSITIONS][2] = {{a00, a01}, {a10, a11}, {a20, a21},
                                                   {a30, a31}, {a40, a41}, {a50, a51}};
            for (size_t i = 0; i < m; i++)
                for (size_t k = 0; k < 2; k++) {
                    const size_t o = o0 + 8 * k;
                    float *dst = out + (r + i) * ldo + o;
                    if (o + 8 <= n) _mm256_storeu_ps(dst, acc[i][k]);
                    else if (o < n) memcpy(dst, &acc[i][k], (n - o) * sizeof(float));
                }
        }
        r += m;
    }
}

/// Lane masks of the first `on` of 8 * count outputs (for a partial block of outputs).
AVX2 static inline void output_masks(size_t on, size_t count, __m256i *mask) {
    for (size_t k = 0; k < count; k++)
        mask[k] = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)on), _mm256_add_epi32(_mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7),
                                                                                  _mm256_set1_epi32((int)(8 * k))));
}

/// OP(accumulator, its offset in the block's part) for a tile's 12 accumulators, in order.
#define EACH12(OP, x0, x1, x2, x3, x4, x5, x6, x7, x8, x9, x10, x11) \
    OP(x0, 0) OP(x1, 8) OP(x2, 16) OP(x3, 24) OP(x4, 32) OP(x5, 40) OP(x6, 48) OP(x7, 56) OP(x8, 64) OP(x9, 72) \
    OP(x10, 80) OP(x11, 88)

/// A block's partial sums parked in dw (dw[o][k], rows of K) to or from part[i][j].
static inline void park(int store, size_t kb, size_t on, size_t width, size_t o0, size_t K, size_t k0, float *dw,
                        float *part) {
    for (size_t i = 0; i < kb; i++)
        for (size_t j = 0; j < on; j++) {
            if (store) dw[(o0 + j) * K + k0 + i] = part[i * width + j];
            else part[i * width + j] = dw[(o0 + j) * K + k0 + i];
        }
}

/// The positions of images n0 .. n1 - 1 for one block: LOAD_G loads the output gradient
/// row at gp (w0, w1, ...), FMAS adds its products with the patch values at xq + f[i].
#define GRADIENT_POSITIONS(LOAD_G, FMAS)                                                             \
    for (size_t q = n0; q < n1; q++)                                                                 \
        for (size_t y = 0; y < h; y++) {                                                             \
            const float *xq = in + q * image + y * pw * cin;                                         \
            const float *gp = g + (q * hw + y * w) * n + o0;                                         \
            for (size_t x = 0; x < w; x++, xq += cin, gp += n) {                                     \
                LOAD_G                                                                               \
                FMAS                                                                                 \
            }                                                                                        \
        }

/// The blocks of KB patch indices x OW outputs over chunks of images that stay in L2, each
/// continuing its sums from `part` (KB x OW floats: zero, or parked in dw by the last chunk);
/// the rest of the arguments run one block in registers, reading and writing `part`.
#define GRADIENT_BLOCKS(KB, OW, ...)                                                                \
    const size_t pw = bnn_conv3x3_padded_width(w), image = bnn_conv3x3_padded_image(h, w, cin);     \
    const size_t hw = h * w, K = 9 * cin, end_k = first_k + count_k;                                 \
    const size_t chunk = bnn_weight_gradient_chunk(hw, n, image);               \
    for (size_t n0 = 0; n0 < images; n0 += chunk) {                                                  \
        const size_t n1 = n0 + chunk < images ? n0 + chunk : images;                                 \
        for (size_t k0 = first_k; k0 < end_k; k0 += (KB)) {                                          \
            const size_t kb = end_k - k0 < (KB) ? end_k - k0 : (KB);                                 \
            size_t f[(KB)];                                                                          \
            bnn_patch_offsets((KB), k0, kb, cin, pw, f);                                                 \
            for (size_t o0 = 0; o0 < n; o0 += (OW)) {                                                \
                const size_t on = n - o0 < (OW) ? n - o0 : (OW);                                     \
                float part[(KB) * (OW)] __attribute__((aligned(32))) = {0};                          \
                if (n0 > 0) park(0, kb, on, (OW), o0, K, k0, dw, part);                              \
                __m256i mask[(OW) / 8];                                                              \
                output_masks(on, (OW) / 8, mask);                                                    \
                const int full = on == (OW);                                                         \
                __VA_ARGS__                                                                          \
                park(1, kb, on, (OW), o0, K, k0, dw, part);                                          \
            }                                                                                        \
        }                                                                                            \
    }

#define LOAD_PART(v, offset) v = _mm256_load_ps(part + (offset));
#define STORE_PART(v, offset) _mm256_store_ps(part + (offset), v);
#define GRADIENT_ROW(k) (full ? _mm256_loadu_ps(gp + 8 * (k)) : _mm256_maskload_ps(gp + 8 * (k), mask[k]))

/// 6 patch indices x 16 outputs per block (cin even: K = 9 cin is a multiple of 6).
AVX2 static void gradient_6x16(BNN_WEIGHT_GRADIENT_ARGS) {
    GRADIENT_BLOCKS(6, 16, {
        __m256 a00, a01, a10, a11, a20, a21, a30, a31, a40, a41, a50, a51;
        EACH12(LOAD_PART, a00, a01, a10, a11, a20, a21, a30, a31, a40, a41, a50, a51)
        GRADIENT_POSITIONS(const __m256 w0 = GRADIENT_ROW(0); const __m256 w1 = GRADIENT_ROW(1);,
            __m256 v;
            v = _mm256_broadcast_ss(xq + f[0]); FMA2(0, v)
            v = _mm256_broadcast_ss(xq + f[1]); FMA2(1, v)
            v = _mm256_broadcast_ss(xq + f[2]); FMA2(2, v)
            v = _mm256_broadcast_ss(xq + f[3]); FMA2(3, v)
            v = _mm256_broadcast_ss(xq + f[4]); FMA2(4, v)
            v = _mm256_broadcast_ss(xq + f[5]); FMA2(5, v))
        EACH12(STORE_PART, a00, a01, a10, a11, a20, a21, a30, a31, a40, a41, a50, a51)
    })
}

#define FMA4(i, v)                                \
    a##i##0 = _mm256_fmadd_ps(v, w0, a##i##0);    \
    a##i##1 = _mm256_fmadd_ps(v, w1, a##i##1);    \
    a##i##2 = _mm256_fmadd_ps(v, w2, a##i##2);    \
    a##i##3 = _mm256_fmadd_ps(v, w3, a##i##3);

/// 3 patch indices x 32 outputs per block (cin odd, the first layer's K = 9 above all:
/// no index of a block is wasted, and each output gradient row is read once per block).
AVX2 static void gradient_3x32(BNN_WEIGHT_GRADIENT_ARGS) {
    GRADIENT_BLOCKS(3, 32, {
        __m256 a00, a01, a02, a03, a10, a11, a12, a13, a20, a21, a22, a23;
        EACH12(LOAD_PART, a00, a01, a02, a03, a10, a11, a12, a13, a20, a21, a22, a23)
        GRADIENT_POSITIONS(const __m256 w0 = GRADIENT_ROW(0); const __m256 w1 = GRADIENT_ROW(1);
                           const __m256 w2 = GRADIENT_ROW(2); const __m256 w3 = GRADIENT_ROW(3);,
            __m256 v;
            v = _mm256_broadcast_ss(xq + f[0]); FMA4(0, v)
            v = _mm256_broadcast_ss(xq + f[1]); FMA4(1, v)
            v = _mm256_broadcast_ss(xq + f[2]); FMA4(2, v))
        EACH12(STORE_PART, a00, a01, a02, a03, a10, a11, a12, a13, a20, a21, a22, a23)
    })
}

AVX2 void bnn_conv3x3_weight_gradient_avx2(BNN_WEIGHT_GRADIENT_ARGS) {
    if (cin % 2) gradient_3x32(h, w, cin, in, images, g, n, first_k, count_k, dw);
    else gradient_6x16(h, w, cin, in, images, g, n, first_k, count_k, dw);
}
#endif
