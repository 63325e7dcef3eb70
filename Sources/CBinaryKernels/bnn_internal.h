// Declarations shared by the variant files and the dispatcher (not public).
#ifndef BNN_INTERNAL_H
#define BNN_INTERNAL_H
#include "bnn_kernels.h"

#define BNN_DECLARE_VARIANT(suffix)                                                   \
    void bnn_xnor_gemm_##suffix(size_t m, size_t n, size_t k_bits,                    \
                                const uint64_t *a, size_t lda,                        \
                                const uint64_t *b, size_t ldb,                        \
                                int32_t *c, size_t ldc);                              \
    void bnn_bitplane_gemm_##suffix(size_t m, size_t n, size_t k_bits,                \
                                    const uint64_t *planes, size_t ldp,               \
                                    const uint64_t *b, size_t ldb,                    \
                                    const int32_t *weight_popcounts,                  \
                                    int32_t *c, size_t ldc);                          \
    void bnn_pixel_gemm_##suffix(size_t m, size_t n, size_t k, const uint8_t *p, size_t ldp,        \
                                 const uint8_t *nibbles, size_t ldn, int32_t *c, size_t ldc);   \
    void bnn_threshold_pack_##suffix(size_t m, size_t n, const int32_t *s, size_t lds,     \
                                     const int32_t *thresholds, const uint64_t *flip,  \
                                     uint64_t *out, size_t ldo);                       \
    void bnn_conv3x3_xnor_##suffix(size_t h, size_t w, size_t wpp, const uint64_t *in, \
                                   const uint64_t *pad, const uint64_t *weights,       \
                                   size_t ldw, size_t n, size_t k_bits, size_t first, size_t count, \
                                   int32_t *sums, size_t ldc);                         \
    void bnn_conv3x3_pixels_##suffix(size_t h, size_t w, size_t cin, const uint8_t *pixels, \
                                     const int32_t *masks, size_t n, size_t first,     \
                                     size_t count, int32_t *sums, size_t ldc);

/// (s[u] >= t[u]) << u for u < count, one comparison at a time.
static inline uint64_t bnn_compare64_scalar(const int32_t *s, const int32_t *t, size_t count) {
    uint64_t bits = 0;
    for (size_t u = 0; u < count; u++) bits |= (uint64_t)(s[u] >= t[u]) << u;
    return bits;
}

BNN_DECLARE_VARIANT(portable)
#if defined(__x86_64__)
BNN_DECLARE_VARIANT(popcnt)
BNN_DECLARE_VARIANT(avx2)
BNN_DECLARE_VARIANT(avx512)
#endif

/// Bytes of B rows kept hot in the L2 cache while a block of A rows sweeps them.
#ifndef BNN_L2_BLOCK_BYTES
#define BNN_L2_BLOCK_BYTES (256u * 1024u)
#endif

static inline size_t bnn_min(size_t a, size_t b) { return a < b ? a : b; }

/// Paired taps of the binary convolution with one word per position and at most 32
/// channels: a tap fills at most the low half of its word, so taps go two to a word,
/// word j < 4 = tap 2j | tap 2j + 1 << 32 and word 4 = tap 8. `tap` holds nine words
/// (a position's taps, or an output's weights [tap]).
static inline uint64_t bnn_paired_word(const uint64_t *tap, size_t j) {
    return j < 4 ? tap[2 * j] | tap[2 * j + 1] << 32 : tap[8];
}

/// The five paired words of position (y, x) of an h x w image of one word per position;
/// a tap outside the image reads *pad.
static inline void bnn_paired_position_words(const uint64_t *image, const uint64_t *pad, size_t h, size_t w,
                                             size_t y, size_t x, uint64_t words[5]) {
    uint64_t t[9];
    for (size_t i = 0; i < 9; i++) {
        const size_t yy = y + i / 3, xx = x + i % 3;  // one past the true tap, so that 0 is outside
        const int inside = yy >= 1 && yy <= h && xx >= 1 && xx <= w;
        t[i] = inside ? image[(yy - 1) * w + (xx - 1)] : *pad;
    }
    for (size_t j = 0; j < 5; j++) words[j] = bnn_paired_word(t, j);
}
#endif
