#!/usr/bin/env python3
"""Time the browser's first screens in a real terminal (tmux), the part `linedb-bench --browser` cannot see.

usage: Benchmarks/loading-screen.py LINEDB_BINARY DATABASE [RUNS]

For each run it starts `linedb browse DATABASE` in a new 120x40 tmux session, polls the screen every 3 ms and
prints when the loading screen ("loading …"), its progress ("% of") and the browser ("Tables (") appeared,
in ms after the tmux command was issued; then the medians. Make DATABASE with
`linedb-bench --profile-bulk DIR --records 1000000` and use a release build of linedb.
"""
import statistics
import subprocess
import sys
import time


def capture(name):
    return subprocess.run(["tmux", "capture-pane", "-p", "-t", name], capture_output=True, text=True).stdout


def main():
    binary, db = sys.argv[1], sys.argv[2]
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    seen_all = {"loading": [], "progress": [], "browser": []}
    for run in range(runs):
        name = f"linedb-first-screen-{run}"
        subprocess.run(["tmux", "kill-session", "-t", name], stderr=subprocess.DEVNULL)
        start = time.time()
        subprocess.run(["tmux", "new-session", "-d", "-s", name, "-x", "120", "-y", "40", binary, "browse", db])
        seen = {}
        while time.time() - start < 30 and "browser" not in seen:
            screen = capture(name)
            t = time.time() - start
            if "loading" in screen:
                seen.setdefault("loading", t)
            if "% of" in screen:
                seen.setdefault("progress", t)
            if "Tables (" in screen:
                seen["browser"] = t
            time.sleep(0.003)
        subprocess.run(["tmux", "send-keys", "-t", name, "q"])
        time.sleep(0.5)
        subprocess.run(["tmux", "kill-session", "-t", name], stderr=subprocess.DEVNULL)
        for k, v in seen.items():
            seen_all[k].append(v)
        print(f"run {run + 1}: " + ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in seen.items()))
    for k, v in seen_all.items():
        if v:
            print(f"median {k}: {statistics.median(v) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
