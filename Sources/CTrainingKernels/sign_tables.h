// The 16-entry table of signed sums of four vectors that the sign-input kernels share
// (sign_weight_gradient.c, sign_gemm.c): T[e] = sum over j < 4 of ±r[j], + where bit j of e
// is set, built with 16 vector additions. Entry e of vector v lives at T[e * stride + v].
#ifndef BNN_SIGN_TABLES_H
#define BNN_SIGN_TABLES_H

#define BNN_SIGNED_SUMS16(V, T, stride, v, r)                                                         \
    do {                                                                                              \
        const V d0_ = (r)[0] + (r)[0], d1_ = (r)[1] + (r)[1], d2_ = (r)[2] + (r)[2], d3_ = (r)[3] + (r)[3]; \
        (T)[v] = -(r)[0] - (r)[1] - (r)[2] - (r)[3];                                                  \
        (T)[(stride) + (v)] = (T)[v] + d0_;                                                           \
        (T)[2 * (stride) + (v)] = (T)[v] + d1_;                                                       \
        (T)[3 * (stride) + (v)] = (T)[(stride) + (v)] + d1_;                                          \
        for (size_t e_ = 0; e_ < 4; e_++) (T)[(4 + e_) * (stride) + (v)] = (T)[e_ * (stride) + (v)] + d2_; \
        for (size_t e_ = 0; e_ < 8; e_++) (T)[(8 + e_) * (stride) + (v)] = (T)[e_ * (stride) + (v)] + d3_; \
    } while (0)

#endif
