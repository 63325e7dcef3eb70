// Run-time choice of the instruction-set variant: the caller names one, and
// a variant this CPU cannot run is refused with BNN_ERROR_UNSUPPORTED (never SIGILL).
#include "bnn_internal.h"

int bnn_variant_supported(int variant) {
    switch (variant) {
    case BNN_VARIANT_PORTABLE:
        return 1;
#if defined(__x86_64__)
    case BNN_VARIANT_POPCNT:
        __builtin_cpu_init();
        return __builtin_cpu_supports("popcnt") ? 1 : 0;
    case BNN_VARIANT_AVX2:
        __builtin_cpu_init();
        return (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("popcnt")) ? 1 : 0;
    case BNN_VARIANT_AVX512:
        __builtin_cpu_init();
        return (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vpopcntdq") &&
                __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl") &&
                __builtin_cpu_supports("popcnt")) ? 1 : 0;
#endif
    default:
        return 0;
    }
}

static int bnn_check(int variant, size_t k_bits, size_t lda, size_t ldb) {
    if (!bnn_variant_supported(variant)) return BNN_ERROR_UNSUPPORTED;
    const size_t kw = (k_bits + 63) / 64;
    if (lda < kw || ldb < kw || k_bits > (size_t)INT32_MAX / 256) return BNN_ERROR_BAD_ARGUMENT;
    return BNN_OK;
}

int bnn_xnor_gemm(int variant, size_t m, size_t n, size_t k_bits,
                  const uint64_t *a, size_t lda, const uint64_t *b, size_t ldb,
                  int32_t *c, size_t ldc) {
    const int status = bnn_check(variant, k_bits, lda, ldb);
    if (status != BNN_OK) return status;
    if (m == 0 || n == 0) return BNN_OK;
    if (ldc < n) return BNN_ERROR_BAD_ARGUMENT;
    switch (variant) {
#if defined(__x86_64__)
    case BNN_VARIANT_AVX512: bnn_xnor_gemm_avx512(m, n, k_bits, a, lda, b, ldb, c, ldc); break;
    case BNN_VARIANT_AVX2: bnn_xnor_gemm_avx2(m, n, k_bits, a, lda, b, ldb, c, ldc); break;
    case BNN_VARIANT_POPCNT: bnn_xnor_gemm_popcnt(m, n, k_bits, a, lda, b, ldb, c, ldc); break;
#endif
    default: bnn_xnor_gemm_portable(m, n, k_bits, a, lda, b, ldb, c, ldc); break;
    }
    return BNN_OK;
}

int bnn_bitplane_gemm(int variant, size_t m, size_t n, size_t k_bits,
                      const uint64_t *planes, size_t ldp, const uint64_t *b, size_t ldb,
                      const int32_t *weight_popcounts, int32_t *c, size_t ldc) {
    const int status = bnn_check(variant, k_bits, ldb, ldb);
    if (status != BNN_OK) return status;
    if (ldp < 8 * ((k_bits + 63) / 64)) return BNN_ERROR_BAD_ARGUMENT;
    if (m == 0 || n == 0) return BNN_OK;
    if (ldc < n) return BNN_ERROR_BAD_ARGUMENT;
    switch (variant) {
#if defined(__x86_64__)
    case BNN_VARIANT_AVX512:
        bnn_bitplane_gemm_avx512(m, n, k_bits, planes, ldp, b, ldb, weight_popcounts, c, ldc); break;
    case BNN_VARIANT_AVX2:
        bnn_bitplane_gemm_avx2(m, n, k_bits, planes, ldp, b, ldb, weight_popcounts, c, ldc); break;
    case BNN_VARIANT_POPCNT:
        bnn_bitplane_gemm_popcnt(m, n, k_bits, planes, ldp, b, ldb, weight_popcounts, c, ldc); break;
#endif
    default:
        bnn_bitplane_gemm_portable(m, n, k_bits, planes, ldp, b, ldb, weight_popcounts, c, ldc); break;
    }
    return BNN_OK;
}

int bnn_threshold_pack(int variant, size_t m, size_t n, const int32_t *s, size_t lds,
                       const int32_t *thresholds, const uint64_t *flip, uint64_t *out, size_t ldo) {
    if (!bnn_variant_supported(variant)) return BNN_ERROR_UNSUPPORTED;
    if (lds < n || ldo < (n + 63) / 64) return BNN_ERROR_BAD_ARGUMENT;
    switch (variant) {
#if defined(__x86_64__)
    case BNN_VARIANT_AVX512: bnn_threshold_pack_avx512(m, n, s, lds, thresholds, flip, out, ldo); break;
    case BNN_VARIANT_AVX2: bnn_threshold_pack_avx2(m, n, s, lds, thresholds, flip, out, ldo); break;
    case BNN_VARIANT_POPCNT: bnn_threshold_pack_popcnt(m, n, s, lds, thresholds, flip, out, ldo); break;
#endif
    default: bnn_threshold_pack_portable(m, n, s, lds, thresholds, flip, out, ldo); break;
    }
    return BNN_OK;
}
