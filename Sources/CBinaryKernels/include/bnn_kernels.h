// XNOR-popcount kernels over bit-packed ±1 matrices (bit 1 means +1).
// Compiled for several instruction sets and chosen at run time.
#ifndef BNN_KERNELS_H
#define BNN_KERNELS_H
#include <stdint.h>
#include <stddef.h>
#endif
