// The one instruction-set choice shared by both C kernel libraries
// (CBinaryKernels and CTrainingKernels).
//
// The kernels are compiled once per instruction set ("variant"). This file names
// the variants, says which ones the CPU can run, and decides once per process
// which one runs: the variant BNN_KERNEL names, else the fastest supported one.
// Each library keeps one table of function pointers indexed by bnn_variant
// (bnn_dispatch.c, training_kernels.c); adding a variant (e.g. NEON) means one
// enum value and one row in bnn_kernel_variants (bnn_kernel_dispatch.c), then a
// row in each library's table.
#ifndef BNN_KERNEL_DISPATCH_H
#define BNN_KERNEL_DISPATCH_H

#ifdef __cplusplus
extern "C" {
#endif

/// The instruction-set variants of the kernels, slowest to fastest.
typedef enum {
    BNN_VARIANT_PORTABLE = 0,  // plain C for the build's baseline
    BNN_VARIANT_POPCNT = 1,    // x86-64 POPCNT
    BNN_VARIANT_AVX2 = 2,      // x86-64 AVX2 + FMA + POPCNT
    BNN_VARIANT_AVX512 = 3,    // x86-64 AVX-512 F/VL/BW/DQ + VPOPCNTDQ
    BNN_VARIANT_COUNT = 4,
} bnn_variant;

enum {
    BNN_OK = 0,
    BNN_ERROR_UNSUPPORTED = -1,   // the CPU (or this build) cannot run the variant
    BNN_ERROR_BAD_ARGUMENT = -2,
    BNN_ERROR_UNKNOWN_NAME = -3,  // a name that is no variant
};

/// The environment variable that forces a variant in both libraries.
#define BNN_KERNEL_ENVIRONMENT "BNN_KERNEL"

/// 1 if this CPU (and this build) can run `variant`, else 0 (also for out-of-range values).
int bnn_variant_supported(int variant);

/// "portable", "popcnt", "avx2" or "avx512"; NULL for an out-of-range value.
const char *bnn_variant_name(int variant);

/// The fastest variant this CPU can run.
int bnn_variant_best(void);

/// Reads a BNN_KERNEL value: NULL, empty or blank means the best variant;
/// otherwise a variant name (case-insensitive, surrounding blanks ignored).
/// Stores the variant in *variant and returns BNN_OK, or returns
/// BNN_ERROR_UNKNOWN_NAME, or BNN_ERROR_UNSUPPORTED (then *variant is the named one).
int bnn_variant_parse(const char *text, int *variant);

/// The variant both libraries run in this process, decided on first use from
/// BNN_KERNEL (bnn_variant_parse) and never changed afterwards. When BNN_KERNEL
/// is unknown or unsupported here, this is the best variant and
/// bnn_active_variant_status() says why the request was not followed.
int bnn_active_variant(void);

/// BNN_OK, or the bnn_variant_parse error of this process's BNN_KERNEL.
int bnn_active_variant_status(void);

#ifdef __cplusplus
}
#endif
#endif
