// The first layer's exact integer product of 8-bit pixels with ±1 weights by table
// lookup: c[i][j] = sum_k p[i][k] * w_j[k] = 2 * S_ij - P_i, where S_ij sums the
// pixels whose weight bit is 1 (+1) and P_i sums all pixels of image i.
//
// The pixels are split into nibbles, p = 16 * hi + lo. For each group of 4 pixels,
// a 16-entry table holds the sums of their low nibbles over every subset (at most
// 4 * 15 = 60, one byte), another the sums of the high nibbles. A neuron's 4 weight
// bits for that group index both tables, so S = sum_g (lo_g[w] + 16 * hi_g[w]).
// With the weights stored as one nibble byte per neuron per group
// (bnn_pack_weight_nibbles), vpshufb looks up 32 neurons at once: two lookups and
// two byte additions per 4 pixels and 32 neurons, against 8 XOR-popcounts of 64
// pixels per neuron for the bit-plane product. Exact: all sums are integers.
//
// A group whose 4 pixels are all 0 adds 0 to every neuron, so each image's groups
// are compacted to the nonzero ones first and only those are looked up, with their
// nibble rows found through the list of live group indices. Fashion-MNIST images are
// half background: 38% of the test set's groups are blank.
#include <string.h>
#include "bnn_internal.h"
#if defined(__x86_64__)
#include <immintrin.h>
#endif

/// Groups per piece: u16 sums of at most 1024 * 60 < 65536 cannot overflow.
#define BNN_PIECE_GROUPS 1024u
#define BNN_PIECE_PIXELS (4u * BNN_PIECE_GROUPS)

void bnn_pack_weight_nibbles(size_t n, size_t k_bits, const uint64_t *b, size_t ldb, uint8_t *out, size_t ldn) {
    const size_t groups = (k_bits + 3) / 4;
    for (size_t g = 0; g < groups; g++) {
        uint8_t *row = out + g * ldn;
        const size_t word = (4 * g) / 64, shift = (4 * g) % 64;
        for (size_t j = 0; j < n; j++) row[j] = (uint8_t)((b[j * ldb + word] >> shift) & 15u);
        for (size_t j = n; j < ldn; j++) row[j] = 0;
    }
}

#if defined(__x86_64__)
/// Columns j .. j + 32 * blocks of one group of four weight rows (w0, ldw apart): nibble
/// bytes to row[j..], and 2 * (count of +1) - 4 added to sums[j..] when sums is not NULL.
/// vcmpps (>= 0, false for NaN as in C) gives lanes of -1/0, two saturating packs make
/// them bytes in lane-interleaved order, one vpermd per block restores column order.
__attribute__((target("avx2"))) static size_t
bnn_pack_nibble_blocks_avx2(const float *w0, size_t ldw, size_t j, size_t blocks, uint8_t *row, int32_t *sums) {
    const __m256 zero = _mm256_setzero_ps();
    const __m256i order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
    for (size_t b = 0; b < blocks; b++, j += 32) {
        __m256i bits = _mm256_setzero_si256(), plus = _mm256_setzero_si256();
        for (int t = 0; t < 4; t++) {
            const float *wt = w0 + (size_t)t * ldw + j;
            __m256i m[4];
            for (int q = 0; q < 4; q++)
                m[q] = _mm256_castps_si256(_mm256_cmp_ps(_mm256_loadu_ps(wt + 8 * q), zero, _CMP_GE_OQ));
            const __m256i bytes = _mm256_packs_epi16(_mm256_packs_epi32(m[0], m[1]), _mm256_packs_epi32(m[2], m[3]));
            bits = _mm256_or_si256(bits, _mm256_and_si256(bytes, _mm256_set1_epi8((char)(1 << t))));
            plus = _mm256_sub_epi8(plus, bytes);  // -1 per +1 weight
        }
        _mm256_storeu_si256((__m256i *)(row + j), _mm256_permutevar8x32_epi32(bits, order));
        if (sums) {
            const __m256i counts = _mm256_permutevar8x32_epi32(plus, order);
            const __m128i low = _mm256_castsi256_si128(counts), high = _mm256_extracti128_si256(counts, 1);
            const __m128i eights[4] = {low, _mm_srli_si128(low, 8), high, _mm_srli_si128(high, 8)};
            const __m256i four = _mm256_set1_epi32(4);
            for (int q = 0; q < 4; q++) {
                const __m256i c = _mm256_cvtepu8_epi32(eights[q]);
                __m256i *dst = (__m256i *)(sums + j + 8 * q);
                _mm256_storeu_si256(dst, _mm256_add_epi32(_mm256_loadu_si256(dst), _mm256_sub_epi32(_mm256_add_epi32(c, c), four)));
            }
        }
    }
    return j;
}
#endif

/// One group of `rows` <= 4 weight rows (w0, ldw apart), columns [j0, j1): nibble bytes
/// to row[j0..j1), each column's 2 * (count of +1) - rows added to sums[j] when sums is not
/// NULL, and bytes n..ldn-1 zeroed when j1 == n.
static void bnn_pack_nibble_group(size_t rows, size_t n, size_t j0, size_t j1, const float *restrict w0,
                                  size_t ldw, uint8_t *restrict row, size_t ldn, int32_t *restrict sums) {
    size_t jv = j0;  // the first column the plain loops below pack
#if defined(__x86_64__)
    if (rows == 4 && bnn_active_variant() >= BNN_VARIANT_AVX2)
        jv = bnn_pack_nibble_blocks_avx2(w0, ldw, j0, (j1 - j0) / 32, row, sums);
#endif
    if (rows == 4) {  // loops the compiler vectorizes: four weight rows read along j
        const float *restrict w1 = w0 + ldw, *restrict w2 = w1 + ldw, *restrict w3 = w2 + ldw;
        for (size_t j = jv; j < j1; j++)
            row[j] = (uint8_t)((w0[j] >= 0.0f) | (w1[j] >= 0.0f) << 1 | (w2[j] >= 0.0f) << 2 | (w3[j] >= 0.0f) << 3);
        if (sums)
            for (size_t j = jv; j < j1; j++)
                sums[j] += 2 * ((w0[j] >= 0.0f) + (w1[j] >= 0.0f) + (w2[j] >= 0.0f) + (w3[j] >= 0.0f)) - 4;
    } else {
        for (size_t j = j0; j < j1; j++) {
            int bits = 0, plus = 0;
            for (size_t t = 0; t < rows; t++) {
                const int b = w0[t * ldw + j] >= 0.0f;
                bits |= b << t;
                plus += b;
            }
            row[j] = (uint8_t)bits;
            if (sums) sums[j] += 2 * plus - (int32_t)rows;
        }
    }
    if (j1 == n)
        for (size_t j = n; j < ldn; j++) row[j] = 0;
}

void bnn_pack_weight_nibbles_f32(size_t k, size_t n, size_t j0, size_t j1, const float *w, size_t ldw,
                                 uint8_t *out, size_t ldn, int32_t *weight_sums) {
    if (weight_sums)
        for (size_t j = j0; j < j1; j++) weight_sums[j] = 0;
    for (size_t g = 0; 4 * g < k; g++)
        bnn_pack_nibble_group(bnn_min(4, k - 4 * g), n, j0, j1, w + 4 * g * ldw, ldw, out + g * ldn, ldn, weight_sums);
}

void bnn_pack_weight_nibble_group_f32(size_t rows, size_t n, const float *w, size_t ldw, uint8_t *row, size_t ldn,
                                      int32_t *weight_sums) {
    if (rows > 0 && rows <= 4) bnn_pack_nibble_group(rows, n, 0, n, w, ldw, row, ldn, weight_sums);
}

/// The groups of one piece of an image (count <= BNN_PIECE_PIXELS pixels) that hold a
/// nonzero pixel: their pixels packed into `buffer` (zero-padded by 8 bytes, for the
/// table builders' 8-byte reads), their indices into `live`. Returns the number of live
/// groups; *total gets the sum of the piece's pixels.
static size_t bnn_live_groups(const uint8_t *p, size_t count, uint8_t *buffer, uint16_t *live, uint32_t *total) {
    size_t kept = 0;
    uint32_t sum = 0;
    for (size_t g = 0; 4 * g < count; g++) {
        uint8_t q[4] = {0, 0, 0, 0};
        const size_t pixels = bnn_min(4, count - 4 * g);
        memcpy(q, p + 4 * g, pixels);
        const uint32_t group = (uint32_t)q[0] + q[1] + q[2] + q[3];
        if (group == 0) continue;
        memcpy(buffer + 4 * kept, q, 4);
        live[kept++] = (uint16_t)g;
        sum += group;
    }
    memset(buffer + 4 * kept, 0, 8);
    *total = sum;
    return kept;
}

/// The two tables of each group: table[32 g + e] = sum of the low nibbles of the
/// group's pixels t with bit t of e set, table[32 g + 16 + e] the same for high nibbles.
static void bnn_tables_scalar(const uint8_t *pixels, size_t groups, uint8_t *table) {
    for (size_t g = 0; g < groups; g++) {
        const uint8_t *q = pixels + 4 * g;
        uint8_t *t = table + 32 * g;
        t[0] = t[16] = 0;
        for (unsigned e = 1; e < 16; e++) {
            const unsigned low = (unsigned)__builtin_ctz(e), rest = e & (e - 1);
            t[e] = (uint8_t)(t[rest] + (q[low] & 15u));
            t[16 + e] = (uint8_t)(t[16 + rest] + (q[low] >> 4));
        }
    }
}

/// c[j] (op) 2 * S_j - total for the n neurons of one image and one piece of groups
/// (table entry g belongs to group live[g]): plain C (the portable and POPCNT
/// variants), a block of neurons at a time so that the nibble rows are read in order.
static void bnn_lookup_scalar(size_t n, size_t groups, const uint16_t *live, const uint8_t *table,
                              const uint8_t *nibbles, size_t ldn, uint32_t total, int accumulate, int32_t *c) {
    enum { BLOCK = 256 };
    uint32_t lo[BLOCK], hi[BLOCK];
    for (size_t j0 = 0; j0 < n; j0 += BLOCK) {
        const size_t count = bnn_min(BLOCK, n - j0);
        for (size_t j = 0; j < count; j++) lo[j] = hi[j] = 0;
        for (size_t g = 0; g < groups; g++) {
            const uint8_t *w = nibbles + live[g] * ldn + j0, *tl = table + 32 * g, *th = tl + 16;
            for (size_t j = 0; j < count; j++) {
                lo[j] += tl[w[j]];
                hi[j] += th[w[j]];
            }
        }
        for (size_t j = 0; j < count; j++) {
            const int32_t value = (int32_t)(2 * (lo[j] + 16 * hi[j])) - (int32_t)total;
            c[j0 + j] = accumulate ? c[j0 + j] + value : value;
        }
    }
}

/// Runs the product piece by piece for every image; `tables` and `lookup` are the
/// variant's table builder and neuron loop.
#define BNN_PIXEL_DRIVER(name, ATTR, tables, lookup)                                                \
    ATTR void name(size_t m, size_t n, size_t k, const uint8_t *p, size_t ldp, const uint8_t *nibbles, \
                   size_t ldn, int32_t *c, size_t ldc) {                                           \
        uint8_t buffer[BNN_PIECE_PIXELS + 16] __attribute__((aligned(32)));                        \
        uint8_t table[32 * BNN_PIECE_GROUPS] __attribute__((aligned(32)));                         \
        uint16_t live[BNN_PIECE_GROUPS];                                                           \
        for (size_t i = 0; i < m; i++) {                                                           \
            for (size_t k0 = 0; k0 < k || k0 == 0; k0 += BNN_PIECE_PIXELS) {                       \
                const size_t count = bnn_min(BNN_PIECE_PIXELS, k - k0);                            \
                uint32_t total;                                                                    \
                const size_t groups = bnn_live_groups(p + i * ldp + k0, count, buffer, live, &total); \
                tables(buffer, groups, table);                                                     \
                lookup(n, groups, live, table, nibbles + (k0 / 4) * ldn, ldn, total, k0 > 0, c + i * ldc); \
                if (k == 0) break;                                                                 \
            }                                                                                      \
        }                                                                                          \
    }

BNN_PIXEL_DRIVER(bnn_pixel_gemm_portable, , bnn_tables_scalar, bnn_lookup_scalar)

#if defined(__x86_64__)
BNN_PIXEL_DRIVER(bnn_pixel_gemm_popcnt, __attribute__((target("popcnt"))), bnn_tables_scalar, bnn_lookup_scalar)

#define BNN_AVX2 __attribute__((target("avx2,popcnt")))

/// The tables of two groups per step: both lanes hold the group pair's 8 pixels;
/// vpshufb picks pixel t of the lane's group for the entries with bit t set.
static inline __attribute__((always_inline)) BNN_AVX2 void
bnn_tables_avx2(const uint8_t *pixels, size_t groups, uint8_t *table) {
    const __m256i nib = _mm256_set1_epi8(0x0f);
    __m256i pick[4];
    for (int t = 0; t < 4; t++) {
        uint8_t idx[32];
        for (int e = 0; e < 16; e++) {
            idx[e] = (e >> t) & 1 ? (uint8_t)t : 0x80;
            idx[16 + e] = (e >> t) & 1 ? (uint8_t)(4 + t) : 0x80;
        }
        pick[t] = _mm256_loadu_si256((const __m256i *)idx);
    }
    for (size_t g = 0; g < groups; g += 2) {
        uint64_t eight;
        memcpy(&eight, pixels + 4 * g, 8);
        const __m256i v = _mm256_set1_epi64x((long long)eight);
        const __m256i lo = _mm256_and_si256(v, nib), hi = _mm256_and_si256(_mm256_srli_epi16(v, 4), nib);
        __m256i tl = _mm256_shuffle_epi8(lo, pick[0]), th = _mm256_shuffle_epi8(hi, pick[0]);
        for (int t = 1; t < 4; t++) {
            tl = _mm256_add_epi8(tl, _mm256_shuffle_epi8(lo, pick[t]));
            th = _mm256_add_epi8(th, _mm256_shuffle_epi8(hi, pick[t]));
        }
        // lane 0 of tl/th: group g; lane 1: group g + 1 (written even past `groups`: the buffer has room).
        _mm256_store_si256((__m256i *)(table + 32 * g), _mm256_permute2x128_si256(tl, th, 0x20));
        _mm256_store_si256((__m256i *)(table + 32 * g + 32), _mm256_permute2x128_si256(tl, th, 0x31));
    }
}

/// CH x 32 neurons from j: vpshufb looks up their nibbles in the broadcast tables of
/// a group. Byte sums (at most 4 * 60) are combined every 4 groups into lo + 16 hi
/// with vpmaddubsw (at most 4080 per 16-bit lane), and those are added into 32-bit
/// sums every 32 groups (8 * 4080 < 2^15).
static inline __attribute__((always_inline)) BNN_AVX2 void
bnn_lookup_chunks_avx2(const int CH, size_t groups, const uint16_t *live, const uint8_t *table,
                       const uint8_t *nibbles, size_t ldn, int32_t *sums /* CH * 32, neuron order */) {
    const __m256i zero = _mm256_setzero_si256(), weigh = _mm256_set1_epi16(16 << 8 | 1);
    __m256i s32[2][4];
    for (int h = 0; h < CH; h++)
        for (int q = 0; q < 4; q++) s32[h][q] = zero;
    for (size_t g = 0; g < groups;) {
        const size_t end32 = bnn_min(groups, g + 32);
        __m256i s16[2][2];
        for (int h = 0; h < CH; h++) s16[h][0] = s16[h][1] = zero;
        while (g < end32) {
            const size_t end4 = bnn_min(end32, g + 4);
            __m256i bl[2], bh[2];
            for (int h = 0; h < CH; h++) bl[h] = bh[h] = zero;
            for (; g < end4; g++) {
                const __m256i tl = _mm256_broadcastsi128_si256(_mm_load_si128((const __m128i *)(table + 32 * g)));
                const __m256i th = _mm256_broadcastsi128_si256(_mm_load_si128((const __m128i *)(table + 32 * g + 16)));
                const uint8_t *row = nibbles + live[g] * ldn;
                for (int h = 0; h < CH; h++) {
                    const __m256i idx = _mm256_loadu_si256((const __m256i *)(row + 32 * h));
                    bl[h] = _mm256_add_epi8(bl[h], _mm256_shuffle_epi8(tl, idx));
                    bh[h] = _mm256_add_epi8(bh[h], _mm256_shuffle_epi8(th, idx));
                }
            }
            for (int h = 0; h < CH; h++) {
                s16[h][0] = _mm256_add_epi16(s16[h][0], _mm256_maddubs_epi16(_mm256_unpacklo_epi8(bl[h], bh[h]), weigh));
                s16[h][1] = _mm256_add_epi16(s16[h][1], _mm256_maddubs_epi16(_mm256_unpackhi_epi8(bl[h], bh[h]), weigh));
            }
        }
        // s16[h][0] holds neurons 0-7 (lane 0) and 16-23 (lane 1); s16[h][1] 8-15 and 24-31.
        for (int h = 0; h < CH; h++) {
            const __m256i first = _mm256_permute2x128_si256(s16[h][0], s16[h][1], 0x20);   // 0-15
            const __m256i second = _mm256_permute2x128_si256(s16[h][0], s16[h][1], 0x31);  // 16-31
            s32[h][0] = _mm256_add_epi32(s32[h][0], _mm256_cvtepu16_epi32(_mm256_castsi256_si128(first)));
            s32[h][1] = _mm256_add_epi32(s32[h][1], _mm256_cvtepu16_epi32(_mm256_extracti128_si256(first, 1)));
            s32[h][2] = _mm256_add_epi32(s32[h][2], _mm256_cvtepu16_epi32(_mm256_castsi256_si128(second)));
            s32[h][3] = _mm256_add_epi32(s32[h][3], _mm256_cvtepu16_epi32(_mm256_extracti128_si256(second, 1)));
        }
    }
    for (int h = 0; h < CH; h++)
        for (int q = 0; q < 4; q++) _mm256_storeu_si256((__m256i *)(sums + 32 * h + 8 * q), s32[h][q]);
}

static inline __attribute__((always_inline)) BNN_AVX2 void
bnn_lookup_avx2(size_t n, size_t groups, const uint16_t *live, const uint8_t *table, const uint8_t *nibbles,
                size_t ldn, uint32_t total, int accumulate, int32_t *c) {
    const __m256i totals = _mm256_set1_epi32((int)total);
    int32_t sums[64] __attribute__((aligned(32)));
    size_t j = 0;
    while (j + 32 <= n) {
        const int ch = j + 64 <= n ? 2 : 1;
        if (ch == 2) bnn_lookup_chunks_avx2(2, groups, live, table, nibbles + j, ldn, sums);
        else bnn_lookup_chunks_avx2(1, groups, live, table, nibbles + j, ldn, sums);
        for (int q = 0; q < 4 * ch; q++) {
            const __m256i s = _mm256_load_si256((const __m256i *)(sums + 8 * q));
            __m256i v = _mm256_sub_epi32(_mm256_add_epi32(s, s), totals);
            if (accumulate) v = _mm256_add_epi32(v, _mm256_loadu_si256((const __m256i *)(c + j + 8 * q)));
            _mm256_storeu_si256((__m256i *)(c + j + 8 * q), v);
        }
        j += 32 * (size_t)ch;
    }
    if (j < n) bnn_lookup_scalar(n - j, groups, live, table, nibbles + j, ldn, total, accumulate, c + j);
}

BNN_PIXEL_DRIVER(bnn_pixel_gemm_avx2, BNN_AVX2, bnn_tables_avx2, bnn_lookup_avx2)
#endif
