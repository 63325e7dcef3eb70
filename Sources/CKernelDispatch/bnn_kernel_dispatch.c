// CPU detection and the once-per-process choice of the kernel variant.
#include "bnn_kernel_dispatch.h"
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/// Whether the CPU has what a variant needs: one function per row of the table.
static int cpu_always(void) { return 1; }
#if defined(__x86_64__)
static int cpu_popcnt(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("popcnt");
}
static int cpu_avx2(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("popcnt");
}
static int cpu_avx512(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
           __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq") &&
           __builtin_cpu_supports("avx512vpopcntdq") && cpu_avx2();
}
#endif

/// The variants: name and CPU check, indexed by bnn_variant. A variant this
/// build does not compile (x86 ones off x86-64) has no check and is never supported.
static const struct {
    const char *name;
    int (*cpu_has)(void);
} bnn_kernel_variants[BNN_VARIANT_COUNT] = {
    [BNN_VARIANT_PORTABLE] = {"portable", cpu_always},
#if defined(__x86_64__)
    [BNN_VARIANT_POPCNT] = {"popcnt", cpu_popcnt},
    [BNN_VARIANT_AVX2] = {"avx2", cpu_avx2},
    [BNN_VARIANT_AVX512] = {"avx512", cpu_avx512},
#else
    [BNN_VARIANT_POPCNT] = {"popcnt", NULL},
    [BNN_VARIANT_AVX2] = {"avx2", NULL},
    [BNN_VARIANT_AVX512] = {"avx512", NULL},
#endif
};

int bnn_variant_supported(int variant) {
    if (variant < 0 || variant >= BNN_VARIANT_COUNT) return 0;
    return bnn_kernel_variants[variant].cpu_has && bnn_kernel_variants[variant].cpu_has() ? 1 : 0;
}

const char *bnn_variant_name(int variant) {
    return variant >= 0 && variant < BNN_VARIANT_COUNT ? bnn_kernel_variants[variant].name : NULL;
}

int bnn_variant_best(void) {
    for (int v = BNN_VARIANT_COUNT - 1; v > 0; v--)
        if (bnn_variant_supported(v)) return v;
    return BNN_VARIANT_PORTABLE;
}

int bnn_variant_parse(const char *text, int *variant) {
    *variant = bnn_variant_best();
    if (!text) return BNN_OK;
    while (isspace((unsigned char)*text)) text++;
    size_t length = strlen(text);
    while (length > 0 && isspace((unsigned char)text[length - 1])) length--;
    if (length == 0) return BNN_OK;
    for (int v = 0; v < BNN_VARIANT_COUNT; v++) {
        const char *name = bnn_kernel_variants[v].name;
        if (strlen(name) != length) continue;
        size_t i = 0;
        while (i < length && tolower((unsigned char)text[i]) == name[i]) i++;
        if (i < length) continue;
        *variant = v;
        return bnn_variant_supported(v) ? BNN_OK : BNN_ERROR_UNSUPPORTED;
    }
    return BNN_ERROR_UNKNOWN_NAME;
}

// The decision, packed as variant | (status + 8) << 8 (> 0 once made). Both the
// CPU and the environment are read-only here, so concurrent first calls reach
// the same value; relaxed atomics keep them race-free.
static int bnn_decision;

static int bnn_decide(void) {
    int value = __atomic_load_n(&bnn_decision, __ATOMIC_RELAXED);
    if (value == 0) {
        int variant;
        const int status = bnn_variant_parse(getenv(BNN_KERNEL_ENVIRONMENT), &variant);
        if (status != BNN_OK) variant = bnn_variant_best();
        value = variant | (status + 8) << 8;
        __atomic_store_n(&bnn_decision, value, __ATOMIC_RELAXED);
    }
    return value;
}

int bnn_active_variant(void) { return bnn_decide() & 0xFF; }

int bnn_active_variant_status(void) { return (bnn_decide() >> 8) - 8; }
