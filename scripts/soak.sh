#!/usr/bin/env bash
# Soak test (not part of CI): the dashboard open in tmux for many epochs on a
# small subset, sampling the process's resident memory. Memory must not grow
# by more than a few MB once the first epochs are done.
#
#   scripts/soak.sh [epochs] [arch]      (default 300 epochs, 784-1024-10; release build)
set -euo pipefail
cd "$(dirname "$0")/.."
epochs=${1:-300}
arch=${2:-784-1024-10}
swift build -c release --product bnn-tui >/dev/null
bin="$PWD/.build/release/bnn-tui"
work=$(mktemp -d)
trap 'tmux -S "$work/sock" kill-server 2>/dev/null || true; rm -rf "$work"' EXIT
tmux -S "$work/sock" new-session -d -x 160 -y 48 \
    "$bin --arch $arch --epochs $epochs --train-limit 2000 --eval-limit 1000 --metrics-dir $work"
sleep 2
# The bnn-tui process itself (not the tmux server, whose command line also names the folder).
pid=$(pgrep -f -- "^$bin --arch .*--metrics-dir $work" | head -n 1)
[ -n "$pid" ] || { echo "soak: bnn-tui did not start" >&2; exit 1; }
rss() { awk '/VmRSS/ { print $2 }' "/proc/$pid/status"; }
epochs_done() { if [ -f "$work/det.jsonl" ]; then wc -l < "$work/det.jsonl"; else echo 0; fi; }
start=$(date +%s)
baseline=""; max=0; samples="$work/rss.txt"
while kill -0 "$pid" 2>/dev/null; do
    done_epochs=$(epochs_done)
    kb=$(rss)
    echo "$done_epochs $kb" >> "$samples"
    [ "$kb" -gt "$max" ] && max=$kb
    # The baseline: resident memory once 10 epochs are done (buffers and caches warmed up).
    if [ -z "$baseline" ] && [ "$done_epochs" -ge 10 ]; then baseline=$kb; fi
    if [ "$done_epochs" -ge "$epochs" ] && [ "$(wc -l < "$work/float.jsonl")" -ge "$epochs" ] \
        && [ "$(wc -l < "$work/stoch.jsonl")" -ge "$epochs" ]; then break; fi
    sleep 1
done
final=$(rss)
tmux -S "$work/sock" send-keys q
elapsed=$(( $(date +%s) - start ))
echo "soak: $epochs epochs of det, stoch and float ($arch, 2,000 training images) in ${elapsed} s"
echo "soak: resident memory after 10 epochs ${baseline:-?} KiB, at the end ${final} KiB, peak ${max} KiB"
if [ -n "$baseline" ]; then
    growth=$(( final - baseline ))
    echo "soak: growth after warm-up: ${growth} KiB"
    [ "$growth" -lt 8192 ] || { echo "soak: FAIL: resident memory grew by more than 8 MiB" >&2; exit 1; }
fi
