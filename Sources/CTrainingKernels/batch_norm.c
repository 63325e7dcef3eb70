// BatchNorm's loops over a batch (rows x f, row-major), for the features j0 <= j < j1.
//
// Every per-feature sum runs over the rows in order, one feature per vector lane, so the
// results do not depend on the vector width or on how the features are split between
// threads, and equal the plain loop's (BNNEngine's BatchNorm was that loop in Swift; the
// pinned seeded run is unchanged). That needs products and sums rounded one at a time:
// no fused multiply-add, so contraction is off here.
#include "bnn_training_kernels.h"
#include "float_convolution_variants.h"

#if defined(__clang__)
#pragma clang fp contract(off)
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#else
#pragma STDC FP_CONTRACT OFF
#endif

#define BN_STATISTICS_BODY                                                                         \
    for (size_t j = j0; j < j1; j++) { mean[j] = 0.0f; squares[j] = 0.0f; }                        \
    for (size_t r = 0; r < rows; r++) {                                                            \
        const float *row = x + r * f;                                                              \
        for (size_t j = j0; j < j1; j++) mean[j] += row[j];                                        \
    }                                                                                              \
    for (size_t j = j0; j < j1; j++) mean[j] /= (float)rows;                                       \
    for (size_t r = 0; r < rows; r++) {                                                            \
        const float *row = x + r * f;                                                              \
        for (size_t j = j0; j < j1; j++) { const float d = row[j] - mean[j]; squares[j] += d * d; } \
    }

#define BN_NORMALIZE_BODY                                                                          \
    for (size_t r = 0; r < rows; r++) {                                                            \
        const float *row = x + r * f;                                                              \
        float *xr = xhat + r * f, *o = out + r * f;                                                \
        for (size_t j = j0; j < j1; j++) {                                                         \
            const float v = (row[j] - mean[j]) * inv[j];                                           \
            xr[j] = v;                                                                             \
            o[j] = gamma[j] * v + beta[j];                                                         \
        }                                                                                          \
    }

#define BN_AFFINE_BODY                                                                             \
    for (size_t r = 0; r < rows; r++) {                                                            \
        const float *row = x + r * f;                                                              \
        float *o = out + r * f;                                                                    \
        for (size_t j = j0; j < j1; j++) o[j] = row[j] * scale[j] + shift[j];                      \
    }

#define BN_GRADIENT_SUMS_BODY                                                                      \
    for (size_t j = j0; j < j1; j++) { gbeta[j] = 0.0f; ggamma[j] = 0.0f; }                        \
    for (size_t r = 0; r < rows; r++) {                                                            \
        const float *gr = ga + r * f, *xr = xhat + r * f;                                          \
        for (size_t j = j0; j < j1; j++) { gbeta[j] += gr[j]; ggamma[j] += gr[j] * xr[j]; }        \
    }

#define BN_INPUT_GRADIENT_BODY                                                                     \
    const float n = (float)rows;                                                                   \
    for (size_t r = 0; r < rows; r++) {                                                            \
        const float *gr = ga + r * f, *xr = xhat + r * f;                                          \
        float *o = gs + r * f;                                                                     \
        for (size_t j = j0; j < j1; j++) o[j] = coefficient[j] * (n * gr[j] - gbeta[j] - xr[j] * ggamma[j]); \
    }

#define VARIANTS(suffix, attribute)                                                                \
    attribute void bnn_bn_statistics_##suffix(BNN_BN_STATISTICS_ARGS) { BN_STATISTICS_BODY }      \
    attribute void bnn_bn_normalize_##suffix(BNN_BN_NORMALIZE_ARGS) { BN_NORMALIZE_BODY }         \
    attribute void bnn_bn_affine_##suffix(BNN_BN_AFFINE_ARGS) { BN_AFFINE_BODY }                  \
    attribute void bnn_bn_gradient_sums_##suffix(BNN_BN_GRADIENT_SUMS_ARGS) { BN_GRADIENT_SUMS_BODY } \
    attribute void bnn_bn_input_gradient_##suffix(BNN_BN_INPUT_GRADIENT_ARGS) { BN_INPUT_GRADIENT_BODY }

VARIANTS(portable, )
#if defined(__x86_64__) && defined(__clang__)
VARIANTS(avx2, __attribute__((target("avx2"))))
VARIANTS(avx512, __attribute__((target("avx512f,avx512vl,avx512bw,avx512dq"))))
#else
VARIANTS(avx2, )
VARIANTS(avx512, )
#endif
