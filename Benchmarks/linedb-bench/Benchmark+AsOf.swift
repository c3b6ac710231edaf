import Foundation
import LineDB

#if canImport(Glibc)
import Glibc
#endif

/// `--as-of` (issue 15, "Speed"): the database as of a moment `back` entries back on a table of `records` records.
///
/// Data: the student table (``Students``) with `records` records, saved; then `back` WAL entries in transactions of
/// 100 (updates of random keys, one in ten a delete, as many inserts), with a checkpoint half-way so that the walk
/// back crosses an archive. Measured:
/// - `Database.state(asOf:tables:)` at `latest - back` in this process (the database open read-only, as
///   `linedb select --as-of` opens it): median of `runs`; target ≤ 2 s;
/// - `linedb select DB student --as-of LSN` against `linedb select DB student` (both to /dev/null) in child
///   processes under `/usr/bin/time`: wall time and peak RSS, medians of `runs`; target: the as-of peak ≤ 1.5× the
///   plain select's (the table's memory).
///
/// The `--history` mode calls this (`try bench.asOfBenchmark()`); the figures go to the report and its summary.
extension Benchmark {
    func asOfBenchmark(records: Int = 1_000_000, back: Int = 100_000, runs: Int = 5) throws {
        report.section("As of a moment: \(grouped(Double(back))) entries back on \(grouped(Double(records))) records")
        let path = root + "/asof"
        try? FileManager.default.removeItem(atPath: path)
        var options = DatabaseOptions(syncMode: .off)
        options.autoCheckpointBytes = nil
        let (_, build) = try timed { () throws -> Void in
            let db = try Database(path: path, options: options)
            try db.createTable(try Students.schema())
            var i = 0
            while i < records {
                let n = min(100_000, records - i)
                try db.insert(Students.table, records: (i..<(i + n)).map { Students.record($0) })
                i += n
            }
            try db.checkpoint()
            var rng = SystemRandomNumberGenerator()
            var deleted = Set<Int>()
            var fresh = records
            var written = 0
            while written < back {
                try db.transaction { tx in
                    for _ in 0..<min(100, back - written) {
                        let key = Int.random(in: 1...records, using: &rng)
                        if deleted.contains(key) {
                            var r = Students.record(fresh)
                            r["id"] = .int(records + fresh + 1)
                            fresh += 1
                            try tx.insert(Students.table, r)
                        } else if Int.random(in: 0..<10, using: &rng) == 0 {
                            try tx.delete(Students.table, key: .int(key))
                            deleted.insert(key)
                        } else {
                            let gpa = Double(Int.random(in: 100...400, using: &rng)) / 100
                            try tx.update(Students.table, key: .int(key), set: ["gpa": .double(gpa)])
                        }
                        written += 1
                    }
                }
                if written == back / 2 { try db.checkpoint() }
            }
            try db.close()
        }
        let reader = try Database(path: path, options: DatabaseOptions(syncMode: .full, readOnly: true))
        let latest = try reader.historyFiles().reach.latestLSN
        let lsn = max(latest - back, 0)
        report.line("built in \(duration(build)): \(grouped(Double(records))) records, lsn \(lsn)…\(latest)")

        var compute = Samples(), cpu = Samples()
        var count = 0
        for _ in 0..<runs {
            let before = Self.ownCPUSeconds()
            let (past, t) = try timed { try reader.state(asOf: .lsn(lsn), tables: [Students.table]) }
            compute.add(t)
            cpu.add(Self.ownCPUSeconds() - before)
            count = past.table(Students.table)?.count ?? -1
        }
        try reader.close()
        report.line("state(asOf: lsn \(lsn)): median \(duration(compute.median)) (min \(duration(compute.min)), "
            + "max \(duration(compute.max)); CPU median \(duration(cpu.median))), \(grouped(Double(count))) records then")
        report.add(SummaryRow(
            measurement: "state(asOf:) \(grouped(Double(back))) back, \(grouped(Double(records))) rec",
            lineDB: duration(compute.median), sqlite: "-", ratio: "-", target: "≤ 2 s", met: compute.median <= 2))

        guard let linedb = linedbBinary, FileManager.default.isExecutableFile(atPath: "/usr/bin/time") else {
            report.line("linedb select --as-of: skipped (needs linedb beside linedb-bench and /usr/bin/time)")
            return
        }
        var plainTime = Samples(), plainRSS = Samples(), plainCPU = Samples()
        var pastTime = Samples(), pastRSS = Samples(), pastCPU = Samples()
        for _ in 0..<runs {
            let plain = try Self.timeChild(linedb, ["select", path, Students.table])
            plainTime.add(plain.seconds)
            plainRSS.add(plain.peakMiB)
            plainCPU.add(plain.cpu)
            let past = try Self.timeChild(linedb, ["select", path, Students.table, "--as-of", "\(lsn)"])
            pastTime.add(past.seconds)
            pastRSS.add(past.peakMiB)
            pastCPU.add(past.cpu)
        }
        let memory = pastRSS.median / plainRSS.median
        report.line("linedb select: median \(duration(plainTime.median)) (CPU \(duration(plainCPU.median))), peak RSS "
            + "\(fixed(plainRSS.median, 0)) MiB")
        report.line("linedb select --as-of \(lsn): median \(duration(pastTime.median)) (CPU \(duration(pastCPU.median))), "
            + "peak RSS \(fixed(pastRSS.median, 0)) MiB (\(fixed(memory, 2))× the plain select's)")
        report.add(SummaryRow(
            measurement: "select --as-of peak RSS / select's", lineDB: "\(fixed(memory, 2))×", sqlite: "-", ratio: "-",
            target: "≤ 1.5×", met: memory <= 1.5))
    }

    /// Runs `executable arguments` under `/usr/bin/time` (standard output to /dev/null): its wall time and peak RSS.
    /// (`/usr/bin/time` is a small process, so the child's peak is its own, not this process's heap at the fork.)
    static func timeChild(_ executable: String, _ arguments: [String]) throws
        -> (seconds: Double, peakMiB: Double, cpu: Double)
    {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/time")
        p.arguments = ["-f", "TIME %e %M %U %S", executable] + arguments
        p.standardOutput = FileHandle.nullDevice
        let err = Pipe()
        p.standardError = err
        try p.run()
        let data = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard p.terminationStatus == 0,
            let line = text.split(separator: "\n").last(where: { $0.hasPrefix("TIME ") })
        else { throw BenchError("\(executable) \(arguments.joined(separator: " ")) failed: \(text)") }
        let f = line.split(separator: " ")
        guard f.count == 5, let s = Double(f[1]), let kib = Double(f[2]), let user = Double(f[3]), let system = Double(f[4])
        else { throw BenchError("time printed \(line)") }
        return (s, kib / 1024, user + system)
    }

    /// User + system CPU seconds of this process so far (the machine is shared: wall time alone drifts with load).
    static func ownCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }
}
