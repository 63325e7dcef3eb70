#!/usr/bin/env bash
# Builds a model exported with `bnn-tui export --format c` on real compilers and compares its
# predictions with `bnn-tui eval --predictions` (docs/deploy.md):
#  1. native: cc -std=c99 -Wall -Wextra -Werror -pedantic -O2, every image;
#  2. arm64 (little-endian): aarch64-linux-gnu-gcc -static, run under qemu-aarch64;
#  3. s390x (big-endian): s390x-linux-gnu-gcc -static, run under qemu-s390x;
#  4. Cortex-M4: arm-none-eabi-gcc -mcpu=cortex-m4 -mthumb -Os; the object may call nothing but
#     memset/memcpy (<string.h>); linked with -nostdlib and newlib's libc for those, bnn_predict
#     as the entry; then arm-none-eabi-size: text, rodata, data, bss of the linked image, and the
#     model's RAM (BNN_SCRATCH_BYTES).
# MLPs and ConvNets alike: the first line names the model's architecture (from the header).
# Usage: c-export-check.sh MODEL_DIR PIXELS_FILE PREDICTIONS_FILE
#   PIXELS_FILE: the test images' raw pixels back to back; PREDICTIONS_FILE: eval --predictions.
#   CROSS_IMAGES=N runs only the first N images under qemu (default: all).
# A missing cross tool is reported ("skipped: ...") and skips only that step.
# Exits non-zero if a build fails or any prediction differs.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
[ $# -eq 3 ] || { echo "usage: $0 MODEL_DIR PIXELS_FILE PREDICTIONS_FILE" >&2; exit 64; }
model=$1 pixels=$2 expected=$3
input_size=$(sed -n 's/^#define BNN_INPUT_SIZE \([0-9]*\)$/\1/p' "$model/bnn_model.h")
scratch_bytes=$(sed -n 's/^#define BNN_SCRATCH_BYTES \([0-9]*\)$/\1/p' "$model/bnn_model.h")
[ -n "$input_size" ] && [ -n "$scratch_bytes" ] || { echo "$model/bnn_model.h: no BNN_INPUT_SIZE or BNN_SCRATCH_BYTES" >&2; exit 1; }
echo "model: $(sed -n 's/^ \* Architecture: *//p' "$model/bnn_model.h")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
strict=(-std=c99 -Wall -Wextra -Werror -pedantic)
driver="$root/Tests/CExport/predict_images.c"

compare() {  # compare NAME RUNNER... : runs the program on the pixels, compares with the reference
    local name=$1 images=$2
    shift 2
    if [ "$images" = all ]; then cp "$pixels" "$tmp/pixels"; cp "$expected" "$tmp/expected"
    else head -c $((images * input_size)) "$pixels" >"$tmp/pixels"; head -n "$images" "$expected" >"$tmp/expected"; fi
    "$@" "$tmp/pixels" >"$tmp/got" 2>/dev/null
    local n; n=$(wc -l <"$tmp/expected")
    if cmp -s "$tmp/got" "$tmp/expected"; then
        echo "$name: $n of $n predictions identical"
    else
        echo "$name: predictions differ from eval --predictions ($(diff "$tmp/got" "$tmp/expected" | grep -c '^<') of $n)" >&2
        exit 1
    fi
}

have() { command -v "$1" >/dev/null; }

cc=${CC:-cc}
"$cc" "${strict[@]}" -O2 -I"$model" "$model/bnn_model.c" "$driver" -o "$tmp/native"
compare "native $(uname -m) ($cc -O2)" all "$tmp/native"

cross=${CROSS_IMAGES:-all}
if have aarch64-linux-gnu-gcc && have qemu-aarch64; then
    aarch64-linux-gnu-gcc "${strict[@]}" -O2 -static -I"$model" "$model/bnn_model.c" "$driver" -o "$tmp/arm64"
    compare "arm64 little-endian (aarch64-linux-gnu-gcc -O2, qemu-aarch64)" "$cross" qemu-aarch64 "$tmp/arm64"
else
    echo "arm64: skipped: aarch64-linux-gnu-gcc or qemu-aarch64 missing (apt-get install gcc-aarch64-linux-gnu qemu-user)"
fi
if have s390x-linux-gnu-gcc && have qemu-s390x; then
    s390x-linux-gnu-gcc "${strict[@]}" -O2 -static -I"$model" "$model/bnn_model.c" "$driver" -o "$tmp/s390x"
    compare "s390x big-endian (s390x-linux-gnu-gcc -O2, qemu-s390x)" "$cross" qemu-s390x "$tmp/s390x"
else
    echo "s390x: skipped: s390x-linux-gnu-gcc or qemu-s390x missing (apt-get install gcc-s390x-linux-gnu libc6-dev-s390x-cross qemu-user)"
fi
if have arm-none-eabi-gcc && have arm-none-eabi-size; then
    m4=(-mcpu=cortex-m4 -mthumb -Os -ffunction-sections -fdata-sections)
    arm-none-eabi-gcc "${strict[@]}" "${m4[@]}" -I"$model" -c "$model/bnn_model.c" -o "$tmp/m4.o"
    undefined=$(arm-none-eabi-nm -u "$tmp/m4.o" | awk '{ print $2 }' | grep -vx -e memset -e memcpy || true)
    [ -z "$undefined" ] || { echo "cortex-m4: bnn_model.o needs more than <string.h>: $undefined" >&2; exit 1; }
    arm-none-eabi-gcc "${m4[@]}" -nostdlib -Wl,--gc-sections -Wl,-e,bnn_predict -Wl,-u,bnn_class_name \
        "$tmp/m4.o" -lc -o "$tmp/m4.elf"
    arm-none-eabi-size -A "$tmp/m4.elf" | awk -v scratch="$scratch_bytes" '
        $1 == ".text" { text = $2 } $1 ~ /^\.rodata/ { rodata += $2 } $1 == ".data" { data = $2 } $1 == ".bss" { bss = $2 }
        END { printf "cortex-m4 (arm-none-eabi-gcc -mcpu=cortex-m4 -mthumb -Os, -nostdlib + memset): text %d rodata %d data %d bss %d bytes; RAM: BNN_SCRATCH_BYTES %d\n", text, rodata, data, bss, scratch }'
else
    echo "cortex-m4: skipped: arm-none-eabi-gcc missing (apt-get install gcc-arm-none-eabi libnewlib-arm-none-eabi)"
fi
