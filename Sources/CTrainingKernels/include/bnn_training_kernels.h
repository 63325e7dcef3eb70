// Elementwise training loops compiled for several instruction sets.
//
// Swift targets baseline x86-64 (SSE2). These loops run over every latent
// weight every batch, so they live here, compiled for AVX-512, AVX2+FMA and
// the baseline; the functions below run the variant bnn_active_variant()
// chose for the process (BNN_KERNEL or the best one, bnn_kernel_dispatch.h),
// the same one the binary kernels use.
#ifndef BNN_TRAINING_KERNELS_H
#define BNN_TRAINING_KERNELS_H
#include <stddef.h>
#include <stdint.h>
#include "bnn_kernel_dispatch.h"

/// Adam on n parameters, fused with the clip to [-1, 1] (when clip != 0) and,
/// when binary_out is not NULL, writing sign(w) (+1 for w >= 0, else -1) there.
/// step_size is the bias-corrected learning rate.
void bnn_adam_step(float *w, const float *g, float *m, float *v, float *binary_out, size_t n,
                   float step_size, float beta1, float beta2, float epsilon, int clip);

/// SGD with momentum, fused like bnn_adam_step.
void bnn_sgd_momentum_step(float *w, const float *g, float *velocity, float *binary_out, size_t n,
                           float learning_rate, float momentum, int clip);

/// Deterministic binarization of activations: out[i] = a[i] >= 0 ? +1 : -1.
/// Returns how many |a[i]| > 1 (where the straight-through estimator will cancel the gradient).
size_t bnn_sign_activations(const float *a, float *out, size_t n);

/// The float baseline's activation: out[i] = clip(a[i], -1, 1). Returns how many |a[i]| > 1.
size_t bnn_hardtanh_activations(const float *a, float *out, size_t n);

/// Stochastic binarization: out[i] = +1 with probability hard_sigmoid(a[i]) = clip((a[i] + 1) / 2, 0, 1),
/// else -1, drawing from the xoshiro256** state (advanced in place). Returns how many |a[i]| > 1.
size_t bnn_stochastic_sign(uint64_t state[4], const float *a, float *out, size_t n);

/// Inverted dropout: keeps each x[i] with probability `keep` and scales it by 1 / keep,
/// zeroes it otherwise; mask[i] receives the factor applied (1 / keep or 0) for the backward pass.
void bnn_dropout(uint64_t state[4], float *x, float *mask, size_t n, float keep);

/// x[i] *= y[i] (the backward pass of dropout).
void bnn_multiply(float *x, const float *y, size_t n);

/// The straight-through estimator: g[i] = 0 where |a[i]| > 1 (or a[i] is NaN), unchanged elsewhere.
void bnn_straight_through_gate(float *g, const float *a, size_t n);

/// Positions of one image row that the direct convolution computes together (they share
/// every weight load); the padded layout leaves this many spare columns after each row.
#define BNN_CONV_BLOCK 7
/// Packed weights hold outputs in multiples of this many floats (zeros beyond n).
#define BNN_CONV_OUTPUT_ALIGNMENT 32

/// Positions per row of the padded layout: a pad column each side of the w positions,
/// then BNN_CONV_BLOCK - 1 spare ones.
size_t bnn_conv3x3_padded_width(size_t w);
/// Floats of one padded image: h + 2 rows of bnn_conv3x3_padded_width(w) positions of cin floats.
size_t bnn_conv3x3_padded_image(size_t h, size_t w, size_t cin);
/// n rounded up to BNN_CONV_OUTPUT_ALIGNMENT: the row length of packed weights.
size_t bnn_conv3x3_packed_outputs(size_t n);

/// Copies images first <= i < first + count of in (NHWC, h x w x cin) into the padded
/// layout (image i at padded + i * bnn_conv3x3_padded_image): the ring of positions around
/// each image holds `pad` (0, or +1 for one-padding), the spare columns 0.
void bnn_conv3x3_pad(size_t h, size_t w, size_t cin, const float *in, size_t first, size_t count, float pad,
                     float *padded);

/// Packs a layer's weights [cout][3][3][cin] for bnn_conv3x3_f32: with adjoint == 0 for
/// its forward product (cin inputs, cout outputs: packed[(t*cin + c)*np + o] = w[o][t][c]);
/// with adjoint != 0 for its input gradient, the convolution of the output gradient (cout
/// inputs) into cin outputs with mirrored taps (packed[((8-t)*cout + o)*np + c] = w[o][t][c]).
/// np = bnn_conv3x3_packed_outputs(outputs); packed holds 9 * inputs * np floats.
void bnn_conv3x3_pack_weights(const float *weights, size_t cin, size_t cout, int adjoint, float *packed);

/// The direct 3x3 convolution, stride 1, of padded images (bnn_conv3x3_pad) with packed
/// weights (bnn_conv3x3_pack_weights): for output rows first <= r < first + count (image
/// r/(h*w), position r%(h*w)), out[r*ldo + o] = sum over taps t = 3*ky + kx and channels c
/// of x[tap][c] * wt[(t*cin + c)*np + o], o < n.
void bnn_conv3x3_f32(size_t h, size_t w, size_t cin, const float *in, const float *wt, size_t n,
                     size_t first, size_t count, float *out, size_t ldo);

/// The weight gradient of the 3x3 convolution, without a patch matrix: for patch indices
/// first_k <= k < first_k + count_k (k = (3*ky + kx)*cin + c) and every output o < n,
/// dw[o*9*cin + k] = the sum over the positions p of images 0 <= i < images of
/// patch[p][k] * g[p*n + o], where patch[p][k] is the im2col value, read from the padded
/// input (bnn_conv3x3_pad) and g is the output gradient (images*h*w x n). Overwrites those
/// entries of dw (the layer's [n][3][3][cin] layout) and no others.
void bnn_conv3x3_weight_gradient(size_t h, size_t w, size_t cin, const float *in, size_t images, const float *g,
                                 size_t n, size_t first_k, size_t count_k, float *dw);

/// bnn_conv3x3_weight_gradient for an input of signs: every value of the padded input
/// inside the image is ±1 (only the sign is read, x >= 0 is +1) and the ring holds `pad`,
/// 0 or +1. Sums the positions by fours through 16-entry tables of signed gradient sums
/// (sign_weight_gradient.c): the same sums up to float rounding, not the same bits.
/// `scratch` holds bnn_conv3x3_sign_gradient_scratch(cin, n, count_k) floats, 64-byte aligned.
void bnn_conv3x3_sign_gradient(size_t h, size_t w, size_t cin, const float *in, size_t images, const float *g,
                               size_t n, size_t first_k, size_t count_k, float pad, float *scratch, float *dw);
size_t bnn_conv3x3_sign_gradient_scratch(size_t cin, size_t n, size_t count_k);

/// The input gradient of a 3x3 convolution whose weights are ±1, the product the direct
/// kernel computes on the mirrored weights, through 8-entry tables of signed sums of four
/// outputs' gradients (binary_weight_input_gradient.c): for images first <= i < first +
/// count, gin (images*h*w x cin) = the sum over taps and outputs of w[o][t][c] times the
/// output gradient g (images*h*w x cout, unpadded) at the position the tap reaches (0
/// outside the image). Only the signs of weights [cout][3][3][cin] are read (w >= 0 is +1).
/// The same sums up to float rounding, not the same bits. `scratch` holds
/// bnn_conv3x3_binary_input_gradient_scratch(h, w, cout, cin) floats, 64-byte aligned.
void bnn_conv3x3_binary_input_gradient(size_t h, size_t w, size_t cout, const float *g, const float *weights,
                                       size_t cin, size_t first, size_t count, float *scratch, float *gin);
size_t bnn_conv3x3_binary_input_gradient_scratch(size_t h, size_t w, size_t cout, size_t cin);

/// The weight gradient (n x 9, dw[o*9 + t], overwritten) of a one-channel 3x3 convolution
/// followed by 2x2 max-pooling, from its padded input (bnn_conv3x3_pad, cin = 1), the
/// gradient of the pool's output gpool (images x h/2 x w/2 x n) and the pool's winners
/// (bnn_maxpool2x2_forward): the sum over images first <= i < first + count and windows of
/// gpool times the input under each tap at the window's winner. What
/// bnn_maxpool2x2_backward then bnn_conv3x3_weight_gradient compute, up to float rounding,
/// without the full-size gradient (pooled_weight_gradient.c).
void bnn_conv3x3_pooled_weight_gradient(size_t h, size_t w, const float *in, size_t first, size_t count,
                                        const float *gpool, const uint8_t *winner, size_t n, float *dw);

/// A product with one operand of signs (sign_gemm.c): for rows first <= i < first + count,
/// c[i*ldc + o] = the sum over kk < k of sign(s[kk*s_row + i*s_col]) * f[kk*ldf + o], o < n,
/// sign(x) = +1 for x >= 0, else -1. A binary dense layer's weight gradient x^T g (s = x,
/// the ±1 activations) and its input gradient g W_b^T (s = W_b^T, f = g^T). The same sums
/// as the float product up to rounding, not the same bits; they never depend on the split
/// into bands of rows. `scratch` holds bnn_sign_gemm_scratch(k, count) floats, 64-byte aligned.
void bnn_sign_gemm(size_t k, size_t n, const float *s, size_t s_row, size_t s_col, const float *f, size_t ldf,
                   size_t first, size_t count, float *scratch, float *c, size_t ldc);
size_t bnn_sign_gemm_scratch(size_t k, size_t count);

/// The weight gradient of a dense layer whose input is pixels (pixel_weight_gradient.c):
/// for inputs first <= i < first + count and outputs o < n, dw[i*ldw + o] = the sum over
/// images b < rows of x(b, i) * g[b*ldg + o], where x(b, i) = above[p] - 1 for the pixel
/// byte p = pixels[b*ldp + i] and above[p] = p / 127.5 (PixelScaling: x = p / 127.5 - 1).
/// Black pixels (p = 0) cost nothing: the sum runs over the other pixels' above[p] * g, in
/// groups of four inputs, and the column sum of g is subtracted. The same sums as the float
/// product up to rounding, not the same bits; they never depend on the split into bands
/// of inputs. Overwrites those rows of dw and no others. `scratch` holds
/// bnn_pixel_weight_gradient_scratch(rows, count) floats.
void bnn_pixel_weight_gradient(size_t rows, const uint8_t *pixels, size_t ldp, const float *above, const float *g,
                               size_t ldg, size_t n, size_t first, size_t count, float *scratch, float *dw,
                               size_t ldw);
size_t bnn_pixel_weight_gradient_scratch(size_t rows, size_t count);

/// The patch matrix of the 3x3 convolution (rows (image, y, x), 9*cin values ordered
/// (ky, kx, c)) of images first <= i < first + count, from their padded copy: three
/// contiguous runs of 3*cin floats per patch.
void bnn_im2col3x3_padded(size_t h, size_t w, size_t cin, const float *padded, size_t first, size_t count,
                          float *columns);

/// 2x2 max-pooling, stride 2, of images first <= i < first + count (NHWC, h x w x c; an
/// odd last row or column is dropped): out is (h/2) x (w/2) x c per image, winner the
/// index 0-3 (row-major in the window) of the input that won, the first on ties.
void bnn_maxpool2x2_forward(size_t h, size_t w, size_t c, const float *in, size_t first, size_t count,
                            float *out, uint8_t *winner);

/// The gradient of bnn_maxpool2x2_forward: each output gradient at its winner, 0 at
/// every other input of images first <= i < first + count.
void bnn_maxpool2x2_backward(size_t h, size_t w, size_t c, const float *gout, const uint8_t *winner,
                             size_t first, size_t count, float *gin);

/// BatchNorm's loops over a batch x (rows x f, row-major), each for the features
/// j0 <= j < j1 only, every per-feature sum over the rows in order (so the result never
/// depends on how features are split between threads), without fused multiply-adds:
/// mean[j] = (sum of x[r][j]) / rows, then squares[j] = sum of (x[r][j] - mean[j])^2.
void bnn_bn_statistics(const float *x, size_t rows, size_t f, size_t j0, size_t j1, float *mean, float *squares);
/// xhat[r][j] = (x[r][j] - mean[j]) * inv[j]; out[r][j] = gamma[j] * xhat[r][j] + beta[j].
void bnn_bn_normalize(const float *x, size_t rows, size_t f, size_t j0, size_t j1, const float *mean,
                      const float *inv, const float *gamma, const float *beta, float *xhat, float *out);
/// out[r][j] = x[r][j] * scale[j] + shift[j] (inference with folded running averages).
void bnn_bn_affine(const float *x, size_t rows, size_t f, size_t j0, size_t j1, const float *scale,
                   const float *shift, float *out);
/// gbeta[j] = sum of ga[r][j]; ggamma[j] = sum of ga[r][j] * xhat[r][j].
void bnn_bn_gradient_sums(const float *ga, const float *xhat, size_t rows, size_t f, size_t j0, size_t j1,
                          float *gbeta, float *ggamma);
/// gs[r][j] = coefficient[j] * (rows * ga[r][j] - gbeta[j] - xhat[r][j] * ggamma[j]).
void bnn_bn_input_gradient(const float *ga, const float *xhat, size_t rows, size_t f, size_t j0, size_t j1,
                           const float *coefficient, const float *gbeta, const float *ggamma, float *gs);

/// The variant the loops above run: the name of the row of this library's
/// table in use ("portable", "popcnt", "avx2" or "avx512").
const char *bnn_training_kernels_variant(void);

/// One row of the table: the loops compiled for one variant.
typedef struct {
    const char *name;
    void (*adam_step)(float *w, const float *g, float *m, float *v, float *binary_out, size_t n,
                      float step_size, float beta1, float beta2, float epsilon, int clip);
    void (*sgd_momentum_step)(float *w, const float *g, float *velocity, float *binary_out, size_t n,
                              float learning_rate, float momentum, int clip);
    size_t (*sign_activations)(const float *a, float *out, size_t n);
    size_t (*hardtanh_activations)(const float *a, float *out, size_t n);
    void (*straight_through_gate)(float *g, const float *a, size_t n);
    void (*conv3x3_f32)(size_t h, size_t w, size_t cin, const float *in, const float *wt, size_t n,
                        size_t first, size_t count, float *out, size_t ldo);
    void (*conv3x3_weight_gradient)(size_t h, size_t w, size_t cin, const float *in, size_t images, const float *g,
                                    size_t n, size_t first_k, size_t count_k, float *dw);
    void (*conv3x3_sign_gradient)(size_t h, size_t w, size_t cin, const float *in, size_t images, const float *g,
                                  size_t n, size_t first_k, size_t count_k, float pad, float *scratch, float *dw);
    void (*conv3x3_binary_input_gradient)(size_t h, size_t w, size_t cout, const float *g, const float *weights,
                                          size_t cin, size_t first, size_t count, float *scratch, float *gin);
    void (*sign_gemm)(size_t k, size_t n, const float *s, size_t s_row, size_t s_col, const float *f, size_t ldf,
                      size_t first, size_t count, float *scratch, float *c, size_t ldc);
    void (*pixel_weight_gradient)(size_t rows, const uint8_t *pixels, size_t ldp, const float *above, const float *g,
                                  size_t ldg, size_t n, size_t first, size_t count, float *scratch, float *dw,
                                  size_t ldw);
    void (*conv3x3_pooled_weight_gradient)(size_t h, size_t w, const float *in, size_t first, size_t count,
                                           const float *gpool, const uint8_t *winner, size_t n, float *dw);
    void (*maxpool2x2_forward)(size_t h, size_t w, size_t c, const float *in, size_t first, size_t count,
                               float *out, uint8_t *winner);
    void (*maxpool2x2_backward)(size_t h, size_t w, size_t c, const float *gout, const uint8_t *winner,
                                size_t first, size_t count, float *gin);
    void (*bn_statistics)(const float *x, size_t rows, size_t f, size_t j0, size_t j1, float *mean, float *squares);
    void (*bn_normalize)(const float *x, size_t rows, size_t f, size_t j0, size_t j1, const float *mean,
                         const float *inv, const float *gamma, const float *beta, float *xhat, float *out);
    void (*bn_affine)(const float *x, size_t rows, size_t f, size_t j0, size_t j1, const float *scale,
                      const float *shift, float *out);
    void (*bn_gradient_sums)(const float *ga, const float *xhat, size_t rows, size_t f, size_t j0, size_t j1,
                             float *gbeta, float *ggamma);
    void (*bn_input_gradient)(const float *ga, const float *xhat, size_t rows, size_t f, size_t j0, size_t j1,
                              const float *coefficient, const float *gbeta, const float *ggamma, float *gs);
} bnn_training_table_row;

/// The row of `variant`, or NULL when the CPU cannot run it (for checking every variant).
const bnn_training_table_row *bnn_training_table(int variant);

#endif
