import Foundation
import LineDB

#if canImport(Glibc)
import Glibc
#endif

/// `--recovery` (issue 16 section 4): the open of a database whose WAL holds N unsaved single-entry writes, each
/// open in a fresh child process; two workloads (N single inserts into an empty table, N single updates of a saved
/// table of N/10 records) and, as the peer, the floor: reading the same WAL and checking every line's CRC-32C,
/// which any recovery must do, measured in the same run.
extension Benchmark {
    /// The child side (`--recovery-child PATH`): one open, then `RECOVERY wall cpu records`.
    static func runRecoveryChild(_ path: String) -> Never {
        do {
            let cpu0 = selfCPUSeconds()
            let (db, t) = try timed { try Database(path: path) }
            let cpu = selfCPUSeconds() - cpu0
            let count = try db.count(Students.table)
            print("RECOVERY \(t) \(cpu) \(count) \(peakRSSMiB())")
            try db.close()
            exit(0)
        } catch {
            printError("open of \(path) failed: \(error)")
            exit(1)
        }
    }

    /// The `--recovery` run.
    func recovery() throws {
        let entries = options.recoveryEntries ?? n
        let repeats = max(options.bigRepeats, 5)
        report.section("Recovery: open with \(grouped(Double(entries))) unsaved single-entry WAL writes (each open "
            + "in a fresh process; median of \(repeats))")
        for kind in ["inserts", "updates"] {
            let dir = root + "/linedb-recovery-\(kind)"
            removeTree(dir)
            let (saved, build) = try timed { try makeRecoveryDatabase(dir, kind: kind, entries: entries) }
            let wal = dir + "/wal/transaction.log"
            let walBytes = fileSize(wal)
            report.line("\(kind): \(grouped(Double(entries))) unsaved single \(kind) over \(grouped(Double(saved))) "
                + "saved records; WAL \(mb(walBytes)), built in \(duration(build))")
            var wall = Samples()
            var cpu = Samples()
            var floor = Samples()
            for rep in 1...repeats {
                let (status, text) = try Benchmark.runChild(["--recovery-child", dir])
                let f = text.split(whereSeparator: { $0 == " " || $0 == "\n" })
                guard status == 0, f.count >= 5, f[0] == "RECOVERY", let t = Double(f[1]), let c = Double(f[2]),
                    let records = Int(f[3]), let rss = Double(f[4])
                else { throw BenchError("the recovery child for \(dir) failed (status \(status)): \(text)") }
                let expected = kind == "inserts" ? entries : saved
                guard records == expected else { throw BenchError("recovery found \(records) records, not \(expected)") }
                wall.add(t)
                cpu.add(c)
                let (lines, tf) = try timed { try Benchmark.readAndCheckCRC(wal) }
                guard lines >= entries else { throw BenchError("the floor read \(lines) lines, not \(entries)") }
                floor.add(tf)
                report.line("#\(rep) open \(right(duration(t), 9)) (CPU \(duration(c))), peak RSS \(fixed(rss, 0)) MiB; "
                    + "floor (read + CRC) \(duration(tf)); load \(loadAverage())")
            }
            report.line("median open \(duration(wall.median)) (CPU \(duration(cpu.median))) = "
                + "\(rate(entries, wall.median)) entries, \(mbps(walBytes, wall.median)); floor \(duration(floor.median)) "
                + "(\(mbps(walBytes, floor.median)))")
            report.add(SummaryRow(
                measurement: "recovery of \(grouped(Double(entries))) unsaved single \(kind)",
                lineDB: "\(duration(wall.median)) (CPU \(duration(cpu.median)))",
                sqlite: "floor: read + CRC \(duration(floor.median))",
                ratio: fixed(wall.median / floor.median, 1) + "×", target: entries >= 1_000_000 ? "≤ 2 s" : "",
                met: entries >= 1_000_000 ? wall.median <= 2 : nil))
            if !options.keep { removeTree(dir) }
        }
    }

    /// Builds the database at `dir`: `inserts` = `entries` single inserts into an empty table; `updates` = a saved
    /// table of `entries / 10` records, then `entries` single updates (each changes `gpa` and `active`). No save, no
    /// checkpoint after the writes (auto-checkpoint off, sync off: only the WAL's content matters here). Returns
    /// how many records were saved before the writes.
    private func makeRecoveryDatabase(_ dir: String, kind: String, entries: Int) throws -> Int {
        var o = DatabaseOptions()
        o.autoCheckpointBytes = nil
        o.syncMode = .off
        let db = try Database(path: dir, options: o)
        defer { try? db.close() }
        try db.createTable(try Students.schema())
        if kind == "inserts" {
            for i in 0..<entries { _ = try db.insert(Students.table, Students.record(i)) }
            return 0
        }
        let saved = max(1, entries / 10)
        var i = 0
        while i < saved {
            let end = min(saved, i + 10_000)
            _ = try db.insert(Students.table, records: Students.records(i..<end))
            i = end
        }
        _ = try db.checkpoint()
        for k in 0..<entries {
            let id = 1 + (k &* 7919) % saved
            _ = try db.update(
                Students.table, key: .int(id),
                set: ["gpa": .double(Double(100 + k % 301) / 100), "active": .bool(k % 3 != 0)])
        }
        return saved
    }

    /// The floor of any recovery: read the WAL and check the CRC-32C of every sealed line. Returns the line count.
    static func readAndCheckCRC(_ path: String) throws -> Int {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw BenchError("cannot open \(path)") }
        defer { close(fd) }
        var st = stat()
        fstat(fd, &st)
        let size = Int(st.st_size)
        var bytes = [UInt8](repeating: 0, count: size)
        var got = 0
        try bytes.withUnsafeMutableBytes { raw in
            while got < size {
                let r = read(fd, raw.baseAddress! + got, size - got)
                if r <= 0 { throw BenchError("read of \(path) failed") }
                got += r
            }
        }
        let seal = Array(#","crc":""#.utf8)
        var lines = 0
        try bytes.withUnsafeBufferPointer { b in
            var start = 0
            while start < b.count {
                var end = start
                while end < b.count && b[end] != 10 { end += 1 }
                let n = end - start
                if n > 19, b[start + n - 18] == seal[0], b[start + n - 17] == seal[1] {
                    var stored: UInt32 = 0
                    for i in 0..<8 {
                        let c = b[start + n - 10 + i]
                        stored = stored << 4 | UInt32(c <= 57 ? c - 48 : c - 87)
                    }
                    let crc = CRC32C.checksum(UnsafeBufferPointer(rebasing: b[start..<(start + n - 18)]))
                    if crc != stored { throw BenchError("\(path):\(lines + 1): checksum mismatch") }
                }
                lines += 1
                start = end + 1
            }
        }
        return lines
    }
}
