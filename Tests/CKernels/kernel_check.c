// Checks every public function of the three C targets (CKernelDispatch,
// CBinaryKernels and CTrainingKernels) against plain C references written here, on random inputs
// from the program's own seeded generator. C11, libc and the three public headers
// only, so it builds with any C compiler for any architecture:
// scripts/arm64-kernels.sh runs it for arm64 under qemu-aarch64 and natively.
//
// Every XNOR / bit-plane / threshold check runs for each variant that
// bnn_variant_supported reports (on arm64 only `portable`); the others must be
// refused with BNN_ERROR_UNSUPPORTED. Prints one line per check, then
// "ok: N checks" (exit 0), or each failure and "FAILED: F of N checks" (exit 1).
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bnn_kernels.h"
#include "bnn_training_kernels.h"

// MARK: - Bookkeeping

static int checks, failures;
static int has_error;
static char first_error[256];

/// Records the first mismatch of the check in progress.
static void mismatch(const char *fmt, ...) {
    if (has_error) return;
    has_error = 1;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(first_error, sizeof first_error, fmt, ap);
    va_end(ap);
}

/// Ends the check in progress (named by fmt) and prints its line.
static void finish(const char *fmt, ...) {
    char name[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(name, sizeof name, fmt, ap);
    va_end(ap);
    checks++;
    if (has_error) {
        failures++;
        printf("FAIL %s: %s\n", name, first_error);
    } else {
        printf("pass %s\n", name);
    }
    has_error = 0;
}

static void *xalloc(size_t count, size_t size) {
    void *p = calloc(count ? count : 1, size);
    if (!p) { fprintf(stderr, "out of memory\n"); exit(2); }
    return p;
}

static int same_bits(float x, float y) { return memcmp(&x, &y, sizeof x) == 0; }

// MARK: - The test's own input generator (SplitMix64, independent of the kernels' xoshiro)

static uint64_t test_state = 0x243F6A8885A308D3u;

static uint64_t rnd(void) {
    uint64_t z = (test_state += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

static size_t below(size_t n) { return (size_t)(rnd() % n); }

static float uniform(float lo, float hi) { return lo + (hi - lo) * ((float)(rnd() >> 40) / 16777216.0f); }

/// A random float in [-scale, scale], or often one of the edge values (signed zeros,
/// exactly ±1 and its neighbours, tiny and subnormal values, infinities); NaNs only when asked.
static float edgy(float scale, int with_nan) {
    static const float specials[] = {0.0f, -0.0f, 1.0f, -1.0f, 0x1.000002p0f, -0x1.000002p0f,
                                     0x1.fffffep-1f, -0x1.fffffep-1f, 1e-30f, -1e-30f,
                                     0x1p-149f, -0x1p-149f, INFINITY, -INFINITY};
    switch (below(6)) {
    case 0: return specials[below(sizeof specials / sizeof specials[0])];
    case 1: return with_nan && below(2) ? (below(2) ? NAN : -NAN) : (below(2) ? 0.0f : -0.0f);
    default: return uniform(-scale, scale);
    }
}

// MARK: - Bit helpers (the layout of the header: bit k of a row at word k/64, bit k%64)

static int bit_at(const uint64_t *row, size_t k) { return (int)((row[k / 64] >> (k % 64)) & 1u); }

static size_t words_for(size_t bits) { return (bits + 63) / 64; }

/// rows x k random bits, ld words per row: pad bits past k zero, pad words past
/// ceil(k/64) random (a kernel must not read them). Some rows are all ones or all
/// zeros; with 3 rows or more, row 0 is all ones and row 1 all zeros, so that two
/// such operands have a row pair that differs in every bit (the largest popcounts).
static uint64_t *random_bit_rows(size_t rows, size_t k, size_t ld) {
    uint64_t *out = xalloc(rows * ld, sizeof *out);
    const size_t kw = words_for(k);
    for (size_t r = 0; r < rows; r++) {
        const size_t kind = rows >= 3 && r < 2 ? r : below(8);
        for (size_t w = 0; w < ld; w++) {
            uint64_t word = kind == 0 ? ~(uint64_t)0 : (kind == 1 ? 0 : rnd());
            if (w >= kw) word = rnd();
            else if (w == kw - 1 && k % 64) word &= ((uint64_t)1 << (k % 64)) - 1;
            out[r * ld + w] = word;
        }
    }
    return out;
}

static const char *variant_names[] = {"portable", "popcnt", "avx2", "avx512"};
#define SENTINEL32 ((int32_t)0x5A5A5A5A)
#define SENTINEL64 0xA5A5A5A5DEADBEEFu

// MARK: - bnn_variant_supported

static void check_variant_support(void) {
    if (bnn_variant_supported(BNN_VARIANT_PORTABLE) != 1) mismatch("portable not supported");
    if (bnn_variant_supported(-1) != 0 || bnn_variant_supported(4) != 0) mismatch("an out-of-range variant is supported");
#if !defined(__x86_64__)
    for (int v = BNN_VARIANT_POPCNT; v <= BNN_VARIANT_AVX512; v++)
        if (bnn_variant_supported(v) != 0) mismatch("x86 variant %s reported supported off x86-64", variant_names[v]);
#endif
    char list[64] = "";
    for (int v = 0; v < 4; v++)
        if (bnn_variant_supported(v)) {
            strcat(list, list[0] ? "," : "");
            strcat(list, variant_names[v]);
        }
    finish("bnn_variant_supported: %s", list);
}

// MARK: - bnn_xnor_gemm

static void check_xnor_gemm(int variant, size_t m, size_t n, size_t k) {
    const size_t kw = words_for(k), lda = kw + below(3), ldb = kw + below(3), ldc = n + below(3);
    uint64_t *a = random_bit_rows(m, k, lda), *b = random_bit_rows(n, k, ldb);
    int32_t *c = xalloc(m * ldc, sizeof *c);
    for (size_t t = 0; t < m * ldc; t++) c[t] = SENTINEL32;
    const int status = bnn_xnor_gemm(variant, m, n, k, a, lda, b, ldb, c, ldc);
    if (status != BNN_OK) mismatch("status %d", status);
    for (size_t i = 0; i < m && !has_error; i++)
        for (size_t j = 0; j < ldc && !has_error; j++) {
            int32_t want = SENTINEL32;
            if (j < n) {
                want = 0;
                for (size_t kk = 0; kk < k; kk++) want += bit_at(a + i * lda, kk) == bit_at(b + j * ldb, kk) ? 1 : -1;
            }
            if (c[i * ldc + j] != want) mismatch("c[%zu][%zu] = %d, want %d", i, j, c[i * ldc + j], want);
        }
    finish("bnn_xnor_gemm %s m=%zu n=%zu k=%zu", variant_names[variant], m, n, k);
    free(a); free(b); free(c);
}

// MARK: - bnn_conv3x3_xnor

/// The direct 3x3 convolution against a plain loop over taps and words, for output rows
/// [first, first + count) of `images` images of h x w positions with wpp words each. With
/// `channels` (1-32, one word per position) only that many low bits of every word are set,
/// as the packing leaves them: the kernel's path that pairs taps in a word.
static void check_conv3x3_xnor(int variant, size_t images, size_t h, size_t w, size_t wpp, size_t n,
                               size_t channels) {
    const size_t hw = h * w, ldw = 9 * wpp + below(3), ldc = n + below(3), rows = images * hw;
    const size_t k_bits = channels ? 9 * channels : 9 * 64 * wpp - below(64);
    uint64_t *in = random_bit_rows(rows, 64 * wpp, wpp), *pad = random_bit_rows(1, 64 * wpp, wpp);
    uint64_t *weights = random_bit_rows(n, 9 * 64 * wpp, ldw);
    if (channels) {
        const uint64_t mask = channels == 64 ? ~0ull : (1ull << channels) - 1;
        for (size_t i = 0; i < rows; i++) in[i] &= mask;
        pad[0] &= mask;
        for (size_t i = 0; i < n * ldw; i++) weights[i] &= mask;
    }
    int32_t *c = xalloc(rows * ldc, sizeof *c);
    for (size_t t = 0; t < rows * ldc; t++) c[t] = SENTINEL32;
    const size_t first = rows > 2 ? 1 : 0, count = rows - first - (rows > 3 ? 1 : 0);
    const int status = bnn_conv3x3_xnor(variant, h, w, wpp, in, pad, weights, ldw, n, k_bits, first, count, c, ldc);
    if (status != BNN_OK) mismatch("status %d", status);
    for (size_t r = 0; r < rows && !has_error; r++)
        for (size_t o = 0; o < ldc && !has_error; o++) {
            int32_t want = SENTINEL32;
            if (r >= first && r < first + count && o < n) {
                const size_t p = r % hw, y = p / w, x = p % w;
                int32_t pop = 0;
                for (int ky = -1; ky <= 1; ky++)
                    for (int kx = -1; kx <= 1; kx++) {
                        const long yy = (long)y + ky, xx = (long)x + kx;
                        const int inside = yy >= 0 && yy < (long)h && xx >= 0 && xx < (long)w;
                        const uint64_t *tap = inside ? in + (r - p + (size_t)yy * w + (size_t)xx) * wpp : pad;
                        const uint64_t *wt = weights + o * ldw + (size_t)((ky + 1) * 3 + kx + 1) * wpp;
                        for (size_t v = 0; v < wpp; v++) pop += (int32_t)__builtin_popcountll(tap[v] ^ wt[v]);
                    }
                want = (int32_t)k_bits - 2 * pop;
            }
            if (c[r * ldc + o] != want) mismatch("c[%zu][%zu] = %d, want %d", r, o, c[r * ldc + o], want);
        }
    finish("bnn_conv3x3_xnor %s images=%zu %zux%zu wpp=%zu n=%zu channels=%zu", variant_names[variant], images, h, w,
           wpp, n, channels);
    free(in); free(pad); free(weights); free(c);
}

/// The first layer's direct pixel convolution against a plain loop.
/// `extreme`: 0 random pixels and weights; 1 every pixel 255 and every weight +1, -1 every
/// weight -1 (the largest sums: 9 * cin * 255 at an inside position).
static void check_conv3x3_pixels_filled(int variant, size_t images, size_t h, size_t w, size_t cin, size_t n,
                                        int extreme) {
    const size_t hw = h * w, rows = images * hw, ldc = n + below(3);
    uint8_t *px = xalloc(rows * cin, 1);
    int32_t *masks = xalloc(9 * cin * n, sizeof *masks), *c = xalloc(rows * ldc, sizeof *c);
    for (size_t i = 0; i < rows * cin; i++) px[i] = extreme || i % 7 == 0 ? 255 : (uint8_t)rnd();
    for (size_t i = 0; i < 9 * cin * n; i++) masks[i] = extreme ? (extreme < 0 ? -1 : 0) : rnd() & 1 ? -1 : 0;
    for (size_t t = 0; t < rows * ldc; t++) c[t] = SENTINEL32;
    // a band that starts inside the first image (at its last position when there is a second one)
    const size_t first = images > 1 && hw > 1 ? hw - 1 : rows > 2 ? 1 : 0, count = rows - first;
    const int status = bnn_conv3x3_pixels(variant, h, w, cin, px, masks, n, first, count, c, ldc);
    if (status != BNN_OK) mismatch("status %d", status);
    for (size_t r = 0; r < rows && !has_error; r++)
        for (size_t o = 0; o < ldc && !has_error; o++) {
            int32_t want = SENTINEL32;
            if (r >= first && o < n) {
                const size_t p = r % hw, y = p / w, x = p % w;
                want = 0;
                for (int t = 0; t < 9; t++) {
                    const long yy = (long)y + t / 3 - 1, xx = (long)x + t % 3 - 1;
                    if (yy < 0 || yy >= (long)h || xx < 0 || xx >= (long)w) continue;
                    for (size_t ch = 0; ch < cin; ch++) {
                        const int32_t v = px[(r - p + (size_t)yy * w + (size_t)xx) * cin + ch];
                        want += masks[((size_t)t * cin + ch) * n + o] ? -v : v;
                    }
                }
            }
            if (c[r * ldc + o] != want) mismatch("c[%zu][%zu] = %d, want %d", r, o, c[r * ldc + o], want);
        }
    finish("bnn_conv3x3_pixels %s images=%zu %zux%zu cin=%zu n=%zu%s", variant_names[variant], images, h, w, cin, n,
           extreme > 0 ? " (all +255)" : extreme < 0 ? " (all -255)" : "");
    free(px); free(masks); free(c);
}

static void check_conv3x3_pixels(int variant, size_t images, size_t h, size_t w, size_t cin, size_t n) {
    check_conv3x3_pixels_filled(variant, images, h, w, cin, n, 0);
}

// MARK: - bnn_pack_bitplanes_u8 and bnn_bitplane_gemm

/// Reference bit planes: word w of plane q of image i at out[i*ldo + 8*w + q]; pad words random.
static uint64_t *reference_planes(size_t m, size_t k, const uint8_t *p, size_t ldp, size_t ldo) {
    uint64_t *out = xalloc(m * ldo, sizeof *out);
    for (size_t i = 0; i < m; i++) {
        for (size_t t = 0; t < ldo; t++) out[i * ldo + t] = rnd();
        for (size_t w = 0; w < words_for(k); w++)
            for (unsigned q = 0; q < 8; q++) {
                uint64_t word = 0;
                for (size_t t = 0; t < 64 && 64 * w + t < k; t++)
                    word |= (uint64_t)((p[i * ldp + 64 * w + t] >> q) & 1u) << t;
                out[i * ldo + 8 * w + q] = word;
            }
    }
    return out;
}

static uint8_t random_pixel(void) {
    switch (below(4)) {
    case 0: return 0;
    case 1: return 255;
    default: return (uint8_t)rnd();
    }
}

static void check_pack_bitplanes(size_t m, size_t k) {
    const size_t ldp = k + below(4), ldo = 8 * words_for(k) + below(3);
    uint8_t *p = xalloc(m * ldp, 1);
    for (size_t t = 0; t < m * ldp; t++) p[t] = random_pixel();
    uint64_t *out = xalloc(m * ldo, sizeof *out);
    for (size_t t = 0; t < m * ldo; t++) out[t] = SENTINEL64;
    bnn_pack_bitplanes_u8(m, k, p, ldp, out, ldo);
    for (size_t i = 0; i < m && !has_error; i++)
        for (size_t t = 0; t < ldo && !has_error; t++) {
            const size_t w = t / 8, q = t % 8;
            uint64_t want = 0;  // pad words must be zero
            if (w < words_for(k))
                for (size_t b = 0; b < 64 && 64 * w + b < k; b++)
                    want |= (uint64_t)((p[i * ldp + 64 * w + b] >> q) & 1u) << b;
            if (out[i * ldo + t] != want)
                mismatch("image %zu word %zu = %016llx, want %016llx", i, t,
                         (unsigned long long)out[i * ldo + t], (unsigned long long)want);
        }
    finish("bnn_pack_bitplanes_u8 m=%zu k=%zu", m, k);
    free(p); free(out);
}

static void check_bitplane_gemm(int variant, size_t m, size_t n, size_t k) {
    const size_t kw = words_for(k), ldpx = k + below(4), ldp = 8 * kw + below(3), ldb = kw + below(3),
                 ldc = n + below(3);
    uint8_t *pixels = xalloc(m * ldpx, 1);
    for (size_t t = 0; t < m * ldpx; t++) pixels[t] = random_pixel();
    if (m >= 3) memset(pixels, 255, k);  // image 0 all 255: every plane differs from the all-zero weights row 1
    uint64_t *planes = reference_planes(m, k, pixels, ldpx, ldp);
    uint64_t *b = random_bit_rows(n, k, ldb);
    int32_t *popcounts = xalloc(n, sizeof *popcounts);
    for (size_t j = 0; j < n; j++)
        for (size_t kk = 0; kk < k; kk++) popcounts[j] += bit_at(b + j * ldb, kk);
    int32_t *c = xalloc(m * ldc, sizeof *c);
    for (size_t t = 0; t < m * ldc; t++) c[t] = SENTINEL32;
    const int status = bnn_bitplane_gemm(variant, m, n, k, planes, ldp, b, ldb, popcounts, c, ldc);
    if (status != BNN_OK) mismatch("status %d", status);
    for (size_t i = 0; i < m && !has_error; i++)
        for (size_t j = 0; j < ldc && !has_error; j++) {
            int32_t want = SENTINEL32;
            if (j < n) {  // sum_k pixel * (±1 weight)
                want = 0;
                for (size_t kk = 0; kk < k; kk++)
                    want += bit_at(b + j * ldb, kk) ? pixels[i * ldpx + kk] : -(int32_t)pixels[i * ldpx + kk];
            }
            if (c[i * ldc + j] != want) mismatch("c[%zu][%zu] = %d, want %d", i, j, c[i * ldc + j], want);
        }
    finish("bnn_bitplane_gemm %s m=%zu n=%zu k=%zu", variant_names[variant], m, n, k);
    free(pixels); free(planes); free(b); free(popcounts); free(c);
}

// MARK: - bnn_pack_weight_nibbles and bnn_pixel_gemm (table lookup)

/// The pixel product from raw pixels and nibble weights, checked against the direct sum;
/// the column offset j0 checks that a band of neurons can start anywhere.
static void check_pixel_gemm(int variant, size_t m, size_t n, size_t k) {
    const size_t kw = words_for(k), ldpx = k + below(4), ldb = kw + below(3), ldc = n + below(3);
    const size_t groups = (k + 3) / 4, ldn = n + below(40);
    uint8_t *pixels = xalloc(m * ldpx, 1);
    for (size_t t = 0; t < m * ldpx; t++) pixels[t] = random_pixel();
    if (m >= 3) memset(pixels, 255, k);  // the largest sums: all 255 against all +1 / all -1 rows
    if (m >= 2) memset(pixels + ldpx, 0, k);  // a blank image: no group is looked up
    for (size_t i = 2; i < m; i += 2)  // two groups of 4 pixels in three blank, as on a background
        for (size_t t = 0; t < k; t++)
            if ((t / 4 + i) % 3 != 0) pixels[i * ldpx + t] = 0;
    uint64_t *b = random_bit_rows(n, k, ldb);
    uint8_t *nibbles = xalloc(groups * ldn + 1, 1);
    memset(nibbles, 0xEE, groups * ldn + 1);
    bnn_pack_weight_nibbles(n, k, b, ldb, nibbles, ldn);
    for (size_t g = 0; g < groups && !has_error; g++)
        for (size_t j = 0; j < ldn && !has_error; j++) {
            unsigned want = 0;
            for (unsigned t = 0; t < 4 && j < n; t++) want |= (4 * g + t < k ? (unsigned)bit_at(b + j * ldb, 4 * g + t) : 0u) << t;
            if (nibbles[g * ldn + j] != want) mismatch("nibble %zu of neuron %zu = %u, want %u", g, j, nibbles[g * ldn + j], want);
        }
    const size_t j0 = n > 1 ? below(n) : 0;
    int32_t *c = xalloc(m * ldc, sizeof *c);
    for (size_t t = 0; t < m * ldc; t++) c[t] = SENTINEL32;
    const int status = bnn_pixel_gemm(variant, m, n - j0, k, pixels, ldpx, nibbles + j0, ldn, c + j0, ldc);
    if (status != BNN_OK) mismatch("status %d", status);
    for (size_t i = 0; i < m && !has_error; i++)
        for (size_t j = 0; j < ldc && !has_error; j++) {
            int32_t want = SENTINEL32;
            if (j >= j0 && j < n) {
                want = 0;
                for (size_t kk = 0; kk < k; kk++)
                    want += bit_at(b + j * ldb, kk) ? pixels[i * ldpx + kk] : -(int32_t)pixels[i * ldpx + kk];
            }
            if (c[i * ldc + j] != want) mismatch("c[%zu][%zu] = %d, want %d", i, j, c[i * ldc + j], want);
        }
    finish("bnn_pixel_gemm %s m=%zu n=%zu (from %zu) k=%zu", variant_names[variant], m, n, j0, k);
    free(pixels); free(b); free(nibbles); free(c);
}

// MARK: - bnn_threshold_pack

static int32_t random_threshold(void) {  // in (INT32_MIN, INT32_MAX), extremes included
    switch (below(6)) {
    case 0: return INT32_MIN + 1;
    case 1: return INT32_MAX - 1;
    case 2: return (int32_t)below(41) - 20;
    default: {
        const int32_t t = (int32_t)(uint32_t)rnd();
        return (t == INT32_MIN || t == INT32_MAX) ? 0 : t;
    }
    }
}

static void check_threshold_pack(int variant, size_t m, size_t n) {
    const size_t nw = words_for(n), lds = n + below(3), ldo = nw + below(3);
    int32_t *t = xalloc(n, sizeof *t), *s = xalloc(m * lds, sizeof *s);
    for (size_t j = 0; j < n; j++) t[j] = random_threshold();
    for (size_t i = 0; i < m; i++)
        for (size_t j = 0; j < lds; j++) {
            int32_t v = (int32_t)(uint32_t)rnd();
            if (j < n) switch (below(6)) {  // t - 1, t, t + 1 are in range since t is strictly inside
                case 0: v = t[j]; break;
                case 1: v = t[j] - 1; break;
                case 2: v = t[j] + 1; break;
                case 3: v = below(2) ? INT32_MIN : INT32_MAX; break;
                default: break;
                }
            s[i * lds + j] = v;
        }
    uint64_t *flip = random_bit_rows(1, n, nw);
    uint64_t *out = xalloc(m * ldo, sizeof *out);
    for (size_t x = 0; x < m * ldo; x++) out[x] = SENTINEL64;
    const int status = bnn_threshold_pack(variant, m, n, s, lds, t, flip, out, ldo);
    if (status != BNN_OK) mismatch("status %d", status);
    for (size_t i = 0; i < m && !has_error; i++)
        for (size_t w = 0; w < ldo && !has_error; w++) {
            uint64_t want = SENTINEL64;  // words past ceil(n/64) are left untouched
            if (w < nw) {
                want = 0;
                for (size_t j = 64 * w; j < n && j < 64 * w + 64; j++)
                    want |= (uint64_t)((s[i * lds + j] >= t[j]) ^ bit_at(flip, j)) << (j % 64);
            }
            if (out[i * ldo + w] != want)
                mismatch("row %zu word %zu = %016llx, want %016llx", i, w,
                         (unsigned long long)out[i * ldo + w], (unsigned long long)want);
        }
    finish("bnn_threshold_pack %s m=%zu n=%zu", variant_names[variant], m, n);
    free(t); free(s); free(flip); free(out);
}

// MARK: - Unsupported variants and argument errors

static void check_refused(int variant) {
    uint64_t a[2] = {1, 2}, planes[8] = {0}, out[1] = {SENTINEL64};
    int32_t c[1] = {SENTINEL32}, pop[1] = {1}, s[1] = {0}, t[1] = {0};
    if (bnn_xnor_gemm(variant, 1, 1, 64, a, 1, a + 1, 1, c, 1) != BNN_ERROR_UNSUPPORTED) mismatch("xnor_gemm ran");
    if (bnn_bitplane_gemm(variant, 1, 1, 64, planes, 8, a, 1, pop, c, 1) != BNN_ERROR_UNSUPPORTED)
        mismatch("bitplane_gemm ran");
    if (bnn_threshold_pack(variant, 1, 1, s, 1, t, a, out, 1) != BNN_ERROR_UNSUPPORTED) mismatch("threshold_pack ran");
    if (c[0] != SENTINEL32 || out[0] != SENTINEL64) mismatch("an output was written");
    finish("unsupported %s refused with BNN_ERROR_UNSUPPORTED", variant_names[variant]);
}

static void check_argument_errors(int variant) {
    uint64_t a[16] = {0}, out[4] = {SENTINEL64, SENTINEL64, SENTINEL64, SENTINEL64};
    int32_t c[4] = {SENTINEL32, SENTINEL32, SENTINEL32, SENTINEL32}, pop[4] = {0}, s[4] = {0}, t[4] = {0};
    // Leading dimensions shorter than a row.
    if (bnn_xnor_gemm(variant, 1, 1, 65, a, 1, a, 2, c, 1) != BNN_ERROR_BAD_ARGUMENT) mismatch("xnor lda < kw accepted");
    if (bnn_xnor_gemm(variant, 1, 1, 65, a, 2, a, 1, c, 1) != BNN_ERROR_BAD_ARGUMENT) mismatch("xnor ldb < kw accepted");
    if (bnn_bitplane_gemm(variant, 1, 1, 65, a, 15, a, 2, pop, c, 1) != BNN_ERROR_BAD_ARGUMENT)
        mismatch("bitplane ldp < 8*kw accepted");
    if (bnn_threshold_pack(variant, 1, 4, s, 3, t, a, out, 1) != BNN_ERROR_BAD_ARGUMENT) mismatch("threshold lds < n accepted");
    if (bnn_threshold_pack(variant, 1, 65, s, 65, t, a, out, 1) != BNN_ERROR_BAD_ARGUMENT)
        mismatch("threshold ldo < ceil(n/64) accepted");
    // Empty products succeed without writing.
    if (bnn_xnor_gemm(variant, 0, 4, 64, a, 1, a, 1, c, 4) != BNN_OK) mismatch("xnor m=0 failed");
    if (bnn_xnor_gemm(variant, 4, 0, 64, a, 1, a, 1, c, 1) != BNN_OK) mismatch("xnor n=0 failed");
    if (bnn_bitplane_gemm(variant, 0, 4, 64, a, 8, a, 1, pop, c, 4) != BNN_OK) mismatch("bitplane m=0 failed");
    for (int x = 0; x < 4; x++)
        if (c[x] != SENTINEL32 || out[x] != SENTINEL64) mismatch("an output was written");
    finish("argument errors and empty products %s", variant_names[variant]);
}

// MARK: - bnn_pack_rows_f32, bnn_pack_columns_f32, bnn_popcount_words

static void check_pack_rows(size_t m, size_t k) {
    const size_t ldx = k + below(4), ldo = words_for(k) + below(3);
    float *x = xalloc(m * ldx, sizeof *x);
    for (size_t t = 0; t < m * ldx; t++) x[t] = edgy(2.0f, 1);
    uint64_t *out = xalloc(m * ldo, sizeof *out);
    for (size_t t = 0; t < m * ldo; t++) out[t] = SENTINEL64;
    bnn_pack_rows_f32(m, k, x, ldx, out, ldo);
    for (size_t i = 0; i < m && !has_error; i++)
        for (size_t w = 0; w < ldo && !has_error; w++) {
            uint64_t want = 0;  // pad bits and pad words zero
            for (size_t b = 0; b < 64 && 64 * w + b < k; b++) want |= (uint64_t)(x[i * ldx + 64 * w + b] >= 0.0f) << b;
            if (out[i * ldo + w] != want)
                mismatch("row %zu word %zu = %016llx, want %016llx", i, w,
                         (unsigned long long)out[i * ldo + w], (unsigned long long)want);
        }
    finish("bnn_pack_rows_f32 m=%zu k=%zu", m, k);
    free(x); free(out);
}

static void check_pack_columns(size_t k, size_t n) {
    const size_t ldw = n + below(4), ldo = words_for(k) + below(3);
    float *wt = xalloc(k * ldw, sizeof *wt);
    for (size_t t = 0; t < k * ldw; t++) wt[t] = edgy(1.5f, 1);
    uint64_t *out = xalloc(n * ldo, sizeof *out);
    for (size_t t = 0; t < n * ldo; t++) out[t] = SENTINEL64;
    bnn_pack_columns_f32(k, n, wt, ldw, out, ldo);
    for (size_t j = 0; j < n && !has_error; j++)
        for (size_t w = 0; w < ldo && !has_error; w++) {
            uint64_t want = 0;
            for (size_t b = 0; b < 64 && 64 * w + b < k; b++) want |= (uint64_t)(wt[(64 * w + b) * ldw + j] >= 0.0f) << b;
            if (out[j * ldo + w] != want)
                mismatch("column %zu word %zu = %016llx, want %016llx", j, w,
                         (unsigned long long)out[j * ldo + w], (unsigned long long)want);
        }
    finish("bnn_pack_columns_f32 k=%zu n=%zu", k, n);
    // Group by group of 64 rows, last first, in place: the same words, and the pad words untouched.
    uint64_t *grouped = xalloc(n * ldo, sizeof *grouped);
    for (size_t t = 0; t < n * ldo; t++) grouped[t] = SENTINEL64;
    const size_t kw = words_for(k);
    for (size_t g = kw; g-- > 0;)
        bnn_pack_column_words_f32(k - 64 * g < 64 ? k - 64 * g : 64, n, wt + 64 * g * ldw, ldw, grouped + g, ldo);
    for (size_t j = 0; j < n && !has_error; j++)
        for (size_t w = 0; w < ldo && !has_error; w++) {
            const uint64_t want = w < kw ? out[j * ldo + w] : SENTINEL64;
            if (grouped[j * ldo + w] != want)
                mismatch("column %zu word %zu = %016llx, want %016llx", j, w,
                         (unsigned long long)grouped[j * ldo + w], (unsigned long long)want);
        }
    finish("bnn_pack_column_words_f32 k=%zu n=%zu", k, n);
    free(wt); free(out); free(grouped);
}

/// The nibbles straight from float weights, in two column bands, equal bnn_pack_weight_nibbles of
/// the packed columns, with the column sums of ±1 and zeroed padding bytes.
static void check_pack_weight_nibbles_f32(size_t k, size_t n) {
    const size_t ldw = n + below(4), ldn = n + below(5), groups = (k + 3) / 4, split = n / 2;
    float *wt = xalloc(k * ldw, sizeof *wt);
    for (size_t t = 0; t < k * ldw; t++) wt[t] = edgy(1.5f, 1);
    const size_t ldb = words_for(k);
    uint64_t *bits = xalloc(n * ldb, sizeof *bits);
    uint8_t *want = xalloc(groups * ldn, 1), *got = xalloc(groups * ldn, 1);
    int32_t *sums = xalloc(n, sizeof *sums);
    memset(got, 0xA5, groups * ldn);
    bnn_pack_columns_f32(k, n, wt, ldw, bits, ldb);
    bnn_pack_weight_nibbles(n, k, bits, ldb, want, ldn);
    bnn_pack_weight_nibbles_f32(k, n, split, n, wt, ldw, got, ldn, sums);  // the last band first
    bnn_pack_weight_nibbles_f32(k, n, 0, split, wt, ldw, got, ldn, sums);
    for (size_t t = 0; t < groups * ldn && !has_error; t++)
        if (got[t] != want[t]) mismatch("byte %zu = %02x, want %02x", t, got[t], want[t]);
    for (size_t j = 0; j < n && !has_error; j++) {
        int32_t sum = 0;
        for (size_t t = 0; t < k; t++) sum += wt[t * ldw + j] >= 0.0f ? 1 : -1;
        if (sums[j] != sum) mismatch("weight sum %zu = %d, want %d", j, sums[j], sum);
    }
    finish("bnn_pack_weight_nibbles_f32 k=%zu n=%zu", k, n);
    // Group by group, last group first, adding to sums zeroed once: the same bytes and sums.
    int32_t *added = xalloc(n, sizeof *added);
    memset(got, 0x5A, groups * ldn);
    for (size_t g = groups; g-- > 0;)
        bnn_pack_weight_nibble_group_f32(k - 4 * g < 4 ? k - 4 * g : 4, n, wt + 4 * g * ldw, ldw, got + g * ldn, ldn,
                                         added);
    for (size_t t = 0; t < groups * ldn && !has_error; t++)
        if (got[t] != want[t]) mismatch("byte %zu = %02x, want %02x", t, got[t], want[t]);
    for (size_t j = 0; j < n && !has_error; j++)
        if (added[j] != sums[j]) mismatch("weight sum %zu = %d, want %d", j, added[j], sums[j]);
    finish("bnn_pack_weight_nibble_group_f32 k=%zu n=%zu", k, n);
    free(wt); free(bits); free(want); free(got); free(sums); free(added);
}

/// Pixel bytes read back from their scaled values; any other value (NaN, between two table
/// entries, out of range) is refused.
/// With N values (whole vectors of 8, then a tail of 3): every byte comes back, and one
/// value that is not a pixel value anywhere (in a vector, in the tail) is refused.
static void check_pixels_from_scaled(void) {
    float table[256];
    for (int p = 0; p < 256; p++) table[p] = (float)((double)p / 127.5 - 1.0);
    enum { N = 1003 };
    float x[N];
    uint8_t want[N], got[N];
    for (size_t i = 0; i < N; i++) { want[i] = (uint8_t)(rnd() & 255); x[i] = table[want[i]]; }
    want[0] = 0; x[0] = table[0]; want[N - 1] = 255; x[N - 1] = table[255];
    if (!bnn_pixels_from_scaled(N, x, table, got)) mismatch("pixel values refused");
    for (size_t i = 0; i < N && !has_error; i++)
        if (got[i] != want[i]) mismatch("pixel %zu = %u, want %u", i, got[i], want[i]);
    const float bad[] = {NAN, 0.5f * (table[3] + table[4]), -1.5f, 1.01f, nextafterf(table[200], 2.0f), INFINITY};
    for (size_t b = 0; b < sizeof bad / sizeof bad[0] && !has_error; b++) {
        const size_t places[2] = {(b * 397) % (N - 3), N - 3 + b % 3};  // in a vector, in the tail
        for (size_t t = 0; t < 2; t++) {
            float y[N];
            memcpy(y, x, sizeof y);
            y[places[t]] = bad[b];
            if (bnn_pixels_from_scaled(N, y, table, got)) mismatch("accepted %g at %zu", (double)bad[b], places[t]);
        }
    }
    finish("bnn_pixels_from_scaled");
}

/// Signed zeros pack as +1 (bit 1), in both packers and on both the vector and the scalar paths.
static void check_signed_zeros(void) {
    enum { K = 64, N = 17 };
    float rows[2 * K], cols[K * N];
    for (size_t t = 0; t < 2 * K; t++) rows[t] = (t % 2) ? -0.0f : 0.0f;
    for (size_t t = 0; t < K * N; t++) cols[t] = (t % 3) ? -0.0f : 0.0f;
    uint64_t out[N] = {0};
    bnn_pack_rows_f32(2, K, rows, K, out, 1);
    if (out[0] != ~(uint64_t)0 || out[1] != ~(uint64_t)0) mismatch("pack_rows of ±0 gave %016llx", (unsigned long long)out[0]);
    bnn_pack_columns_f32(K, N, cols, N, out, 1);
    for (size_t j = 0; j < N; j++)
        if (out[j] != ~(uint64_t)0) mismatch("pack_columns of ±0, column %zu = %016llx", j, (unsigned long long)out[j]);
    bnn_pack_columns_f32(3, 1, cols, N, out, 1);
    if (out[0] != 7u) mismatch("pack_columns of ±0, k=3 = %016llx", (unsigned long long)out[0]);
    finish("0.0f and -0.0f pack as +1");
}

static void check_popcount_words(size_t count) {
    uint64_t *words = xalloc(count, sizeof *words);
    uint64_t want = 0;
    for (size_t i = 0; i < count; i++) {
        words[i] = below(5) == 0 ? ~(uint64_t)0 : rnd() & rnd();
        for (int b = 0; b < 64; b++) want += (words[i] >> b) & 1u;
    }
    const uint64_t got = bnn_popcount_words(words, count);
    if (got != want) mismatch("%llu, want %llu", (unsigned long long)got, (unsigned long long)want);
    finish("bnn_popcount_words count=%zu", count);
    free(words);
}

// MARK: - bnn_adam_step and bnn_sgd_momentum_step (float tolerance)

static int close_to(float got, float want) {
    if (got == want) return 1;
    return fabsf(got - want) <= 1e-6f + 1e-5f * fabsf(want);
}

static float sign_pm1(float x) { return x >= 0.0f ? 1.0f : -1.0f; }

static float clip1(float x) { return x < -1.0f ? -1.0f : (x > 1.0f ? 1.0f : x); }

/// Compares the kernel's new weights and sign outputs with the reference ones.
static void compare_weights(const float *w, const float *want, const float *binary, size_t n, int clip) {
    size_t outside = 0;
    for (size_t i = 0; i < n && !has_error; i++) {
        if (!close_to(w[i], want[i])) mismatch("w[%zu] = %.9g, want %.9g", i, w[i], want[i]);
        if (clip && (w[i] < -1.0f || w[i] > 1.0f)) mismatch("w[%zu] = %.9g not clipped", i, w[i]);
        if (!clip && fabsf(want[i]) > 1.0f) outside++;
        if (binary) {
            if (!same_bits(binary[i], sign_pm1(w[i]))) mismatch("binary[%zu] = %g for w = %g", i, binary[i], w[i]);
            if (fabsf(want[i]) > 1e-5f && binary[i] != sign_pm1(want[i]))
                mismatch("binary[%zu] = %g, want %g", i, binary[i], sign_pm1(want[i]));
        }
    }
    // Elements 0 and 1 are w = -0.0 and +0.0 with no update: sign(0) = +1. Elements 2 and 3 leave [-1, 1].
    if (n >= 4 && binary && (binary[0] != 1.0f || binary[1] != 1.0f)) mismatch("sign(0) = %g, %g", binary[0], binary[1]);
    if (n >= 4 && clip && (w[2] != 1.0f || w[3] != -1.0f)) mismatch("clip gave %.9g, %.9g", w[2], w[3]);
    if (n >= 4 && !clip && outside < 2) mismatch("test data never left [-1, 1]");
}

/// The loops under test: one row of the training table, or the public functions.
static const bnn_training_table_row *T;

/// The public entry points, which run the row bnn_active_variant() picked.
static const bnn_training_table_row public_row = {
    "public", bnn_adam_step, bnn_sgd_momentum_step, bnn_sign_activations,
    bnn_hardtanh_activations, bnn_straight_through_gate, bnn_conv3x3_f32, bnn_conv3x3_weight_gradient,
    bnn_conv3x3_sign_gradient, bnn_conv3x3_binary_input_gradient, bnn_sign_gemm, bnn_pixel_weight_gradient,
    bnn_conv3x3_pooled_weight_gradient,
    bnn_maxpool2x2_forward, bnn_maxpool2x2_backward,
    bnn_bn_statistics, bnn_bn_normalize, bnn_bn_affine, bnn_bn_gradient_sums, bnn_bn_input_gradient,
};

/// The layer's 3x3 convolution in double, from unpadded NHWC data and weights
/// [cout][3][3][cin]: forward (taps outside read `pad`), or with adjoint the input
/// gradient (cout channels in, cin out, mirrored taps; outside reads 0).
static double conv_reference(const float *x, const float *weights, size_t h, size_t w, size_t cin, size_t cout,
                             int adjoint, float pad, size_t r, size_t o) {
    const size_t p = r % (h * w), y = p / w, xx0 = p % w, kin = adjoint ? cout : cin;
    double sum = 0;
    for (int t = 0; t < 9; t++) {
        const long yy = (long)y + t / 3 - 1, xx = (long)xx0 + t % 3 - 1;
        const int outside = yy < 0 || yy >= (long)h || xx < 0 || xx >= (long)w;
        for (size_t c = 0; c < kin; c++) {
            const double v = outside ? (adjoint ? 0.0 : pad) : x[(r - p + (size_t)yy * w + (size_t)xx) * kin + c];
            const double wv = adjoint ? weights[((size_t)c * 9 + (size_t)(8 - t)) * cin + o]
                                      : weights[((size_t)o * 9 + (size_t)t) * cin + c];
            sum += v * wv;
        }
    }
    return sum;
}

/// The direct float 3x3 convolution (pad, pack, kernel) against conv_reference: equal
/// within float rounding of sums of 9*cin products of numbers in [-1, 1].
static void check_conv3x3_f32(size_t images, size_t h, size_t w, size_t cin, size_t cout, int adjoint, float pad) {
    const size_t kin = adjoint ? cout : cin, kout = adjoint ? cin : cout;
    const size_t rows = images * h * w, ldo = kout + below(3), np = bnn_conv3x3_packed_outputs(kout);
    float *x = xalloc(rows * kin, 4), *weights = xalloc(9 * cin * cout, 4), *out = xalloc(rows * ldo, 4);
    float *padded = xalloc(images * bnn_conv3x3_padded_image(h, w, kin), 4), *packed = xalloc(9 * kin * np, 4);
    for (size_t i = 0; i < rows * kin; i++) x[i] = (float)(rnd() % 2001) / 1000.0f - 1.0f;
    for (size_t i = 0; i < 9 * cin * cout; i++) weights[i] = (float)(rnd() % 2001) / 1000.0f - 1.0f;
    for (size_t i = 0; i < rows * ldo; i++) out[i] = NAN;
    for (size_t i = 0; i < images * bnn_conv3x3_padded_image(h, w, kin); i++) padded[i] = NAN;
    bnn_conv3x3_pad(h, w, kin, x, 0, images, adjoint ? 0.0f : pad, padded);
    bnn_conv3x3_pack_weights(weights, cin, cout, adjoint, packed);
    const size_t first = rows > 2 ? 1 : 0, count = rows - first;
    T->conv3x3_f32(h, w, kin, padded, packed, kout, first, count, out, ldo);
    for (size_t r = 0; r < rows && !has_error; r++)
        for (size_t o = 0; o < ldo && !has_error; o++) {
            const float got = out[r * ldo + o];
            if (r < first || o >= kout) {
                if (!isnan(got)) mismatch("wrote out[%zu][%zu] outside the rows asked for", r, o);
                continue;
            }
            const double want = conv_reference(x, weights, h, w, cin, cout, adjoint, pad, r, o);
            if (!(fabs(got - want) <= 1e-5 * (double)(9 * kin))) mismatch("out[%zu][%zu] = %g, want %g", r, o, got, want);
        }
    finish("conv3x3_f32 %s images=%zu %zux%zu %zu->%zu %s pad=%g", T->name, images, h, w, cin, cout,
           adjoint ? "input-gradient" : "forward", (double)pad);
    free(x); free(weights); free(out); free(padded); free(packed);
}

/// The weight gradient from the padded input against the sum over patches in double, for a
/// band of patch indices in the middle (the entries outside it stay untouched). With `signs`,
/// the sign-input kernel on ±1 inputs (bnn_conv3x3_sign_gradient); else the FMA kernel on
/// inputs in [-1, 1].
static void check_weight_gradient(size_t images, size_t h, size_t w, size_t cin, size_t n, float pad, int signs) {
    const size_t rows = images * h * w, K = 9 * cin;
    const size_t first_k = K > 2 ? 1 : 0, count_k = K > 2 ? K - 2 : K;
    float *x = xalloc(rows * cin, 4), *g = xalloc(rows * n, 4), *dw = xalloc(n * K, 4);
    float *padded = xalloc(images * bnn_conv3x3_padded_image(h, w, cin), 4);
    float *scratch = xalloc(bnn_conv3x3_sign_gradient_scratch(cin, n, count_k) + 16, 4);
    float *aligned = (float *)(((uintptr_t)scratch + 63) & ~(uintptr_t)63);
    for (size_t i = 0; i < rows * cin; i++)
        x[i] = signs ? (rnd() % 2 ? 1.0f : -1.0f) : (float)(rnd() % 2001) / 1000.0f - 1.0f;
    for (size_t i = 0; i < rows * n; i++) g[i] = (float)(rnd() % 2001) / 1000.0f - 1.0f;
    for (size_t i = 0; i < n * K; i++) dw[i] = NAN;
    bnn_conv3x3_pad(h, w, cin, x, 0, images, pad, padded);
    if (signs) T->conv3x3_sign_gradient(h, w, cin, padded, images, g, n, first_k, count_k, pad, aligned, dw);
    else T->conv3x3_weight_gradient(h, w, cin, padded, images, g, n, first_k, count_k, dw);
    for (size_t o = 0; o < n && !has_error; o++)
        for (size_t k = 0; k < K && !has_error; k++) {
            const float got = dw[o * K + k];
            if (k < first_k || k >= first_k + count_k) {
                if (!isnan(got)) mismatch("wrote dw[%zu][%zu] outside the band", o, k);
                continue;
            }
            const size_t t = k / cin, c = k % cin;
            double want = 0;
            for (size_t r = 0; r < rows; r++) {
                const size_t p = r % (h * w), y = p / w, x0 = p % w;
                const long yy = (long)y + (long)(t / 3) - 1, xx = (long)x0 + (long)(t % 3) - 1;
                const int outside = yy < 0 || yy >= (long)h || xx < 0 || xx >= (long)w;
                const double v = outside ? pad : x[(r - p + (size_t)yy * w + (size_t)xx) * cin + c];
                want += v * g[r * n + o];
            }
            if (!(fabs(got - want) <= 1e-5 * (double)rows)) mismatch("dw[%zu][%zu] = %g, want %g", o, k, got, want);
        }
    finish("conv3x3_%s_gradient %s images=%zu %zux%zu %zu->%zu pad=%g", signs ? "sign" : "weight", T->name, images, h,
           w, cin, n, (double)pad);
    free(x); free(g); free(dw); free(padded); free(scratch);
}

/// The input gradient of a convolution with ±1 weights (bnn_conv3x3_binary_input_gradient)
/// against conv_reference's adjoint product in double, for the images in the middle (the
/// others untouched). Weights carry magnitudes in [0.25, 1] to show only signs are read.
static void check_binary_input_gradient(size_t images, size_t h, size_t w, size_t cin, size_t cout) {
    const size_t rows = images * h * w, first = images > 2 ? 1 : 0, count = images > 2 ? images - 2 : images;
    float *g = xalloc(rows * cout, 4), *weights = xalloc(9 * cin * cout, 4), *signs = xalloc(9 * cin * cout, 4);
    float *gin = xalloc(rows * cin, 4);
    float *scratch = xalloc(bnn_conv3x3_binary_input_gradient_scratch(h, w, cout, cin) + 16, 4);
    float *aligned = (float *)(((uintptr_t)scratch + 63) & ~(uintptr_t)63);
    for (size_t i = 0; i < rows * cout; i++) g[i] = (float)(rnd() % 2001) / 1000.0f - 1.0f;
    for (size_t i = 0; i < 9 * cin * cout; i++) {
        const float magnitude = 0.25f + (float)(rnd() % 751) / 1000.0f;
        signs[i] = rnd() % 2 ? 1.0f : -1.0f;
        weights[i] = i % 5 == 0 && signs[i] > 0 ? 0.0f : signs[i] * magnitude;  // 0 counts as +1
    }
    for (size_t i = 0; i < rows * cin; i++) gin[i] = NAN;
    T->conv3x3_binary_input_gradient(h, w, cout, g, weights, cin, first, count, aligned, gin);
    for (size_t r = 0; r < rows && !has_error; r++)
        for (size_t c = 0; c < cin && !has_error; c++) {
            const float got = gin[r * cin + c];
            const size_t image = r / (h * w);
            if (image < first || image >= first + count) {
                if (!isnan(got)) mismatch("wrote gin[%zu][%zu] outside the images asked for", r, c);
                continue;
            }
            const double want = conv_reference(g, signs, h, w, cin, cout, 1, 0.0f, r, c);
            if (!(fabs(got - want) <= 1e-5 * (double)(9 * cout))) mismatch("gin[%zu][%zu] = %g, want %g", r, c, got, want);
        }
    finish("conv3x3_binary_input_gradient %s images=%zu %zux%zu %zu->%zu", T->name, images, h, w, cin, cout);
    free(g); free(weights); free(signs); free(gin); free(scratch);
}

/// The product with an operand of signs (bnn_sign_gemm) against sums in double, for the
/// rows in the middle (the others untouched), with s read row-wise (s_col = 1: an
/// activation matrix) or column-wise (s_row = 1: the transposed weights). Values of s carry
/// magnitudes and exact zeros (+1) to show only signs are read.
static void check_sign_gemm(size_t k, size_t m, size_t n, int transposed) {
    const size_t ldf = n + below(3), ldc = n + below(3), s_row = transposed ? 1 : m, s_col = transposed ? k : 1;
    const size_t first = m > 2 ? 1 : 0, count = m > 2 ? m - 2 : m;
    float *s = xalloc(k * m, 4), *f = xalloc(k * ldf, 4), *c = xalloc(m * ldc, 4);
    float *scratch = xalloc(bnn_sign_gemm_scratch(k, count) + 16, 4);
    float *aligned = (float *)(((uintptr_t)scratch + 63) & ~(uintptr_t)63);
    for (size_t i = 0; i < k * m; i++) s[i] = rnd() % 7 == 0 ? 0.0f : (float)(rnd() % 2001) / 1000.0f - 1.0f;
    for (size_t i = 0; i < k * ldf; i++) f[i] = (float)(rnd() % 2001) / 1000.0f - 1.0f;
    for (size_t i = 0; i < m * ldc; i++) c[i] = NAN;
    T->sign_gemm(k, n, s, s_row, s_col, f, ldf, first, count, aligned, c, ldc);
    for (size_t i = 0; i < m && !has_error; i++)
        for (size_t o = 0; o < ldc && !has_error; o++) {
            const float got = c[i * ldc + o];
            if (i < first || i >= first + count || o >= n) {
                if (!isnan(got)) mismatch("wrote c[%zu][%zu] outside the rows asked for", i, o);
                continue;
            }
            double want = 0;
            for (size_t kk = 0; kk < k; kk++) want += (s[kk * s_row + i * s_col] >= 0.0f ? 1.0 : -1.0) * f[kk * ldf + o];
            if (!(fabs(got - want) <= 1e-5 * (double)k)) mismatch("c[%zu][%zu] = %g, want %g", i, o, got, want);
        }
    finish("sign_gemm %s k=%zu m=%zu n=%zu %s", T->name, k, m, n, transposed ? "s by columns" : "s by rows");
    free(s); free(f); free(c); free(scratch);
}

/// The weight gradient of pixel inputs (bnn_pixel_weight_gradient) against sums in double of
/// x * g with x = p / 127.5 - 1, for inputs first <= i < first + count (other rows and the
/// columns past n untouched). Pixels are black half the time, with whole blank groups of
/// four, or (black = 1) all black, or (black = 2) all white.
static void check_pixel_weight_gradient(size_t rows, size_t k, size_t n, size_t first, int black) {
    const size_t ldp = k + below(3), ldg = n + below(3), ldw = n + below(3), count = k - first;
    uint8_t *pixels = xalloc(rows * ldp, 1);
    float *g = xalloc(rows * ldg, 4), *dw = xalloc(k * ldw, 4), above[256];
    float *scratch = xalloc(bnn_pixel_weight_gradient_scratch(rows, count), 4);
    for (int p = 0; p < 256; p++) above[p] = (float)(p / 127.5);
    for (size_t b = 0; b < rows; b++)
        for (size_t i = 0; i < ldp; i++) {
            const int blank = (b + i / 4) % 3 == 0 || rnd() % 2;
            pixels[b * ldp + i] = black == 1 ? 0 : black == 2 ? 255 : blank ? 0 : random_pixel();
        }
    for (size_t i = 0; i < rows * ldg; i++) g[i] = (float)(rnd() % 2001) / 1000.0f - 1.0f;
    for (size_t i = 0; i < k * ldw; i++) dw[i] = NAN;
    T->pixel_weight_gradient(rows, pixels, ldp, above, g, ldg, n, first, count, scratch, dw, ldw);
    for (size_t i = 0; i < k && !has_error; i++)
        for (size_t o = 0; o < ldw && !has_error; o++) {
            const float got = dw[i * ldw + o];
            if (i < first || o >= n) {
                if (!isnan(got)) mismatch("wrote dw[%zu][%zu] outside the rows asked for", i, o);
                continue;
            }
            double want = 0;
            for (size_t b = 0; b < rows; b++) want += (pixels[b * ldp + i] / 127.5 - 1.0) * g[b * ldg + o];
            if (!(fabs(got - want) <= 1e-5 * (double)rows)) mismatch("dw[%zu][%zu] = %g, want %g", i, o, got, want);
        }
    finish("pixel_weight_gradient %s rows=%zu k=%zu n=%zu first=%zu%s", T->name, rows, k, n, first,
           black == 1 ? " all black" : black == 2 ? " all white" : "");
    free(pixels); free(g); free(dw); free(scratch);
}

/// The pooled weight gradient of a one-channel convolution against the pool's backward
/// pass then a double sum over all positions, for the images in the middle; every output
/// row of dw is written (the kernel overwrites it), odd sizes drop the last row/column.
static void check_pooled_weight_gradient(size_t images, size_t h, size_t w, size_t n) {
    const size_t oh = h / 2, ow = w / 2, first = images > 2 ? 1 : 0, count = images > 2 ? images - 2 : images;
    float *x = xalloc(images * h * w, 4), *gpool = xalloc(images * oh * ow * n + 1, 4), *dw = xalloc(n * 9, 4);
    float *padded = xalloc(images * bnn_conv3x3_padded_image(h, w, 1), 4), *gin = xalloc(images * h * w * n, 4);
    uint8_t *winner = xalloc(images * oh * ow * n + 1, 1);
    for (size_t i = 0; i < images * h * w; i++) x[i] = (float)(rnd() % 2001) / 1000.0f - 1.0f;
    for (size_t i = 0; i < images * oh * ow * n; i++) {
        gpool[i] = (float)(rnd() % 2001) / 1000.0f - 1.0f;
        winner[i] = (uint8_t)(rnd() % 4);
    }
    for (size_t i = 0; i < n * 9; i++) dw[i] = NAN;
    bnn_conv3x3_pad(h, w, 1, x, 0, images, 0.0f, padded);
    bnn_maxpool2x2_backward(h, w, n, gpool, winner, 0, images, gin);  // the full-size gradient, as reference
    T->conv3x3_pooled_weight_gradient(h, w, padded, first, count, gpool, winner, n, dw);
    for (size_t o = 0; o < n && !has_error; o++)
        for (size_t t = 0; t < 9 && !has_error; t++) {
            double want = 0;
            for (size_t image = first; image < first + count; image++)
                for (size_t y = 0; y < h; y++)
                    for (size_t xx = 0; xx < w; xx++) {
                        const long yy = (long)y + (long)(t / 3) - 1, xs = (long)xx + (long)(t % 3) - 1;
                        if (yy < 0 || yy >= (long)h || xs < 0 || xs >= (long)w) continue;
                        want += (double)x[(image * h + (size_t)yy) * w + (size_t)xs] * gin[((image * h + y) * w + xx) * n + o];
                    }
            const size_t terms = count * oh * ow + 1;
            if (!(fabs(dw[o * 9 + t] - want) <= 1e-5 * (double)terms)) mismatch("dw[%zu][%zu] = %g, want %g", o, t, dw[o * 9 + t], want);
        }
    finish("conv3x3_pooled_weight_gradient %s images=%zu %zux%zu n=%zu", T->name, images, h, w, n);
    free(x); free(gpool); free(dw); free(padded); free(gin); free(winner);
}

/// BatchNorm's loops against plain scalar loops, bit for bit (per-feature sums in row
/// order, no fused multiply-add), on a band of features in the middle (the others untouched).
static void check_batch_norm(size_t rows, size_t f) {
    const size_t j0 = f > 2 ? 1 : 0, j1 = f > 2 ? f - 1 : f;
    float *x = xalloc(rows * f, 4), *ga = xalloc(rows * f, 4), *p[8], *q[8];
    for (int i = 0; i < 8; i++) { p[i] = xalloc(rows * f, 4); q[i] = xalloc(rows * f, 4); }
    for (size_t i = 0; i < rows * f; i++) { x[i] = (float)(rnd() % 20001) / 997.0f - 10.0f; ga[i] = (float)(rnd() % 2001) / 1000.0f - 1.0f; }
    float *gamma = xalloc(f, 4), *beta = xalloc(f, 4), *inv = xalloc(f, 4);
    for (size_t j = 0; j < f; j++) { gamma[j] = 0.5f + (float)(rnd() % 100) / 100.0f; beta[j] = (float)(rnd() % 100) / 50.0f - 1.0f; inv[j] = 0.25f + (float)(rnd() % 100) / 37.0f; }
    for (int i = 0; i < 8; i++) for (size_t k = 0; k < rows * f; k++) p[i][k] = q[i][k] = -7.0f;
    // q: the plain loops, as BatchNorm wrote them in Swift; every product is rounded on its
    // own (stored through a volatile), so no compiler can fuse it into an add.
    volatile float t;
    for (size_t j = j0; j < j1; j++) {
        float m = 0, s2 = 0;
        for (size_t r = 0; r < rows; r++) m += x[r * f + j];
        m /= (float)rows;
        for (size_t r = 0; r < rows; r++) { const float d = x[r * f + j] - m; t = d * d; s2 += t; }
        q[0][j] = m; q[1][j] = s2;
        float gb = 0, gg = 0;
        for (size_t r = 0; r < rows; r++) {
            t = (x[r * f + j] - m) * inv[j];
            const float v = t;
            q[2][r * f + j] = v;
            t = gamma[j] * v; q[3][r * f + j] = t + beta[j];
            t = x[r * f + j] * gamma[j]; q[4][r * f + j] = t + beta[j];
            gb += ga[r * f + j];
            t = ga[r * f + j] * v; gg += t;
        }
        q[5][j] = gb; q[6][j] = gg;
        for (size_t r = 0; r < rows; r++) {
            t = (float)rows * ga[r * f + j];
            const float b = t - gb;
            t = q[2][r * f + j] * gg;
            const float d = b - t;
            q[7][r * f + j] = inv[j] * d;
        }
    }
    T->bn_statistics(x, rows, f, j0, j1, p[0], p[1]);
    T->bn_normalize(x, rows, f, j0, j1, q[0], inv, gamma, beta, p[2], p[3]);
    T->bn_affine(x, rows, f, j0, j1, gamma, beta, p[4]);
    T->bn_gradient_sums(ga, q[2], rows, f, j0, j1, p[5], p[6]);
    T->bn_input_gradient(ga, q[2], rows, f, j0, j1, inv, q[5], q[6], p[7]);
    static const char *names[8] = {"mean", "squares", "xhat", "out", "affine", "gbeta", "ggamma", "gs"};
    for (int i = 0; i < 8 && !has_error; i++) {
        const size_t n = (i == 0 || i == 1 || i == 5 || i == 6) ? f : rows * f;
        for (size_t k = 0; k < n; k++)
            if (!same_bits(p[i][k], q[i][k])) { mismatch("%s[%zu] = %.9g, want %.9g", names[i], k, p[i][k], q[i][k]); break; }
    }
    finish("batch norm %s rows=%zu f=%zu", T->name, rows, f);
    free(x); free(ga); free(gamma); free(beta); free(inv);
    for (int i = 0; i < 8; i++) { free(p[i]); free(q[i]); }
}

/// The patch matrix from the padded copy against the taps read directly.
static void check_im2col_padded(size_t images, size_t h, size_t w, size_t c, float pad) {
    const size_t rows = images * h * w;
    float *x = xalloc(rows * c, 4), *padded = xalloc(images * bnn_conv3x3_padded_image(h, w, c), 4);
    float *columns = xalloc(rows * 9 * c, 4);
    for (size_t i = 0; i < rows * c; i++) x[i] = (float)(rnd() % 2001) / 1000.0f - 1.0f;
    bnn_conv3x3_pad(h, w, c, x, 0, images, pad, padded);
    bnn_im2col3x3_padded(h, w, c, padded, 0, images, columns);
    for (size_t r = 0; r < rows && !has_error; r++) {
        const size_t p = r % (h * w), y = p / w, x0 = p % w;
        for (int t = 0; t < 9; t++) {
            const long yy = (long)y + t / 3 - 1, xx = (long)x0 + t % 3 - 1;
            const int outside = yy < 0 || yy >= (long)h || xx < 0 || xx >= (long)w;
            for (size_t j = 0; j < c; j++) {
                const float want = outside ? pad : x[(r - p + (size_t)yy * w + (size_t)xx) * c + j];
                if (!same_bits(columns[(r * 9 + (size_t)t) * c + j], want))
                    mismatch("columns[%zu][%d][%zu] = %g, want %g", r, t, j, columns[(r * 9 + (size_t)t) * c + j], want);
            }
        }
    }
    finish("im2col3x3_padded images=%zu %zux%zu c=%zu pad=%g", images, h, w, c, (double)pad);
    free(x); free(padded); free(columns);
}

/// 2x2 max-pooling and its gradient against plain loops (ties on purpose: values from a few levels).
static void check_maxpool(size_t images, size_t h, size_t w, size_t c) {
    const size_t oh = h / 2, ow = w / 2, in_count = images * h * w * c, out_count = images * oh * ow * c;
    float *x = xalloc(in_count, 4), *out = xalloc(out_count, 4), *gout = xalloc(out_count, 4), *gin = xalloc(in_count, 4);
    uint8_t *winner = xalloc(out_count, 1);
    for (size_t i = 0; i < in_count; i++) { x[i] = (float)(rnd() % 5); gin[i] = NAN; }
    for (size_t i = 0; i < out_count; i++) gout[i] = (float)(rnd() % 1000) + 1.0f;
    T->maxpool2x2_forward(h, w, c, x, 0, images, out, winner);
    T->maxpool2x2_backward(h, w, c, gout, winner, 0, images, gin);
    float *want_gin = xalloc(in_count, 4);
    for (size_t n = 0; n < images; n++)
        for (size_t y = 0; y < oh; y++)
            for (size_t xx = 0; xx < ow; xx++)
                for (size_t j = 0; j < c; j++) {
                    const size_t o = ((n * oh + y) * ow + xx) * c + j;
                    size_t best = ((n * h + 2 * y) * w + 2 * xx) * c + j;
                    const size_t candidates[3] = {best + c, best + w * c, best + w * c + c};
                    for (int k = 0; k < 3; k++) if (x[candidates[k]] > x[best]) best = candidates[k];
                    if (!same_bits(out[o], x[best])) mismatch("out[%zu] = %g, want %g", o, out[o], x[best]);
                    want_gin[best] = gout[o];
                }
    for (size_t i = 0; i < in_count; i++)
        if (!same_bits(gin[i], want_gin[i])) { mismatch("gin[%zu] = %g, want %g", i, gin[i], want_gin[i]); break; }
    finish("maxpool2x2 %s images=%zu %zux%zu c=%zu", T->name, images, h, w, c);
    free(x); free(out); free(gout); free(gin); free(winner); free(want_gin);
}

static void check_adam(size_t n, int clip, int with_binary) {
    float *w = xalloc(n, 4), *g = xalloc(n, 4), *m = xalloc(n, 4), *v = xalloc(n, 4), *binary = xalloc(n, 4);
    float *rw = xalloc(n, 4), *rm = xalloc(n, 4), *rv = xalloc(n, 4);
    const float step = 0.05f, beta1 = 0.9f, beta2 = 0.999f, eps = 1e-8f;
    for (size_t i = 0; i < n; i++) {
        w[i] = below(8) ? uniform(-1.1f, 1.1f) : edgy(1.0f, 0);
        g[i] = below(8) ? uniform(-1.0f, 1.0f) : 0.0f;
        m[i] = uniform(-0.1f, 0.1f);
        v[i] = m[i] * m[i] * uniform(1.0f, 2.0f) + uniform(0.0f, 1e-4f);
        binary[i] = 7.0f;
    }
    if (n >= 4) {
        w[0] = -0.0f; w[1] = 0.0f; g[0] = g[1] = m[0] = m[1] = v[0] = v[1] = 0.0f;
        w[2] = 1.0f; g[2] = -1.0f; m[2] = -0.1f; v[2] = 0.01f;  // pushed above 1
        w[3] = -1.0f; g[3] = 1.0f; m[3] = 0.1f; v[3] = 0.01f;   // pushed below -1
    }
    for (size_t i = 0; i < n; i++) {  // the reference: one element at a time, as in the paper
        const float mi = beta1 * m[i] + (1.0f - beta1) * g[i];
        const float vi = beta2 * v[i] + (1.0f - beta2) * g[i] * g[i];
        float wi = w[i] - step * mi / (sqrtf(vi) + eps);
        rm[i] = mi; rv[i] = vi; rw[i] = clip ? clip1(wi) : wi;
    }
    T->adam_step(w, g, m, v, with_binary ? binary : NULL, n, step, beta1, beta2, eps, clip);
    for (size_t i = 0; i < n && !has_error; i++) {
        if (!close_to(m[i], rm[i])) mismatch("m[%zu] = %.9g, want %.9g", i, m[i], rm[i]);
        if (!close_to(v[i], rv[i])) mismatch("v[%zu] = %.9g, want %.9g", i, v[i], rv[i]);
        if (!with_binary && binary[i] != 7.0f) mismatch("binary written although NULL");
    }
    compare_weights(w, rw, with_binary ? binary : NULL, n, clip);
    finish("adam_step %s n=%zu clip=%d sign=%s", T->name, n, clip, with_binary ? "yes" : "NULL");
    free(w); free(g); free(m); free(v); free(binary); free(rw); free(rm); free(rv);
}

static void check_sgd(size_t n, int clip, int with_binary) {
    float *w = xalloc(n, 4), *g = xalloc(n, 4), *vel = xalloc(n, 4), *binary = xalloc(n, 4);
    float *rw = xalloc(n, 4), *rvel = xalloc(n, 4);
    const float lr = 0.1f, momentum = 0.9f;
    for (size_t i = 0; i < n; i++) {
        w[i] = below(8) ? uniform(-1.1f, 1.1f) : edgy(1.0f, 0);
        g[i] = below(8) ? uniform(-1.0f, 1.0f) : 0.0f;
        vel[i] = uniform(-0.2f, 0.2f);
        binary[i] = 7.0f;
    }
    if (n >= 4) {
        w[0] = -0.0f; w[1] = 0.0f; g[0] = g[1] = vel[0] = vel[1] = 0.0f;
        w[2] = 1.0f; g[2] = -1.0f; vel[2] = 0.5f;
        w[3] = -1.0f; g[3] = 1.0f; vel[3] = -0.5f;
    }
    for (size_t i = 0; i < n; i++) {
        const float vi = momentum * vel[i] - lr * g[i];
        const float wi = w[i] + vi;
        rvel[i] = vi; rw[i] = clip ? clip1(wi) : wi;
    }
    T->sgd_momentum_step(w, g, vel, with_binary ? binary : NULL, n, lr, momentum, clip);
    for (size_t i = 0; i < n && !has_error; i++) {
        if (!close_to(vel[i], rvel[i])) mismatch("velocity[%zu] = %.9g, want %.9g", i, vel[i], rvel[i]);
        if (!with_binary && binary[i] != 7.0f) mismatch("binary written although NULL");
    }
    compare_weights(w, rw, with_binary ? binary : NULL, n, clip);
    finish("sgd_momentum_step %s n=%zu clip=%d sign=%s", T->name, n, clip, with_binary ? "yes" : "NULL");
    free(w); free(g); free(vel); free(binary); free(rw); free(rvel);
}

// MARK: - Activations, saturation, straight-through gate, multiply (exact)

static void check_activations(size_t n) {
    float *a = xalloc(n, 4), *an = xalloc(n, 4), *out = xalloc(n, 4), *g = xalloc(n, 4), *g0 = xalloc(n, 4);
    size_t saturated = 0, saturated_nan = 0;
    for (size_t i = 0; i < n; i++) {
        a[i] = edgy(2.0f, 0);
        an[i] = edgy(2.0f, 1);
        g[i] = g0[i] = edgy(3.0f, 0);
    }
    if (n >= 2) { an[0] = -0.0f; an[1] = 0.0f; }
    for (size_t i = 0; i < n; i++) {
        saturated += fabsf(a[i]) > 1.0f;
        saturated_nan += fabsf(an[i]) > 1.0f;
    }

    size_t got = T->sign_activations(an, out, n);  // NaN >= 0 is false: -1, and not saturated
    if (got != saturated_nan) mismatch("returned %zu, want %zu", got, saturated_nan);
    for (size_t i = 0; i < n && !has_error; i++)
        if (!same_bits(out[i], an[i] >= 0.0f ? 1.0f : -1.0f)) mismatch("out[%zu] = %g for a = %g", i, out[i], an[i]);
    finish("sign_activations %s n=%zu", T->name, n);

    got = T->hardtanh_activations(a, out, n);
    if (got != saturated) mismatch("returned %zu, want %zu", got, saturated);
    for (size_t i = 0; i < n && !has_error; i++)
        if (!same_bits(out[i], clip1(a[i]))) mismatch("out[%zu] = %g for a = %g", i, out[i], a[i]);
    finish("hardtanh_activations %s n=%zu", T->name, n);

    T->straight_through_gate(g, a, n);
    for (size_t i = 0; i < n && !has_error; i++)
        if (!same_bits(g[i], fabsf(a[i]) > 1.0f ? 0.0f : g0[i]))
            mismatch("g[%zu] = %g for a = %g, g = %g", i, g[i], a[i], g0[i]);
    finish("straight_through_gate %s n=%zu", T->name, n);

    for (size_t i = 0; i < n; i++) g[i] = g0[i];
    bnn_multiply(g, a, n);
    for (size_t i = 0; i < n && !has_error; i++)
        if (!same_bits(g[i], g0[i] * a[i])) mismatch("x[%zu] = %g, want %g", i, g[i], g0[i] * a[i]);
    finish("bnn_multiply n=%zu (%s pass)", n, T->name);
    free(a); free(an); free(out); free(g); free(g0);
}

/// One process, one variant: both libraries run (and name) the variant BNN_KERNEL asks
/// for, or the best one when it is unset, unknown or unsupported (with the reason kept).
static void check_active_variant(void) {
    const char *request = getenv(BNN_KERNEL_ENVIRONMENT);
    int want = 0;
    const int parsed = bnn_variant_parse(request, &want);
    if (parsed != BNN_OK) want = bnn_variant_best();
    const char *binary = bnn_binary_kernels_variant(), *training = bnn_training_kernels_variant();
    if (bnn_active_variant() != want) mismatch("active variant %d, want %d", bnn_active_variant(), want);
    if (bnn_active_variant_status() != parsed) mismatch("status %d, want %d", bnn_active_variant_status(), parsed);
    if (strcmp(binary, variant_names[want])) mismatch("binary kernels run %s, want %s", binary, variant_names[want]);
    if (strcmp(training, variant_names[want])) mismatch("training kernels run %s, want %s", training, variant_names[want]);
    finish("BNN_KERNEL=%s: binary kernels %s, training kernels %s (status %d)",
           request ? request : "(unset)", binary, training, parsed);
}

/// The names and the parser of BNN_KERNEL values.
static void check_variant_names(void) {
    for (int v = 0; v < 4; v++) {
        if (!bnn_variant_name(v) || strcmp(bnn_variant_name(v), variant_names[v])) mismatch("name of %d", v);
        char upper[16];
        size_t i = 0;
        for (; variant_names[v][i]; i++) upper[i] = (char)(variant_names[v][i] - 32 * (variant_names[v][i] >= 'a'));
        upper[i] = 0;
        char padded[32];
        snprintf(padded, sizeof padded, "  %s\t", upper);
        int got = -1;
        const int status = bnn_variant_parse(padded, &got);
        if (got != v || status != (bnn_variant_supported(v) ? BNN_OK : BNN_ERROR_UNSUPPORTED))
            mismatch("parse '%s' gave %d status %d", padded, got, status);
    }
    if (bnn_variant_name(-1) || bnn_variant_name(4)) mismatch("a name for an out-of-range variant");
    int got = -1;
    if (bnn_variant_parse("sse9", &got) != BNN_ERROR_UNKNOWN_NAME) mismatch("sse9 accepted");
    if (bnn_variant_parse("avx", &got) != BNN_ERROR_UNKNOWN_NAME) mismatch("a prefix accepted");
    if (bnn_variant_parse(NULL, &got) != BNN_OK || got != bnn_variant_best()) mismatch("unset is not the best");
    if (bnn_variant_parse(" ", &got) != BNN_OK || got != bnn_variant_best()) mismatch("blank is not the best");
    if (!bnn_variant_supported(bnn_variant_best())) mismatch("best variant unsupported");
    finish("variant names and BNN_KERNEL parsing (best: %s)", variant_names[bnn_variant_best()]);
}

// MARK: - bnn_stochastic_sign and bnn_dropout (exact, against xoshiro256** written here)

static uint64_t ref_rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static uint64_t ref_next(uint64_t s[4]) {  // xoshiro256** (Blackman and Vigna)
    const uint64_t result = ref_rotl(s[1] * 5, 7) * 9;
    const uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = ref_rotl(s[3], 45);
    return result;
}

/// SeededGenerator.nextUnitFloat: the top 24 bits as a float in [0, 1).
static float ref_unit(uint64_t s[4]) { return (float)(ref_next(s) >> 40) / 16777216.0f; }

static void random_state(uint64_t s[4]) {
    do { for (int i = 0; i < 4; i++) s[i] = rnd(); } while (!(s[0] | s[1] | s[2] | s[3]));
}

static void check_xoshiro_reference(void) {
    // The published outputs from the state {1, 2, 3, 4} (rand_xoshiro's reference test).
    static const uint64_t want[10] = {11520u, 0u, 1509978240u, 1215971899390074240u, 1216172134540287360u,
                                      607988272756665600u, 16172922978634559625u, 8476171486693032832u,
                                      10595114339597558777u, 2904607092377533576u};
    uint64_t s[4] = {1, 2, 3, 4};
    for (int i = 0; i < 10; i++) {
        const uint64_t got = ref_next(s);
        if (got != want[i]) mismatch("output %d = %llu", i, (unsigned long long)got);
    }
    finish("xoshiro256** reference matches the published vector");
}

static void check_stochastic_sign(size_t n) {
    float *a = xalloc(n, 4), *out = xalloc(n, 4);
    for (size_t i = 0; i < n; i++) a[i] = edgy(1.5f, 0);
    uint64_t state[4], ref[4];
    random_state(state);
    memcpy(ref, state, sizeof ref);
    const size_t got = bnn_stochastic_sign(state, a, out, n);
    size_t saturated = 0;
    for (size_t i = 0; i < n; i++) {
        float p = (a[i] + 1.0f) / 2.0f;  // hard sigmoid
        p = p < 0.0f ? 0.0f : (p > 1.0f ? 1.0f : p);
        const float want = ref_unit(ref) < p ? 1.0f : -1.0f;
        if (!has_error && !same_bits(out[i], want)) mismatch("out[%zu] = %g, want %g (a = %g)", i, out[i], want, a[i]);
        saturated += fabsf(a[i]) > 1.0f;
    }
    if (got != saturated) mismatch("returned %zu, want %zu", got, saturated);
    if (memcmp(state, ref, sizeof ref)) mismatch("final state differs");
    finish("bnn_stochastic_sign n=%zu (outputs, count, final state)", n);
    free(a); free(out);
}

static void check_dropout(size_t n, float keep) {
    float *x = xalloc(n, 4), *x0 = xalloc(n, 4), *mask = xalloc(n, 4);
    for (size_t i = 0; i < n; i++) x[i] = x0[i] = edgy(3.0f, 0);
    uint64_t state[4], ref[4];
    random_state(state);
    memcpy(ref, state, sizeof ref);
    bnn_dropout(state, x, mask, n, keep);
    const float scale = 1.0f / keep;
    for (size_t i = 0; i < n && !has_error; i++) {
        const float factor = ref_unit(ref) < keep ? scale : 0.0f;
        if (!same_bits(mask[i], factor)) mismatch("mask[%zu] = %g, want %g", i, mask[i], factor);
        if (!same_bits(x[i], x0[i] * factor)) mismatch("x[%zu] = %g, want %g", i, x[i], x0[i] * factor);
    }
    if (!has_error && memcmp(state, ref, sizeof ref)) mismatch("final state differs");
    finish("bnn_dropout n=%zu keep=%g (outputs, mask, final state)", n, keep);
    free(x); free(x0); free(mask);
}

/// The draws are also right in distribution (not only equal to the reference).
static void check_random_frequencies(void) {
    enum { N = 100000 };
    float *a = xalloc(N, 4), *out = xalloc(N, 4);
    uint64_t state[4];
    random_state(state);
    for (size_t i = 0; i < N; i++) a[i] = 0.5f;  // P(+1) = 0.75
    bnn_stochastic_sign(state, a, out, N);
    size_t plus = 0;
    for (size_t i = 0; i < N; i++) plus += out[i] > 0;
    if (fabs((double)plus / N - 0.75) > 0.01) mismatch("stochastic_sign P(+1) = %.4f, want 0.75", (double)plus / N);
    for (size_t i = 0; i < N; i++) a[i] = 1.0f;
    bnn_dropout(state, a, out, N, 0.8f);
    size_t kept = 0;
    for (size_t i = 0; i < N; i++) kept += out[i] != 0.0f;
    if (fabs((double)kept / N - 0.8) > 0.01) mismatch("dropout kept %.4f, want 0.8", (double)kept / N);
    finish("frequencies of stochastic_sign and dropout (n=%d)", N);
    free(a); free(out);
}

// MARK: - main

int main(void) {
    check_variant_support();

    static const size_t xnor_shapes[][3] = {  // m, n, k: K edges, M = 1, N = 1, odd tile edges
        {1, 1, 1}, {1, 1, 64}, {1, 3, 63}, {1, 8, 65}, {1, 9, 127}, {1, 17, 784}, {1, 5, 1000},
        {2, 4, 1}, {3, 5, 63}, {4, 4, 64}, {5, 7, 65}, {7, 9, 127}, {8, 8, 784}, {9, 11, 1000},
        {13, 1, 784}, {6, 1, 65}, {5, 13, 4096},
        {3, 5, 10000},    // long enough for the AVX2 byte counters to be flushed (every 124 words)
        {3, 2100, 1000},  // more rows of B than one L2 block (2032 at K = 1000)
        // AVX2 nibble-split product (M >= 3, K > 192): whole vectors, a tail word, byte
        // counters flushed after 31 vectors, several split blocks of B, panels of 6 rows
        // with every remainder (M mod 6 = 0..5)
        {5, 6, 200}, {7, 9, 256}, {4, 3, 257}, {5, 4, 8000}, {11, 7, 7937}, {10, 1030, 4096},
        {6, 5, 320}, {12, 3, 1000}, {19, 4, 256}, {14, 5, 4100}, {15, 2, 513}, {16, 3, 8200}, {17, 9, 4096},
    };
    static const size_t plane_shapes[][3] = {
        {1, 1, 1}, {1, 3, 63}, {1, 5, 64}, {1, 7, 65}, {2, 2, 127}, {3, 5, 784}, {5, 3, 1000},
        {4, 9, 784}, {7, 1, 65}, {1, 1, 784},
        {3, 5, 2560},    // long enough for the AVX2 byte counters to be flushed (every 31 words)
        {3, 2600, 784},  // more than one L2 block (2496 rows at K = 784)
    };
    static const size_t pixel_shapes[][3] = {  // K edges (groups of 4, pieces of 4096), N edges (32, 64)
        {1, 1, 1}, {1, 3, 3}, {2, 31, 5}, {1, 32, 64}, {3, 33, 65}, {2, 64, 127}, {3, 65, 784}, {1, 97, 784},
        {4, 130, 1000}, {2, 1024, 784}, {2, 40, 4096}, {3, 70, 4097}, {1, 33, 8195},
    };
    static const size_t threshold_n[] = {1, 7, 8, 32, 63, 64, 65, 100, 128, 129, 200};  // whole vectors of 8 and tails
    for (int variant = 0; variant < 4; variant++) {
        if (!bnn_variant_supported(variant)) {
            check_refused(variant);
            continue;
        }
        for (size_t s = 0; s < sizeof xnor_shapes / sizeof xnor_shapes[0]; s++)
            check_xnor_gemm(variant, xnor_shapes[s][0], xnor_shapes[s][1], xnor_shapes[s][2]);
        for (size_t s = 0; s < sizeof plane_shapes / sizeof plane_shapes[0]; s++)
            check_bitplane_gemm(variant, plane_shapes[s][0], plane_shapes[s][1], plane_shapes[s][2]);
        for (size_t s = 0; s < sizeof pixel_shapes / sizeof pixel_shapes[0]; s++)
            check_pixel_gemm(variant, pixel_shapes[s][0], pixel_shapes[s][1], pixel_shapes[s][2]);
        for (size_t s = 0; s < sizeof threshold_n / sizeof threshold_n[0]; s++)
            check_threshold_pack(variant, 1 + s % 3, threshold_n[s]);
        static const size_t conv_shapes[][5] = {  // images, h, w, words per position, outputs
            {1, 1, 1, 1, 1}, {2, 3, 5, 1, 7}, {3, 7, 4, 1, 64}, {1, 14, 14, 1, 33}, {2, 2, 9, 2, 5}, {1, 5, 3, 3, 65},
            {1, 3, 3, 2, 130}, {2, 3, 4, 4, 9}, {1, 4, 3, 5, 6},  // every unrolled word count (2-4) and the loop (5)
        };
        for (size_t s = 0; s < sizeof conv_shapes / sizeof conv_shapes[0]; s++)
            check_conv3x3_xnor(variant, conv_shapes[s][0], conv_shapes[s][1], conv_shapes[s][2], conv_shapes[s][3],
                               conv_shapes[s][4], 0);
        static const size_t paired_shapes[][5] = {  // images, h, w, outputs, channels (taps two to a word)
            {1, 1, 1, 1, 1}, {3, 14, 14, 64, 32}, {2, 3, 5, 7, 17}, {1, 7, 4, 65, 31}, {2, 2, 9, 512, 32},
            {1, 4, 4, 513, 32}, {1, 5, 3, 3, 33},
        };
        for (size_t s = 0; s < sizeof paired_shapes / sizeof paired_shapes[0]; s++)
            check_conv3x3_xnor(variant, paired_shapes[s][0], paired_shapes[s][1], paired_shapes[s][2], 1,
                               paired_shapes[s][3], paired_shapes[s][4]);
        for (size_t s = 0; s < sizeof conv_shapes / sizeof conv_shapes[0]; s++)  // words per position as channels
            check_conv3x3_pixels(variant, conv_shapes[s][0], conv_shapes[s][1], conv_shapes[s][2], conv_shapes[s][3],
                                 conv_shapes[s][4]);
        check_conv3x3_pixels(variant, 2, 28, 28, 1, 32);
        check_conv3x3_pixels(variant, 1, 5, 6, 3, 16);  // the register rows (16, 32, 64 outputs) with channels
        check_conv3x3_pixels(variant, 2, 4, 4, 2, 32);
        check_conv3x3_pixels(variant, 1, 3, 7, 4, 64);
        // AVX2 byte pairs: 1 and 3 channels (compile-time pair counts), the loop (2, 5, 14), a block
        // of 32 outputs with a partial second one, w = 1 and 2, more than 14 channels (the loop above)
        check_conv3x3_pixels(variant, 2, 5, 5, 3, 40);
        check_conv3x3_pixels(variant, 1, 9, 2, 1, 70);
        check_conv3x3_pixels(variant, 3, 1, 1, 3, 1);
        check_conv3x3_pixels(variant, 1, 6, 5, 14, 33);
        check_conv3x3_pixels(variant, 1, 4, 5, 15, 8);
        check_conv3x3_pixels_filled(variant, 1, 3, 3, 14, 32, 1);  // 9 * 14 * 255 = 32130: the 16-bit bound
        check_conv3x3_pixels_filled(variant, 1, 3, 3, 14, 32, -1);
        check_conv3x3_pixels_filled(variant, 1, 3, 3, 15, 32, 1);  // 34425: past 16 bits, so not by pairs
        check_argument_errors(variant);
    }

    static const size_t pack_k[] = {1, 9, 63, 64, 65, 127, 784, 1000};
    for (size_t s = 0; s < sizeof pack_k / sizeof pack_k[0]; s++) check_pack_rows(1 + s % 3, pack_k[s]);
    // Blocks of 512 rows by strips of 128 columns: partial words, blocks and strips.
    static const size_t column_k[] = {1, 63, 64, 65, 130, 784, 1089}, column_n[] = {1, 9, 16, 17, 40, 70, 129, 300};
    for (size_t a = 0; a < sizeof column_k / sizeof column_k[0]; a++)
        for (size_t b = 0; b < sizeof column_n / sizeof column_n[0]; b++) check_pack_columns(column_k[a], column_n[b]);
    check_signed_zeros();
    static const size_t nibble_k[] = {1, 3, 4, 5, 63, 784}, nibble_n[] = {1, 2, 31, 32, 70, 1024};
    for (size_t a = 0; a < 6; a++)
        for (size_t b = 0; b < 6; b++) check_pack_weight_nibbles_f32(nibble_k[a], nibble_n[b]);
    check_pixels_from_scaled();
    static const size_t plane_k[] = {1, 15, 16, 17, 63, 64, 65, 784, 1000};
    for (size_t s = 0; s < sizeof plane_k / sizeof plane_k[0]; s++) check_pack_bitplanes(1 + s % 3, plane_k[s]);
    static const size_t popcount_n[] = {0, 1, 7, 64, 1000};
    for (size_t s = 0; s < 5; s++) check_popcount_words(popcount_n[s]);

    check_variant_names();
    check_active_variant();
    static const size_t loop_n[] = {1, 4, 7, 8, 16, 17, 33, 64, 1003};
    for (int variant = -1; variant < 4; variant++) {  // -1: the public functions
        T = variant < 0 ? &public_row : bnn_training_table(variant);
        if (!T) {
            if (bnn_variant_supported(variant)) mismatch("no training row for a supported variant");
            finish("training table refuses %s", variant_names[variant]);
            continue;
        }
        if (variant >= 0 && strcmp(T->name, variant_names[variant])) mismatch("row %d is named %s", variant, T->name);
        for (size_t s = 0; s < sizeof loop_n / sizeof loop_n[0]; s++)
            for (int clip = 0; clip < 2; clip++)
                for (int binary = 0; binary < 2; binary++) {
                    check_adam(loop_n[s], clip, binary);
                    check_sgd(loop_n[s], clip, binary);
                }
        for (size_t s = 0; s < sizeof loop_n / sizeof loop_n[0]; s++) check_activations(loop_n[s]);
        check_activations(0);
        static const size_t conv_f32_shapes[][5] = {  // images, h, w, cin, cout
            {1, 1, 1, 1, 1}, {2, 28, 28, 1, 32}, {1, 5, 3, 3, 7}, {3, 4, 6, 2, 33}, {1, 2, 9, 5, 64},
            {2, 14, 14, 32, 64}, {1, 7, 8, 17, 40}, {1, 3, 16, 65, 3},
        };
        for (size_t s = 0; s < sizeof conv_f32_shapes / sizeof conv_f32_shapes[0]; s++)
            for (int adjoint = 0; adjoint < 2; adjoint++)
                for (int one = 0; one < 2 - adjoint; one++)
                    check_conv3x3_f32(conv_f32_shapes[s][0], conv_f32_shapes[s][1], conv_f32_shapes[s][2],
                                      conv_f32_shapes[s][3], conv_f32_shapes[s][4], adjoint, one ? 1.0f : 0.0f);
        static const size_t gradient_shapes[][5] = {  // images, h, w, cin, n (5 x 14x14x32->64: several L2 chunks)
            {1, 1, 1, 1, 1}, {2, 5, 3, 1, 32}, {3, 4, 6, 2, 33}, {1, 3, 9, 5, 7}, {5, 14, 14, 32, 64}, {2, 7, 4, 17, 40},
            {2, 28, 28, 1, 32},
        };
        for (size_t s = 0; s < sizeof gradient_shapes / sizeof gradient_shapes[0]; s++)
            for (int one = 0; one < 2; one++)
            {
                for (int signs = 0; signs < 2; signs++)
                    check_weight_gradient(gradient_shapes[s][0], gradient_shapes[s][1], gradient_shapes[s][2],
                                          gradient_shapes[s][3], gradient_shapes[s][4], one ? 1.0f : 0.0f, signs);
            }
        static const size_t adjoint_shapes[][5] = {  // images, h, w, cin, cout (vector widths 4, 8, 16 and tails)
            {1, 1, 1, 1, 1}, {3, 14, 14, 32, 64}, {3, 5, 3, 3, 7}, {3, 4, 6, 2, 33}, {1, 2, 9, 5, 64},
            {3, 7, 8, 17, 40}, {1, 3, 16, 65, 3}, {3, 6, 17, 8, 4}, {1, 28, 28, 2, 6},
        };
        for (size_t s = 0; s < sizeof adjoint_shapes / sizeof adjoint_shapes[0]; s++)
            check_binary_input_gradient(adjoint_shapes[s][0], adjoint_shapes[s][1], adjoint_shapes[s][2],
                                        adjoint_shapes[s][3], adjoint_shapes[s][4]);
        static const size_t sign_gemm_shapes[][3] = {  // k, m, n (chunks of 16 and 8, tails, odd groups)
            {1, 1, 1}, {100, 3136, 256}, {256, 40, 100}, {7, 5, 3}, {129, 9, 17}, {5, 33, 40}, {132, 3, 8},
        };
        for (size_t s = 0; s < sizeof sign_gemm_shapes / sizeof sign_gemm_shapes[0]; s++)
            for (int transposed = 0; transposed < 2; transposed++)
                check_sign_gemm(sign_gemm_shapes[s][0], sign_gemm_shapes[s][1], sign_gemm_shapes[s][2], transposed);
        static const size_t pixel_gradient_shapes[][4] = {  // rows, k, n, first (chunks of 8, 16, 32 and tails)
            {1, 1, 1, 0}, {100, 784, 1024, 0}, {100, 784, 1024, 392}, {7, 5, 3, 0}, {33, 17, 40, 3},
            {3, 9, 17, 1}, {5, 12, 64, 4}, {2, 6, 15, 0}, {9, 3, 33, 2},
        };
        for (size_t s = 0; s < sizeof pixel_gradient_shapes / sizeof pixel_gradient_shapes[0]; s++)
            for (int black = 0; black < 3; black++)
                check_pixel_weight_gradient(pixel_gradient_shapes[s][0], pixel_gradient_shapes[s][1],
                                            pixel_gradient_shapes[s][2], pixel_gradient_shapes[s][3], black);
        static const size_t pooled_shapes[][4] = {  // images, h, w, n (vectors of 8 and scalar tails, odd sizes)
            {1, 2, 2, 1}, {5, 28, 28, 32}, {3, 5, 7, 3}, {3, 14, 14, 17}, {1, 1, 1, 8}, {3, 6, 9, 40},
        };
        for (size_t s = 0; s < sizeof pooled_shapes / sizeof pooled_shapes[0]; s++)
            check_pooled_weight_gradient(pooled_shapes[s][0], pooled_shapes[s][1], pooled_shapes[s][2], pooled_shapes[s][3]);
        static const size_t pool_shapes[][4] = {  // images, h, w, channels (vector widths 4, 8, 16 and tails)
            {1, 1, 1, 1}, {2, 28, 28, 32}, {3, 5, 7, 3}, {2, 14, 14, 64}, {1, 3, 2, 65}, {2, 4, 9, 17}, {1, 6, 6, 8},
        };
        for (size_t s = 0; s < sizeof pool_shapes / sizeof pool_shapes[0]; s++)
            check_maxpool(pool_shapes[s][0], pool_shapes[s][1], pool_shapes[s][2], pool_shapes[s][3]);
        static const size_t bn_shapes[][2] = {{1, 1}, {100, 1024}, {19600, 32}, {7, 10}, {33, 17}, {4900, 64}};
        for (size_t s = 0; s < sizeof bn_shapes / sizeof bn_shapes[0]; s++) check_batch_norm(bn_shapes[s][0], bn_shapes[s][1]);
    }
    static const size_t layout_shapes[][4] = {  // images, h, w, channels
        {1, 1, 1, 1}, {2, 28, 28, 1}, {3, 5, 7, 3}, {2, 14, 14, 32}, {1, 3, 2, 65}, {2, 4, 9, 6},
    };
    for (size_t s = 0; s < sizeof layout_shapes / sizeof layout_shapes[0]; s++) {
        for (int one = 0; one < 2; one++)
            check_im2col_padded(layout_shapes[s][0], layout_shapes[s][1], layout_shapes[s][2], layout_shapes[s][3],
                                one ? 1.0f : 0.0f);
    }

    check_xoshiro_reference();
    static const size_t random_n[] = {0, 1, 7, 100, 1000};
    static const float keeps[] = {0.5f, 0.8f, 0.9f, 1.0f};
    for (size_t s = 0; s < 5; s++) {
        check_stochastic_sign(random_n[s]);
        for (size_t k = 0; k < 4; k++) check_dropout(random_n[s], keeps[k]);
    }
    check_random_frequencies();

    if (failures) {
        printf("FAILED: %d of %d checks\n", failures, checks);
        return 1;
    }
    printf("ok: %d checks\n", checks);
    return 0;
}
