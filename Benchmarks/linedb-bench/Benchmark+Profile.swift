import LineDB

#if canImport(Glibc)
import Glibc
#endif

/// Single-purpose modes for running one workload under a profiler (`perf record`, `valgrind --tool=callgrind`,
/// `strace -T`): `--profile-bulk`, `--profile-inserts`, `--profile-checkpoint`; `--open-child` profiles an open.
extension Benchmark {
    /// `--profile-inserts PATH`: single durable inserts into an existing database, nothing else (run it under a
    /// profiler or strace).
    static func runProfileInserts(_ path: String, count: Int) -> Never {
        do {
            let db = try Database(path: path)
            let base = 50_000_000 + Int(getpid()) * 100_000
            var s = Samples()
            for i in 0..<count {
                let start = nowNanos()
                try db.insert(Students.table, Students.record(base + i))
                s.add(Double(nowNanos() - start) / 1e9)
            }
            print("inserts: median \(duration(s.median)), p99 \(duration(s.p99)), "
                + "\(grouped(Double(count) / s.total)) ops/s")
            try db.close()
            exit(0)
        } catch {
            printError("profile inserts into \(path) failed: \(error)")
            exit(1)
        }
    }

    /// `--profile-bulk PATH`: a fresh database at PATH, `count` records in one `insert(_:records:)`, then save.
    /// With `walOnly`: no auto-checkpoint, transactions of 10,000 records, no save.
    static func runProfileBulk(_ path: String, count: Int, walOnly: Bool) -> Never {
        do {
            let records = Students.records(0..<count)
            var options = DatabaseOptions()
            if walOnly { options.autoCheckpointBytes = nil }
            let db = try Database(path: path, options: options)
            try db.createTable(try Students.schema())
            let (_, ti) = try timed {
                if !walOnly { _ = try db.insert(Students.table, records: records) }
                var i = 0
                while walOnly && i < count {
                    _ = try db.insert(Students.table, records: Array(records[i..<min(count, i + 10_000)]))
                    i += 10_000
                }
            }
            let (_, ts) = try timed { () throws in if !walOnly { _ = try db.save() } }
            print("bulk insert \(duration(ti)), save \(duration(ts))")
            try db.close()
            exit(0)
        } catch {
            printError("profile bulk into \(path) failed: \(error)")
            exit(1)
        }
    }

    /// `--profile-checkpoint PATH`: on PATH, ten times insert + save, three times update + save, then ten times
    /// insert + checkpoint.
    static func runProfileCheckpoint(_ path: String) -> Never {
        do {
            let db = try Database(path: path)
            _ = try db.save()
            let base = 60_000_000 + Int(getpid()) * 100
            for (i, step) in ["save", "update + save", "checkpoint"].enumerated() {
                var s = Samples()
                for j in 0..<(step == "update + save" ? 3 : 10) {
                    if step == "update + save" {
                        try db.update(Students.table, key: .int(1 + j), set: ["gpa": .double(1.5 + Double(j))])
                    } else {
                        try db.insert(Students.table, Students.record(base + 10 * i + j))
                    }
                    let (_, t) = try timed { () throws in
                        if step == "checkpoint" { _ = try db.checkpoint() } else { _ = try db.save() }
                    }
                    s.add(t)
                }
                let label = step == "update + save" ? step : "insert + " + step
                print("\(label): median \(duration(s.median)), max \(duration(s.max))")
            }
            try db.close()
            exit(0)
        } catch {
            printError("profile checkpoint on \(path) failed: \(error)")
            exit(1)
        }
    }
}
