#!/usr/bin/env bash
# scripts/ci-first-screen.sh: the README's first command as a new user runs it, in a real terminal, with a check
# of what they see. .ci/run calls it; run it by hand after a change to the browser's first screen or to `demo`.
#
#   scripts/ci-first-screen.sh
#
# For each terminal size (80x24 and 120x40) it starts a detached tmux session running an interactive bash in a
# fresh temporary directory (so the repository's ./data is never touched), types the README's first command
#
#   swift run --package-path REPO linedb demo     (the README's `swift run linedb demo`, from outside the package)
#   LINEDB_BIN demo DIR                           (when LINEDB_BIN is set; DIR = TMP/data/university)
#
# and, polling the screen (never a fixed sleep; up to FIRST_SCREEN_TIMEOUT seconds for the first screen, which
# may include a build), checks:
#   1. the first screen: the browser on the alternate screen; the Tables pane lists the four demo tables with the
#      record counts `linedb stats` gives; the grid shows the first table's column headers and first rows as
#      `linedb select` gives them; the status line (database, table, row 1 of N, RW) and the key-hint line are
#      there; nothing of the shell prompt, the typed command or an error is;
#   2. `?` shows the help overlay (keys to move, search, save, undo, quit; scrolled with PgDn where it scrolls);
#   3. `q` (a second `q` when the first only closed the help) ends linedb with exit status 0, and the terminal is
#      restored: the shell's prompt is back on the normal screen, the cursor is visible, the keypad, mouse and
#      insert modes are off, `stty -g` is what it was before the command, and no browser text is left.
# It prints one line per check and exits 0, or prints the failed checks with the captured screens and exits 1.
#
# Environment:
#   LINEDB_BIN=path             run `path demo DIR` instead of `swift run ... linedb demo`
#   FIRST_SCREEN_SCRATCH=dir    `swift run --scratch-path dir` (default: the package's .build, as `swift run`)
#   FIRST_SCREEN_TIMEOUT=60     seconds to wait for the first screen (a first build can take longer; raise it)
#   FIRST_SCREEN_SIZES="80x24 120x40"
#   FIRST_SCREEN_KEEP=1         keep the temporary directories (their paths are printed)
# Needs tmux and bash.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TIMEOUT=${FIRST_SCREEN_TIMEOUT:-60}
SIZES=${FIRST_SCREEN_SIZES:-80x24 120x40}
PROMPT='first-screen$ '
PROMPT_SHOWN=${PROMPT% }  # capture-pane drops trailing spaces
# One private tmux server per terminal size (a server whose last session ends exits, racing the next new-session).
SOCKET_BASE="linedb-first-screen-$$"
SOCKET=""
SOCKETS=()
# The demo has these four tables; their counts and contents come from the database itself (linedb stats/select).
DEMO_TABLES="course enrolment instructor student"

# Bash slices strings by character, not byte, only in a UTF-8 locale (the screen holds │, … and names in CJK).
if locale -a 2>/dev/null | grep -qi '^c\.utf-\?8$'; then export LC_ALL=C.UTF-8; fi

say() { printf '%s\n' "$*"; }
die() { say "ci-first-screen: error: $*" >&2; exit 2; }

command -v tmux >/dev/null || die "tmux is not installed (Debian: apt-get install tmux)"
# A relative scratch path is the package's, as for swift build in the repository.
if [ -n "${FIRST_SCREEN_SCRATCH:-}" ] && [[ $FIRST_SCREEN_SCRATCH != /* ]]; then
    FIRST_SCREEN_SCRATCH=$ROOT/$FIRST_SCREEN_SCRATCH
fi
[[ $TIMEOUT =~ ^[0-9]+$ ]] || die "FIRST_SCREEN_TIMEOUT must be a number of seconds, not '$TIMEOUT'"

t() { tmux -L "$SOCKET" "$@"; }

WORKS=()
cleanup() {
    local socket work
    for socket in "${SOCKETS[@]}"; do tmux -L "$socket" kill-server 2>/dev/null || true; done
    for work in "${WORKS[@]}"; do
        if [ "${FIRST_SCREEN_KEEP:-0}" = 1 ]; then say "ci-first-screen: kept $work"; else rm -rf "$work"; fi
    done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A fingerprint of the repository's ./data (names, sizes, times), to show it was left alone.
data_fingerprint() {
    if [ -e "$ROOT/data" ]; then
        find "$ROOT/data" -printf '%p %s %T@\n' 2>/dev/null | sort | cksum
    else
        echo absent
    fi
}

# join A B C: "A, B, C".
join() {
    local out="" item
    for item in "$@"; do out+="${out:+, }$item"; done
    printf '%s' "$out"
}

# now_ms: milliseconds since the epoch (for the timings printed).
now_ms() { date +%s%3N; }

# The linedb that `linedb stats` and `linedb select` run with, for the expected values.
linedb_binary() {
    if [ -n "${LINEDB_BIN:-}" ]; then
        printf '%s\n' "$LINEDB_BIN"
    else
        local scratch=()
        [ -n "${FIRST_SCREEN_SCRATCH:-}" ] && scratch=(--scratch-path "$FIRST_SCREEN_SCRATCH")
        printf '%s/linedb\n' "$(swift build --package-path "$ROOT" "${scratch[@]}" --show-bin-path)"
    fi
}

# csv_field LINE N: the Nth (1-based) field of a CSV line (quoted fields with "" inside are understood).
csv_field() {
    awk -v n="$2" '{
        i = 1; field = 0; value = ""
        while (i <= length($0) + 1) {
            field++; value = ""
            if (substr($0, i, 1) == "\"") {
                i++
                while (i <= length($0)) {
                    c = substr($0, i, 1)
                    if (c == "\"" && substr($0, i + 1, 1) == "\"") { value = value "\""; i += 2; continue }
                    if (c == "\"") { i++; break }
                    value = value c; i++
                }
                i++  # the comma
            } else {
                j = index(substr($0, i), ",")
                if (j == 0) { value = substr($0, i); i = length($0) + 2 } else { value = substr($0, i, j - 1); i += j }
            }
            if (field == n) { print value; exit }
        }
    }' <<<"$1"
}

# ---------------------------------------------------------------------------------------------------------------
# run_size COLSxROWS: one whole session in a terminal of that size. Returns 1 when a check failed.
run_size() {
    local cols=${1%x*} rows=${1#*x}
    local work session="s$cols"
    SOCKET="$SOCKET_BASE-$1"
    SOCKETS+=("$SOCKET")
    work=$(mktemp -d "${TMPDIR:-/tmp}/linedb-first-screen.XXXXXX")
    WORKS+=("$work")
    local failures=() passes=()
    ok() { passes+=("$*"); say "  ok    $*"; }
    bad() { failures+=("$*"); say "  FAIL  $*"; }

    # The command the user types, and where the database goes.
    local command db
    if [ -n "${LINEDB_BIN:-}" ]; then
        db="$work/data/university"
        command="$(printf '%q' "$LINEDB_BIN") demo $(printf '%q' "$db")"
    else
        db="$work/data/university"  # the default ./data/university, relative to the directory the user is in
        command="swift run --package-path $(printf '%q' "$ROOT")"
        [ -n "${FIRST_SCREEN_SCRATCH:-}" ] && command+=" --scratch-path $(printf '%q' "$FIRST_SCREEN_SCRATCH")"
        command+=" linedb demo"
    fi

    # An interactive bash with a known prompt; before each prompt it records the last exit status and `stty -g`
    # (status.N, stty.N for the Nth prompt), so the script knows when a command ended and what it left behind.
    cat >"$work/bashrc" <<EOF
PS1='$PROMPT'
HISTFILE=/dev/null
export SWIFT_BACKTRACE=interactive=no
__n=0
PROMPT_COMMAND='__s=\$?; __n=\$((__n + 1)); stty -g >"$work/stty.\$__n" 2>/dev/null; echo \$__s >"$work/status.\$__n"'
EOF
    say "ci-first-screen: ${cols}x${rows}: typing \`$command\` into bash in $work (tmux)"
    t -u -f /dev/null new-session -d -s "$session" -x "$cols" -y "$rows" -c "$work" \
        "exec bash --noprofile --rcfile '$work/bashrc' -i"
    # tmux starts sessions at its default size on some versions; make sure the window has the size asked for.
    t resize-window -t "$session" -x "$cols" -y "$rows" 2>/dev/null || true

    local screen="" previous="" alternate=0 started deadline
    capture() { screen=$(t capture-pane -p -t "$session" 2>/dev/null || true); }
    flag() { t display-message -p -t "$session" "#{$1}" 2>/dev/null || echo "?"; }
    show() {
        say "  --- $1 (${cols}x${rows}) ---"
        printf '%s\n' "$2" | sed 's/^/  | /'
        say "  ---"
    }
    # Polls until the first prompt is there.
    deadline=$(($(date +%s) + 30))
    until [ -f "$work/status.1" ] && capture && [[ $screen == *"$PROMPT_SHOWN"* ]]; do
        [ "$(date +%s)" -lt "$deadline" ] || { capture; show "screen" "$screen"; die "bash did not start in tmux"; }
        sleep 0.1
    done
    local before_data
    before_data=$(data_fingerprint)

    t send-keys -t "$session" -l "$command"
    t send-keys -t "$session" Enter
    started=$(now_ms)

    # --- 1. The first screen: poll until the browser shows its status and key lines, twice the same. ----------
    deadline=$(($(date +%s) + TIMEOUT))
    local ready=0 first=""
    while [ "$(date +%s)" -lt "$deadline" ]; do
        capture
        alternate=$(flag alternate_on)
        if [ -f "$work/status.2" ]; then break; fi  # the command already ended: failed to open the browser
        if [ "$alternate" = 1 ] && [[ $screen == *"Tables ("* ]] && [[ $screen =~ row\ 1\ of\ [0-9]+ ]] \
            && [[ $(tail -n 1 <<<"$screen") == *"q quit"* ]]; then
            if [ "$screen" = "$previous" ]; then
                ready=1
                first=$screen
                break
            fi
            previous=$screen
        fi
        sleep 0.1
    done
    local elapsed=$((($(now_ms) - started) / 100))
    if [ $ready = 0 ]; then
        if [ -f "$work/status.2" ]; then
            bad "the command ended (exit $(cat "$work/status.2")) instead of showing the browser"
        elif [ "$alternate" = 1 ]; then
            bad "within ${TIMEOUT} s the alternate screen never showed the browser's first screen (a 'Tables (n)'" \
                "title, 'row 1 of N' in the status line, key hints with 'q quit' on the last line)"
        else
            bad "no browser screen within ${TIMEOUT} s (raise FIRST_SCREEN_TIMEOUT for a first build)"
        fi
        show "the screen" "$screen"
        return 1
    fi
    ok "the browser's first screen after $((elapsed / 10)).$((elapsed % 10)) s, on the alternate screen"

    # Structure that needs no expected values (the content is checked against linedb stats/select below).
    local lines=() line
    mapfile -t lines <<<"$first"
    local hints=${lines[$((${#lines[@]} - 1))]} status=${lines[$((${#lines[@]} - 2))]}
    if [[ $hints == *"? help"* && $hints == *"q quit"* ]]; then
        ok "key-hint line: ${hints%"${hints##*[! ]}"}"
    else
        bad "the last line is not the key hints (? help, q quit): '$hints'"
    fi
    local leftovers=()
    [[ $first == *"$PROMPT_SHOWN"* ]] && leftovers+=("the shell prompt")
    [[ $first == *"linedb demo"* ]] && leftovers+=("the typed command")
    for word in "error:" "Error:" "linedb:" "warning:" "Fatal error" "command not found" "No such file" \
        "Building for" "Compiling"; do
        [[ $first == *"$word"* ]] && leftovers+=("'$word'")
    done
    if [ ${#leftovers[@]} -eq 0 ]; then
        ok "nothing of the shell prompt, the command, the build or an error on the first screen"
    else
        bad "the first screen shows ${leftovers[*]}"
    fi

    # --- 2. ? shows the help overlay. ------------------------------------------------------------------------
    t send-keys -t "$session" '?'
    deadline=$(($(date +%s) + 30))
    local help="" seen=""
    while [ "$(date +%s)" -lt "$deadline" ]; do
        capture
        # (At 80x24 the help scrolls: what PgDn brings up counts too.)
        if [ "$screen" != "$first" ] && [[ $screen == *Keys* ]]; then
            seen+=$screen$'\n'
            if [[ $seen == *move* && $seen == *quit* && $seen == *search* && $seen == *save* && $seen == *undo* ]]; then
                help=$seen
                break
            fi
            [[ $screen == *scroll* ]] && t send-keys -t "$session" PageDown
        fi
        sleep 0.1
    done
    if [ -n "$help" ]; then
        ok "? shows the help overlay: '$(grep -m1 -o 'Keys[^│]*' <<<"$help" | sed 's/  .*//; s/ *$//')'," \
            "with move, search, save, undo, quit"
    else
        bad "? did not show a help overlay (Keys, with move, search, save, undo, quit)"
        show "after ?" "$screen"
    fi

    # --- 3. q quits (a first q may only close the help, as Esc does). --------------------------------------
    t send-keys -t "$session" q
    deadline=$(($(date +%s) + 30))
    local presses=1
    while [ "$(date +%s)" -lt "$deadline" ]; do
        [ -f "$work/status.2" ] && break
        capture
        if [ $presses = 1 ] && [ -n "$help" ] && [[ $screen != *Keys* ]] && [[ $screen =~ row\ 1\ of ]] \
            && [ "$(flag alternate_on)" = 1 ]; then
            t send-keys -t "$session" q  # the help closed; now quit
            presses=2
        fi
        sleep 0.1
    done
    if [ ! -f "$work/status.2" ]; then
        capture
        bad "linedb did not exit after q ($presses press(es))"
        show "the screen" "$screen"
        return 1
    fi
    # The prompt is drawn just after PROMPT_COMMAND wrote status.2: wait for it.
    deadline=$(($(date +%s) + 30))
    local last=""
    while [ "$(date +%s)" -lt "$deadline" ]; do
        capture
        last=$(grep -v '^ *$' <<<"$screen" | tail -n 1)
        [ "$last" = "$PROMPT_SHOWN" ] && break
        sleep 0.1
    done
    local exit_status
    exit_status=$(cat "$work/status.2")
    local quit_how="q"
    [ $presses = 2 ] && quit_how="q (closed the help), q"
    if [ "$exit_status" = 0 ]; then
        ok "$quit_how: linedb exited with status 0"
    else
        bad "$quit_how: linedb exited with status $exit_status"
    fi

    # The terminal as the shell got it back.
    local after=$screen problems=()
    [ "$(flag alternate_on)" = 0 ] || problems+=("still on the alternate screen")
    [ "$(flag cursor_flag)" = 1 ] || problems+=("cursor hidden")
    [ "$(flag keypad_cursor_flag)" = 0 ] || problems+=("application cursor keys left on")
    [ "$(flag keypad_flag)" = 0 ] || problems+=("keypad mode left on")
    [ "$(flag mouse_any_flag)" = 0 ] || problems+=("mouse reporting left on")
    [ "$(flag insert_flag)" = 0 ] || problems+=("insert mode left on")
    [ "$(flag pane_current_command)" = bash ] || problems+=("the pane runs $(flag pane_current_command), not bash")
    cmp -s "$work/stty.1" "$work/stty.2" \
        || problems+=("stty -g changed: $(cat "$work/stty.1") -> $(cat "$work/stty.2")")
    [ "$last" = "$PROMPT_SHOWN" ] || problems+=("the last line is '$last', not the prompt")
    for word in "Tables (" "q quit" "row 1 of"; do
        [[ $after == *"$word"* ]] && problems+=("browser text '$word' left on the normal screen")
    done
    # What the shell showed, scrolled-off lines included (swift run's build output can be long).
    local history
    history=$(t capture-pane -p -J -S - -t "$session" 2>/dev/null || true)
    for word in "error:" "linedb:" "Fatal"; do
        [[ $history == *"$word"* ]] && problems+=("'$word' in the shell's output")
    done
    [[ $history == *"$PROMPT_SHOWN $command"* ]] || problems+=("the typed command is not in the shell's output")
    if [ ${#problems[@]} -eq 0 ]; then
        ok "terminal restored: the prompt is back on the normal screen, cursor visible, keypad/mouse/insert" \
            "modes off, stty unchanged, no browser text left"
    else
        bad "terminal not restored: $(join "${problems[@]}")"
    fi

    if [ -d "$db/schema" ] && [ "$(data_fingerprint)" = "$before_data" ]; then
        ok "the database is in ${db#"$work"/} of the temporary directory; the repository's ./data is untouched"
    else
        bad "expected the database in $db and the repository's ./data untouched"
    fi

    # --- The first screen's content, against the database itself. ------------------------------------------
    local linedb stats
    linedb=$(linedb_binary)
    if ! stats=$("$linedb" stats "$db" 2>&1); then
        bad "linedb stats $db failed: $stats"
    else
        local names=() counts=() name count
        while read -r name count; do names+=("$name"); counts+=("$count"); done \
            < <(awk '/^  -/ { t = 1; next } /^WAL:/ { t = 0 } t { print $1, $2 }' <<<"$stats")
        if [ "${names[*]}" != "$DEMO_TABLES" ]; then
            bad "linedb stats lists the tables '${names[*]}', not the demo's '$DEMO_TABLES'"
        fi
        # The Tables pane: left of the first │, "name   count" lines, in this order.
        local pane=()
        for line in "${lines[@]}"; do
            local left=${line%%│*}
            if [[ $line == *│* && $left =~ ^\ *([^ ]+)\ +([0-9]+)\ *$ ]]; then
                pane+=("${BASH_REMATCH[1]} ${BASH_REMATCH[2]}")
            fi
        done
        local expected=() i
        for i in "${!names[@]}"; do expected+=("${names[$i]} ${counts[$i]}"); done
        if [[ $first == *"Tables (${#names[@]})"* && "${pane[*]}" == "${expected[*]}" ]]; then
            ok "Tables pane: Tables (${#names[@]}): $(join "${pane[@]}") (as linedb stats counts them)"
        else
            bad "Tables pane shows '$(join "${pane[@]}")', linedb stats says '$(join "${expected[@]}")'"
        fi

        # The grid: the first table's columns in order on one line, then its first rows, each on its own line.
        local table=${names[0]:-?} csv header_at=-1
        if ! csv=$("$linedb" select "$db" "$table" --limit 3 --format csv 2>&1); then
            bad "linedb select $db $table failed: $csv"
        else
            local rowsv=() col=() c
            mapfile -t rowsv <<<"$csv"
            for c in 1 2 3; do col+=("$(csv_field "${rowsv[0]}" $c)"); done
            for i in "${!lines[@]}"; do
                local grid=${lines[$i]#*│}
                if [[ $grid == *"${col[0]}"*"${col[1]}"*"${col[2]}"* ]]; then header_at=$i; break; fi
            done
            if [ "$header_at" -ge 0 ]; then
                ok "grid header: $table's first columns ${col[0]}, ${col[1]}, ${col[2]} in order"
            else
                bad "no grid line shows $table's columns ${col[0]}, ${col[1]}, ${col[2]} in order"
            fi
            local shown=() missing=() r
            for r in 1 2 3; do
                local key value grid
                key=$(csv_field "${rowsv[$r]}" 1)
                value=$(csv_field "${rowsv[$r]}" 2)
                value=${value:0:6}  # a long value may be cut with … in a narrow column
                grid=${lines[$((header_at + r))]:-}
                grid=${grid#*│}
                if [ "$header_at" -ge 0 ] && [[ $grid == *"$key"*"$value"* ]]; then
                    shown+=("$key $value")
                else
                    missing+=("row $r ($key, $value)")
                fi
            done
            if [ ${#missing[@]} -eq 0 ]; then
                ok "grid rows: $(join "${shown[@]}") (linedb select's first rows, in order)"
            else
                bad "the grid does not show ${missing[*]} under its header"
            fi
        fi
        if [[ $status == *university* && $status == *"$table"* && $status == *"row 1 of ${counts[0]:-?}"* \
            && $status == *RW* ]]; then
            status=${status%"${status##*[! ]}"}
        ok "status line: ${status#"${status%%[! ]*}"}"
        else
            bad "the status line is not 'university … $table … row 1 of ${counts[0]:-?} … RW': '$status'"
        fi
    fi

    if [ ${#failures[@]} -gt 0 ]; then
        show "first screen" "$first"
        [ -n "$help" ] && show "help overlay" "$help"
        show "after q" "$after"
        return 1
    fi
    t kill-server 2>/dev/null || true
    return 0
}

failed=0
for size in $SIZES; do
    [[ $size =~ ^[0-9]+x[0-9]+$ ]] || die "FIRST_SCREEN_SIZES: '$size' is not COLSxROWS"
    run_size "$size" || failed=1
done
if [ $failed = 1 ]; then
    say "ci-first-screen: FAILED (see the checks and screens above)"
    exit 1
fi
say "ci-first-screen: ok ($SIZES)"
