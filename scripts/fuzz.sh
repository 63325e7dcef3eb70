#!/usr/bin/env bash
# Fuzz every loader of bnn-tui with libFuzzer for a bounded time (docs/reliability.md).
#
#   scripts/fuzz.sh [seconds-per-target] [target ...]     (default: 60 s, every target)
#
# Builds bnn-fuzz with -sanitize=fuzzer,address into .build-fuzz/ (release), then runs
# each target on its seed corpus Fuzz/Corpus/<target>/ (read only) plus a working corpus
# in .build-fuzz/corpus/<target>/ that grows from run to run. Inputs are capped at the
# target's own maximum length (bnn-fuzz list), memory at 1 GiB RSS / 512 MiB per malloc,
# one input at 10 s. Any crash, leak, timeout or out-of-memory input is copied into
# Fuzz/Crashes/<target>/ and the script exits 1 after running the remaining targets.
# Reproduce one with a readable stack: swift build --product bnn-fuzz &&
#   .build/debug/bnn-fuzz <target> Fuzz/Crashes/<target>/<file>
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-60}
shift $(( $# > 0 ? 1 : 0 ))
[[ $seconds =~ ^[0-9]+$ && $seconds -gt 0 ]] || { echo "fuzz.sh: seconds must be a positive integer" >&2; exit 2; }

scratch=.build-fuzz
build_start=$SECONDS
# lld: gold fails with an internal error on the ASan-instrumented link.
swift build -c release --scratch-path "$scratch" --product bnn-fuzz \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -DBNN_LIBFUZZER -Xswiftc -use-ld=lld
echo "fuzz.sh: build took $((SECONDS - build_start)) s"
bin="$scratch/release/bnn-fuzz"

# The Swift runtime's backtracer trips ASan inside its own crash handler; libFuzzer and ASan
# print the stack instead. Known leaks outside bnn-tui are suppressed (Fuzz/lsan.supp).
export SWIFT_BACKTRACE=enable=no
export LSAN_OPTIONS="suppressions=$PWD/Fuzz/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"

if (( $# > 0 )); then targets=("$@"); else mapfile -t targets < <("$bin" list | cut -f1); fi

failed=0
summary=$(printf '%-18s %12s %9s %6s %6s %8s  %s' target execs execs/s cov corpus rss_mb result)
for target in "${targets[@]}"; do
    max_len=$("$bin" list | awk -F'\t' -v t="$target" '$1 == t { print $2 }')
    [[ -n $max_len ]] || { echo "fuzz.sh: unknown target $target" >&2; exit 2; }
    work="$scratch/corpus/$target"
    artifacts="$scratch/artifacts/$target"
    log="$scratch/logs/$target.log"
    mkdir -p "$work" "$artifacts" "$(dirname "$log")"
    rm -f "$artifacts"/*

    echo "fuzz.sh: $target for $seconds s (max_len $max_len)"
    status=0
    "$bin" "$target" -max_total_time="$seconds" -max_len="$max_len" \
        -rss_limit_mb=1024 -malloc_limit_mb=512 -timeout=10 -print_final_stats=1 \
        -artifact_prefix="$artifacts/" "$work" "Fuzz/Corpus/$target" >"$log" 2>&1 &
    pid=$!
    wait "$pid" || status=$?
    rm -rf /dev/shm/bnn-fuzz-"$pid"-*   # a crashed process cannot remove its scratch folder

    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
    rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log")
    last=$(grep -E '^#[0-9]+' "$log" | tail -1 || true)
    cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
    corp=$(sed -n 's/.* corp: \([0-9]*\)\/.*/\1/p' <<<"$last")
    result=ok
    if (( status != 0 )) || compgen -G "$artifacts/*" >/dev/null; then
        failed=1
        mkdir -p "Fuzz/Crashes/$target"
        cp "$artifacts"/* "Fuzz/Crashes/$target/" 2>/dev/null || true
        result="FAILED (exit $status): $(ls "$artifacts" | tr '\n' ' ')→ Fuzz/Crashes/$target/"
        echo "---- $target: the finding (full log: $log)"
        grep -v -E '^#[0-9]+|NEW_FUNC' "$log" | grep -E -A30 'Fatal error|ERROR: |WARNING: Failed' | head -50
        echo "----"
    fi
    summary+=$'\n'$(printf '%-18s %12s %9s %6s %6s %8s  %s' "$target" "${execs:-?}" "${rate:-?}" \
        "${cov:-?}" "${corp:-?}" "${rss:-?}" "$result")
done

echo
echo "fuzz.sh: ${#targets[@]} targets, $seconds s each"
echo "$summary" | tee "$scratch/summary.txt"
exit "$failed"
