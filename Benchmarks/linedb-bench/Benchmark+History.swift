import Foundation
import LineDB

#if canImport(Glibc)
import Glibc
#endif

/// The database `--history` measures (issue 15, "Speed"): N records, then N single updates of random keys with a
/// checkpoint every N/10, so that N WAL entries lie in 10 archives (the archive of the bulk load is removed, as
/// retention would: the history begins with the first archive of updates). Key ``trackedKey`` is also updated once
/// in every tenth, so its history has a version in every archive.
struct HistoryBenchDatabase {
    /// The database directory.
    var path: String
    /// The key whose history is asked for.
    var trackedKey: Int
    /// The LSN of now (the last entry).
    var latestLSN: Int
    /// The checkpoints of the build, each after N/10 updates (without the archive index; empty when reused).
    var checkpointSeconds: [Double]
}

/// `--history`: time travel on a big history (issue 15). The phases are listed in ``historyPhases(_:)``; the
/// other parts of issue 15 add theirs there (one line each).
extension Benchmark {
    /// Where the history database lives: `--dir` (or `$TMPDIR`) `/linedb-history-N`, reused when complete.
    var historyDB: String {
        (options.directory ?? ProcessInfo.processInfo.environment["TMPDIR"] ?? "/tmp") + "/linedb-history-\(n)"
    }

    /// The whole `--history` run.
    func history() throws {
        report.section("History on \(grouped(Double(n))) records and \(grouped(Double(n))) WAL entries in 10 archives (issue 15)")
        let h = try prepareHistoryDB()
        try historyPhases(h)
        if !options.keep { removeTree(h.path); unlink(h.path + ".ready") }
    }

    /// The measurements of `--history`, in order. Each part of issue 15 adds its own phase here, in its own file:
    /// `asOfBenchmark(h)` (the `--as-of` commands), `archiveIndexBenchmark(h)` (Benchmark+ArchiveIndex.swift: history
    /// with the index, checkpoint with the index), `historyViewBenchmark(h)` and `asOfViewBenchmark(h)` (the browser).
    func historyPhases(_ h: HistoryBenchDatabase) throws {
        try historyOfOneKey(h)  // without the index; the index part measures it with (archiveIndexBenchmark)
        try stateAsOfPast(h)
        try diffOverRecentEntries(h)
        checkpointWithoutIndex(h)
        try archiveIndexBenchmark(entries: n)  // its own history: one key with and without the index, checkpoints with and without
    }

    // MARK: - The database

    /// Builds the database, or reuses the one a `--keep` run left complete.
    func prepareHistoryDB() throws -> HistoryBenchDatabase {
        let path = historyDB
        let marker = path + ".ready"
        if let text = try? String(contentsOfFile: marker, encoding: .utf8) {
            let f = (text.split(separator: "\n").first ?? "").split(separator: " ").compactMap { Int($0) }
            if f.count >= 2 {
                report.line("reusing \(path) (built by an earlier --keep run; the checkpoint figures are that build's)")
                let seconds = text.split(separator: "\n").dropFirst().first?.split(separator: " ").compactMap { Double($0) } ?? []
                return HistoryBenchDatabase(path: path, trackedKey: f[0], latestLSN: f[1], checkpointSeconds: seconds)
            }
        }
        removeTree(path)
        unlink(marker)
        var o = DatabaseOptions()
        o.syncMode = .off  // building, not measuring: the updates need not each reach the disk
        o.autoCheckpointBytes = nil
        o.indexArchives = false  // the phases here measure history without the index; archiveIndexBenchmark, with
        let db = try Database(path: path, options: o)
        try db.createTable(try Students.schema())
        let (_, tb) = try timed { _ = try db.insert(Students.table, records: Students.records(0..<n)) }
        let first = try db.checkpoint()
        if let a = first.archive { unlink(path + "/wal/" + a) }  // retention: history starts after the bulk load
        report.line("built: \(grouped(Double(n))) records inserted in \(duration(tb)), checkpointed; that archive removed")
        let tracked = n / 2
        var rng = SplitMix64(seed: 15)
        let tenth = n / 10
        var checkpoints: [Double] = []
        let (_, tu) = try timed { () throws in
            for round in 0..<10 {
                for i in 0..<tenth {
                    let key = i == tenth / 2 ? tracked : 1 + Int(rng.next() % UInt64(n))
                    let gpa = Double(100 + Int(rng.next() % 301)) / 100
                    _ = try db.update(Students.table, key: .int(key), set: ["gpa": .double(gpa), "active": .bool(i % 2 == 0)])
                }
                let (_, tc) = try timed { _ = try db.checkpoint() }
                checkpoints.append(tc)
                report.line("  round \(round + 1)/10: \(grouped(Double(tenth))) updates, checkpoint \(duration(tc))")
            }
        }
        let latest = try db.historyFiles().reach.latestLSN
        try db.close()
        report.line("built: \(grouped(Double(n))) updates and 10 checkpoints in \(duration(tu)); wal/ holds "
            + "\(mb(treeSize(path + "/wal"))) in \((try? FileManager.default.contentsOfDirectory(atPath: path + "/wal").count) ?? 0) files")
        let facts = "\(tracked) \(latest)\n" + checkpoints.map { String($0) }.joined(separator: " ") + "\n"
        try facts.write(toFile: marker, atomically: true, encoding: .utf8)
        return HistoryBenchDatabase(path: path, trackedKey: tracked, latestLSN: latest, checkpointSeconds: checkpoints)
    }

    // MARK: - Phases

    /// `history(of:key:)` of one key, without the archive index: it reads every archive.
    func historyOfOneKey(_ h: HistoryBenchDatabase) throws {
        let db = try Database(path: h.path, options: DatabaseOptions(syncMode: .off, readOnly: true))
        defer { try? db.close() }
        var s = Samples()
        var cpu = Samples()
        var versions = 0
        for _ in 0..<5 {
            let c0 = selfCPUSeconds()
            let (v, t) = try timed { try db.history(of: Students.table, key: .int(h.trackedKey)) }
            cpu.add(selfCPUSeconds() - c0)
            versions = v.count
            s.add(t)
        }
        guard versions >= 10 else { throw BenchError("history of key \(h.trackedKey): \(versions) versions, expected ≥ 10") }
        report.line("history of key \(h.trackedKey) (\(versions) versions, 10 archives read), without the index: "
            + "median \(duration(s.median)), max \(duration(s.max)) (5 runs); CPU time median \(duration(cpu.median))")
        report.add(SummaryRow(measurement: "history of one key, no index", lineDB: duration(s.median), sqlite: "",
                              ratio: "", target: "≤ 1.5 s", met: s.median <= 1.5))
    }

    /// `state(asOf:)` 100,000 entries back (N/10 with another N), in a child process: time, and its peak memory
    /// against the memory the open table takes.
    func stateAsOfPast(_ h: HistoryBenchDatabase) throws {
        let back = min(100_000, n / 10)
        let lsn = h.latestLSN - back
        let (status, text) = try Benchmark.runChild(["--history-child", h.path, String(lsn)])
        let f = text.split(whereSeparator: { $0 == " " || $0 == "\n" })
        guard status == 0, f.count >= 8, f[0] == "ASOF", let base = Double(f[1]), let open = Double(f[2]),
            let peak = Double(f[3]), let rows = Int(f[4])
        else { throw BenchError("the as-of child failed (status \(status)): \(text)") }
        let times = Samples(f[5...].compactMap { Double($0) })
        let table = open - base
        let ratioToTable = (peak - base) / table
        report.line("state(asOf:) lsn \(lsn), \(grouped(Double(back))) entries back (\(grouped(Double(rows))) rows), in a "
            + "child: median \(duration(times.median)) of \(times.count); RSS \(fixed(base, 0)) MiB before the open, "
            + "\(fixed(open, 0)) MiB with the table (it takes \(fixed(table, 0)) MiB), peak \(fixed(peak, 0)) MiB "
            + "while the past was built: \(fixed(ratioToTable, 2))× the table's")
        report.add(SummaryRow(measurement: "state(asOf:) \(grouped(Double(back))) entries back", lineDB: duration(times.median),
                              sqlite: "", ratio: "", target: "≤ 2 s", met: times.median <= 2))
        report.add(SummaryRow(measurement: "  its memory ÷ the table's", lineDB: ratio(peak - base, table), sqlite: "",
                              ratio: "", target: "≤ 1.5×", met: ratioToTable <= 1.5))
    }

    /// The child of ``stateAsOfPast(_:)`` (`--history-child PATH LSN`): RSS before and after the open, then
    /// `state(asOf:)` three times, the peak of the first (the peak is reset after the open).
    static func runHistoryChild(_ path: String, lsn: Int) -> Never {
        do {
            let base = currentRSSMiB()
            let db = try Database(path: path, options: DatabaseOptions(syncMode: .off, readOnly: true))
            let open = currentRSSMiB()
            resetPeakRSS()
            var times: [Double] = []
            var rows = 0
            var peak = 0.0
            for i in 0..<3 {
                let c0 = selfCPUSeconds()
                let (past, t) = try timed { try db.state(asOf: .lsn(lsn), tables: [Students.table]) }
                printError("state(asOf:) run \(i + 1): \(duration(t)) wall, \(duration(selfCPUSeconds() - c0)) CPU")
                rows = past.table(Students.table)?.count ?? -1
                if i == 0 { peak = peakRSSMiB() }
                times.append(t)
            }
            print("ASOF \(base) \(open) \(peak) \(rows) " + times.map { String($0) }.joined(separator: " "))
            try db.close()
            exit(0)
        } catch {
            printError("as-of child on \(path): \(error)")
            exit(1)
        }
    }

    /// `diff(from:)` over the last 100,000 entries (N/10 with another N).
    func diffOverRecentEntries(_ h: HistoryBenchDatabase) throws {
        let back = min(100_000, n / 10)
        let db = try Database(path: h.path, options: DatabaseOptions(syncMode: .off, readOnly: true))
        defer { try? db.close() }
        var s = Samples()
        var cpu = Samples()
        var updated = 0
        for _ in 0..<5 {
            let c0 = selfCPUSeconds()
            let (d, t) = try timed { try db.diff(from: .lsn(h.latestLSN - back)) }
            cpu.add(selfCPUSeconds() - c0)
            updated = d.tables.first?.updated.count ?? 0
            s.add(t)
        }
        report.line("diff over the last \(grouped(Double(back))) entries (\(grouped(Double(updated))) records updated): "
            + "median \(duration(s.median)), max \(duration(s.max)) (5 runs); CPU time median \(duration(cpu.median))")
        report.add(SummaryRow(measurement: "diff over \(grouped(Double(back))) entries", lineDB: duration(s.median),
                              sqlite: "", ratio: "", target: "≤ 1 s", met: s.median <= 1))
    }

    /// The checkpoints of the build (each after N/10 updates: save of the whole table, archive, new WAL), without the
    /// archive index. The index part adds the same with the index and the ratio (archiveIndexBenchmark).
    func checkpointWithoutIndex(_ h: HistoryBenchDatabase) {
        guard !h.checkpointSeconds.isEmpty else { return }
        let s = Samples(h.checkpointSeconds)
        report.line("checkpoint after \(grouped(Double(n / 10))) updates, without the index: median \(duration(s.median)), "
            + "max \(duration(s.max)) (the \(s.count) of the build)")
        report.add(SummaryRow(measurement: "checkpoint, no index", lineDB: duration(s.median), sqlite: "", ratio: ""))
    }
}

/// User + system CPU seconds of this process so far (on a loaded machine, what the work cost apart from waiting).
func selfCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
    return seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

/// Resets this process's peak RSS (`VmHWM`) to its current RSS (Linux: `echo 5 > /proc/self/clear_refs`).
func resetPeakRSS() {
    let fd = open("/proc/self/clear_refs", O_WRONLY)
    guard fd >= 0 else { return }
    _ = write(fd, "5", 1)
    close(fd)
}
