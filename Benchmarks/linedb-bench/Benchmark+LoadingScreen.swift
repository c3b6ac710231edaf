import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The real `linedb browse` in a real terminal (tmux), for what the in-process browser run cannot see: the loading
/// screen drawn before the database has opened, its progress, `G` on it, the browser complete, and the process's
/// own peak memory (curses included). Needs `tmux` on the PATH and the `linedb` built beside `linedb-bench`
/// (`swift build -c release --product linedb`); skipped with a note otherwise.
struct LoadingScreenRun {
    /// Seconds after the tmux command was issued at which each screen first showed; nil when it never did.
    var loading: Double?
    var progress: Double?
    var browser: Double?
    /// `G` sent as soon as the loading screen showed: seconds until the file's last records were on the screen.
    var lastRecords: Double?
    /// The linedb process's peak RSS (VmHWM) just before it quit, MiB.
    var peakMiB: Double?
}

/// The bench's own tmux server (`-L`), without the user's `.tmux.conf` (`-f /dev/null`): no status line, no other
/// sessions, nothing of the user's setup in the figures; killed when the runs end.
private let tmux = "tmux -L linedb-bench-\(getpid()) -f /dev/null"

/// `text` as one single-quoted shell word.
private func shellQuoted(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'" }

extension Benchmark {
    /// The `linedb` executable beside this one, if it was built.
    var linedbBinary: String? {
        let me = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let path = URL(fileURLWithPath: me).deletingLastPathComponent().appendingPathComponent("linedb").path
        return FileManager.default.isExecutableFile(atPath: path) ? path : nil
    }

    /// Runs `linedb browse DB` in tmux `runs` times (120x40) and reports the medians; returns them for the summary.
    func loadingScreens(runs: Int) -> [LoadingScreenRun] {
        guard system("command -v tmux >/dev/null 2>&1") == 0 else {
            report.line("real terminal: skipped (no tmux on the PATH)")
            return []
        }
        guard let linedb = linedbBinary else {
            report.line("real terminal: skipped (no linedb beside linedb-bench: swift build -c release --product linedb)")
            return []
        }
        defer { _ = system("\(tmux) kill-server 2>/dev/null") }
        keepServerAlive()
        report.line("real terminal: \(linedb) browse in tmux 120x40, the screen read with capture-pane every ~3 ms "
            + "until the loading screen shows, then every ~20 ms")
        var out: [LoadingScreenRun] = []
        for i in 1...max(1, runs) {
            let r = loadingScreenOnce(linedb: linedb, session: "linedb-bench-\(getpid())-\(i)", pressG: i % 2 == 0)
            out.append(r)
            func t(_ v: Double?) -> String { v.map(duration) ?? "never" }
            report.line("#\(i) loading screen \(t(r.loading)), its progress \(t(r.progress)), browser complete "
                + "\(t(r.browser))" + (r.lastRecords.map { ", G → the file's last records \(duration($0))" } ?? "")
                + (r.peakMiB.map { ", linedb's peak RSS \(fixed($0, 0)) MiB" } ?? ""))
        }
        return out
    }

    /// Starts the bench's tmux server with an idle session that outlives the measured ones: when the last session
    /// of a server ends, the server exits, and a `new-session` issued meanwhile failed with "server exited
    /// unexpectedly" (one launch in six, once).
    private func keepServerAlive() {
        _ = system("\(tmux) new-session -d -s keeper-\(getpid()) 'sleep 86400' 2>/dev/null")
    }

    /// One launch. With `pressG`, `G` is typed as soon as the loading screen shows (odd runs measure the browser
    /// undisturbed, even runs the G).
    private func loadingScreenOnce(linedb: String, session: String, pressG: Bool) -> LoadingScreenRun {
        var run = LoadingScreenRun()
        let start = nowNanos()
        func since() -> Double { Double(nowNanos() - start) / 1e9 }
        let command = "exec \(shellQuoted(linedb)) browse \(shellQuoted(browserDB))"
        guard system("\(tmux) new-session -d -s \(session) -x 120 -y 40 \(shellQuoted(command))") == 0 else {
            report.line("real terminal: tmux new-session failed")
            return run
        }
        defer { _ = system("\(tmux) kill-session -t \(session) 2>/dev/null") }
        var sentG: Double?
        while since() < 30 {
            let screen = shellOutput("\(tmux) capture-pane -p -t \(session) 2>/dev/null")
            if screen.isEmpty && system("\(tmux) has-session -t \(session) 2>/dev/null") != 0 { break }  // it died
            let t = since()
            if run.loading == nil, screen.contains("loading") {
                run.loading = t
                if pressG {
                    _ = system("\(tmux) send-keys -t \(session) G")
                    sentG = since()
                }
            }
            if run.progress == nil, screen.contains("% of") { run.progress = t }
            if let sent = sentG, run.lastRecords == nil, screen.contains("the file's last records") {
                run.lastRecords = t - sent
            }
            if screen.contains("Tables (") {
                run.browser = t
                break
            }
            // Every capture is a tmux process: read the screen every ~3 ms until the loading screen (and G's
            // answer) shows, then every 20 ms, so that the polling does not take a core from the open it times.
            let waitingForG = sentG != nil && run.lastRecords == nil
            usleep(run.loading == nil || waitingForG ? 1000 : 20_000)
        }
        if let pid = Int32(shellOutput("\(tmux) display -p -t \(session) '#{pane_pid}'")
            .trimmingCharacters(in: .whitespacesAndNewlines))
        {
            run.peakMiB = peakRSSMiB(pid: pid)
        }
        return run
    }

    /// VisiData (`vd`, the tool the issue compares with) on the same records file in the same terminal, `runs`
    /// times: when its first screen shows the first record, when it has read the whole file (the row count in its
    /// status line is the table's and "reading" is gone), and its peak RSS then. Skipped when `vd` is not
    /// installed (Debian's `visidata`).
    func visiData(runs: Int) -> [LoadingScreenRun] {
        guard system("command -v vd >/dev/null 2>&1 && command -v tmux >/dev/null 2>&1") == 0 else {
            report.line("peer VisiData: skipped (no vd on the PATH: apt-get install visidata)")
            return []
        }
        let version = shellOutput("vd --version 2>&1").split(separator: "\n").first.map(String.init) ?? "vd"
        let file = browserDB + "/data/student.records"
        report.line("peer \(version): vd -f jsonl \(file), in the same tmux 120x40")
        defer { _ = system("\(tmux) kill-server 2>/dev/null") }
        keepServerAlive()
        var out: [LoadingScreenRun] = []
        for i in 1...max(1, runs) {
            var run = LoadingScreenRun()
            let session = "linedb-bench-vd-\(getpid())-\(i)"
            let start = nowNanos()
            func since() -> Double { Double(nowNanos() - start) / 1e9 }
            let command = "exec vd -f jsonl \(shellQuoted(file))"
            guard system("\(tmux) new-session -d -s \(session) -x 120 -y 40 \(shellQuoted(command))") == 0 else { break }
            while since() < 120 {
                let screen = shellOutput("\(tmux) capture-pane -p -t \(session) 2>/dev/null")
                if screen.isEmpty && system("\(tmux) has-session -t \(session) 2>/dev/null") != 0 { break }
                let t = since()
                if run.loading == nil, screen.contains("s0@uni.edu") { run.loading = t }
                if screen.contains(" \(n) rows"), !screen.contains("reading") {
                    run.browser = t
                    break
                }
                usleep(run.loading == nil ? 1000 : 20_000)
            }
            if let pid = Int32(shellOutput("\(tmux) display -p -t \(session) '#{pane_pid}'")
                .trimmingCharacters(in: .whitespacesAndNewlines))
            {
                run.peakMiB = peakRSSMiB(pid: pid)
            }
            _ = system("\(tmux) kill-session -t \(session) 2>/dev/null")
            func t(_ v: Double?) -> String { v.map(duration) ?? "never" }
            report.line("vd #\(i) first screen \(t(run.loading)), whole file read \(t(run.browser))"
                + (run.peakMiB.map { ", peak RSS \(fixed($0, 0)) MiB" } ?? ""))
            out.append(run)
        }
        return out
    }

    /// `VmHWM` of a process, MiB.
    private func peakRSSMiB(pid: Int32) -> Double? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
            let kb = Double(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
        else { return nil }
        return kb / 1024
    }

    /// What `sh -c command` writes to stdout.
    private func shellOutput(_ command: String) -> String {
        guard let pipe = popen(command, "r") else { return "" }
        defer { pclose(pipe) }
        var data = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = fread(&buffer, 1, buffer.count, pipe)
            if n <= 0 { break }
            data += buffer[..<n]
        }
        return String(decoding: data, as: UTF8.self)
    }
}
