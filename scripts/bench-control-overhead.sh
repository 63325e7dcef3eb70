#!/usr/bin/env bash
# What serving the control socket costs a run that nobody attaches to (issue 14:
# at most 1% slower than `--no-control`). Runs the same short `bnn-tui train`
# (release build; default 784-1024-10, det, 2 epochs, the whole training set)
# alternately with `--no-control` (A) and with the default control socket and no
# client (B), A/B/A/B..., and prints the median of each, per measure, and the
# ratio B/A:
#   wall     the whole process, start to exit (data loading included);
#   training the sum of the metrics file's epoch_seconds (training + evaluation).
#
#   scripts/bench-control-overhead.sh [rounds] [more train options...]
#   scripts/bench-control-overhead.sh 7
#   scripts/bench-control-overhead.sh 1 --train-limit 2000 --eval-limit 500   # a quick check that it works
#
# Run it on a quiet machine: the two differ by less than the noise of a shared one.
# BNN_TUI=path uses that binary instead of building the release one.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-5}
[ $# -eq 0 ] || shift
case $rounds in ''|*[!0-9]*|0) echo "usage: scripts/bench-control-overhead.sh [rounds >= 1] [train options...]" >&2; exit 64 ;; esac
if [ -z "${BNN_TUI:-}" ]; then
    swift build -c release --product bnn-tui >/dev/null
    BNN_TUI="$PWD/.build/release/bnn-tui"
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -m 700 "$work/xdg"
run=(train --arch 784-1024-10 --mode det --epochs 2 "$@")
echo "bench-control-overhead: $BNN_TUI ${run[*]}, $rounds rounds (A = --no-control, B = control socket, no client)"
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg)"
# One timed run: prints "wall training" in seconds.
timed() {
    local metrics=$1; shift
    rm -f "$metrics"
    XDG_RUNTIME_DIR="$work/xdg" python3 - "$metrics" "$@" <<'PY'
import json, subprocess, sys, time
metrics, command = sys.argv[1], sys.argv[2:]
start = time.perf_counter()
subprocess.run(command + ["--metrics", metrics], check=True, stdout=subprocess.DEVNULL)
wall = time.perf_counter() - start
training = sum(json.loads(line)["epoch_seconds"] for line in open(metrics))
print(f"{wall:.3f} {training:.3f}")
PY
}
: > "$work/a"; : > "$work/b"
for r in $(seq "$rounds"); do
    a=$(timed "$work/a.jsonl" "$BNN_TUI" "${run[@]}" --no-control)
    b=$(timed "$work/b.jsonl" "$BNN_TUI" "${run[@]}")
    echo "$a" >> "$work/a"; echo "$b" >> "$work/b"
    printf 'round %d: A wall %s s training %s s · B wall %s s training %s s\n' "$r" $a $b
done
python3 - "$work/a" "$work/b" <<'PY'
import statistics, sys
def load(path): return [tuple(map(float, line.split())) for line in open(path)]
a, b = load(sys.argv[1]), load(sys.argv[2])
for i, name in enumerate(["wall", "training"]):
    ma = statistics.median(x[i] for x in a); mb = statistics.median(x[i] for x in b)
    print(f"median {name:8}: A --no-control {ma:.3f} s · B control socket {mb:.3f} s · B/A {mb / ma:.4f}")
PY
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
