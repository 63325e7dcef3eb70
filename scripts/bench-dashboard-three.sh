#!/usr/bin/env bash
# Issue 16's dashboard figure: three runs side by side (det, stoch and float on two cores,
# one thread each) against each run alone in the dashboard with the one thread it gets among
# the three. Per round it starts each run alone, then the three together, in tmux (160x48),
# and reads epoch_seconds from the metrics files. Prints, per run, the mean epoch alone and
# in three, their ratio, and the ratio of its slowest epoch in three to the mean alone (the
# ideal, three one-thread runs on two cores, is 1.5; a run's last epochs may run faster once
# another run has finished).
#
#   scripts/bench-dashboard-three.sh [epochs] [rounds] [bnn-tui arguments...]   (release build)
set -euo pipefail
cd "$(dirname "$0")/.."
epochs=${1:-2}
rounds=${2:-2}
shift $(( $# < 2 ? $# : 2 ))
swift build -c release --product bnn-tui >/dev/null
bin="$PWD/.build/release/bnn-tui"
work=$(mktemp -d)
trap 'tmux -S "$work/sock" kill-server 2>/dev/null || true; rm -rf "$work"' EXIT
mean() { python3 -c 'import json,sys; e=[json.loads(l)["epoch_seconds"] for l in open(sys.argv[1])]; print(sum(e)/len(e))' "$1"; }
slowest() { python3 -c 'import json,sys; print(max(json.loads(l)["epoch_seconds"] for l in open(sys.argv[1])))' "$1"; }
# dashboard DIR RUNS THREADS: trains RUNS in the dashboard until every run has its epochs, then quits.
dashboard() {
    local dir=$1 runs=$2 threads=$3
    shift 3
    mkdir -p "$dir"
    tmux -S "$work/sock" new-session -d -x 160 -y 48 \
        "$bin --runs $runs --epochs $epochs --threads $threads --metrics-dir $dir $*"
    for run in ${runs//,/ }; do
        while [ "$( [ -f "$dir/$run.jsonl" ] && wc -l < "$dir/$run.jsonl" || echo 0)" -lt "$epochs" ]; do sleep 0.5; done
    done
    tmux -S "$work/sock" send-keys q
    while tmux -S "$work/sock" has-session 2>/dev/null; do sleep 0.2; done
}
extra=("$@")
for r in $(seq "$rounds"); do
    line="round $r:"
    for run in det stoch float; do
        rm -rf "$work/alone"
        dashboard "$work/alone" "$run" 1 "${extra[@]}"
        eval "alone_$run=$(mean "$work/alone/$run.jsonl")"
    done
    rm -rf "$work/three"
    dashboard "$work/three" det,stoch,float 2 "${extra[@]}"
    for run in det stoch float; do
        alone_var="alone_$run"
        three=$(mean "$work/three/$run.jsonl") worst=$(slowest "$work/three/$run.jsonl")
        line+=$(python3 -c "a=${!alone_var}; t=$three; w=$worst; print(f'  $run {a:.2f} / {t:.2f} s = {t/a:.2f}x (slowest {w/a:.2f}x)', end='')")
    done
    echo "$line"
done
