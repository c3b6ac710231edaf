import Foundation
import LineDB
import LineDBBrowser

#if canImport(Glibc)
import Glibc
#endif

/// What one open in a child process measured.
struct OpenResult {
    var seconds: Double
    var records: Int
    var peakRSSMiB: Double
    var warnings: Int
}

/// Opening (= load + WAL replay), each time in a fresh child process, and recovery of a long WAL.
extension Benchmark {
    /// The child side (`--open-child PATH`): open, count, print one line, exit.
    static func runOpenChild(_ path: String) -> Never {
        if ProcessInfo.processInfo.environment[tunedVariable] == "1" { MallocTuning.apply() }
        do {
            let (db, t) = try timed { try Database(path: path, options: openChildOptions()) }
            let count = try db.count(Students.table)
            let rss = peakRSSMiB()
            print("OPEN \(t) \(count) \(rss) \(db.warnings.count)")
            if ProcessInfo.processInfo.environment["LINEDB_BENCH_SNAP"] != nil {
                // What the browser does next, timed apart: the table's copy, the state over it, Enter, G, a frame.
                let (snap, ts) = try timed { try db.browseSnapshot(of: Students.table) }
                let (made, tb) = timed { BrowserState(databaseName: "bench", isReadOnly: false, context: db) }
                var state = made
                printError("snapshot \(duration(ts)) (\(snap.rows.count) rows), BrowserState \(duration(tb)); "
                    + "RSS \(fixed(currentRSSMiB(), 0)) MiB, peak \(fixed(peakRSSMiB(), 0)) MiB")
                let (_, te) = timed { _ = state.handle(.enter, context: db) }
                let (_, tg) = timed { _ = state.handle(.character("G"), context: db) }
                let (grid, tr) = timed { Renderer.render(state) }
                printError("Enter \(duration(te)), G \(duration(tg)), render \(duration(tr)) (\(grid.rows) rows); "
                    + "RSS \(fixed(currentRSSMiB(), 0)) MiB, peak \(fixed(peakRSSMiB(), 0)) MiB")
            }
            if ProcessInfo.processInfo.environment["LINEDB_BENCH_MEM"] != nil {
                printError("now \(currentRSSMiB()) MiB; JSONValue stride \(MemoryLayout<JSONValue>.stride)")
            }
            try db.close()
            exit(0)
        } catch {
            printError("open of \(path) failed: \(error)")
            exit(1)
        }
    }

    /// Set to `1` in a child's environment: it calls `MallocTuning.apply()` first, as `linedb` does.
    static let tunedVariable = "LINEDB_BENCH_MALLOC_TUNING"

    /// Runs `linedb-bench --open-child path` and reads what it printed; `tuned`: with `MallocTuning.apply()`.
    func openInChild(_ path: String, tuned: Bool = false) throws -> OpenResult {
        let (status, text) = try Benchmark.runChild(
            ["--open-child", path], environment: tuned ? [Benchmark.tunedVariable: "1"] : [:])
        let f = text.split(whereSeparator: { $0 == " " || $0 == "\n" })
        guard status == 0, f.count >= 5, f[0] == "OPEN", let t = Double(f[1]), let c = Int(f[2]),
            let rss = Double(f[3]), let w = Int(f[4])
        else { throw BenchError("the open child for \(path) failed (status \(status)): \(text)") }
        return OpenResult(seconds: t, records: c, peakRSSMiB: rss, warnings: w)
    }

    /// Runs this benchmark binary again with `arguments` (a fresh process, so that its time and RSS are its own)
    /// and returns its exit status and standard output.
    static func runChild(_ arguments: [String], environment: [String: String] = [:]) throws
        -> (status: Int32, output: String)
    {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executablePath())
        p.arguments = arguments
        if !environment.isEmpty {
            p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    static func executablePath() -> String {
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard n > 0 else { return CommandLine.arguments[0] }
        return String(decoding: buffer.prefix(n).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Open of the saved big table plus a WAL of unsaved single inserts.
    func openBig() throws {
        let records = fileSize(bigLineDB + "/data/student.records")
        let walBytes = fileSize(bigLineDB + "/wal/transaction.log")
        let walLines = lineCount(of: bigLineDB + "/wal/transaction.log")
        report.section("Open (load + replay), each in a fresh process")
        report.line("database: \(mb(records)) records file (\(grouped(Double(n))) records) + WAL of "
            + "\(grouped(Double(walLines))) "
            + "lines (\(mb(walBytes))), \(grouped(Double(options.singleInserts))) of them unsaved inserts")
        var s = Samples()
        var rss = 0.0
        for rep in 1...max(options.bigRepeats, 5) {
            let r = try openInChild(bigLineDB)
            s.add(r.seconds)
            rss = max(rss, r.peakRSSMiB)
            report.line("#\(rep) LineDB open \(right(duration(r.seconds), 9)): \(grouped(Double(r.records))) records, "
                + "peak RSS \(fixed(r.peakRSSMiB, 0)) MiB, \(r.warnings) warnings")
        }
        let total = records + walBytes
        report.line("median \(duration(s.median)) = \(rate(n, s.median)) records, \(mbps(total, s.median)); "
            + "peak RSS after open \(fixed(rss, 0)) MiB (\(fixed(rss * 1_048_576 / Double(n), 0)) bytes/record)")

        // SQLite does not load: the nearest thing is opening and answering a first query.
        var q = Samples()
        for _ in 0..<options.smallRepeats {
            let (_, t) = try timed { () throws in
                let db = try SQLiteDB(path: bigSQLite)
                let stmt = try db.prepare("SELECT id, name, email, gpa, active, enrolled FROM student WHERE id = ?")
                stmt.bind(1, .int(n / 2))
                _ = try stmt.step()
                _ = stmt.studentRecord()
                stmt.finalize()
                db.close()
            }
            q.add(t)
        }
        report.line("SQLite open + first lookup (it reads pages on demand, loads nothing): "
            + "median \(duration(q.median))")
        report.add(SummaryRow(
            measurement: "open \(grouped(Double(n))) + \(grouped(Double(options.singleInserts))) WAL entries",
            lineDB: "\(duration(s.median)) (\(rate(n, s.median)), \(mbps(total, s.median)))",
            sqlite: "open+1 lookup \(duration(q.median))", ratio: "n/a", target: "< 1 s", met: s.median < 1))
        report.add(SummaryRow(
            measurement: "peak RSS after open", lineDB: "\(fixed(rss, 0)) MiB", sqlite: "", ratio: ""))
    }

    /// Recovery of a WAL holding many unsaved entries (records file empty), as after a crash long after the
    /// last checkpoint. Auto-checkpoint is turned off to build it.
    func recoveryOfLongWAL() throws {
        let entries = options.recoveryEntries ?? n
        report.section("Recovery: open with \(grouped(Double(entries))) unsaved WAL entries and an empty records file")
        let dir = root + "/linedb-recovery"
        removeTree(dir)
        var o = DatabaseOptions()
        o.autoCheckpointBytes = nil
        let db = try Database(path: dir, options: o)
        try db.createTable(try Students.schema())
        let chunk = 10_000
        let (_, build) = try timed {
            var i = 0
            while i < entries {
                let end = min(entries, i + chunk)
                if end <= records.count {
                    try db.insert(Students.table, records: Array(records[i..<end]))
                } else {
                    try db.insert(Students.table, records: Students.records(i..<end))
                }
                i = end
            }
        }
        try db.close()
        let walBytes = fileSize(dir + "/wal/transaction.log")
        report.line("built with insert(records:) in transactions of \(grouped(Double(chunk))) in \(duration(build)) "
            + "(\(rate(entries, build)) records); WAL \(mb(walBytes))")
        var s = Samples()
        for rep in 1...options.bigRepeats {
            let r = try openInChild(dir)
            guard r.records == entries else { throw BenchError("recovery found \(r.records) records, not \(entries)") }
            s.add(r.seconds)
            report.line("#\(rep) open \(right(duration(r.seconds), 9)), peak RSS \(fixed(r.peakRSSMiB, 0)) MiB")
        }
        report.line("median \(duration(s.median)) = \(rate(entries, s.median)) entries, "
            + "\(mbps(walBytes, s.median)) of WAL")
        report.add(SummaryRow(
            measurement: "recovery of \(grouped(Double(entries))) unsaved WAL entries",
            lineDB: "\(duration(s.median)) (\(rate(entries, s.median)), \(mbps(walBytes, s.median)))", sqlite: "",
            ratio: "n/a"))
        removeTree(dir)
    }
}

/// `wc -l` of a file.
func lineCount(of path: String) -> Int {
    guard let f = fopen(path, "r") else { return 0 }
    defer { fclose(f) }
    var buffer = [UInt8](repeating: 0, count: 1 << 16)
    var lines = 0
    while true {
        let got = fread(&buffer, 1, buffer.count, f)
        if got <= 0 { break }
        for i in 0..<got where buffer[i] == 10 { lines += 1 }
    }
    return lines
}

/// A benchmark step that could not run.
struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
