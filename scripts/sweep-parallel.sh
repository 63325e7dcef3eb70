#!/usr/bin/env bash
# A learning-rate x mode sweep on one machine with GNU parallel (docs/sweeps.md).
#
#   scripts/sweep-parallel.sh OUT_DIR [more train options...]
#
# Runs one `bnn-tui train` per (mode, learning rate), JOBS at a time, each writing
# OUT_DIR/<mode>-lr<rate>.jsonl (and its epoch lines to OUT_DIR/<mode>-lr<rate>.log).
# Follow them all with `bnn-tui watch OUT_DIR`; steer one with `bnn-tui attach`
# (every run serves its default control socket). Variables:
#   MODES (default "det stoch float"), LRS (default "0.001 0.003 0.01"),
#   JOBS (default 2), THREADS per run (default 1), BNN_TUI (default bnn-tui).
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: scripts/sweep-parallel.sh OUT_DIR [train options...]" >&2; exit 64; }
out=$1; shift
mkdir -p "$out"
# --halt now,fail=1: the first failing run stops the sweep with its status.
parallel --jobs "${JOBS:-2}" --halt now,fail=1 --joblog "$out/joblog" \
    "${BNN_TUI:-bnn-tui}" train --mode {1} --lr {2} --name {1}-lr{2} --threads "${THREADS:-1}" \
    --metrics "$out/{1}-lr{2}.jsonl" "$@" '>' "$out/{1}-lr{2}.log" \
    ::: ${MODES:-det stoch float} ::: ${LRS:-0.001 0.003 0.01}
