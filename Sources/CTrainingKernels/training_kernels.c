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

#define COUNT_BODY                                                                 \
    size_t saturated = 0;                                                          \
    for (size_t i = 0; i < n; i++) saturated += fabsf(a[i]) > 1.0f;                \
    return saturated;

#define GATE_BODY                                                                  \
    for (size_t i = 0; i < n; i++) g[i] = fabsf(a[i]) <= 1.0f ? g[i] : 0.0f;

#define ACT_ARGS const float *restrict a, float *restrict out, size_t n
#define COUNT_ARGS const float *restrict a, size_t n
#define GATE_ARGS float *restrict g, const float *restrict a, size_t n

static size_t sign_baseline(ACT_ARGS) { SIGN_BODY }
static size_t hardtanh_baseline(ACT_ARGS) { HARDTANH_BODY }
static size_t count_baseline(COUNT_ARGS) { COUNT_BODY }
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
AVX2 static size_t count_avx2(COUNT_ARGS) { COUNT_BODY }
AVX2 static void gate_avx2(GATE_ARGS) { GATE_BODY }
AVX512 static size_t sign_avx512(ACT_ARGS) { SIGN_BODY }
AVX512 static size_t hardtanh_avx512(ACT_ARGS) { HARDTANH_BODY }
AVX512 static size_t count_avx512(COUNT_ARGS) { COUNT_BODY }
AVX512 static void gate_avx512(GATE_ARGS) { GATE_BODY }
#endif

typedef enum { VARIANT_BASELINE = 0, VARIANT_AVX2 = 1, VARIANT_AVX512 = 2 } variant_t;

static variant_t detect(void) {
#if defined(__x86_64__) && defined(__clang__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
        __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq")) return VARIANT_AVX512;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return VARIANT_AVX2;
#endif
    return VARIANT_BASELINE;
}

static variant_t current(void) {
    // Detection is idempotent; relaxed atomics keep concurrent first calls race-free.
    static int cached = -1;
    int value = __atomic_load_n(&cached, __ATOMIC_RELAXED);
    if (value < 0) {
        value = (int)detect();
        __atomic_store_n(&cached, value, __ATOMIC_RELAXED);
    }
    return (variant_t)value;
}

void bnn_adam_step(ADAM_ARGS) {
    switch (current()) {
#if defined(__x86_64__) && defined(__clang__)
    case VARIANT_AVX512: adam_avx512(w, g, m, v, binary_out, n, step_size, beta1, beta2, epsilon, clip); return;
    case VARIANT_AVX2: adam_avx2(w, g, m, v, binary_out, n, step_size, beta1, beta2, epsilon, clip); return;
#endif
    default: adam_baseline(w, g, m, v, binary_out, n, step_size, beta1, beta2, epsilon, clip); return;
    }
}

void bnn_sgd_momentum_step(SGD_ARGS) {
    switch (current()) {
#if defined(__x86_64__) && defined(__clang__)
    case VARIANT_AVX512: sgd_avx512(w, g, velocity, binary_out, n, learning_rate, momentum, clip); return;
    case VARIANT_AVX2: sgd_avx2(w, g, velocity, binary_out, n, learning_rate, momentum, clip); return;
#endif
    default: sgd_baseline(w, g, velocity, binary_out, n, learning_rate, momentum, clip); return;
    }
}

#if defined(__x86_64__) && defined(__clang__)
#define DISPATCH(name, ...)                                                        \
    switch (current()) {                                                           \
    case VARIANT_AVX512: return name##_avx512(__VA_ARGS__);                        \
    case VARIANT_AVX2: return name##_avx2(__VA_ARGS__);                            \
    default: return name##_baseline(__VA_ARGS__);                                  \
    }
#else
#define DISPATCH(name, ...) return name##_baseline(__VA_ARGS__);
#endif

size_t bnn_sign_activations(ACT_ARGS) { DISPATCH(sign, a, out, n) }
size_t bnn_hardtanh_activations(ACT_ARGS) { DISPATCH(hardtanh, a, out, n) }
size_t bnn_count_saturated(COUNT_ARGS) { DISPATCH(count, a, n) }
void bnn_straight_through_gate(GATE_ARGS) { DISPATCH(gate, g, a, n) }

const char *bnn_training_kernels_variant(void) {
    switch (current()) {
    case VARIANT_AVX512: return "avx512";
    case VARIANT_AVX2: return "avx2";
    default: return "baseline";
    }
}
