#!/usr/bin/env python3
"""Times the browser on long values, in tmux (100x30, TERM=screen): opening the cell editor on a 10,000-character
and a 1 MB value, typing, Home, a 100 KB paste (tmux paste-buffer) and End in it, and `j` over a 50 MB value
(written as a records file, as another program would). Each step is timed from the key to the screen showing its
effect, giving up after $LIMIT seconds (default 120).

Usage: LIMIT=60 python3 scripts/long-values.py .build/debug/linedb [--skip-50mb]"""
import json, os, subprocess, sys, tempfile, time

binary = os.path.abspath(sys.argv[1])
skip50 = "--skip-50mb" in sys.argv
LIMIT = float(os.environ.get("LIMIT", "120"))

def make_db(path, sizes):
    os.makedirs(path + "/schema"); os.makedirs(path + "/data"); os.makedirs(path + "/wal")
    schema = {"table_name": "t", "schema": {
        "id": {"type": "int", "primary_key": True, "nullable": False, "unique": False},
        "v": {"type": "str", "primary_key": False, "nullable": True, "unique": False}},
        "created_at": "2026-01-01T00:00:00"}
    json.dump(schema, open(path + "/schema/t.schema.json", "w"), indent=2)
    with open(path + "/data/t.records", "w") as f:
        for i, n in enumerate(sizes):
            f.write(json.dumps({"id": i + 1, "v": ("abcdefghij" * (n // 10 + 1))[:n]}) + "\n")
    open(path + "/wal/transaction.log", "w").close()

def tmux(sock, *args):
    return subprocess.run(["tmux", "-S", sock] + list(args), capture_output=True, text=True).stdout

def wait(sock, pred, limit=LIMIT):
    t0 = time.time()
    while time.time() - t0 < limit:
        screen = tmux(sock, "capture-pane", "-p")
        if pred(screen): return time.time() - t0
        time.sleep(0.02)
    return None

def session(sizes, label):
    d = tempfile.mkdtemp(prefix="tuibench-")
    db = d + "/db"; make_db(db, sizes)
    sock = d + "/s"
    tmux(sock, "-f", "/dev/null", "new-session", "-d", "-x", "100", "-y", "30",
         f"env TERM=screen {binary} browse {db}")
    if wait(sock, lambda s: "Tables (" in s, 300) is None:
        print(tmux(sock, "capture-pane", "-p")); raise SystemExit("the browser did not start")
    tmux(sock, "send-keys", "Enter")
    t = wait(sock, lambda s: "row 1 of" in s)
    print(f"{label}: open table: {t:.2f} s" if t is not None else f"{label}: open table: > {LIMIT} s")
    return sock

def fmt(t): return f"{t:.2f} s" if t is not None else f"> {LIMIT:.0f} s (gave up)"

for n, label in [(10_000, "10,000 chars"), (1_000_000, "1 MB")]:
    sock = session([n, 5], label)
    tmux(sock, "send-keys", "l")  # the value column
    time.sleep(0.3)
    t0 = time.time(); tmux(sock, "send-keys", "e")
    t = wait(sock, lambda s: "Editing v:" in s)
    print(f"{label}: open the editor: {fmt(t)}")
    if t is not None:
        t0 = time.time(); tmux(sock, "send-keys", "-l", "XYZ")
        t = wait(sock, lambda s: "XYZ" in s)
        print(f"{label}: type 3 keys at the end: {fmt(t)}")
        tmux(sock, "send-keys", "Home")
        t = wait(sock, lambda s: "XYZ" not in s)
        print(f"{label}: Home: {fmt(t)}")
        paste = "p" * 100_000
        open(sock + ".paste", "w").write(paste)
        tmux(sock, "load-buffer", sock + ".paste")
        t0 = time.time(); tmux(sock, "paste-buffer")
        t = wait(sock, lambda s: "pppppppppppppppppppppppppppppp" in s)
        print(f"{label}: paste 100 KB at the start (first shown): {fmt(t)}")
        tmux(sock, "send-keys", "End")
        t = wait(sock, lambda s: "XYZ" in s and "ppppp" not in s)
        print(f"{label}: End after the paste: {fmt(t)}")
    tmux(sock, "kill-server")

if not skip50:
    sock = session([5, 50_000_000, 5, 5], "50 MB")
    times = []
    for row in (2, 3, 4):
        t0 = time.time(); tmux(sock, "send-keys", "j")
        t = wait(sock, lambda s, r=row: f"row {r} of 4" in s)
        times.append(t)
    print("50 MB: j (rows 1→2→3→4, the 50 MB value on screen): " + ", ".join(fmt(t) for t in times))
    tmux(sock, "kill-server")
