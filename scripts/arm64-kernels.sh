#!/usr/bin/env bash
# Shows that the C kernels (Sources/CKernelDispatch, Sources/CBinaryKernels,
# Sources/CTrainingKernels) build and pass their checks on arm64 without an arm64
# machine or Swift SDK (docs/kernels.md):
#  1. cross-compile the targets and Tests/CKernels/kernel_check.c with
#     aarch64-linux-gnu-gcc -O2 -static and run the program under qemu-aarch64,
#     once with BNN_KERNEL unset and once asking for avx2 (refused there: both
#     libraries must fall back to portable);
#  2. build and run the same check natively with the host compiler (${CC:-cc} -O2),
#     once per BNN_KERNEL value: each process proves both libraries run the variant
#     it asked for (or the best one, with the reason, when the CPU lacks it).
# Installs nothing: needs `apt-get install gcc-aarch64-linux-gnu qemu-user`.
# Exits non-zero if a tool is missing, a build fails or any check fails.
set -euo pipefail
cd "$(dirname "$0")/.."

for tool in aarch64-linux-gnu-gcc qemu-aarch64; do
    command -v "$tool" >/dev/null ||
        { echo "arm64-kernels.sh: $tool not found (apt-get install gcc-aarch64-linux-gnu qemu-user)" >&2; exit 1; }
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The kernel sources are compiled as they are (the compiler's default C dialect, as in
# SwiftPM, with Package.swift's -fno-math-errno); the check program as strict C11.
includes=(-ISources/CKernelDispatch/include -ISources/CBinaryKernels/include -ISources/CTrainingKernels/include)
build() {  # build COMPILER OUTPUT [extra flags...]
    local cc=$1 out=$2
    shift 2
    local objects=()
    for src in Sources/CKernelDispatch/*.c Sources/CBinaryKernels/*.c Sources/CTrainingKernels/*.c; do
        objects+=("$out.$(basename "$(dirname "$src")").$(basename "$src" .c).o")
        "$cc" -O2 -fno-math-errno -Wall -Wextra "$@" "${includes[@]}" -c "$src" -o "${objects[-1]}"
    done
    "$cc" -O2 -std=c11 -Wall -Wextra -pedantic "$@" "${includes[@]}" \
        Tests/CKernels/kernel_check.c "${objects[@]}" -lm -o "$out"
}

echo "== arm64: aarch64-linux-gnu-gcc -O2 -static, run under qemu-aarch64"
build aarch64-linux-gnu-gcc "$tmp/kernel_check-arm64" -static
file "$tmp/kernel_check-arm64" 2>/dev/null | sed 's/^[^:]*: /binary: /' || true
env -u BNN_KERNEL qemu-aarch64 "$tmp/kernel_check-arm64"
BNN_KERNEL=avx2 qemu-aarch64 "$tmp/kernel_check-arm64" | grep -E '^(FAIL|ok|BNN_KERNEL|pass BNN_KERNEL)'

echo "== native $(uname -m): ${CC:-cc} -O2"
build "${CC:-cc}" "$tmp/kernel_check-native"
env -u BNN_KERNEL "$tmp/kernel_check-native"
for variant in portable popcnt avx2 avx512; do
    echo "== native, BNN_KERNEL=$variant (summary)"
    BNN_KERNEL=$variant "$tmp/kernel_check-native" | grep -E '^(FAIL|ok:|pass BNN_KERNEL)'
done
