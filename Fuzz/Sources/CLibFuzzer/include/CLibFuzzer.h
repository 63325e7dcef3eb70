// libFuzzer's driver entry point, declared for Swift.
//
// bnn-fuzz has its own main (it also replays corpora without libFuzzer), so a
// libFuzzer build calls this instead of linking libFuzzer's main. The symbol
// exists only when linking with -sanitize=fuzzer: Swift code must call it only
// under `#if BNN_LIBFUZZER`.
#ifndef BNN_CLIBFUZZER_H
#define BNN_CLIBFUZZER_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv,
                        int (*callback)(const uint8_t *data, size_t size));

#endif
