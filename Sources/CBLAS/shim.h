// OpenBLAS's CBLAS interface (float GEMM for the float paths of training).
// On Debian the header lives at /usr/include/x86_64-linux-gnu/cblas.h.
#if defined(__APPLE__)
#include <cblas.h>
#else
#include <cblas.h>
#endif
