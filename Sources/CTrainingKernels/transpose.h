// Float matrix transposes for the table kernels (binary_weight_input_gradient.c,
// sign_gemm.c), which build their tables along one axis of a matrix stored along the other.
#ifndef BNN_TRANSPOSE_H
#define BNN_TRANSPOSE_H
#include <stddef.h>

/// dst[j * dst_stride + i] = src[i * src_stride + j] for i < rows, j < columns.
static inline void bnn_transpose_scalar(const float *restrict src, size_t src_stride, size_t rows, size_t columns,
                                        float *restrict dst, size_t dst_stride) {
    for (size_t i = 0; i < rows; i++)
        for (size_t j = 0; j < columns; j++) dst[j * dst_stride + i] = src[i * src_stride + j];
}

#if defined(__x86_64__)
#include <immintrin.h>
/// bnn_transpose_scalar by blocks of 8 x 8 in registers; the last block of each direction
/// moves back to end at the edge (overlapping the one before: the same values again), a
/// dimension below 8 runs scalar.
__attribute__((target("avx2,fma"))) static inline void bnn_transpose_avx2(const float *restrict src,
                                                                           size_t src_stride, size_t rows,
                                                                           size_t columns, float *restrict dst,
                                                                           size_t dst_stride) {
    if (rows < 8 || columns < 8) { bnn_transpose_scalar(src, src_stride, rows, columns, dst, dst_stride); return; }
    for (size_t i0 = 0; i0 < rows; i0 += 8) {
        const size_t i = i0 + 8 <= rows ? i0 : rows - 8;
        for (size_t j0 = 0; j0 < columns; j0 += 8) {
            const size_t j = j0 + 8 <= columns ? j0 : columns - 8;
            const float *b = src + i * src_stride + j;
            const __m256 r0 = _mm256_loadu_ps(b), r1 = _mm256_loadu_ps(b + src_stride),
                         r2 = _mm256_loadu_ps(b + 2 * src_stride), r3 = _mm256_loadu_ps(b + 3 * src_stride),
                         r4 = _mm256_loadu_ps(b + 4 * src_stride), r5 = _mm256_loadu_ps(b + 5 * src_stride),
                         r6 = _mm256_loadu_ps(b + 6 * src_stride), r7 = _mm256_loadu_ps(b + 7 * src_stride);
            const __m256 t0 = _mm256_unpacklo_ps(r0, r1), t1 = _mm256_unpackhi_ps(r0, r1),
                         t2 = _mm256_unpacklo_ps(r2, r3), t3 = _mm256_unpackhi_ps(r2, r3),
                         t4 = _mm256_unpacklo_ps(r4, r5), t5 = _mm256_unpackhi_ps(r4, r5),
                         t6 = _mm256_unpacklo_ps(r6, r7), t7 = _mm256_unpackhi_ps(r6, r7);
            const __m256 u0 = _mm256_shuffle_ps(t0, t2, 0x44), u1 = _mm256_shuffle_ps(t0, t2, 0xEE),
                         u2 = _mm256_shuffle_ps(t1, t3, 0x44), u3 = _mm256_shuffle_ps(t1, t3, 0xEE),
                         u4 = _mm256_shuffle_ps(t4, t6, 0x44), u5 = _mm256_shuffle_ps(t4, t6, 0xEE),
                         u6 = _mm256_shuffle_ps(t5, t7, 0x44), u7 = _mm256_shuffle_ps(t5, t7, 0xEE);
            float *d = dst + j * dst_stride + i;
            _mm256_storeu_ps(d, _mm256_permute2f128_ps(u0, u4, 0x20));
            _mm256_storeu_ps(d + dst_stride, _mm256_permute2f128_ps(u1, u5, 0x20));
            _mm256_storeu_ps(d + 2 * dst_stride, _mm256_permute2f128_ps(u2, u6, 0x20));
            _mm256_storeu_ps(d + 3 * dst_stride, _mm256_permute2f128_ps(u3, u7, 0x20));
            _mm256_storeu_ps(d + 4 * dst_stride, _mm256_permute2f128_ps(u0, u4, 0x31));
            _mm256_storeu_ps(d + 5 * dst_stride, _mm256_permute2f128_ps(u1, u5, 0x31));
            _mm256_storeu_ps(d + 6 * dst_stride, _mm256_permute2f128_ps(u2, u6, 0x31));
            _mm256_storeu_ps(d + 7 * dst_stride, _mm256_permute2f128_ps(u3, u7, 0x31));
        }
    }
}
#endif

#endif
