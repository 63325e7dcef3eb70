#!/usr/bin/env bash
# The project's test command (README): unit, reliability, end-to-end and concurrency tests.
#  1. build the bnn-tui binary (the end-to-end tests drive it in tmux);
#  2. every test target but the end-to-end one (debug build);
#  3. the end-to-end tests on their own and one at a time, so the processes and tmux
#     sessions they drive are not starved by the rest of the suite, nor by each other
#     (on 2 cores, parallel end-to-end tests timed out waiting for a 0.4 s child);
#  4. the concurrency tests again under ThreadSanitizer (own build folder), with the
#     forward-product tests (parallel packing and XNOR products inside training runs)
#     and the session tests (the control server's threads and clients, the followed files);
#  5. the C kernels against plain C references, natively and (when the cross compiler
#     and qemu are installed, as in CI) built for arm64 and run under qemu;
#  6. with FUZZ_SECONDS=N (CI sets it), every fuzz target for N seconds (docs/reliability.md).
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --product bnn-tui
swift test --skip EndToEndTests
swift test --skip-build --filter EndToEndTests --no-parallel
swift test --sanitize=thread --scratch-path .build-tsan \
    --filter 'TrainingRunTests|ConcurrencyTests|ForwardProductTests|ControlServerTests|MetricsFileFollowerTests'
if command -v aarch64-linux-gnu-gcc >/dev/null && command -v qemu-aarch64 >/dev/null; then
    bash scripts/arm64-kernels.sh
else
    echo "test.sh: arm64 check skipped (apt-get install gcc-aarch64-linux-gnu qemu-user); native C check only"
    tmp=$(mktemp -d)
    cc -O2 -fno-math-errno -ISources/CKernelDispatch/include -ISources/CBinaryKernels/include \
        -ISources/CTrainingKernels/include Sources/CKernelDispatch/*.c Sources/CBinaryKernels/*.c \
        Sources/CTrainingKernels/*.c Tests/CKernels/kernel_check.c -lm -o "$tmp/kernel_check"
    "$tmp/kernel_check" | tail -n 1
    rm -rf "$tmp"
fi
if [ -n "${FUZZ_SECONDS:-}" ]; then
    bash scripts/fuzz.sh "$FUZZ_SECONDS"
fi
