// Elementwise training loops compiled for several instruction sets.
//
// Swift targets baseline x86-64 (SSE2). These loops run over every latent
// weight every batch, so they live here, compiled for AVX-512, AVX2+FMA and
// the baseline, and the best one the CPU supports is chosen at run time.
#ifndef BNN_TRAINING_KERNELS_H
#define BNN_TRAINING_KERNELS_H
#include <stddef.h>

/// Adam on n parameters, fused with the clip to [-1, 1] (when clip != 0) and,
/// when binary_out is not NULL, writing sign(w) (+1 for w >= 0, else -1) there.
/// step_size is the bias-corrected learning rate.
void bnn_adam_step(float *w, const float *g, float *m, float *v, float *binary_out, size_t n,
                   float step_size, float beta1, float beta2, float epsilon, int clip);

/// SGD with momentum, fused like bnn_adam_step.
void bnn_sgd_momentum_step(float *w, const float *g, float *velocity, float *binary_out, size_t n,
                           float learning_rate, float momentum, int clip);

/// The instruction set the loops above use: "avx512", "avx2" or "baseline".
const char *bnn_training_kernels_variant(void);

#endif
