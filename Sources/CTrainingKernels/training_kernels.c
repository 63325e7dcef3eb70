#include "bnn_training_kernels.h"
#include "float_convolution_variants.h"
#include <math.h>

// One body, compiled once per instruction set; clang vectorizes each for its target.
//
// The clip and the sign output are decided once per call, outside the loop: with them
// inside, clang turned `if (binary_out)` into a masked store (vmaskmovps) in the AVX2 loop,
// which AMD's Zen cores run in microcode, and Adam took 1.28 ns per weight even in L1.
#define ADAM_LOOP(CLIP, BINARY)                                                    \
    for (size_t i = 0; i < n; i++) {                                               \
        float gi = g[i];                                                           \
        float mi = beta1 * m[i] + (1.0f - beta1) * gi;                             \
        float vi = beta2 * v[i] + (1.0f - beta2) * gi * gi;                        \
        m[i] = mi;                                                                 \
        v[i] = vi;                                                                 \
        float wi = w[i] - step_size * mi / (sqrtf(vi) + epsilon);                  \
        if (CLIP) wi = wi < -1.0f ? -1.0f : (wi > 1.0f ? 1.0f : wi);               \
        w[i] = wi;                                                                 \
        if (BINARY) binary_out[i] = wi >= 0.0f ? 1.0f : -1.0f;                     \
    }

#define SGD_LOOP(CLIP, BINARY)                                                     \
    for (size_t i = 0; i < n; i++) {                                               \
        float vi = momentum * velocity[i] - learning_rate * g[i];                  \
        velocity[i] = vi;                                                          \
        float wi = w[i] + vi;                                                      \
        if (CLIP) wi = wi < -1.0f ? -1.0f : (wi > 1.0f ? 1.0f : wi);               \
        w[i] = wi;                                                                 \
        if (BINARY) binary_out[i] = wi >= 0.0f ? 1.0f : -1.0f;                     \
    }

/// LOOP with the clip and the sign output fixed for the whole call.
#define UPDATE_BODY(LOOP)                                                          \
    if (binary_out) {                                                              \
        if (clip) { LOOP(1, 1) } else { LOOP(0, 1) }                               \
    } else {                                                                       \
        if (clip) { LOOP(1, 0) } else { LOOP(0, 0) }                               \
    }
#define ADAM_BODY UPDATE_BODY(ADAM_LOOP)
#define SGD_BODY UPDATE_BODY(SGD_LOOP)

#define ADAM_ARGS float *restrict w, const float *restrict g, float *restrict m, float *restrict v, \
    float *restrict binary_out, size_t n, float step_size, float beta1, float beta2, float epsilon, int clip
#define SGD_ARGS float *restrict w, const float *restrict g, float *restrict velocity, \
    float *restrict binary_out, size_t n, float learning_rate, float momentum, int clip

#define SIGN_BODY                                                                  \
    size_t saturated = 0;                                                          \
    for (size_t i = 0; i < n; i++) {                                               \
        float x = a[i];                                                            \
        out[i] = x >= 0.0f ? 1.0f : -1.0f;                                         \
        saturated += fabsf(x) > 1.0f;                                              \
    }                                                                              \
    return saturated;

#define HARDTANH_BODY                                                              \
    size_t saturated = 0;                                                          \
    for (size_t i = 0; i < n; i++) {                                               \
        float x = a[i];                                                            \
        out[i] = x < -1.0f ? -1.0f : (x > 1.0f ? 1.0f : x);                        \
        saturated += fabsf(x) > 1.0f;                                              \
    }                                                                              \
    return saturated;

#define GATE_BODY                                                                  \
    for (size_t i = 0; i < n; i++) g[i] = fabsf(a[i]) <= 1.0f ? g[i] : 0.0f;

#define ACT_ARGS const float *restrict a, float *restrict out, size_t n
#define GATE_ARGS float *restrict g, const float *restrict a, size_t n

static size_t sign_baseline(ACT_ARGS) { SIGN_BODY }
static size_t hardtanh_baseline(ACT_ARGS) { HARDTANH_BODY }
static void gate_baseline(GATE_ARGS) { GATE_BODY }

static void adam_baseline(ADAM_ARGS) { ADAM_BODY }
static void sgd_baseline(SGD_ARGS) { SGD_BODY }

#if defined(__x86_64__) && defined(__clang__)
__attribute__((target("avx2,fma"))) static void adam_avx2(ADAM_ARGS) { ADAM_BODY }
__attribute__((target("avx2,fma"))) static void sgd_avx2(SGD_ARGS) { SGD_BODY }
__attribute__((target("avx512f,avx512vl,avx512bw,avx512dq,fma"))) static void adam_avx512(ADAM_ARGS) { ADAM_BODY }
__attribute__((target("avx512f,avx512vl,avx512bw,avx512dq,fma"))) static void sgd_avx512(SGD_ARGS) { SGD_BODY }
#define AVX2 __attribute__((target("avx2,fma")))
#define AVX512 __attribute__((target("avx512f,avx512vl,avx512bw,avx512dq,fma")))
AVX2 static size_t sign_avx2(ACT_ARGS) { SIGN_BODY }
AVX2 static size_t hardtanh_avx2(ACT_ARGS) { HARDTANH_BODY }
AVX2 static void gate_avx2(GATE_ARGS) { GATE_BODY }
AVX512 static size_t sign_avx512(ACT_ARGS) { SIGN_BODY }
AVX512 static size_t hardtanh_avx512(ACT_ARGS) { HARDTANH_BODY }
AVX512 static void gate_avx512(GATE_ARGS) { GATE_BODY }
#endif

// This library's dispatch table: one row of function pointers per variant, the
// row chosen once per process by bnn_active_variant() (bnn_kernel_dispatch.h).
// POPCNT adds nothing to these float loops, so its row is the portable one.
#define ROW(name, suffix, conv) {name, adam_##suffix, sgd_##suffix, sign_##suffix, hardtanh_##suffix, \
                                 gate_##suffix, bnn_conv3x3_f32_##conv, \
                                 bnn_conv3x3_weight_gradient_##conv, bnn_conv3x3_sign_gradient_##conv, \
                                 bnn_conv3x3_binary_input_gradient_##conv, bnn_sign_gemm_##conv, \
                                 bnn_pixel_weight_gradient_##conv, bnn_conv3x3_pooled_weight_gradient_##conv, \
                                 bnn_maxpool2x2_forward_##conv, \
                                 bnn_maxpool2x2_backward_##conv, bnn_bn_statistics_##conv, bnn_bn_normalize_##conv, \
                                 bnn_bn_affine_##conv, bnn_bn_gradient_sums_##conv, bnn_bn_input_gradient_##conv}

static const bnn_training_table_row training_table[BNN_VARIANT_COUNT] = {
    [BNN_VARIANT_PORTABLE] = ROW("portable", baseline, portable),
#if defined(__x86_64__) && defined(__clang__)
    [BNN_VARIANT_POPCNT] = ROW("popcnt", baseline, portable),
    [BNN_VARIANT_AVX2] = ROW("avx2", avx2, avx2),
    [BNN_VARIANT_AVX512] = ROW("avx512", avx512, avx512),
#elif defined(__x86_64__)
    [BNN_VARIANT_POPCNT] = ROW("popcnt", baseline, portable),
    [BNN_VARIANT_AVX2] = ROW("avx2", baseline, portable),
    [BNN_VARIANT_AVX512] = ROW("avx512", baseline, portable),
#endif
};

const bnn_training_table_row *bnn_training_table(int variant) {
    if (!bnn_variant_supported(variant) || !training_table[variant].name) return NULL;
    return &training_table[variant];
}

static const bnn_training_table_row *current(void) { return &training_table[bnn_active_variant()]; }

void bnn_adam_step(ADAM_ARGS) { current()->adam_step(w, g, m, v, binary_out, n, step_size, beta1, beta2, epsilon, clip); }
void bnn_sgd_momentum_step(SGD_ARGS) { current()->sgd_momentum_step(w, g, velocity, binary_out, n, learning_rate, momentum, clip); }
size_t bnn_sign_activations(ACT_ARGS) { return current()->sign_activations(a, out, n); }
size_t bnn_hardtanh_activations(ACT_ARGS) { return current()->hardtanh_activations(a, out, n); }
void bnn_straight_through_gate(GATE_ARGS) { current()->straight_through_gate(g, a, n); }
void bnn_conv3x3_f32(BNN_CONV_ARGS) { current()->conv3x3_f32(h, w, cin, in, wt, n, first, count, out, ldo); }
void bnn_maxpool2x2_forward(BNN_POOL_FORWARD_ARGS) { current()->maxpool2x2_forward(h, w, c, in, first, count, out, winner); }
void bnn_maxpool2x2_backward(BNN_POOL_BACKWARD_ARGS) {
    current()->maxpool2x2_backward(h, w, c, gout, winner, first, count, gin);
}
void bnn_bn_statistics(BNN_BN_STATISTICS_ARGS) { current()->bn_statistics(x, rows, f, j0, j1, mean, squares); }
void bnn_bn_normalize(BNN_BN_NORMALIZE_ARGS) {
    current()->bn_normalize(x, rows, f, j0, j1, mean, inv, gamma, beta, xhat, out);
}
void bnn_bn_affine(BNN_BN_AFFINE_ARGS) { current()->bn_affine(x, rows, f, j0, j1, scale, shift, out); }
void bnn_bn_gradient_sums(BNN_BN_GRADIENT_SUMS_ARGS) { current()->bn_gradient_sums(ga, xhat, rows, f, j0, j1, gbeta, ggamma); }
void bnn_bn_input_gradient(BNN_BN_INPUT_GRADIENT_ARGS) {
    current()->bn_input_gradient(ga, xhat, rows, f, j0, j1, coefficient, gbeta, ggamma, gs);
}
void bnn_conv3x3_weight_gradient(BNN_WEIGHT_GRADIENT_ARGS) {
    current()->conv3x3_weight_gradient(h, w, cin, in, images, g, n, first_k, count_k, dw);
}
void bnn_conv3x3_sign_gradient(BNN_SIGN_GRADIENT_ARGS) {
    current()->conv3x3_sign_gradient(h, w, cin, in, images, g, n, first_k, count_k, pad, scratch, dw);
}

void bnn_conv3x3_binary_input_gradient(BNN_BINARY_INPUT_GRADIENT_ARGS) {
    current()->conv3x3_binary_input_gradient(h, w, cout, g, weights, cin, first, count, scratch, gin);
}

void bnn_sign_gemm(BNN_SIGN_GEMM_ARGS) {
    current()->sign_gemm(k, n, s, s_row, s_col, f, ldf, first, count, scratch, c, ldc);
}

void bnn_pixel_weight_gradient(BNN_PIXEL_WEIGHT_GRADIENT_ARGS) {
    current()->pixel_weight_gradient(rows, pixels, ldp, above, g, ldg, n, first, count, scratch, dw, ldw);
}

void bnn_conv3x3_pooled_weight_gradient(BNN_POOLED_WEIGHT_GRADIENT_ARGS) {
    current()->conv3x3_pooled_weight_gradient(h, w, in, first, count, gpool, winner, n, dw);
}

const char *bnn_training_kernels_variant(void) { return current()->name; }
