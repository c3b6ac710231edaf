import Foundation
import LineDB
import LineDBBrowser

#if canImport(Glibc)
import Glibc
#endif

/// The terminal browser on the big table (`--browser`), as issue 3 asks: time from launch to the first frame,
/// peak RSS once the table is shown, per-key latency of moves at 1M records, and one search, filter and sort.
/// The browser runs in a fresh child process (`--browser-child`) so that its time and RSS are its own.
extension Benchmark {
    /// Where the browser's database lives: `--dir` (or `$TMPDIR`) `/linedb-browser-N`, reused when it is there.
    var browserDB: String {
        (options.directory ?? ProcessInfo.processInfo.environment["TMPDIR"] ?? "/tmp") + "/linedb-browser-\(n)"
    }
    var browserSQLite: String { browserDB + ".sqlite" }

    /// The whole `--browser` run: build (or reuse) the database, run the child, print the figures and targets.
    func browser() throws {
        report.section("Browser on \(grouped(Double(n))) records (issue 3)")
        let recordsFile = browserDB + "/data/student.records"
        if fileSize(browserDB + "/.complete") == 0 || fileSize(recordsFile) == 0 {
            removeTree(browserDB)
            removeSQLite(browserSQLite)
            generateRecords()
            let (_, t) = try timed { () throws in
                let db = try Database(path: browserDB)
                try db.createTable(try Students.schema())
                _ = try db.insert(Students.table, records: records)
                _ = try db.save()
                _ = try db.checkpoint()
                try db.close()
            }
            let ts = try sqliteBulk(path: browserSQLite, synchronous: "NORMAL")
            records = []
            FileManager.default.createFile(atPath: browserDB + "/.complete", contents: Data("ok\n".utf8))
            report.line("built \(browserDB) in \(duration(t)) (SQLite copy in \(duration(ts)))")
        } else {
            report.line("reusing \(browserDB)")
        }
        let wal = fileSize(browserDB + "/wal/transaction.log")
        report.line("records file \(mb(fileSize(recordsFile))), WAL \(mb(wal))")
        report.line("terminal: in memory, \(BrowserProbe.rows)x\(BrowserProbe.columns); a key's latency is from "
            + "nextKey returning it to the next frame handed to draw (state + render, no curses output)")

        var runs: [BrowserRun] = []
        for rep in 1...options.bigRepeats {
            let r = try browserInChild(browserDB)
            runs.append(r)
            report.line("#\(rep) first frame \(duration(r.firstFrameSinceSpawn)) after spawn "
                + "(\(duration(r.firstFrameSinceMain)) after main; Database open \(duration(r.openSeconds)), "
                + "table snapshot + first render \(duration(r.firstFrameSinceMain - r.openSeconds))); "
                + "peak RSS after Database open \(fixed(r.rssAfterOpen, 0)) MiB, at first frame "
                + "\(fixed(r.rssAtFirstFrame, 0)) MiB (resident then \(fixed(r.rssNowAtFirstFrame, 0)) MiB), "
                + "at exit \(fixed(r.rssAtEnd, 0)) MiB")
        }
        let first = Samples(runs.map(\.firstFrameSinceSpawn))
        let rss = runs.map(\.rssAtEnd).max() ?? .nan
        let last = runs[runs.count - 1]
        report.line("median first frame \(duration(first.median)); it is also the full load (no progressive "
            + "loading yet: the frame is drawn after the whole table is in memory)")
        report.line("per key (last run):")
        var keyRows: [(String, Samples)] = []
        for label in BrowserProbe.keyLabels {
            let s = Samples(last.keys[label] ?? [])
            keyRows.append((label, s))
            report.line("  " + latencyLine(label, s))
        }
        report.line("one-off operations (last run):")
        for label in BrowserProbe.opLabels {
            let t = last.keys[label]?.first ?? .nan
            report.line("  \(pad(label, 44)) \(right(duration(t), 9))")
        }
        for note in last.notes { report.line("  screen: \(note)") }

        let peers = browserPeers()
        for (label, t) in peers { report.line("peer: \(pad(label, 50)) \(right(duration(t), 9))") }

        report.add(SummaryRow(measurement: "browser: first frame after launch", lineDB: duration(first.median),
            sqlite: peers.first.map { duration($0.1) } ?? "", ratio: "", target: "< 250 ms",
            met: first.median < 0.25))
        report.add(SummaryRow(measurement: "browser: whole table loaded", lineDB: duration(first.median),
            sqlite: "", ratio: "", target: "< 1 s", met: first.median < 1))
        report.add(SummaryRow(measurement: "browser: peak RSS", lineDB: "\(fixed(rss, 0)) MiB", sqlite: "",
            ratio: "", target: "< 400 MB", met: rss * 1_048_576 < 400e6))
        for (label, s) in keyRows {
            report.add(SummaryRow(measurement: "browser key \(label) (max)",
                lineDB: "p50 \(duration(s.median)), p99 \(duration(s.p99)), max \(duration(s.max))",
                sqlite: "", ratio: "", target: "< 16 ms", met: s.max < 0.016))
        }
        for label in BrowserProbe.opLabels {
            let t = last.keys[label]?.first ?? .nan
            report.add(SummaryRow(measurement: "browser \(label)", lineDB: duration(t), sqlite: "", ratio: "",
                target: "< 16 ms, else progress + Esc", met: t < 0.016))
        }
        if !options.keep {
            removeTree(browserDB)
            removeSQLite(browserSQLite)
        }
    }

    /// Time to the first 30 rows of the same data with other tools (cheap peers): `sqlite3` and `jq`.
    func browserPeers() -> [(String, Double)] {
        var out: [(String, Double)] = []
        let sql = "sqlite3 '\(browserSQLite)' 'SELECT * FROM student LIMIT 30' | head -30 >/dev/null"
        if fileSize(browserSQLite) > 0, let t = shellTime(sql) { out.append(("sqlite3 SELECT * … LIMIT 30", t)) }
        let jq = "jq -c . '\(browserDB)/data/student.records' | head -30 >/dev/null"
        if let t = shellTime(jq) { out.append(("jq -c . records | head -30", t)) }
        let tail = "tail -n 30 '\(browserDB)/data/student.records' >/dev/null"
        if let t = shellTime(tail) { out.append(("tail -n 30 records (the last records, for G)", t)) }
        return out
    }

    /// Wall time of `sh -c command` (median of 3), or nil when it fails.
    func shellTime(_ command: String) -> Double? {
        var s = Samples()
        for _ in 0..<3 {
            // system(3), not Process: Foundation's waitUntilExit polls and adds tens of milliseconds.
            let start = nowNanos()
            guard system(command) == 0 else { return nil }
            s.add(Double(nowNanos() - start) / 1e9)
        }
        return s.median
    }

    /// Runs `linedb-bench --browser-child path spawnNanos` and reads what it printed.
    func browserInChild(_ path: String) throws -> BrowserRun {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Benchmark.executablePath())
        let out = Pipe()
        p.standardOutput = out
        p.arguments = ["--browser-child", path, String(realtimeNanos())]
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        var run = BrowserRun()
        var sawFirst = false
        for line in text.split(separator: "\n") {
            let f = line.split(separator: " ", maxSplits: 6).map(String.init)
            switch f.first {
            case "FIRST" where f.count >= 7:
                run.rssNowAtFirstFrame = Double(f[6]) ?? .nan
                run.firstFrameSinceSpawn = Double(f[1]) ?? .nan
                run.firstFrameSinceMain = Double(f[2]) ?? .nan
                run.openSeconds = Double(f[3]) ?? .nan
                run.rssAtFirstFrame = Double(f[4]) ?? .nan
                run.rssAfterOpen = Double(f[5]) ?? .nan
                sawFirst = true
            case "KEY" where f.count >= 3:
                run.keys[f[1].replacingOccurrences(of: "_", with: " "), default: []].append(Double(f[2]) ?? .nan)
            case "END" where f.count >= 2: run.rssAtEnd = Double(f[1]) ?? .nan
            case "NOTE": run.notes.append(String(line.dropFirst(5)))
            default: break
            }
        }
        guard p.terminationStatus == 0, sawFirst else {
            throw BenchError("the browser child failed (status \(p.terminationStatus)): \(text.suffix(2000))")
        }
        return run
    }

    /// The child side (`--browser-child PATH SPAWN`): open, run the browser over scripted keys, print the times.
    static func runBrowserChild(_ path: String, spawnedAt: UInt64) -> Never {
        let mainStart = nowNanos()
        let sinceSpawnAtMain = Double(Int64(realtimeNanos()) - Int64(spawnedAt)) / 1e9
        do {
            let (db, openSeconds) = try timed { try Database(path: path) }
            let rssAfterOpen = peakRSSMiB()
            let count = try db.count(Students.table)
            let probe = BrowserProbe(search: Students.email(count - 10))
            probe.onFirstFrame = {
                let sinceMain = Double(nowNanos() - mainStart) / 1e9
                let since = "\(sinceSpawnAtMain + sinceMain) \(sinceMain)"
                print("FIRST \(since) \(openSeconds) \(peakRSSMiB()) \(rssAfterOpen) \(currentRSSMiB())")
            }
            _ = try BrowserApp(database: db).run(on: probe)
            for (label, seconds) in probe.latencies {
                print("KEY \(label.replacingOccurrences(of: " ", with: "_")) \(seconds)")
            }
            for line in probe.lastFrame.split(separator: "\n").suffix(2) {
                print("NOTE \(line.trimmingCharacters(in: .whitespaces))")
            }
            print("END \(peakRSSMiB())")
            try db.close()
            exit(0)
        } catch {
            printError("browser child on \(path) failed: \(error)")
            exit(1)
        }
    }
}

/// What one browser child measured.
struct BrowserRun {
    var firstFrameSinceSpawn = Double.nan
    var firstFrameSinceMain = Double.nan
    var openSeconds = Double.nan
    var rssAtFirstFrame = Double.nan
    /// Resident (not peak) at the first frame: what stays after the load's transient buffers are freed.
    var rssNowAtFirstFrame = Double.nan
    /// Peak RSS once the Database is open, before the browser takes its snapshot of the table.
    var rssAfterOpen = Double.nan
    var rssAtEnd = Double.nan
    /// Latencies by key label (seconds).
    var keys: [String: [Double]] = [:]
    /// The last frame's bottom lines (to see that the script did what it meant).
    var notes: [String] = []
}

/// A terminal that replays a key script and times each key from `nextKey` to the next `draw`.
final class BrowserProbe: Terminal {
    static let rows = 50
    static let columns = 160
    static let presses = 200
    static let filter = "Wei"

    let size: (rows: Int, columns: Int) = (BrowserProbe.rows, BrowserProbe.columns)
    var onFirstFrame: (() -> Void)?
    private(set) var latencies: [(String, Double)] = []
    private(set) var lastFrame = ""
    private var script: [(Key, String?)] = []
    private var next = 0
    private var pending: (String, UInt64)?
    private var frames = 0

    static let keyLabels = ["j (down)", "PgDn", "G (last row)", "g (first row)", "l (right)", "$ (last column)",
                            "0 (first column)"]
    static let opLabels = ["/ search an email 10 rows from the end + Enter", "f filter name \"\(filter)\" + Enter",
                           "F clear filter", "] sort name descending", "[ sort name ascending", "G after sort"]

    /// - Parameter search: the text `/` looks for.
    init(search: String) {
        let n = BrowserProbe.presses
        // The first key moves the focus from the Tables pane to the grid.
        script.append((.right, nil))
        script += Array(repeating: (.character("j"), "j (down)"), count: n)
        script += Array(repeating: (.pageDown, "PgDn"), count: n)
        for _ in 0..<n {
            script.append((.character("G"), "G (last row)"))
            script.append((.character("g"), "g (first row)"))
        }
        script.append((.character("0"), nil))
        for _ in 0..<n { script.append((.character("l"), "l (right)")) }
        for _ in 0..<n {
            script.append((.character("0"), "0 (first column)"))
            script.append((.character("$"), "$ (last column)"))
        }
        // Search on the first column onwards, for a value near the end of the table.
        script.append((.character("0"), nil))
        script.append((.character("/"), nil))
        for c in search { script.append((.character(c), nil)) }
        script.append((.enter, BrowserProbe.opLabels[0]))
        // Filter and sort on `name` (column 1).
        script.append((.character("g"), nil))
        script.append((.character("l"), nil))
        script.append((.character("f"), nil))
        for c in BrowserProbe.filter { script.append((.character(c), nil)) }
        script.append((.enter, BrowserProbe.opLabels[1]))
        script.append((.character("F"), BrowserProbe.opLabels[2]))
        script.append((.character("]"), BrowserProbe.opLabels[3]))
        script.append((.character("["), BrowserProbe.opLabels[4]))
        script.append((.character("G"), BrowserProbe.opLabels[5]))
        script.append((.character("q"), nil))
    }

    func draw(_ grid: ScreenGrid) {
        let now = nowNanos()
        frames += 1
        if frames == 1 { onFirstFrame?() }
        if let (label, start) = pending { latencies.append((label, Double(now - start) / 1e9)) }
        pending = nil
        if next >= script.count - 1 { lastFrame = grid.text }
    }

    func nextKey(timeoutMilliseconds: Int) -> Key? {
        guard next < script.count else { return .character("q") }
        let (key, label) = script[next]
        next += 1
        pending = label.map { ($0, nowNanos()) }
        return key
    }
}

/// Resident set size of this process now (`VmRSS`), in MiB.
func currentRSSMiB() -> Double {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return .nan }
    for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
        if let kib = line.split(separator: " ").dropFirst().first.flatMap({ Double($0) }) { return kib / 1024 }
    }
    return .nan
}

/// Wall-clock time in nanoseconds, comparable between the parent and the child it spawns.
func realtimeNanos() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_REALTIME, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}
