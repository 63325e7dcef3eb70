#!/usr/bin/env bash
# Runs bnn-tui in a detached 160x48 tmux session, waits, and saves what the
# screen shows to a text file: for screenshots in docs and bug reports.
#
#   scripts/tmux-capture.sh [-s SECONDS] [-o FILE] [-x COLS] [-y ROWS] [-e] [-k KEYS] [-- BNN-TUI-ARGS...]
#
#   -s SECONDS  how long to let it run before capturing (default 10)
#   -o FILE     where to write the capture (default bnn-tui-capture.txt)
#   -x, -y      terminal size (default 160x48)
#   -e          keep colors and attributes (ANSI escapes; view with `less -R`)
#   -k KEYS     tmux key names to send just before capturing, e.g. -k "Tab Tab"
#
# The binary is $BNN_TUI_BINARY, else .build/debug/bnn-tui (run
# `swift build --product bnn-tui` first). The session uses its own tmux server
# on a private socket, so it never touches your tmux, and it is always
# cleaned up. bnn-tui is sent `q` after the capture and killed if it lingers.
set -euo pipefail

seconds=10
output=bnn-tui-capture.txt
cols=160
rows=48
escapes=()
keys=""
while getopts "s:o:x:y:ek:h" opt; do
    case "$opt" in
        s) seconds=$OPTARG ;;
        o) output=$OPTARG ;;
        x) cols=$OPTARG ;;
        y) rows=$OPTARG ;;
        e) escapes=(-e) ;;
        k) keys=$OPTARG ;;
        h) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "usage: $0 [-s SECONDS] [-o FILE] [-x COLS] [-y ROWS] [-e] [-k KEYS] [-- BNN-TUI-ARGS...]" >&2; exit 64 ;;
    esac
done
shift $((OPTIND - 1))

root="$(cd "$(dirname "$0")/.." && pwd)"
binary="${BNN_TUI_BINARY:-$root/.build/debug/bnn-tui}"
if ! command -v tmux >/dev/null 2>&1; then
    echo "tmux-capture: tmux is not installed" >&2; exit 1
fi
if [ ! -x "$binary" ]; then
    echo "tmux-capture: $binary not found; run \`swift build --product bnn-tui\` or set BNN_TUI_BINARY" >&2; exit 1
fi
case "$seconds" in ''|*[!0-9.]*) echo "tmux-capture: -s needs a number of seconds, got '$seconds'" >&2; exit 64 ;; esac

scratch="$(mktemp -d /tmp/bnn-capture.XXXXXX)"
socket="$scratch/socket"
cleanup() {
    tmux -S "$socket" kill-server 2>/dev/null || true
    rm -rf "$scratch"
}
trap cleanup EXIT

cat > "$scratch/tmux.conf" <<'CONF'
set -g status off
set -g default-terminal "screen-256color"
CONF

# Keep the pane open if bnn-tui exits early (an error message stays readable;
# tmux's own remain-on-exit would scroll the screen by a line).
command="$(printf '%q ' "$binary" "$@"); exec sleep 86400"
tmux -S "$socket" -f "$scratch/tmux.conf" new-session -d -s capture -x "$cols" -y "$rows" -c "$PWD" "$command"
sleep "$seconds"
if [ -n "$keys" ]; then
    # shellcheck disable=SC2086  # key names are separate words on purpose
    tmux -S "$socket" send-keys -t capture $keys
    sleep 0.5
fi

# Write next to the destination, then rename: never a half-written file.
partial="$(dirname "$output")/.$(basename "$output").partial"
tmux -S "$socket" capture-pane -p "${escapes[@]}" -t capture > "$partial"
mv "$partial" "$output"
echo "tmux-capture: wrote $output (${cols}x${rows}, after ${seconds}s)"

tmux -S "$socket" send-keys -t capture q 2>/dev/null || true
sleep 0.5
