#include "bnn_kernels.h"
