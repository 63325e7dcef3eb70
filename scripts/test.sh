#!/usr/bin/env bash
# The project's test command (README): unit, reliability, end-to-end and concurrency tests.
#  1. build the bnn-tui binary (the end-to-end tests drive it in tmux);
#  2. every test target but the end-to-end one (debug build);
#  3. the end-to-end tests on their own, so the processes and tmux sessions they
#     drive are not starved by the rest of the suite running in parallel;
#  4. the concurrency tests again under ThreadSanitizer (own build folder), with the
#     forward-product tests (parallel packing and XNOR products inside training runs);
#  5. with FUZZ_SECONDS=N (CI sets it), every fuzz target for N seconds (docs/reliability.md).
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --product bnn-tui
swift test --skip EndToEndTests
swift test --skip-build --filter EndToEndTests
swift test --sanitize=thread --scratch-path .build-tsan --filter 'TrainingRunTests|ConcurrencyTests|ForwardProductTests'
if [ -n "${FUZZ_SECONDS:-}" ]; then
    bash scripts/fuzz.sh "$FUZZ_SECONDS"
fi
