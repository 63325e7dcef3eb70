// The part of zlib that BNNData uses to read gzip-compressed IDX files.
#include <zlib.h>
