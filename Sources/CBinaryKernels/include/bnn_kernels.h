// XNOR-popcount kernels over bit-packed ±1 matrices (bit 1 means +1, so sign(0) = +1).
//
// A packed matrix stores each row of K bits in ceil(K/64) 64-bit words, bit k of
// a row at word k/64, bit k%64. Rows are `ld` words apart (ld >= ceil(K/64)).
// Every bit past K in a row must be 0, in both operands: then the padding XORs
// to 0 and never contributes, so dot(a, b) = K - 2 * popcount(a XOR b) exactly.
//
// The products are compiled for several instruction sets (portable C, POPCNT,
// AVX2, AVX-512 VPOPCNTDQ; bnn_kernel_dispatch.h) and the caller names the variant,
// usually bnn_active_variant(); asking for one the CPU lacks returns
// BNN_ERROR_UNSUPPORTED instead of faulting.
#ifndef BNN_KERNELS_H
#define BNN_KERNELS_H
#include <stdint.h>
#include <stddef.h>
#include "bnn_kernel_dispatch.h"

#ifdef __cplusplus
extern "C" {
#endif

/// The variant the process runs (BNN_KERNEL or the best one, see
/// bnn_kernel_dispatch.h): the name of the row of this library's table it uses.
const char *bnn_binary_kernels_variant(void);

/// c[i*ldc + j] = dot(row i of a, row j of b) = k_bits - 2 * popcount(a_i XOR b_j)
/// for i < m, j < n. `a` is m x k_bits, `b` is n x k_bits (one row per output).
int bnn_xnor_gemm(int variant, size_t m, size_t n, size_t k_bits,
                  const uint64_t *a, size_t lda,
                  const uint64_t *b, size_t ldb,
                  int32_t *c, size_t ldc);

/// The integer first-layer product of raw 8-bit pixels with ±1 weights:
/// c[i*ldc + j] = sum_k p[i][k] * w_j[k], computed from the 8 bit planes of p
/// (see bnn_pack_bitplanes_u8; image i starts at planes + i*ldp) as
/// 255 * weight_popcounts[j] - sum_q 2^q * popcount(plane_q XOR w_j).
int bnn_bitplane_gemm(int variant, size_t m, size_t n, size_t k_bits,
                      const uint64_t *planes, size_t ldp,
                      const uint64_t *b, size_t ldb,
                      const int32_t *weight_popcounts,
                      int32_t *c, size_t ldc);

/// The same integer first-layer product straight from the raw pixels, by table
/// lookup (bnn_pixel_product.c): c[i*ldc + j] = sum_k p[i*ldp + k] * w_j[k] for
/// i < m, j < n, with the weights in the nibble layout of bnn_pack_weight_nibbles
/// (column j of `nibbles` is neuron j; offset the pointer to start at another neuron).
int bnn_pixel_gemm(int variant, size_t m, size_t n, size_t k,
                   const uint8_t *p, size_t ldp,
                   const uint8_t *nibbles, size_t ldn,
                   int32_t *c, size_t ldc);

/// The weights of bnn_pixel_gemm: n packed rows of k_bits ±1 weights (ld ldb words)
/// as ceil(k_bits/4) rows of ldn >= n bytes, out[g*ldn + j] = bits 4g..4g+3 of row j;
/// bytes n..ldn-1 of each row are zeroed.
void bnn_pack_weight_nibbles(size_t n, size_t k_bits, const uint64_t *b, size_t ldb,
                             uint8_t *out, size_t ldn);

/// The nibble layout of bnn_pack_weight_nibbles straight from float ±1 weights stored
/// inputs x outputs (k rows x n columns, leading dimension ldw; only signs are read,
/// w >= 0 is +1): out[g*ldn + j] has bit t set when w[(4g + t)*ldw + j] >= 0, for the
/// ceil(k/4) groups g and columns j of [j0, j1); bytes n..ldn-1 of each row are zeroed
/// by the call whose j1 == n. When `weight_sums` is not NULL, weight_sums[j] gets the
/// column's sum of ±1 (count of +1 minus count of -1).
void bnn_pack_weight_nibbles_f32(size_t k, size_t n, size_t j0, size_t j1, const float *w, size_t ldw,
                                 uint8_t *out, size_t ldn, int32_t *weight_sums);

/// One row of that layout from the group's own 1 <= rows <= 4 weight rows (w, ldw apart;
/// all n columns): row[j] has bit t set when w[t*ldw + j] >= 0, bytes n..ldn-1 are zeroed,
/// and weight_sums[j] (when not NULL) is *increased* by the group's sum of ±1 in column j,
/// so a caller that packs a matrix group by group (the optimizer, right after it writes
/// each group's weights) zeroes the sums once and gets the column sums at the end.
void bnn_pack_weight_nibble_group_f32(size_t rows, size_t n, const float *w, size_t ldw, uint8_t *row, size_t ldn,
                                      int32_t *weight_sums);

/// The pixel bytes behind `count` inputs scaled by a 256-entry table (x = table[p]):
/// out[i] = the p with table[p] == x[i] exactly, found as round((x - table[0]) /
/// (table[255] - table[0]) * 255) and checked. Returns 1 when every input was such a
/// value, else 0 (out then unspecified). The table must be increasing.
int bnn_pixels_from_scaled(size_t count, const float *x, const float *table, uint8_t *out);

/// Packs rows of a row-major float matrix (m x k, leading dimension ldx):
/// bit = x >= 0. Pad bits and pad words up to ldo are zeroed.
void bnn_pack_rows_f32(size_t m, size_t k, const float *x, size_t ldx,
                       uint64_t *out, size_t ldo);

/// Packs the columns of a row-major float matrix w (k rows x n columns,
/// leading dimension ldw, e.g. weights stored inputs x outputs): output row j
/// holds bit (w[kk*ldw + j] >= 0) at position kk. Pads are zeroed.
void bnn_pack_columns_f32(size_t k, size_t n, const float *w, size_t ldw,
                          uint64_t *out, size_t ldo);

/// The words of bnn_pack_columns_f32 for k rows only, without touching any other word: words
/// 0 .. ceil(k/64) - 1 of each output row j (out[j*ldo + ...]), pad bits of the last zeroed.
/// With `w` at row 64·g of a matrix and `out` at word g, it packs one group of rows in place
/// (the optimizer, right after it writes those rows of W_b).
void bnn_pack_column_words_f32(size_t k, size_t n, const float *w, size_t ldw, uint64_t *out, size_t ldo);

/// Splits m images of k 8-bit pixels (row-major, leading dimension ldp) into
/// their 8 bit planes, interleaved per 64-pixel block: word w of plane q of
/// image i (bit t = bit q of pixel 64*w + t) is out[i*ldo + 8*w + q].
/// ldo >= 8 * ceil(k/64); pad bits and words are zeroed.
void bnn_pack_bitplanes_u8(size_t m, size_t k, const uint8_t *p, size_t ldp,
                           uint64_t *out, size_t ldo);

/// The folded BatchNorm + sign of a hidden layer: output bit j of row i is
/// (s[i*lds + j] >= thresholds[j]) XOR bit j of `flip` (ceil(n/64) words; its
/// bits past n must be 0). Writes ceil(n/64) words per row, pad bits of the
/// last word zero; words past that up to ldo are left untouched.
/// Thresholds must lie in (INT32_MIN, INT32_MAX).
int bnn_threshold_pack(int variant, size_t m, size_t n, const int32_t *s, size_t lds,
                       const int32_t *thresholds, const uint64_t *flip,
                       uint64_t *out, size_t ldo);

/// The direct binary 3x3 convolution, stride 1, padding 1, on packed NHWC activations:
/// `in` holds images of h*w positions with wpp words each (channel c of a position at
/// bit c%64 of word c/64), output row r (image r/(h*w), position r%(h*w)) gets
/// sums[r*ldc + o] = k_bits - 2 * sum over taps (ky, kx) and words v of
/// popcount(tap word v XOR weights[o*ldw + (3*ky + kx)*wpp + v]), for o < n and
/// first <= r < first + count, where a tap outside the image reads pad[v].
/// With pad bits 0 in both operands, k_bits = 9 * channels gives the true ±1 sums of
/// one-padding; k_bits = 9 * 64 * wpp gives bnn_xnor_gemm's sums over gathered patches.
int bnn_conv3x3_xnor(int variant, size_t h, size_t w, size_t wpp, const uint64_t *in, const uint64_t *pad,
                     const uint64_t *weights, size_t ldw, size_t n, size_t k_bits, size_t first, size_t count,
                     int32_t *sums, size_t ldc);

/// The first layer's direct 3x3 convolution, stride 1, zero padding, of raw 8-bit
/// pixels (NHWC images of h x w x cin bytes) with ±1 weights given as sign masks
/// masks[(t*cin + c)*n + o] (0 for +1, -1 for -1; tap t = 3*ky + kx): for output rows
/// first <= r < first + count, sums[r*ldc + o] = sum over inside taps and channels of
/// pixel * weight, exactly.
int bnn_conv3x3_pixels(int variant, size_t h, size_t w, size_t cin, const uint8_t *pixels, const int32_t *masks,
                       size_t n, size_t first, size_t count, int32_t *sums, size_t ldc);

/// The number of set bits in `count` words (used for weight popcounts).
uint64_t bnn_popcount_words(const uint64_t *words, size_t count);

#ifdef __cplusplus
}
#endif
#endif
