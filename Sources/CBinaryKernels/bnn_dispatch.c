// This library's dispatch table: one row of function pointers per variant
// (bnn_kernel_dispatch.h decides which variant a process runs). A variant the
// CPU cannot run is refused with BNN_ERROR_UNSUPPORTED (never SIGILL).
#include "bnn_internal.h"

typedef void (*bnn_xnor_fn)(size_t, size_t, size_t, const uint64_t *, size_t, const uint64_t *, size_t,
                            int32_t *, size_t);
typedef void (*bnn_plane_fn)(size_t, size_t, size_t, const uint64_t *, size_t, const uint64_t *, size_t,
                             const int32_t *, int32_t *, size_t);
typedef void (*bnn_pixel_fn)(size_t, size_t, size_t, const uint8_t *, size_t, const uint8_t *, size_t,
                             int32_t *, size_t);
typedef void (*bnn_conv_fn)(size_t, size_t, size_t, const uint64_t *, const uint64_t *, const uint64_t *, size_t,
                            size_t, size_t, size_t, size_t, int32_t *, size_t);
typedef void (*bnn_conv_pixels_fn)(size_t, size_t, size_t, const uint8_t *, const int32_t *, size_t, size_t, size_t,
                                   int32_t *, size_t);
typedef void (*bnn_threshold_fn)(size_t, size_t, const int32_t *, size_t, const int32_t *, const uint64_t *,
                                 uint64_t *, size_t);

#define BNN_ROW(suffix, pixel) {#suffix, bnn_xnor_gemm_##suffix, bnn_bitplane_gemm_##suffix, \
                              bnn_pixel_gemm_##pixel, bnn_threshold_pack_##suffix, \
                              bnn_conv3x3_xnor_##suffix, bnn_conv3x3_pixels_##pixel}

static const struct {
    const char *name;
    bnn_xnor_fn xnor_gemm;
    bnn_plane_fn bitplane_gemm;
    bnn_pixel_fn pixel_gemm;
    bnn_threshold_fn threshold_pack;
    bnn_conv_fn conv3x3_xnor;
    bnn_conv_pixels_fn conv3x3_pixels;
} bnn_binary_table[BNN_VARIANT_COUNT] = {
    [BNN_VARIANT_PORTABLE] = BNN_ROW(portable, portable),
#if defined(__x86_64__)
    [BNN_VARIANT_POPCNT] = BNN_ROW(popcnt, popcnt),
    [BNN_VARIANT_AVX2] = BNN_ROW(avx2, avx2),
    // The first layer's pixel products (the table lookup, vpshufb; the convolution's byte
    // pairs, vpmaddubsw) are 8-bit work: AVX2's code serves AVX-512 CPUs too.
    [BNN_VARIANT_AVX512] = BNN_ROW(avx512, avx2),
#endif
};

/// BNN_OK if `variant` has a row here and the CPU can run it.
static int bnn_usable(int variant) {
    return bnn_variant_supported(variant) && bnn_binary_table[variant].xnor_gemm ? BNN_OK : BNN_ERROR_UNSUPPORTED;
}

const char *bnn_binary_kernels_variant(void) { return bnn_binary_table[bnn_active_variant()].name; }

static int bnn_check(int variant, size_t k_bits, size_t lda, size_t ldb) {
    if (bnn_usable(variant) != BNN_OK) return BNN_ERROR_UNSUPPORTED;
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
    bnn_binary_table[variant].xnor_gemm(m, n, k_bits, a, lda, b, ldb, c, ldc);
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
    bnn_binary_table[variant].bitplane_gemm(m, n, k_bits, planes, ldp, b, ldb, weight_popcounts, c, ldc);
    return BNN_OK;
}

int bnn_pixel_gemm(int variant, size_t m, size_t n, size_t k, const uint8_t *p, size_t ldp,
                   const uint8_t *nibbles, size_t ldn, int32_t *c, size_t ldc) {
    if (bnn_usable(variant) != BNN_OK) return BNN_ERROR_UNSUPPORTED;
    if (ldp < k || ldn < n || k > (size_t)INT32_MAX / 512) return BNN_ERROR_BAD_ARGUMENT;
    if (m == 0 || n == 0) return BNN_OK;
    if (ldc < n) return BNN_ERROR_BAD_ARGUMENT;
    bnn_binary_table[variant].pixel_gemm(m, n, k, p, ldp, nibbles, ldn, c, ldc);
    return BNN_OK;
}

int bnn_threshold_pack(int variant, size_t m, size_t n, const int32_t *s, size_t lds,
                       const int32_t *thresholds, const uint64_t *flip, uint64_t *out, size_t ldo) {
    if (bnn_usable(variant) != BNN_OK) return BNN_ERROR_UNSUPPORTED;
    if (lds < n || ldo < (n + 63) / 64) return BNN_ERROR_BAD_ARGUMENT;
    bnn_binary_table[variant].threshold_pack(m, n, s, lds, thresholds, flip, out, ldo);
    return BNN_OK;
}

int bnn_conv3x3_xnor(int variant, size_t h, size_t w, size_t wpp, const uint64_t *in, const uint64_t *pad,
                     const uint64_t *weights, size_t ldw, size_t n, size_t k_bits, size_t first, size_t count,
                     int32_t *sums, size_t ldc) {
    if (bnn_usable(variant) != BNN_OK) return BNN_ERROR_UNSUPPORTED;
    if (h == 0 || w == 0 || wpp == 0 || ldc < n || ldw < 9 * wpp || k_bits > 9 * 64 * wpp || first + count > SIZE_MAX / 2)
        return BNN_ERROR_BAD_ARGUMENT;
    if (count == 0 || n == 0) return BNN_OK;
    bnn_binary_table[variant].conv3x3_xnor(h, w, wpp, in, pad, weights, ldw, n, k_bits, first, count, sums, ldc);
    return BNN_OK;
}

int bnn_conv3x3_pixels(int variant, size_t h, size_t w, size_t cin, const uint8_t *pixels, const int32_t *masks,
                       size_t n, size_t first, size_t count, int32_t *sums, size_t ldc) {
    if (bnn_usable(variant) != BNN_OK) return BNN_ERROR_UNSUPPORTED;
    if (h == 0 || w == 0 || cin == 0 || ldc < n || cin > (size_t)INT32_MAX / (9 * 255) || first + count > SIZE_MAX / 2)
        return BNN_ERROR_BAD_ARGUMENT;
    if (count == 0 || n == 0) return BNN_OK;
    bnn_binary_table[variant].conv3x3_pixels(h, w, cin, pixels, masks, n, first, count, sums, ldc);
    return BNN_OK;
}
