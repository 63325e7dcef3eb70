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

/// The direct 3x3 convolution, stride 1, zero padding, of images of h x w x cin floats
/// (NHWC): for output rows first <= r < first + count (image r/(h*w), position
/// r%(h*w)), out[r*ldo + o] = sum over inside taps t = 3*ky + kx and channels c of
/// x[tap][c] * wt[(t*cin + c)*n + o], o < n. For few input channels (the first layer).
void bnn_conv3x3_f32(size_t h, size_t w, size_t cin, const float *in, const float *wt, size_t n,
                     size_t first, size_t count, float *out, size_t ldo);

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
} bnn_training_table_row;

/// The row of `variant`, or NULL when the CPU cannot run it (for checking every variant).
const bnn_training_table_row *bnn_training_table(int variant);

#endif
