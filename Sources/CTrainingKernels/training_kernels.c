#include "bnn_training_kernels.h"
#include <math.h>

// One body, compiled once per instruction set; clang vectorizes each for its target.
#define ADAM_BODY                                                                  \
    for (size_t i = 0; i < n; i++) {                                               \
        float gi = g[i];                                                           \
        float mi = beta1 * m[i] + (1.0f - beta1) * gi;                             \
        float vi = beta2 * v[i] + (1.0f - beta2) * gi * gi;                        \
        m[i] = mi;                                                                 \
        v[i] = vi;                                                                 \
        float wi = w[i] - step_size * mi / (sqrtf(vi) + epsilon);                  \
        if (clip) wi = wi < -1.0f ? -1.0f : (wi > 1.0f ? 1.0f : wi);               \
        w[i] = wi;                                                                 \
        if (binary_out) binary_out[i] = wi >= 0.0f ? 1.0f : -1.0f;                 \
    }

#define SGD_BODY                                                                   \
    for (size_t i = 0; i < n; i++) {                                               \
        float vi = momentum * velocity[i] - learning_rate * g[i];                  \
        velocity[i] = vi;                                                          \
        float wi = w[i] + vi;                                                      \
        if (clip) wi = wi < -1.0f ? -1.0f : (wi > 1.0f ? 1.0f : wi);               \
        w[i] = wi;                                                                 \
        if (binary_out) binary_out[i] = wi >= 0.0f ? 1.0f : -1.0f;                 \
    }

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

// The direct 3x3 convolution (stride 1, zero padding) of a few input channels, for the
// first layer, where im2col + sgemm would multiply matrices only 9*cin deep: every output
// position adds tap x channel rank-1 updates into its row of n outputs, which the
// compiler vectorizes over the outputs. Weights are [tap][c][o] (bnn_conv3x3_f32's wt).
#define CONV_BODY                                                                  \
    const size_t hw = h * w;                                                       \
    for (size_t r = first; r < first + count; r++) {                               \
        const size_t p = r % hw, y = p / w, x0 = p % w;                            \
        const float *image = in + (r - p) * cin;                                   \
        float *restrict o = out + r * ldo;                                         \
        for (size_t j = 0; j < n; j++) o[j] = 0.0f;                                \
        for (size_t t = 0; t < 9; t++) {                                           \
            const size_t yy = y + t / 3, xx = x0 + t % 3;                          \
            if (yy < 1 || yy > h || xx < 1 || xx > w) continue;                   \
            const float *px = image + ((yy - 1) * w + (xx - 1)) * cin;             \
            for (size_t c = 0; c < cin; c++) {                                     \
                const float v = px[c];                                             \
                const float *restrict wr = wt + (t * cin + c) * n;                 \
                for (size_t j = 0; j < n; j++) o[j] += v * wr[j];                  \
            }                                                                      \
        }                                                                          \
    }

#define CONV_ARGS size_t h, size_t w, size_t cin, const float *restrict in, const float *restrict wt, \
    size_t n, size_t first, size_t count, float *restrict out, size_t ldo

#define ACT_ARGS const float *restrict a, float *restrict out, size_t n
#define GATE_ARGS float *restrict g, const float *restrict a, size_t n

static size_t sign_baseline(ACT_ARGS) { SIGN_BODY }
static size_t hardtanh_baseline(ACT_ARGS) { HARDTANH_BODY }
static void gate_baseline(GATE_ARGS) { GATE_BODY }
static void conv_baseline(CONV_ARGS) { CONV_BODY }

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
AVX2 static void conv_avx2(CONV_ARGS) { CONV_BODY }
AVX512 static size_t sign_avx512(ACT_ARGS) { SIGN_BODY }
AVX512 static size_t hardtanh_avx512(ACT_ARGS) { HARDTANH_BODY }
AVX512 static void gate_avx512(GATE_ARGS) { GATE_BODY }
AVX512 static void conv_avx512(CONV_ARGS) { CONV_BODY }
#endif

// This library's dispatch table: one row of function pointers per variant, the
// row chosen once per process by bnn_active_variant() (bnn_kernel_dispatch.h).
// POPCNT adds nothing to these float loops, so its row is the portable one.
#define ROW(name, suffix) {name, adam_##suffix, sgd_##suffix, sign_##suffix, hardtanh_##suffix, gate_##suffix, \
                           conv_##suffix}

static const bnn_training_table_row training_table[BNN_VARIANT_COUNT] = {
    [BNN_VARIANT_PORTABLE] = ROW("portable", baseline),
#if defined(__x86_64__) && defined(__clang__)
    [BNN_VARIANT_POPCNT] = ROW("popcnt", baseline),
    [BNN_VARIANT_AVX2] = ROW("avx2", avx2),
    [BNN_VARIANT_AVX512] = ROW("avx512", avx512),
#elif defined(__x86_64__)
    [BNN_VARIANT_POPCNT] = ROW("popcnt", baseline),
    [BNN_VARIANT_AVX2] = ROW("avx2", baseline),
    [BNN_VARIANT_AVX512] = ROW("avx512", baseline),
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
void bnn_conv3x3_f32(CONV_ARGS) { current()->conv3x3_f32(h, w, cin, in, wt, n, first, count, out, ldo); }

const char *bnn_training_kernels_variant(void) { return current()->name; }
