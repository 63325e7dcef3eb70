// Loops that draw one random number per element: stochastic binarization and
// dropout masks. The generator is xoshiro256** on the caller's four state words
// (BNNData's SeededGenerator), advanced here exactly as the Swift generator
// advances itself, so a run's draws do not depend on which side makes them.
// The draws are serial, so these loops are scalar; what they save over Swift
// is the per-element call and the exclusivity checks on the generator.
#include "bnn_training_kernels.h"

static inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static inline uint64_t next(uint64_t s[4]) {
    const uint64_t result = rotl(s[1] * 5, 7) * 9;
    const uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

// A uniform float in [0, 1) from the top 24 bits (SeededGenerator.nextUnitFloat).
static inline float unit_float(uint64_t s[4]) {
    return (float)(next(s) >> 40) * (1.0f / 16777216.0f);
}

static inline float hard_sigmoid(float x) {
    float p = (x + 1.0f) * 0.5f;
    return p < 0.0f ? 0.0f : (p > 1.0f ? 1.0f : p);
}

size_t bnn_stochastic_sign(uint64_t state[4], const float *restrict a, float *restrict out, size_t n) {
    uint64_t s[4] = {state[0], state[1], state[2], state[3]};
    size_t saturated = 0;
    for (size_t i = 0; i < n; i++) {
        const float x = a[i];
        out[i] = unit_float(s) < hard_sigmoid(x) ? 1.0f : -1.0f;
        saturated += (x > 1.0f) | (x < -1.0f);
    }
    state[0] = s[0]; state[1] = s[1]; state[2] = s[2]; state[3] = s[3];
    return saturated;
}

void bnn_dropout(uint64_t state[4], float *restrict x, float *restrict mask, size_t n, float keep) {
    uint64_t s[4] = {state[0], state[1], state[2], state[3]};
    const float scale = 1.0f / keep;
    for (size_t i = 0; i < n; i++) {
        const float m = unit_float(s) < keep ? scale : 0.0f;
        mask[i] = m;
        x[i] *= m;
    }
    state[0] = s[0]; state[1] = s[1]; state[2] = s[2]; state[3] = s[3];
}

void bnn_multiply(float *restrict x, const float *restrict y, size_t n) {
    for (size_t i = 0; i < n; i++) x[i] *= y[i];
}
