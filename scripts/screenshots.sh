#!/usr/bin/env bash
# scripts/screenshots.sh: make the PNGs in screenshots/ from the real `linedb` in a real terminal.
#
#   scripts/screenshots.sh [OUTDIR]          # default OUTDIR: screenshots/ (in the repository)
#
# Run it after a visible change to the browser, look at the pictures, and commit them with the change.
#
# What it does:
#   1. Installs what is missing from Debian's packages (apt-get, as root or through sudo): xvfb, xterm,
#      imagemagick, xdotool, tmux, and fonts for the demo's names: fonts-dejavu-core (the terminal font),
#      fonts-wqy-microhei (Chinese, Japanese, Korean) and fonts-symbola (emoji, in black and white: xterm draws
#      no colour emoji). Nothing is installed when everything is there.
#   2. Builds `linedb` (`swift build --product linedb`; SHOTS_SCRATCH picks the --scratch-path, default .build)
#      and copies the demo database into a temporary directory with `linedb demo` (the repository's own
#      ./data is never touched).
#   3. Starts a virtual X display (Xvfb) and, for each picture, an xterm of a fixed size running the browser
#      inside tmux (no status bar): tmux's send-keys types the keys and capture-pane tells when the screen
#      shows what the picture needs; ImageMagick's `import -window` then captures the xterm window.
#
# The pictures (120x32 characters unless said):
#   main.png       (150x36) the four panes: tables, the student records, the schema, the WAL; status line, key hints
#   edit.png       editing a cell in place (course MA101's title)
#   pending.png    `p`: pending changes previewed as the WAL entries a save would write
#   help.png       `?`: every key
#   live.png       read-only, following another process (`linedb insert` fed one record a second) live;
#                  its WAL times are the clock's, so this one picture changes on every run
#   narrow.png     the same database in an 80x24 terminal
#   record.png     (80x24) `v`: the record view of a course, one field a line, its json pretty-printed
#   palette.png    (80x24) Space: the command palette, "sort" typed
#   wide.png       (200x60) `F` on student's gpa: the frequency sheet over the table, sorted by two columns first
#
# Environment: LINEDB_BIN=path uses that linedb instead of building one; SHOTS_FONT (default "DejaVu Sans Mono")
# and SHOTS_FONT_SIZE (default 11) choose the xterm font; SHOTS_KEEP=1 keeps the temporary directory.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT=$(mkdir -p "${1:-$ROOT/screenshots}" && cd "${1:-$ROOT/screenshots}" && pwd)
FONT=${SHOTS_FONT:-DejaVu Sans Mono}
FONT_SIZE=${SHOTS_FONT_SIZE:-11}

say() { printf 'screenshots: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

# --- 1. Tools -----------------------------------------------------------------------------------------------
install_missing() {
    local missing=()
    command -v Xvfb >/dev/null || missing+=(xvfb)
    command -v xterm >/dev/null || missing+=(xterm)
    command -v import >/dev/null || missing+=(imagemagick)
    command -v xdotool >/dev/null || missing+=(xdotool)
    command -v tmux >/dev/null || missing+=(tmux)
    local fonts="" chinese=""
    if command -v fc-list >/dev/null; then
        fonts=$(fc-list)
        chinese=$(fc-list :lang=zh)
    else
        missing+=(fontconfig)
    fi
    [[ $fonts == *DejaVuSansMono* ]] || missing+=(fonts-dejavu-core)
    [ -n "$chinese" ] || missing+=(fonts-wqy-microhei)
    [[ $fonts == *[Ss]ymbola* ]] || missing+=(fonts-symbola)
    [ ${#missing[@]} -eq 0 ] && return
    local sudo=()
    [ "$(id -u)" -eq 0 ] || sudo=(sudo)
    command -v apt-get >/dev/null || die "missing ${missing[*]}, and no apt-get to install them"
    say "installing ${missing[*]}"
    "${sudo[@]}" apt-get update -qq
    local available=()
    for package in "${missing[@]}"; do
        # (grep reads the whole output: with pipefail, grep -q closing the pipe early would fail apt-cache.)
        if [ "$(apt-cache policy "$package" | grep -c 'Candidate: [0-9]')" != 0 ]; then
            available+=("$package")
        else
            say "warning: $package is not in the package lists; some characters may show as boxes"
        fi
    done
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${available[@]}" \
        >/dev/null
}
install_missing
for tool in Xvfb xterm import xdotool tmux; do command -v $tool >/dev/null || die "$tool is not installed"; done

# --- 2. linedb and a copy of the demo database --------------------------------------------------------------
if [ -n "${LINEDB_BIN:-}" ]; then
    LINEDB=$(cd "$(dirname "$LINEDB_BIN")" && pwd)/$(basename "$LINEDB_BIN")  # absolute: the browser runs in another directory
else
    say "building linedb"
    scratch=${SHOTS_SCRATCH:-$ROOT/.build}
    (cd "$ROOT" && swift build --scratch-path "$scratch" --product linedb >/dev/null)
    LINEDB=$(cd "$ROOT" && swift build --scratch-path "$scratch" --product linedb --show-bin-path)/linedb
fi
[ -x "$LINEDB" ] || die "no linedb at $LINEDB"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/linedb-shots.XXXXXX")
SOCKET="linedb-shots-$$"
XVFB_PID=""
cleanup() {
    local status=$?
    tmux -L "$SOCKET" kill-server 2>/dev/null || true
    if [ -n "${WRITER_PID:-}" ]; then kill "$WRITER_PID" 2>/dev/null || true; fi
    if [ -n "${FEEDER_PID:-}" ]; then kill "$FEEDER_PID" 2>/dev/null || true; fi
    if [ -n "$XVFB_PID" ]; then kill "$XVFB_PID" 2>/dev/null || true; fi
    if [ "${SHOTS_KEEP:-0}" = 1 ]; then say "kept $WORK"; else rm -rf "$WORK"; fi
    exit $status
}
trap cleanup EXIT INT TERM

DB=$WORK/university
"$LINEDB" demo "$DB" >/dev/null  # no terminal: copies the database and prints its statistics

# --- 3. The display, the terminal, the pictures ------------------------------------------------------------
display=99
while [ -e /tmp/.X$display-lock ] || [ -e /tmp/.X11-unix/X$display ]; do display=$((display + 1)); done
export DISPLAY=:$display
Xvfb "$DISPLAY" -screen 0 1920x1200x24 -nolisten tcp >"$WORK/xvfb.log" 2>&1 &
XVFB_PID=$!
for _ in $(seq 300); do xdotool getdisplaygeometry >/dev/null 2>&1 && break; sleep 0.1; done
xdotool getdisplaygeometry >/dev/null 2>&1 || die "Xvfb did not start: $(cat "$WORK/xvfb.log")"

# tmux draws nothing of its own (no status bar) and passes the colours through.
cat >"$WORK/tmux.conf" <<'EOF'
set -g status off
set -g default-terminal "tmux-256color"
set -g escape-time 0
set -ga terminal-overrides ",xterm-256color:Tc"
EOF
infocmp tmux-256color >/dev/null 2>&1 || sed -i 's/tmux-256color/screen-256color/' "$WORK/tmux.conf"

t() { tmux -L "$SOCKET" "$@"; }

# wait_for SESSION TEXT: waits (up to 15 s) until the session's screen shows TEXT.
wait_for() {
    for _ in $(seq 150); do
        [[ $(t capture-pane -p -t "$1" 2>/dev/null) == *"$2"* ]] && return 0
        sleep 0.1
    done
    t capture-pane -p -t "$1" >&2 || true
    die "the screen of $1 never showed '$2'"
}

# keys SESSION KEY...: sends keys one at a time (tmux key names: Enter, Down, Tab, C-c, ...), letting each land.
keys() {
    local session=$1
    shift
    for key in "$@"; do
        t send-keys -t "$session" "$key"
        sleep 0.15
    done
}

# The terminal's 16 colours (a dark theme; bold keeps its colour, so black on cyan titles stay black).
PALETTE=()
colours=('#15181c' '#e06c75' '#98c379' '#e5c07b' '#4f7fd0' '#c678dd' '#46b3c2' '#d6dbe1'
    '#5c6370' '#ef8891' '#b5e08f' '#f0d199' '#7aa2e8' '#d49ae8' '#7fd3de' '#ffffff')
for i in "${!colours[@]}"; do PALETTE+=(-xrm "XTerm*color$i: ${colours[$i]}"); done

# open SESSION COLS ROWS COMMAND...: an xterm of COLS x ROWS characters running COMMAND in tmux session SESSION.
open() {
    local session=$1 cols=$2 rows=$3
    shift 3
    xterm -T "linedb-$session" -geometry "${cols}x${rows}+0+0" -fa "$FONT" -fs "$FONT_SIZE" -tn xterm-256color \
        -bg '#1b1f24' -fg '#d6dbe1' +sb -b 6 -xrm 'XTerm*boldColors: false' "${PALETTE[@]}" \
        -e tmux -L "$SOCKET" -f "$WORK/tmux.conf" new-session -s "$session" \
        "cd '$WORK' && exec $(printf '%q ' "$@")" &
    for _ in $(seq 100); do t has-session -t "$session" 2>/dev/null && break; sleep 0.1; done
    WINDOW=$(xdotool search --sync --name "^linedb-$session\$" | head -1)
}

PICTURES=0

# capture SESSION NAME: a PNG of the session's xterm as OUT/NAME.png.
capture() {
    sleep 0.4  # let xterm draw what tmux sent
    import -window "$WINDOW" -strip "$OUT/$2.png"  # -strip: no creation date, so unchanged screens give unchanged files
    say "$2.png: $(identify -format '%wx%h' "$OUT/$2.png")"
    PICTURES=$((PICTURES + 1))
}

# close SESSION: quits the browser as a user would (Esc, q, and d to discard pending edits when it asks), which
# ends the tmux session and the xterm. (Killing it instead would leave a .linedb-pending-PID.json behind.)
close() {
    keys "$1" Escape q
    sleep 0.3
    [[ $(t capture-pane -p -t "$1" 2>/dev/null) == *"unsaved change"* ]] && keys "$1" d
    for _ in $(seq 50); do t has-session -t "$1" 2>/dev/null || return 0; sleep 0.1; done
    die "the browser in $1 did not quit"
}

# The main view: student, a few rows down, in a wider terminal to show more columns.
open main 150 36 "$LINEDB" browse "$DB"
wait_for main "│ RW"
keys main Down Down Down Enter Down Down Down Right
wait_for main "row 4 of"
capture main main
close main

# Editing a cell: course MA101's title, typed but not yet accepted (Enter would make it a pending edit).
open edit 120 32 "$LINEDB" browse "$DB"
wait_for edit "│ RW"
keys edit Enter Right Right e C-u
t send-keys -t edit -l "Introduction to Mathématiques 📐"
wait_for edit "Mathématiques"
capture edit edit

# The pending-changes preview: that edit and one more, as the WAL entries a save would write.
keys edit Enter Down Left e C-u
t send-keys -t edit -l "MA102 (Fourier) ∑"
keys edit Enter
wait_for edit "2 pending"
keys edit p
wait_for edit "UPDATE"
capture edit pending
close edit

# The help overlay.
open help 120 32 "$LINEDB" browse "$DB"
wait_for help "│ RW"
keys help "?"
wait_for help "Esc closes"
capture help help
close help

# A narrow terminal: 80x24.
open narrow 80 24 "$LINEDB" browse "$DB"
wait_for narrow "│ RW"
keys narrow Down Down Down Enter
wait_for narrow "row 1 of"
capture narrow narrow
close narrow

# The record view at 80x24: a course (its tags are json), one field a line.
open record 80 24 "$LINEDB" browse "$DB"
wait_for record "│ RW"
keys record Enter Down Down v
wait_for record "tags"
capture record record
close record

# The command palette at 80x24, "sort" typed: every action whose name or summary matches, with its keys.
open palette 80 24 "$LINEDB" browse "$DB"
wait_for palette "│ RW"
keys palette Enter Space
t send-keys -t palette -l "sort"
wait_for palette "sort-descending"
capture palette palette
close palette

# A wide terminal (200x60): student sorted by gpa then name (the header shows both), then F on gpa: the
# frequency sheet of the sorted view.
open wide 200 60 "$LINEDB" browse "$DB"
wait_for wide "│ RW"
keys wide Down Down Down Enter Right Right Right "]" 
wait_for wide "gpa↓"
keys wide Left Left "{"
wait_for wide "name↑2"
keys wide Right Right F
wait_for wide "percent"
capture wide wide
close wide

# Read-only beside a writer: one `linedb insert` process, fed a record a second, holds the writer lock; the
# browser opens read-only and follows its inserts in the records and the WAL pane.
mkfifo "$WORK/feed"
(
    names=("Ada Lovelace" "Émilie du Châtelet" "关孝和" "Sofia Kovalevskaya 🎓" "Srinivasa Ramanujan"
        "Hypatia" "Muḥammad ibn Mūsā al-Khwārizmī" "Emmy Noether" "高木貞治" "Maryam Mirzakhani ✨")
    for i in $(seq 0 119); do
        name=${names[$((i % ${#names[@]}))]}
        printf '{"name": "%s", "gpa": %d.%02d, "enrolled": "2025-10-01T09:%02d:00", "profile": {"live": %d}}\n' \
            "$name" $((2 + i % 2)) $((i * 7 % 100)) $((i % 60)) "$i"
        sleep 1
    done
) >"$WORK/feed" &
FEEDER_PID=$!
"$LINEDB" insert "$DB" student <"$WORK/feed" >"$WORK/writer.out" 2>&1 &
WRITER_PID=$!
for _ in $(seq 100); do [ -s "$WORK/writer.out" ] && break; sleep 0.1; done
[ -s "$WORK/writer.out" ] || die "the writer did not start: $(cat "$WORK/writer.out")"
open live 120 32 "$LINEDB" browse "$DB"
wait_for live "│ RO"
keys live Down Down Down Enter G
sleep 4
capture live live
close live
kill "$WRITER_PID" "$FEEDER_PID" 2>/dev/null || true
wait "$WRITER_PID" "$FEEDER_PID" 2>/dev/null || true
WRITER_PID="" FEEDER_PID=""

say "wrote $PICTURES pictures in $OUT"
