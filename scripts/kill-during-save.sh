#!/usr/bin/env bash
# Kill -9 a process that saves checkpoints, at random moments, and check the checkpoint
# after every kill (docs/reliability.md). The same check as ReliabilityTests'
# KillDuringSaveTests, for longer soaks and by hand.
#
#   scripts/kill-during-save.sh [rounds] [--in-place]        (default: 100 rounds)
#
# Each round starts `bnn-save-loop` (saving checkpoints of one run to the same path in a
# loop), kills it with SIGKILL 0-150 ms after it is ready, then loads the checkpoint: it
# must load and be the last save that finished or the one in flight (or, if no save of
# this round finished, the previous round's file). Temporary files left by a kill inside
# AtomicFile.write are counted and deleted. --in-place makes the helper overwrite the file
# non-atomically instead (negative control): then some rounds must fail.
# Exits 1 if any round failed.
set -euo pipefail
cd "$(dirname "$0")/.."

rounds=${1:-100}
mode=${2:-}
[[ $rounds =~ ^[0-9]+$ && $rounds -gt 0 ]] || { echo "kill-during-save.sh: rounds must be a positive integer" >&2; exit 2; }
[[ -z $mode || $mode == --in-place ]] || { echo "kill-during-save.sh: unknown option $mode" >&2; exit 2; }

swift build --product bnn-save-loop >/dev/null
bin="$(swift build --show-bin-path)/bnn-save-loop"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
checkpoint="$dir/run.ckpt"

loaded=0 missing=0 failed=0 inside_write=0 saves=0 previous=""
for round in $(seq 1 "$rounds"); do
    progress="$dir/progress-$round"
    "$bin" "$checkpoint" "$progress" $mode &
    pid=$!
    until grep -qx ready "$progress" 2>/dev/null; do sleep 0.001; done
    sleep "0.$(printf '%03d' $((RANDOM % 150)))"
    kill -9 "$pid"
    wait "$pid" 2>/dev/null || true

    finished=$(grep -c '^saved ' "$progress" || true)
    saves=$((saves + finished))
    if compgen -G "$dir/.run.ckpt.tmp-$pid-*" >/dev/null; then inside_write=$((inside_write + 1)); fi
    rm -f "$dir"/.run.ckpt.tmp-"$pid"-* "$checkpoint.staging"

    status=0
    result=$("$bin" verify "$checkpoint") || status=$?
    if (( status == 3 )) && [[ -z $previous ]] && (( finished == 0 )); then
        missing=$((missing + 1)); continue
    fi
    number=${result#save }
    if (( status == 0 )) && { (( number == finished || number == finished + 1 )) ||
                              { (( finished == 0 )) && [[ $number == "$previous" ]]; }; }; then
        loaded=$((loaded + 1)); previous=$number
    else
        failed=$((failed + 1)); previous=""
        echo "round $round: $finished saves finished, checkpoint: $result"
    fi
done

echo "kill-during-save.sh${mode:+ $mode}: $rounds kills, $loaded checkpoints loaded and current," \
     "$missing before any file existed, $failed bad; $inside_write kills inside AtomicFile.write" \
     "(temporary file left, deleted), $saves saves finished"
(( failed == 0 ))
