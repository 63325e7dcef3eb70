// POPCNT variant: 64-bit XOR and the popcnt instruction, scalar register tile.
#if defined(__x86_64__)
#include "bnn_internal.h"

#define BNN_SCALAR_ATTR __attribute__((target("popcnt")))
#define BNN_SCALAR_TILE_NAME bnn_tile_popcnt
#define BNN_SCALAR_PLANE_TILE_NAME bnn_plane_tile_popcnt
#include "bnn_scalar_tile.h"

#define BNN_SUFFIX popcnt
#define BNN_ATTR BNN_SCALAR_ATTR
#ifndef BNN_POPCNT_MR
#define BNN_POPCNT_MR 2
#endif
#ifndef BNN_POPCNT_NR
#define BNN_POPCNT_NR 4
#endif
#define BNN_MR BNN_POPCNT_MR
#define BNN_NR BNN_POPCNT_NR
#define BNN_GEMV_NR 4
#define BNN_TILE(MR, NR, a, lda, b, ldb, kw, out) bnn_tile_popcnt(MR, NR, a, lda, b, ldb, kw, out)
#define BNN_PMR 2
#define BNN_PNR 2
#define BNN_PLANE_GEMV_NR 4
#define BNN_PLANE_TILE(MR, NR, p, ldp, b, ldb, kw, out) bnn_plane_tile_popcnt(MR, NR, p, ldp, b, ldb, kw, out)
#define BNN_COMPARE64(s, t, count) bnn_compare64_scalar(s, t, count)
#include "bnn_driver_template.h"
#endif
