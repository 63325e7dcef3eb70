#!/usr/bin/env bash
# Measures how fast one run trains with the dashboard open, against the same
# run under `bnn-tui train`: the sum of epoch_seconds from each one's metrics,
# alternating the two a few times. Prints the speed ratio (dashboard / train).
#
#   scripts/bench-dashboard-overhead.sh [epochs] [rounds]   (release build)
set -euo pipefail
cd "$(dirname "$0")/.."
epochs=${1:-5}
rounds=${2:-3}
swift build -c release --product bnn-tui >/dev/null
bin="$PWD/.build/release/bnn-tui"
work=$(mktemp -d)
trap 'tmux -S "$work/sock" kill-server 2>/dev/null || true; rm -rf "$work"' EXIT
sum() { python3 -c 'import json,sys; print(sum(json.loads(l)["epoch_seconds"] for l in open(sys.argv[1])))' "$1"; }
train_total=0; dash_total=0
for r in $(seq "$rounds"); do
    rm -f "$work/t.jsonl" "$work/det.jsonl"
    "$bin" train --epochs "$epochs" --threads 2 --metrics "$work/t.jsonl" >/dev/null
    t=$(sum "$work/t.jsonl")
    tmux -S "$work/sock" new-session -d -x 160 -y 48 "$bin --runs det --epochs $epochs --threads 2 --metrics-dir $work"
    lines() { if [ -f "$work/det.jsonl" ]; then wc -l < "$work/det.jsonl"; else echo 0; fi; }
    while [ "$(lines)" -lt "$epochs" ]; do sleep 0.5; done
    tmux -S "$work/sock" send-keys q
    sleep 1
    d=$(sum "$work/det.jsonl")
    printf 'round %d: train %.2f s, dashboard %.2f s\n' "$r" "$t" "$d"
    train_total=$(python3 -c "print($train_total + $t)"); dash_total=$(python3 -c "print($dash_total + $d)")
done
python3 -c "t=$train_total; d=$dash_total; print(f'total: train {t:.2f} s, dashboard {d:.2f} s; dashboard speed = {t/d*100:.1f}% of train')"
