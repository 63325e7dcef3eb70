#!/usr/bin/env bash
# The project's test command (README): unit, end-to-end and concurrency tests.
#  1. every test target, debug build;
#  2. the concurrency tests again under ThreadSanitizer (separate build folder).
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --product bnn-tui
swift test
