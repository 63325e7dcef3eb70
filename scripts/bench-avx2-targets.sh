#!/usr/bin/env bash
# The speed targets of the AVX2 work (docs/benchmarks.md, "Issue 16's targets"), measured in one
# go on this machine, each as a ratio taken side by side in one run, with the CPU named:
#
#   1. `bnn-tui bench --json`: XNOR GEMM 4096³ and GEMV 1x4096x4096 against OpenBLAS, the packed
#      784-1024-10 at batch 256 against the float model, the training forward products.
#   2. `bnn-tui eval --batch 1 --threads 1` of a 784-1024-10 det model trained one epoch here.
#   3. One epoch of 784-1024-10 det (2 epochs, training + evaluation) against PyTorch's training
#      pass (scripts/pytorch-reference.py; skipped when `import torch` fails: pip install torch).
#   4. scripts/bench-dashboard-three.sh: three runs in the dashboard against each alone.
#
#   scripts/bench-avx2-targets.sh [rounds of step 4, default 2]       (release build, ~5 minutes)
#
# It times whatever kernels this CPU picks; to stand in for an AVX2-only CPU on an AVX-512 one,
# run it with BNN_KERNEL=avx2 OPENBLAS_CORETYPE=Haswell (and say so beside the figures).
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-2}
swift build -c release --product bnn-tui >/dev/null
bin="$PWD/.build/release/bnn-tui"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
family=$(grep -m1 'cpu family' /proc/cpuinfo | cut -d: -f2 | tr -d ' ')
model=$(grep -m1 '^model[[:space:]]*:' /proc/cpuinfo | cut -d: -f2 | tr -d ' ')
avx512=$(grep -m1 -qw avx512f /proc/cpuinfo && echo yes || echo no)
echo "CPU: $cpu (family $family model $model), AVX-512: $avx512, $(nproc) cores"
echo "BNN_KERNEL=${BNN_KERNEL:-<unset>} OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-<unset>}"
echo

# verdict NAME MEASURED TARGET OP: one line, "met" when MEASURED OP TARGET (OP is >= or <=).
verdict() {
    python3 - "$@" <<'EOF'
import sys
name, measured, target, op = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
met = measured >= target if op == ">=" else measured <= target
print(f"{name:<52} {measured:>9.2f}   target {op} {target:<6g} {'met' if met else 'NOT MET'}")
EOF
}

echo "== bnn-tui bench (full)"
"$bin" bench --json > "$work/bench.json"
read -r gemm gemv packed fwd1024 fwd4096 kernel core < <(python3 - "$work/bench.json" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
def gemm(m, n, k):
    return next(e["ratio"] for e in d["gemm"] if (e["m"], e["n"], e["k"]) == (m, n, k))
def forward(m, n, k):
    return next(e["ratio"] for e in d["training_forward"] if (e["m"], e["n"], e["k"]) == (m, n, k))
packed = next(e["ratio"] for e in d["inference"] if e["arch"] == "784-1024-10" and e["batch"] == 256)
print(gemm(4096, 4096, 4096), gemm(1, 4096, 4096), packed, forward(100, 1024, 1024), forward(100, 4096, 4096),
      d["kernel"], d["openblas_core"])
EOF
)
echo "kernel $kernel, OpenBLAS core $core"
verdict "XNOR GEMM 4096^3 / sgemm" "$gemm" 8 ">="
verdict "GEMV 1x4096x4096 / sgemv" "$gemv" 25 ">="
verdict "packed 784-1024-10 / float, batch 256" "$packed" 3 ">="
echo "training forward 100x1024x1024: $(printf %.2f "$fwd1024")x sgemm, 100x4096x4096: $(printf %.2f "$fwd4096")x sgemm"
echo

echo "== eval --batch 1 --threads 1 (784-1024-10 det, one epoch)"
"$bin" train --arch 784-1024-10 --mode det --epochs 1 --no-control --save "$work/mlp.json" >/dev/null
"$bin" export "$work/mlp.json" --output "$work/mlp.bnn" >/dev/null
"$bin" eval "$work/mlp.bnn" --batch 1 --threads 1 > "$work/eval.txt"
perimage=$(grep -o '[0-9.]* µs per image' "$work/eval.txt" | cut -d' ' -f1)
verdict "eval batch 1, one thread: µs per image" "$perimage" 10 "<="
echo

echo "== 784-1024-10 det epoch against PyTorch's training pass (2 epochs each, ours first)"
"$bin" train --arch 784-1024-10 --mode det --epochs 2 --no-control --metrics "$work/mlp.jsonl" >/dev/null
ours=$(python3 -c 'import json,sys; e=[json.loads(l)["epoch_seconds"] for l in open(sys.argv[1])]; print(sum(e)/len(e))' "$work/mlp.jsonl")
if python3 -c 'import torch' 2>/dev/null; then
    theirs=$(python3 scripts/pytorch-reference.py --arch mlp --epochs 2 | grep -o 'training pass [0-9.]* s' | awk '{print $3}' \
        | python3 -c 'import sys; v=[float(x) for x in sys.stdin.read().split()]; print(sum(v)/len(v))')
    echo "ours $(printf %.2f "$ours") s an epoch, PyTorch $(printf %.2f "$theirs") s"
    verdict "our epoch / PyTorch's training pass" "$(python3 -c "print($ours/$theirs)")" 0.30 "<="
else
    echo "ours $(printf %.2f "$ours") s an epoch; PyTorch skipped (python3 cannot import torch: pip install torch)"
fi
echo

echo "== three runs in the dashboard against each alone ($rounds rounds)"
scripts/bench-dashboard-three.sh 2 "$rounds" | tee "$work/three.txt"
python3 - "$work/three.txt" <<'EOF'
import re, sys
ratios = [float(r) for r in re.findall(r"= ([0-9.]+)x", open(sys.argv[1]).read())]
within = sum(r <= 1.6 for r in ratios)
print(f"{'three runs: epoch in three / alone':<52} {min(ratios):>5.2f}-{max(ratios):.2f}   target <= 1.6    "
      f"{within} of {len(ratios)} within")
EOF
