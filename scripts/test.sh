#!/usr/bin/env bash
# The project's test command (README): unit, end-to-end and concurrency tests.
#  1. build the bnn-tui binary (the end-to-end tests drive it in tmux);
#  2. every test target (debug build);
#  3. the concurrency tests again under ThreadSanitizer (own build folder).
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --product bnn-tui
swift test
swift test --sanitize=thread --scratch-path .build-tsan --filter 'TrainingRunTests|ConcurrencyTests'
