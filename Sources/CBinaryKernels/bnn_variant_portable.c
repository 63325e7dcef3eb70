// Portable variant: plain C for the baseline instruction set of the build
// (on x86-64 the popcount is a bit trick; on arm64 it becomes cnt). Always available.
#include "bnn_internal.h"

#define BNN_SCALAR_ATTR
#define BNN_SCALAR_TILE_NAME bnn_tile_portable
#define BNN_SCALAR_PLANE_TILE_NAME bnn_plane_tile_portable
#include "bnn_scalar_tile.h"

#define BNN_SUFFIX portable
#define BNN_ATTR
#define BNN_MR 2
#define BNN_NR 4
#define BNN_GEMV_NR 4
#define BNN_TILE(MR, NR, a, lda, b, ldb, kw, out) bnn_tile_portable(MR, NR, a, lda, b, ldb, kw, out)
#define BNN_PMR 2
#define BNN_PNR 2
#define BNN_PLANE_GEMV_NR 4
#define BNN_PLANE_TILE(MR, NR, p, ldp, b, ldb, kw, out) bnn_plane_tile_portable(MR, NR, p, ldp, b, ldb, kw, out)
#define BNN_COMPARE64(s, t, count) bnn_compare64_scalar(s, t, count)
#include "bnn_driver_template.h"
