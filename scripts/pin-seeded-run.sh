#!/usr/bin/env bash
# Regenerates Tests/EndToEndTests/Fixtures/pinned-run.jsonl: the deterministic fields of a short
# seeded `bnn-tui train` run (det, stoch, float) that PinnedRunTests compares every build against.
# With a path argument it writes there instead (PinnedRunTests does, then compares).
# Regenerate the fixture only in a commit that changes the numbers on purpose, and say why in that commit.
# The run is made reproducible across CPUs: OpenBLAS is held to its Haswell kernels and both
# C kernel libraries to their AVX2 variants (BNN_KERNEL), with a fixed thread count.
set -euo pipefail
cd "$(dirname "$0")/.."
binary=${BNN_TUI_BINARY:-.build/debug/bnn-tui}
out=${1:-Tests/EndToEndTests/Fixtures/pinned-run.jsonl}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for mode in det stoch float; do
    OPENBLAS_CORETYPE=Haswell BNN_KERNEL=avx2 "$binary" train --arch 784-64-32-10 --epochs 3 --lr 0.003 --lr-end 0.0003 \
        --train-limit 2000 --eval-limit 500 --mode "$mode" --seed 7 --threads 2 \
        --data Data/BNNEmbeddedData/fashion-mnist-subset --metrics "$tmp/$mode.jsonl" >/dev/null
    cat "$tmp/$mode.jsonl"
done | python3 -c '
import json, sys
keep = ["run", "mode", "arch", "epoch", "lr", "train_loss", "train_error", "val_loss", "val_error", "test_loss",
        "test_error", "clip_fraction", "flip_ratio", "ste_cancel_fraction", "weight_histogram"]
for line in sys.stdin:
    record = json.loads(line)
    print(json.dumps({key: record[key] for key in keep if key in record}, sort_keys=True))
' > "$out"
echo "wrote $out ($(wc -l < "$out") epochs)"
