// The 64-bit scalar micro-kernels shared by the POPCNT and portable variants;
// the including file decides the instruction set through BNN_SCALAR_ATTR.
static inline __attribute__((always_inline)) BNN_SCALAR_ATTR void
BNN_SCALAR_TILE_NAME(const int MR, const int NR, const uint64_t *a, size_t lda,
                     const uint64_t *b, size_t ldb, size_t kw, uint64_t *out) {
    uint64_t acc[8][8];
    for (int i = 0; i < MR; i++)
        for (int j = 0; j < NR; j++) acc[i][j] = 0;
    for (size_t k = 0; k < kw; k++) {
        uint64_t bv[8];
        for (int j = 0; j < NR; j++) bv[j] = b[j * ldb + k];
        for (int i = 0; i < MR; i++) {
            const uint64_t av = a[i * lda + k];
            for (int j = 0; j < NR; j++) acc[i][j] += (uint64_t)__builtin_popcountll(av ^ bv[j]);
        }
    }
    for (int i = 0; i < MR; i++)
        for (int j = 0; j < NR; j++) out[i * NR + j] = acc[i][j];
}

// Bit-plane tile: sum over planes q of 2^q * popcount(plane_q XOR b_j), planes
// interleaved (word w of plane q at p[8*w + q]).
static inline __attribute__((always_inline)) BNN_SCALAR_ATTR void
BNN_SCALAR_PLANE_TILE_NAME(const int MR, const int NR, const uint64_t *p, size_t ldp,
                           const uint64_t *b, size_t ldb, size_t kw, uint64_t *out) {
    uint64_t acc[8][8];
    for (int i = 0; i < MR; i++)
        for (int j = 0; j < NR; j++) acc[i][j] = 0;
    for (size_t w = 0; w < kw; w++) {
        for (int j = 0; j < NR; j++) {
            const uint64_t bw = b[j * ldb + w];
            for (int i = 0; i < MR; i++) {
                const uint64_t *pw = p + i * ldp + 8 * w;
                uint64_t sum = 0;
                for (int q = 0; q < 8; q++) sum += (uint64_t)__builtin_popcountll(pw[q] ^ bw) << q;
                acc[i][j] += sum;
            }
        }
    }
    for (int i = 0; i < MR; i++)
        for (int j = 0; j < NR; j++) out[i * NR + j] = acc[i][j];
}
