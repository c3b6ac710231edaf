import Foundation
import LineDB

/// Per-thread latencies, filled by worker threads.
private final class ThreadResults: @unchecked Sendable {
    private let lock = NSLock()
    private var latencies: [Double] = []
    private var errors: [String] = []

    func add(_ values: [Double]) { lock.withLock { latencies += values } }
    func fail(_ message: String) { lock.withLock { errors.append(message) } }
    var all: [Double] { lock.withLock { latencies } }
    var firstError: String? { lock.withLock { errors.first } }
}

/// The durability comparison: per-op durable inserts vs group commit (several threads under `.full`) vs
/// `.normal`, on a small fresh table; SQLite WAL mode alongside.
extension Benchmark {
    func groupCommit() throws {
        let total = options.groupInserts
        report.section(
            "Durable inserts: per-op vs group commit vs .normal (fresh table, \(grouped(Double(total))) inserts each)")
        let dir = root + "/linedb-group"
        removeTree(dir)
        var fullPerOp = Samples()
        var best: (threads: Int, opsPerSecond: Double) = (1, 0)
        do {
            let db = try Database(path: dir)
            try db.createTable(try Students.schema())
            for threads in [1, 4, 16] {
                let (s, wall) = try runThreads(threads, total: total) { input in
                    try db.insert(Students.table, input)
                }
                if threads == 1 { fullPerOp = s }
                let ops = Double(s.count) / wall
                if ops > best.opsPerSecond { best = (threads, ops) }
                report.line(latencyLine("LineDB .full, \(threads) thread\(threads == 1 ? "" : "s")", s, wall: wall))
            }
            try db.close()
        }
        var normal = Samples()
        var normalWall = 0.0
        do {
            let db = try Database(path: dir, options: DatabaseOptions(syncMode: .normal))
            (normal, normalWall) = try runThreads(1, total: total * 5) { input in
                try db.insert(Students.table, input)
            }
            report.line(latencyLine("LineDB .normal, 1 thread", normal, wall: normalWall))
            try db.close()
        }
        removeTree(dir)

        let path = root + "/sqlite-group.db"
        removeSQLite(path)
        do {
            let setup = try SQLiteDB(path: path)
            _ = try setup.scalar("PRAGMA journal_mode=WAL")
            try setup.exec(Students.sqliteSchema)
            setup.close()
        }
        var sqliteFull = Samples()
        var sqliteFullWall = 0.0
        for (sync, threadCounts) in [("FULL", [1, 4]), ("NORMAL", [1])] {
            for threads in threadCounts {
                let inserts = sync == "FULL" ? total : total * 5
                let (s, wall) = try runSQLiteThreads(threads, path: path, synchronous: sync, total: inserts)
                if sync == "FULL" && threads == 1 { (sqliteFull, sqliteFullWall) = (s, wall) }
                let label = "SQLite WAL \(sync), \(threads) thread\(threads == 1 ? "" : "s")"
                report.line(latencyLine(label, s, wall: wall))
            }
        }
        removeSQLite(path)
        let perOpRate = Double(fullPerOp.count) / fullPerOp.total
        let sqliteRate = Double(sqliteFull.count) / sqliteFullWall
        report.add(SummaryRow(
            measurement: "durable inserts: .full 1 thread / best group commit / .normal",
            lineDB: "\(grouped(perOpRate)) / \(grouped(best.opsPerSecond)) (\(best.threads) thr) / "
                + "\(grouped(Double(normal.count) / normalWall)) ops/s",
            sqlite: "WAL FULL 1 thr \(grouped(sqliteRate)) ops/s", ratio: ratio(1 / perOpRate, 1 / sqliteRate)))
    }

    /// Runs `total` inserts spread over `threads` threads; returns every per-insert latency and the wall time.
    private func runThreads(
        _ threads: Int, total: Int, _ insert: @escaping @Sendable (Record) throws -> Void
    ) throws -> (Samples, Double) {
        let results = ThreadResults()
        let per = total / threads
        var inputs: [[Record]] = []
        for _ in 0..<threads {
            inputs.append(Students.records(nextRecord..<nextRecord + per))
            nextRecord += per
        }
        let done = DispatchSemaphore(value: 0)
        let start = nowNanos()
        for input in inputs {
            let thread = Thread {
                var lat: [Double] = []
                lat.reserveCapacity(input.count)
                do {
                    for record in input {
                        let t0 = nowNanos()
                        try insert(record)
                        lat.append(Double(nowNanos() - t0) / 1e9)
                    }
                } catch {
                    results.fail("\(error)")
                }
                results.add(lat)
                done.signal()
            }
            thread.start()
        }
        for _ in 0..<threads { done.wait() }
        let wall = Double(nowNanos() - start) / 1e9
        if let error = results.firstError { throw BenchError(error) }
        return (Samples(results.all), wall)
    }

    /// The same with SQLite: one connection per thread (SQLite has no group commit; writers take turns).
    private func runSQLiteThreads(
        _ threads: Int, path: String, synchronous: String, total: Int
    ) throws -> (Samples, Double) {
        let results = ThreadResults()
        let per = total / threads
        var inputs: [[Record]] = []
        for _ in 0..<threads {
            inputs.append(Students.records(nextRecord..<nextRecord + per))
            nextRecord += per
        }
        let done = DispatchSemaphore(value: 0)
        let ready = DispatchSemaphore(value: 0)
        let go = DispatchSemaphore(value: 0)
        let bind: @Sendable (SQLiteStatement, Record) -> Void = { s, record in
            let values = record.values
            for i in 0..<5 { s.bind(Int32(i + 1), values[values.startIndex + i]) }
        }
        for input in inputs {
            let thread = Thread {
                var lat: [Double] = []
                do {
                    let db = try SQLiteDB(path: path)
                    try db.exec("PRAGMA busy_timeout=60000")
                    try db.exec("PRAGMA synchronous=\(synchronous)")
                    let insert = try db.prepare(Students.sqliteInsert)
                    ready.signal()
                    go.wait()
                    for record in input {
                        let t0 = nowNanos()
                        bind(insert, record)
                        try insert.step()
                        insert.reset()
                        lat.append(Double(nowNanos() - t0) / 1e9)
                    }
                    insert.finalize()
                    db.close()
                } catch {
                    results.fail("\(error)")
                    ready.signal()
                    go.wait()
                }
                results.add(lat)
                done.signal()
            }
            thread.start()
        }
        for _ in 0..<threads { ready.wait() }
        let start = nowNanos()
        for _ in 0..<threads { go.signal() }
        for _ in 0..<threads { done.wait() }
        let wall = Double(nowNanos() - start) / 1e9
        if let error = results.firstError { throw BenchError(error) }
        return (Samples(results.all), wall)
    }
}
