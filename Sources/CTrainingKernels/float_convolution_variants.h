// The loops compiled once per instruction set in float_convolution.c and batch_norm.c,
// for the training table's rows (training_kernels.c).
#ifndef BNN_FLOAT_CONVOLUTION_VARIANTS_H
#define BNN_FLOAT_CONVOLUTION_VARIANTS_H
#include <stddef.h>
#include <stdint.h>

#define BNN_CONV_ARGS size_t h, size_t w, size_t cin, const float *restrict in, const float *restrict wt, \
    size_t n, size_t first, size_t count, float *restrict out, size_t ldo

void bnn_conv3x3_f32_portable(BNN_CONV_ARGS);
void bnn_conv3x3_f32_avx2(BNN_CONV_ARGS);
void bnn_conv3x3_f32_avx512(BNN_CONV_ARGS);

#define BNN_WEIGHT_GRADIENT_ARGS size_t h, size_t w, size_t cin, const float *restrict in, size_t images, \
    const float *restrict g, size_t n, size_t first_k, size_t count_k, float *restrict dw

/// Images per chunk of the weight gradient: the chunk's output gradient and padded input
/// stay within 256 KB of L2 (at least one image).
static inline size_t bnn_weight_gradient_chunk(size_t hw, size_t n, size_t image) {
    const size_t chunk = (256u * 1024u) / ((hw * n + image) * sizeof(float) + 1);
    return chunk < 1 ? 1 : chunk;
}

/// The offsets in the padded input of patch indices k0 .. k0 + KB - 1 (past the band's
/// end: its last index again, computed and dropped), for the weight-gradient blocks.
static inline void bnn_patch_offsets(size_t KB, size_t k0, size_t kb, size_t cin, size_t pw, size_t *offset) {
    for (size_t i = 0; i < KB; i++) {
        const size_t k = k0 + (i < kb ? i : kb - 1), t = k / cin;
        offset[i] = ((t / 3) * pw + t % 3) * cin + k % cin;
    }
}

void bnn_conv3x3_weight_gradient_portable(BNN_WEIGHT_GRADIENT_ARGS);
void bnn_conv3x3_weight_gradient_avx2(BNN_WEIGHT_GRADIENT_ARGS);
void bnn_conv3x3_weight_gradient_avx512(BNN_WEIGHT_GRADIENT_ARGS);

#define BNN_SIGN_GRADIENT_ARGS size_t h, size_t w, size_t cin, const float *restrict in, size_t images, \
    const float *restrict g, size_t n, size_t first_k, size_t count_k, float pad, float *restrict scratch, \
    float *restrict dw

void bnn_conv3x3_sign_gradient_portable(BNN_SIGN_GRADIENT_ARGS);
void bnn_conv3x3_sign_gradient_avx2(BNN_SIGN_GRADIENT_ARGS);
void bnn_conv3x3_sign_gradient_avx512(BNN_SIGN_GRADIENT_ARGS);

#define BNN_BINARY_INPUT_GRADIENT_ARGS size_t h, size_t w, size_t cout, const float *restrict g, \
    const float *restrict weights, size_t cin, size_t first, size_t count, float *restrict scratch, \
    float *restrict gin

void bnn_conv3x3_binary_input_gradient_portable(BNN_BINARY_INPUT_GRADIENT_ARGS);
void bnn_conv3x3_binary_input_gradient_avx2(BNN_BINARY_INPUT_GRADIENT_ARGS);
void bnn_conv3x3_binary_input_gradient_avx512(BNN_BINARY_INPUT_GRADIENT_ARGS);

#define BNN_SIGN_GEMM_ARGS size_t k, size_t n, const float *restrict s, size_t s_row, size_t s_col, \
    const float *restrict f, size_t ldf, size_t first, size_t count, float *restrict scratch, float *restrict c, \
    size_t ldc

void bnn_sign_gemm_portable(BNN_SIGN_GEMM_ARGS);
void bnn_sign_gemm_avx2(BNN_SIGN_GEMM_ARGS);
void bnn_sign_gemm_avx512(BNN_SIGN_GEMM_ARGS);

#define BNN_PIXEL_WEIGHT_GRADIENT_ARGS size_t rows, const uint8_t *restrict pixels, size_t ldp, \
    const float *restrict above, const float *restrict g, size_t ldg, size_t n, size_t first, size_t count, \
    float *restrict scratch, float *restrict dw, size_t ldw

void bnn_pixel_weight_gradient_portable(BNN_PIXEL_WEIGHT_GRADIENT_ARGS);
void bnn_pixel_weight_gradient_avx2(BNN_PIXEL_WEIGHT_GRADIENT_ARGS);
void bnn_pixel_weight_gradient_avx512(BNN_PIXEL_WEIGHT_GRADIENT_ARGS);

#define BNN_POOLED_WEIGHT_GRADIENT_ARGS size_t h, size_t w, const float *restrict in, size_t first, size_t count, \
    const float *restrict gpool, const uint8_t *restrict winner, size_t n, float *restrict dw

void bnn_conv3x3_pooled_weight_gradient_portable(BNN_POOLED_WEIGHT_GRADIENT_ARGS);
void bnn_conv3x3_pooled_weight_gradient_avx2(BNN_POOLED_WEIGHT_GRADIENT_ARGS);
void bnn_conv3x3_pooled_weight_gradient_avx512(BNN_POOLED_WEIGHT_GRADIENT_ARGS);

#define BNN_POOL_FORWARD_ARGS size_t h, size_t w, size_t c, const float *restrict in, size_t first, size_t count, \
    float *restrict out, uint8_t *restrict winner
#define BNN_POOL_BACKWARD_ARGS size_t h, size_t w, size_t c, const float *restrict gout, \
    const uint8_t *restrict winner, size_t first, size_t count, float *restrict gin

void bnn_maxpool2x2_forward_portable(BNN_POOL_FORWARD_ARGS);
void bnn_maxpool2x2_forward_avx2(BNN_POOL_FORWARD_ARGS);
void bnn_maxpool2x2_forward_avx512(BNN_POOL_FORWARD_ARGS);
void bnn_maxpool2x2_backward_portable(BNN_POOL_BACKWARD_ARGS);
void bnn_maxpool2x2_backward_avx2(BNN_POOL_BACKWARD_ARGS);
void bnn_maxpool2x2_backward_avx512(BNN_POOL_BACKWARD_ARGS);

#define BNN_BN_STATISTICS_ARGS const float *restrict x, size_t rows, size_t f, size_t j0, size_t j1, \
    float *restrict mean, float *restrict squares
#define BNN_BN_NORMALIZE_ARGS const float *restrict x, size_t rows, size_t f, size_t j0, size_t j1, \
    const float *restrict mean, const float *restrict inv, const float *restrict gamma, const float *restrict beta, \
    float *restrict xhat, float *restrict out
#define BNN_BN_AFFINE_ARGS const float *restrict x, size_t rows, size_t f, size_t j0, size_t j1, \
    const float *restrict scale, const float *restrict shift, float *restrict out
#define BNN_BN_GRADIENT_SUMS_ARGS const float *restrict ga, const float *restrict xhat, size_t rows, size_t f, \
    size_t j0, size_t j1, float *restrict gbeta, float *restrict ggamma
#define BNN_BN_INPUT_GRADIENT_ARGS const float *restrict ga, const float *restrict xhat, size_t rows, size_t f, \
    size_t j0, size_t j1, const float *restrict coefficient, const float *restrict gbeta, \
    const float *restrict ggamma, float *restrict gs

#define BNN_BN_DECLARE(suffix)                                                  \
    void bnn_bn_statistics_##suffix(BNN_BN_STATISTICS_ARGS);                     \
    void bnn_bn_normalize_##suffix(BNN_BN_NORMALIZE_ARGS);                       \
    void bnn_bn_affine_##suffix(BNN_BN_AFFINE_ARGS);                             \
    void bnn_bn_gradient_sums_##suffix(BNN_BN_GRADIENT_SUMS_ARGS);               \
    void bnn_bn_input_gradient_##suffix(BNN_BN_INPUT_GRADIENT_ARGS);
BNN_BN_DECLARE(portable)
BNN_BN_DECLARE(avx2)
BNN_BN_DECLARE(avx512)

#endif
