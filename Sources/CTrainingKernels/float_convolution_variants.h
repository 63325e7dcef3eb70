// The direct float convolution compiled once per instruction set (float_convolution.c),
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

void bnn_conv3x3_weight_gradient_portable(BNN_WEIGHT_GRADIENT_ARGS);
void bnn_conv3x3_weight_gradient_avx2(BNN_WEIGHT_GRADIENT_ARGS);
void bnn_conv3x3_weight_gradient_avx512(BNN_WEIGHT_GRADIENT_ARGS);

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

#endif
