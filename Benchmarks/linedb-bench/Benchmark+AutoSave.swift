import LineDB

#if canImport(Glibc)
import Glibc
#endif

/// What auto-save after every write costs a durable single insert (issue 5: auto-save "documented with its cost"):
/// the same inserts with `autoSave = .afterEveryWrite` and with auto-save off, in the same run.
///
/// Two fresh databases with the student table, sync `.full`: each insert is one call. The machine is shared and
/// its fsync latency drifts, so the two take turns: ten rounds, each doing a tenth of the inserts on one database
/// and then on the other, alternating which goes first.
extension Benchmark {
    func autoSaveCost() throws {
        let count = max(1_000, options.singleInserts / 2)
        report.section("Auto-save: single durable inserts with autoSave .afterEveryWrite vs .off "
            + "(\(grouped(Double(count))) each, fresh tables, in 10 alternating rounds)")
        report.line("Both sync .full: the WAL line is fdatasync'ed before insert returns. With .afterEveryWrite the")
        report.line("insert then also appends its line to data/student.records and fdatasyncs that before returning.")
        var saving = DatabaseOptions()
        saving.autoSave = .afterEveryWrite
        let offPath = root + "/autosave-off"
        let onPath = root + "/autosave-every-write"
        removeTree(offPath)
        removeTree(onPath)
        let off = try Database(path: offPath)
        let on = try Database(path: onPath, options: saving)
        defer {
            try? off.close()
            try? on.close()
        }
        for db in [off, on] { try db.createTable(try Students.schema()) }
        var next = 50_000_000  // record numbers no other phase uses
        // Warm-up (not measured): the first inserts open files and grow the WAL's first pages.
        for db in [off, on] {
            for _ in 0..<50 {
                _ = try db.insert(Students.table, Students.record(next))
                next += 1
            }
        }
        var offSamples = Samples(), onSamples = Samples()
        var offWall = 0.0, onWall = 0.0
        let rounds = 10
        for round in 0..<rounds {
            let k = count / rounds + (round < count % rounds ? 1 : 0)
            func run(_ db: Database, _ samples: inout Samples) throws -> Double {
                let input = Students.records(next..<next + k)
                next += k
                let (_, wall) = try timed {
                    for record in input {
                        let start = nowNanos()
                        _ = try db.insert(Students.table, record)
                        samples.add(Double(nowNanos() - start) / 1e9)
                    }
                }
                return wall
            }
            if round % 2 == 0 {
                offWall += try run(off, &offSamples)
                onWall += try run(on, &onSamples)
            } else {
                onWall += try run(on, &onSamples)
                offWall += try run(off, &offSamples)
            }
        }
        // The auto-saved records file must hold every record, the other none (nothing saved it).
        let expected = count + 50
        let onLines = try lineCount(onPath + "/data/student.records")
        let offLines = try lineCount(offPath + "/data/student.records")
        guard onLines == expected, offLines == 0, on.lastAutoSaveError == nil else {
            throw BenchError("auto-save: records files hold \(onLines) and \(offLines) lines, expected \(expected) "
                + "and 0 (last auto-save error: \(on.lastAutoSaveError.map { "\($0)" } ?? "none"))")
        }
        report.line(latencyLine("LineDB insert, autoSave .off", offSamples, wall: offWall))
        report.line(latencyLine("LineDB insert, .afterEveryWrite", onSamples, wall: onWall))
        let medianRatio = onSamples.median / offSamples.median
        let meanOff = offSamples.total / Double(offSamples.count)
        let meanOn = onSamples.total / Double(onSamples.count)
        report.line("ratio .afterEveryWrite / .off: median \(ratio(onSamples.median, offSamples.median)), "
            + "mean \(ratio(meanOn, meanOff)), p99 \(ratio(onSamples.p99, offSamples.p99)); "
            + "data/student.records after the auto-saved inserts: \(grouped(Double(onLines))) lines (= the table)")
        report.add(SummaryRow(
            measurement: "single insert, autoSave .afterEveryWrite vs .off (median)",
            lineDB: "\(duration(onSamples.median)) .afterEveryWrite", sqlite: "\(duration(offSamples.median)) .off",
            ratio: "\(fixed(medianRatio, 2))× vs .off", target: "documented cost"))
    }

    /// The number of lines of a file.
    private func lineCount(_ path: String) throws -> Int {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw BenchError("cannot open \(path)") }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        var lines = 0
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 { throw BenchError("cannot read \(path)") }
            if n == 0 { return lines }
            for i in 0..<n where buffer[i] == UInt8(ascii: "\n") { lines += 1 }
        }
    }
}
