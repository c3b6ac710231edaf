import Foundation
import LineDB

/// The archive index sidecars (issue 15, "Keeping history affordable"): the history of one key over 1M WAL entries
/// spread over 10 archives, with the sidecars and without them, and what writing one adds to a checkpoint.
extension Benchmark {
    /// Builds a database whose WAL history is `entries` entries over `archives` archives (each round: a bulk
    /// insert of 90% of the round's entries in one transaction, then single updates for the rest, one of them to
    /// the probe key 1, then a checkpoint), then times:
    /// - `history(of: "student", key: 1)` on a read-only open, with the sidecars (target ≤ 50 ms) and with them
    ///   moved away (target ≤ 1.5 s: every archive is read whole);
    /// - checkpoints of one more such round with ``DatabaseOptions/indexArchives`` on and off, alternating
    ///   (target: ≤ 10% more with it).
    ///
    /// Called by `linedb-bench --history`.
    func archiveIndexBenchmark(entries: Int = 1_000_000, archives: Int = 10) throws {
        report.section("Archive index: history of one key over \(grouped(Double(entries))) WAL entries in "
            + "\(archives) archives; checkpoint with vs without the index")
        let dir = root + "/archive-index"
        removeTree(dir)
        let perRound = entries / archives
        let inserts = perRound * 9 / 10
        var next = 0
        var built = 0
        var dbOptions = DatabaseOptions(syncMode: .off)
        dbOptions.autoCheckpointBytes = nil

        /// One round: bulk inserts, single updates (the probe key among them); the checkpoint's time.
        func round(_ db: Database) throws -> Double {
            _ = try db.insert(Students.table, records: Students.records(next..<(next + inserts)))
            next += inserts
            for u in 0..<(perRound - inserts - 1) {
                _ = try db.update(Students.table, key: .int(2 + (u * 7919) % (next - 1)), set: ["gpa": .double(Double(u % 400) / 100)])
            }
            _ = try db.update(Students.table, key: 1, set: ["gpa": .double(Double(built % 400) / 100)])
            built += 1
            let (_, seconds) = try timed { try db.checkpoint() }
            return seconds
        }

        var db = try Database(path: dir, options: dbOptions)
        try db.createTable(Students.schema())
        var buildCheckpoints = Samples()
        for _ in 0..<archives { buildCheckpoints.add(try round(db)) }
        try db.close()
        let walFiles = (try? FileManager.default.contentsOfDirectory(atPath: dir + "/wal")) ?? []
        let sidecars = walFiles.filter { $0.hasSuffix(".log.idx") }
        let archiveBytes = walFiles.filter { $0.hasSuffix(".log") && $0 != "transaction.log" }.reduce(0) { $0 + fileSize(dir + "/wal/" + $1) }
        let indexBytes = sidecars.reduce(0) { $0 + fileSize(dir + "/wal/" + $1) }
        report.line("built: \(grouped(Double(next))) records, \(built) archives of \(grouped(Double(perRound))) entries "
            + "(\(mb(archiveBytes))), \(sidecars.count) sidecars (\(mb(indexBytes)), "
            + "\(fixed(100 * Double(indexBytes) / Double(max(1, archiveBytes)), 1))% of the archives)")

        // What building one archive's sidecar costs alone (a full scan of the archive, then the encoding).
        if let first = walFiles.filter({ $0.hasSuffix(".log") && $0 != "transaction.log" }).sorted().last {
            var build = Samples()
            var size = 0
            for _ in 0..<3 {
                let (bytes, s) = try timed {
                    try ArchiveIndexBuilder.build(io: RealFileIO.shared, path: dir + "/wal/" + first, archive: first) { _ in "id" }
                }
                build.add(s)
                size = bytes?.count ?? 0
            }
            report.line(latencyLine("building one sidecar (scan of a \(mb(fileSize(dir + "/wal/" + first))) archive; \(mb(size)))", build))
        }

        // History of the probe key, read-only (a reader never writes a sidecar).
        let reader = try Database(path: dir, options: DatabaseOptions(syncMode: .full, readOnly: true))
        var withIndex = Samples()
        var versions = 0
        for _ in 0..<max(5, options.smallRepeats) {
            let (v, s) = try timed { try reader.history(of: Students.table, key: 1) }
            withIndex.add(s)
            versions = v.count
        }
        for name in sidecars { try FileManager.default.moveItem(atPath: dir + "/wal/" + name, toPath: dir + "/wal/" + name + ".off") }
        var withoutIndex = Samples()
        var versionsWithout = 0
        for _ in 0..<3 {
            let (v, s) = try timed { try reader.history(of: Students.table, key: 1) }
            withoutIndex.add(s)
            versionsWithout = v.count
        }
        for name in sidecars { try FileManager.default.moveItem(atPath: dir + "/wal/" + name + ".off", toPath: dir + "/wal/" + name) }
        try reader.close()
        guard versions == built + 1, versionsWithout == versions else {
            throw BenchError("history of key 1: \(versions) versions with the index, \(versionsWithout) without; expected \(built + 1)")
        }
        report.line(latencyLine("history(of:key:) with the index (\(versions) versions)", withIndex))
        report.line(latencyLine("history(of:key:) without it (every archive read)", withoutIndex))
        report.add(SummaryRow(
            measurement: "history of one key, 1M entries / 10 archives, with index", lineDB: duration(withIndex.median),
            sqlite: "-", ratio: "", target: "≤ 50 ms", met: withIndex.median <= 0.050))
        report.add(SummaryRow(
            measurement: "history of one key, without index", lineDB: duration(withoutIndex.median),
            sqlite: "-", ratio: "", target: "≤ 1.5 s", met: withoutIndex.median <= 1.5))

        // Checkpoints of one more round, the index on and off, alternating.
        var on = Samples()
        var off = Samples()
        for rep in 0..<4 {
            var o = dbOptions
            o.indexArchives = rep % 2 == 1
            db = try Database(path: dir, options: o)
            let s = try round(db)
            try db.close()
            if o.indexArchives { on.add(s) } else { off.add(s) }
        }
        let extra = on.median / off.median - 1
        report.line("checkpoints while building (index on, median): \(duration(buildCheckpoints.median))")
        report.line(latencyLine("checkpoint of a \(grouped(Double(perRound)))-entry WAL, index on", on))
        report.line(latencyLine("checkpoint of a \(grouped(Double(perRound)))-entry WAL, index off", off))
        report.add(SummaryRow(
            measurement: "checkpoint with the archive index vs without", lineDB: "\(duration(on.median)) vs \(duration(off.median))",
            sqlite: "-", ratio: "\(fixed(100 * extra, 1))% more", target: "≤ 10% more", met: extra <= 0.10))
        removeTree(dir)
    }
}
