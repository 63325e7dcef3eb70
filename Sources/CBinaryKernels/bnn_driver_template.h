// The cache-blocked drivers, instantiated once per instruction-set variant.
//
// Before including, a variant file defines:
//   BNN_SUFFIX            name suffix (portable, popcnt, avx2, avx512)
//   BNN_ATTR              __attribute__((target(...))) or nothing
//   BNN_MR, BNN_NR        register tile: rows of A x rows of B per micro-kernel call
//   BNN_TILE(MR, NR, a, lda, b, ldb, kw, out)
//                         an always-inline micro-kernel writing popcount(a_i XOR b_j)
//                         summed over kw words into out[i*NR + j] (uint64_t)
//   BNN_FULL_XNOR_TILE(a, lda, b, ldb, kw, k, c, ldc)   (optional)
//                         a full BNN_MR x BNN_NR tile that writes k - 2*popcount to c itself
//   BNN_COMPARE64(s, t, count)
//                         bits (s[u] >= t[u]) << u for u < count <= 64, as a uint64_t
// BNN_MR must divide 8 (the bit-plane driver tiles the 8 planes of an image).
#define BNN_CAT_(a, b) a##_##b
#define BNN_CAT(a, b) BNN_CAT_(a, b)
#define BNN_FN(name) BNN_CAT(name, BNN_SUFFIX)

// Calls the micro-kernel with compile-time tile sizes so that its accumulators
// stay in registers; edge tiles (mr < BNN_MR or nr < BNN_NR) get their own copies.
#define BNN_EDGE_CASE(r, c)                                                           \
    case (r) * 16 + (c):                                                              \
        if ((r) <= BNN_MR && (c) <= BNN_NR) BNN_TILE((r) <= BNN_MR ? (r) : 1,         \
            (c) <= BNN_NR ? (c) : 1, a, lda, b, ldb, kw, out);                        \
        return;
#define BNN_EDGE_ROW(r) BNN_EDGE_CASE(r, 1) BNN_EDGE_CASE(r, 2) BNN_EDGE_CASE(r, 3)   \
    BNN_EDGE_CASE(r, 4) BNN_EDGE_CASE(r, 5) BNN_EDGE_CASE(r, 6) BNN_EDGE_CASE(r, 7)   \
    BNN_EDGE_CASE(r, 8)

static inline __attribute__((always_inline)) BNN_ATTR void
BNN_FN(bnn_tile_any)(int mr, int nr, const uint64_t *a, size_t lda, const uint64_t *b,
                     size_t ldb, size_t kw, uint64_t *out) {
    if (mr == BNN_MR && nr == BNN_NR) {
        BNN_TILE(BNN_MR, BNN_NR, a, lda, b, ldb, kw, out);
        return;
    }
    switch (mr * 16 + nr) {
        BNN_EDGE_ROW(1) BNN_EDGE_ROW(2) BNN_EDGE_ROW(3) BNN_EDGE_ROW(4)
        BNN_EDGE_ROW(5) BNN_EDGE_ROW(6) BNN_EDGE_ROW(7) BNN_EDGE_ROW(8)
        default: break;
    }
}

/// Rows of B per L2 block: a multiple of BNN_NR, at least BNN_NR.
static inline size_t BNN_FN(bnn_block_rows)(size_t kw) {
    size_t rows = BNN_L2_BLOCK_BYTES / (kw * 8 + 1);
    rows -= rows % BNN_NR;
    return rows < BNN_NR ? BNN_NR : rows;
}

BNN_ATTR void BNN_FN(bnn_xnor_gemm)(size_t m, size_t n, size_t k_bits,
                                    const uint64_t *a, size_t lda,
                                    const uint64_t *b, size_t ldb,
                                    int32_t *c, size_t ldc) {
    const size_t kw = (k_bits + 63) / 64;
    const int32_t k = (int32_t)k_bits;
    const size_t nb = BNN_FN(bnn_block_rows)(kw);
    uint64_t pc[BNN_MR * BNN_NR];
    for (size_t n0 = 0; n0 < n; n0 += nb) {
        const size_t n1 = bnn_min(n, n0 + nb);
        for (size_t i = 0; i < m; i += BNN_MR) {
            const int mr = (int)bnn_min(BNN_MR, m - i);
            const uint64_t *ai = a + i * lda;
            for (size_t j = n0; j < n1; j += BNN_NR) {
                const int nr = (int)bnn_min(BNN_NR, n1 - j);
#ifdef BNN_FULL_XNOR_TILE
                if (mr == BNN_MR && nr == BNN_NR) {
                    BNN_FULL_XNOR_TILE(ai, lda, b + j * ldb, ldb, kw, k, c + i * ldc + j, ldc);
                    continue;
                }
#endif
                BNN_FN(bnn_tile_any)(mr, nr, ai, lda, b + j * ldb, ldb, kw, pc);
                for (int ii = 0; ii < mr; ii++) {
                    int32_t *ci = c + (i + ii) * ldc + j;
                    for (int jj = 0; jj < nr; jj++) ci[jj] = k - 2 * (int32_t)pc[ii * nr + jj];
                }
            }
        }
    }
}

BNN_ATTR void BNN_FN(bnn_bitplane_gemm)(size_t m, size_t n, size_t k_bits,
                                        const uint64_t *planes, size_t ldp,
                                        const uint64_t *b, size_t ldb,
                                        const int32_t *weight_popcounts,
                                        int32_t *c, size_t ldc) {
    const size_t kw = (k_bits + 63) / 64;
    const size_t nb = BNN_FN(bnn_block_rows)(kw);
    uint64_t pc[BNN_MR * BNN_NR];
    for (size_t n0 = 0; n0 < n; n0 += nb) {
        const size_t n1 = bnn_min(n, n0 + nb);
        for (size_t i = 0; i < m; i++) {
            const uint64_t *pi = planes + i * 8 * ldp;
            for (size_t j = n0; j < n1; j += BNN_NR) {
                const int nr = (int)bnn_min(BNN_NR, n1 - j);
                int64_t weighted[BNN_NR] = {0};
                for (int q0 = 0; q0 < 8; q0 += BNN_MR) {
                    BNN_FN(bnn_tile_any)(BNN_MR, nr, pi + (size_t)q0 * ldp, ldp,
                                         b + j * ldb, ldb, kw, pc);
                    for (int qq = 0; qq < BNN_MR; qq++)
                        for (int jj = 0; jj < nr; jj++)
                            weighted[jj] += (int64_t)pc[qq * nr + jj] << (q0 + qq);
                }
                int32_t *ci = c + i * ldc + j;
                for (int jj = 0; jj < nr; jj++)
                    ci[jj] = (int32_t)(255 * (int64_t)weight_popcounts[j + jj] - weighted[jj]);
            }
        }
    }
}

BNN_ATTR void BNN_FN(bnn_threshold_pack)(size_t m, size_t n, const int32_t *s, size_t lds,
                                         const int32_t *thresholds, const uint64_t *flip,
                                         uint64_t *out, size_t ldo) {
    const size_t nw = (n + 63) / 64;
    for (size_t i = 0; i < m; i++) {
        const int32_t *si = s + i * lds;
        uint64_t *oi = out + i * ldo;
        for (size_t w = 0; w < nw; w++) {
            const size_t base = w * 64;
            oi[w] = BNN_COMPARE64(si + base, thresholds + base, bnn_min(64, n - base)) ^ flip[w];
        }
    }
}
