import Foundation
import LineDB

#if canImport(Glibc)
import Glibc
#endif

/// `--two-writers` (issue 16 §3): durable single-insert transactions per second of one writer process against two
/// writer processes on two tables of one database (``WriteScope/tables(_:)``), each a fresh child of this binary
/// started on a common clock; SQLite (WAL journal, synchronous=FULL, busy_timeout) with the same one and two
/// processes on two tables of one file, measured in the same run, in alternating rounds.
extension Benchmark {
    /// The child side: `--two-writers-child ENGINE PATH TABLE N START_NS`. Opens PATH as the writer of TABLE, waits
    /// for the wall clock to reach START_NS, makes N single durable inserts, prints `DONE start_ns end_ns`.
    static func runTwoWritersChild(_ arguments: [String]) -> Never {
        guard arguments.count == 5, let count = Int(arguments[3]), let start = UInt64(arguments[4]) else {
            printError("--two-writers-child needs ENGINE PATH TABLE N START_NS")
            exit(64)
        }
        let (engine, path, table) = (arguments[0], arguments[1], arguments[2])
        do {
            var insert: (Int) throws -> Void
            var finish: () throws -> Void
            if engine.hasPrefix("linedb") {
                var options = DatabaseOptions(syncMode: .full)
                // `linedb-database`: the whole-database writer of before (one process at a time), for comparison.
                if engine == "linedb" { options.writeScope = .tables([table]) }
                options.lockWait = 30
                let db = try Database(path: path, options: options)
                insert = { i in try db.insert(table, ["tag": .string("\(table)-\(getpid())-\(i)"), "n": .int(i)]) }
                finish = { try db.close() }
            } else {
                let db = try SQLiteDB(path: path)
                try db.exec("PRAGMA busy_timeout=30000")
                try db.exec("PRAGMA synchronous=FULL")
                let statement = try db.prepare("INSERT INTO \(table)(tag, n) VALUES (?, ?)")
                insert = { i in
                    statement.bind(1, .string("\(table)-\(getpid())-\(i)"))
                    statement.bind(2, .int(i))
                    _ = try statement.step()
                    statement.reset()
                }
                finish = {
                    statement.finalize()
                    db.close()
                }
            }
            while wallNanos() < start { usleep(200) }
            let began = wallNanos()
            for i in 0..<count { try insert(i) }
            let ended = wallNanos()
            try finish()
            print("DONE \(began) \(ended)")
            exit(0)
        } catch {
            printError("two-writers child \(arguments): \(error)")
            exit(1)
        }
    }

    static func wallNanos() -> UInt64 {
        var t = timespec()
        clock_gettime(CLOCK_REALTIME, &t)
        return UInt64(t.tv_sec) * 1_000_000_000 + UInt64(t.tv_nsec)
    }

    /// Runs one child per table at once; returns the inserts per second of all of them together.
    private func writersPerSecond(engine: String, path: String, tables: [String], each: Int) throws -> Double {
        let start = Benchmark.wallNanos() + 300_000_000  // every child opened by then
        var running: [(Process, Pipe)] = []
        for table in tables {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: Benchmark.executablePath())
            p.arguments = ["--two-writers-child", engine, path, table, String(each), String(start)]
            let out = Pipe()
            p.standardOutput = out
            try p.run()
            running.append((p, out))
        }
        var results: [(Int32, String)] = []
        for (p, out) in running {
            let data = out.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            results.append((p.terminationStatus, String(decoding: data, as: UTF8.self)))
        }
        var first = UInt64.max
        var last = UInt64(0)
        for (status, text) in results {
            let f = text.split(whereSeparator: { $0 == " " || $0 == "\n" })
            guard status == 0, f.count >= 3, f[0] == "DONE", let a = UInt64(f[1]), let b = UInt64(f[2]) else {
                throw BenchError("a two-writers child (\(engine)) failed (status \(status)): \(text)")
            }
            first = min(first, a)
            last = max(last, b)
        }
        return Double(each * tables.count) / (Double(last - first) / 1e9)
    }

    func twoWriters() throws {
        let each = options.singleInserts
        let rounds = 5
        report.section("Two writer processes on two tables vs one writer: durable single inserts (one transaction "
            + "each), \(grouped(Double(each))) per process per round, \(rounds) alternating rounds")
        let lineDBPath = root + "/linedb-two-writers"
        let sqlitePath = root + "/two-writers.sqlite"
        try? FileManager.default.removeItem(atPath: lineDBPath)
        try? FileManager.default.removeItem(atPath: sqlitePath)
        let setup = try Database(path: lineDBPath)
        for t in ["t1", "t2"] {
            try setup.createTable(TableSchema(t, columns: [
                Column("id", .int, primaryKey: true), Column("tag", .str), Column("n", .int),
            ]))
        }
        try setup.close()
        let sqlite = try SQLiteDB(path: sqlitePath)
        _ = try sqlite.scalar("PRAGMA journal_mode=WAL")
        for t in ["t1", "t2"] { try sqlite.exec("CREATE TABLE \(t)(id INTEGER PRIMARY KEY, tag TEXT, n INTEGER)") }
        sqlite.close()

        var samples: [String: Samples] = [:]
        for _ in 0..<rounds {
            for (engine, path) in [("linedb", lineDBPath), ("sqlite", sqlitePath)] {
                samples[engine + "1", default: Samples()].add(
                    try writersPerSecond(engine: engine, path: path, tables: ["t1"], each: each))
                samples[engine + "2", default: Samples()].add(
                    try writersPerSecond(engine: engine, path: path, tables: ["t1", "t2"], each: each))
            }
            samples["whole1", default: Samples()].add(
                try writersPerSecond(engine: "linedb-database", path: lineDBPath, tables: ["t1"], each: each))
        }
        func rate(_ key: String) -> Double { samples[key]!.median }
        for (engine, name) in [("linedb", "LineDB .full, writeScope .tables"), ("sqlite", "SQLite WAL + FULL")] {
            report.line("\(name): one writer \(grouped(rate(engine + "1"))) tx/s, two writers "
                + "\(grouped(rate(engine + "2"))) tx/s together (medians of \(rounds)); "
                + "two / one = \(fixed(rate(engine + "2") / rate(engine + "1"), 2))×")
        }
        report.line("LineDB .full, one whole-database writer (writeScope .database, no append lock): "
            + "\(grouped(rate("whole1"))) tx/s")
        let gain = rate("linedb2") / rate("linedb1")
        report.add(SummaryRow(
            measurement: "two writers on two tables / one writer (durable tx/s)",
            lineDB: "\(grouped(rate("linedb2"))) / \(grouped(rate("linedb1"))) tx/s = \(fixed(gain, 2))×",
            sqlite: "\(grouped(rate("sqlite2"))) / \(grouped(rate("sqlite1"))) tx/s = "
                + "\(fixed(rate("sqlite2") / rate("sqlite1"), 2))×",
            ratio: ratio(1 / rate("linedb2"), 1 / rate("sqlite2")), target: "≥ 1.7× one writer", met: gain >= 1.7))
        if !options.keep {
            try? FileManager.default.removeItem(atPath: lineDBPath)
            try? FileManager.default.removeItem(atPath: sqlitePath)
        }
    }
}
