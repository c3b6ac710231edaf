#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Testing
@testable import LineDB

/// History retention (issue 15, section 5): `compactHistory` removes the oldest archives a rule does not need, the
/// history then begins later (and says so), every moment it still reaches gives the same past as before, and a
/// kill -9 at any step leaves a database that opens with every record and every archive the rule keeps.
@Suite("History retention: compactHistory, the after-checkpoint option, history stats")
struct RetentionTests {
    /// A database with `rounds` archives: each round inserts 4 students, updates 2 (one of them its key), deletes
    /// 1, then checkpoints. Returns the open database.
    static func archived(_ dir: TempDir, rounds: Int = 4, options: DatabaseOptions? = nil) throws -> Database {
        var o = options ?? DatabaseOptions(syncMode: .off)
        // Plain archives with their index sidecars: these tests count and rename both (gzipped archives'
        // retention: GzipArchiveTests).
        o.gzipArchives = false
        o.autoCheckpointBytes = nil
        let db = try Database(path: dir.db, options: o)
        try db.createTable(studentSchema)
        var next = 1
        for round in 0..<rounds {
            for _ in 0..<4 {
                try db.insert("student", ["id": .int(next), "name": .string("s\(next)"), "email": .string("s\(next)@u")])
                next += 1
            }
            try db.update("student", key: .int(next - 4), set: ["gpa": .double(Double(round) + 0.5)])
            try db.update("student", key: .int(next - 3), set: ["id": .int(1000 + next)])
            try db.delete("student", key: .int(next - 2))
            try db.checkpoint()
        }
        try db.insert("student", ["id": .int(next), "name": "live", "email": "live@u"])
        return db
    }

    /// Records in key order, as past tables list them.
    static func byKey(_ records: [Record]) -> [Record] {
        records.sorted { $0["id"]!.intValue! < $1["id"]!.intValue! }
    }

    static func archives(_ dir: TempDir) -> [String] {
        dir.list("db/wal").filter { $0 != "transaction.log" && !$0.hasSuffix(".idx") }
            .sorted(by: HistoryLog.archiveOrder)
    }

    /// The past as of every LSN from `from` to now, as records of `student` (nil: refused).
    static func pasts(_ db: Database, from: Int) throws -> [Int: [Record]] {
        let now = try db.historyFiles().reach.latestLSN
        var out: [Int: [Record]] = [:]
        for lsn in from...now {
            out[lsn] = (try? db.state(asOf: .lsn(lsn)))?.table("student")?.records ?? []
        }
        return out
    }

    static func expectSamePasts(_ db: Database, _ before: [Int: [Record]], from earliest: Int,
                                sourceLocation: SourceLocation = #_sourceLocation) throws {
        for (lsn, records) in before where lsn >= earliest {
            let now = try db.state(asOf: .lsn(lsn)).table("student")?.records ?? []
            #expect(now == records, "as of lsn \(lsn) the past changed after the compaction", sourceLocation: sourceLocation)
        }
    }

    @Test("keep-archives N removes the oldest archives, keeps the newest N, and the history begins after them")
    func keepArchives() throws {
        let dir = TempDir("ret")
        let db = try Self.archived(dir)
        let all = Self.archives(dir)
        #expect(all.count == 4)
        let (files, _) = try db.historyFiles()
        let before = try Self.pasts(db, from: 0)
        let live = dir.bytes("db/wal/transaction.log")

        let summary = try db.compactHistory(.keepArchives(2))
        #expect(summary.removed.map(\.name) == Array(all.prefix(2)))
        #expect(summary.kept == Array(all.suffix(2)))
        #expect(Self.archives(dir) == Array(all.suffix(2)))
        #expect(dir.bytes("db/wal/transaction.log") == live, "the live WAL is never touched")
        // The archives and their index sidecars (every checkpoint writes one).
        #expect(summary.removedIndexes.map(\.name) == all.prefix(2).map { $0 + ".idx" })
        #expect(summary.bytesRemoved == files.prefix(2).reduce(0) { $0 + $1.sizeBytes }
            + summary.removedIndexes.reduce(0) { $0 + $1.sizeBytes })
        // The history now begins with the third archive: as of the LSN just before its first entry.
        let third = files[2]
        let reach = try db.historyFiles().reach
        #expect(reach.earliestLSN == third.firstLSN! - 1)
        #expect(reach.earliestTime == third.firstTime)
        #expect(summary.reach == reach)
        #expect(reach.limits.count == 1 && reach.limits[0].contains("older archives were removed"),
                "retention is the normal start of the history, not damage: \(reach.limits)")
        try Self.expectSamePasts(db, before, from: reach.earliestLSN)
        // Earlier is refused, naming the earliest LSN and time.
        do {
            _ = try db.state(asOf: .lsn(reach.earliestLSN - 1))
            Issue.record("a moment before the reach was not refused")
        } catch {
            #expect("\(error)".contains("lsn \(reach.earliestLSN)") && "\(error)".contains(third.firstTime!), "\(error)")
        }
        try db.close()
        // It opens with every record, and the LSNs go on.
        let reopened = try Database(path: dir.db)
        #expect(try Self.byKey(reopened.select("student")) == before[reach.latestLSN]!)
        try reopened.insert("student", ["id": 9999, "name": "after", "email": "after@u"])
        #expect(try reopened.historyFiles().reach.latestLSN == reach.latestLSN + 1)
        try reopened.close()
    }

    @Test("keep-lsn L keeps every archive holding an entry after L: the database as of L stays reachable")
    func keepLSN() throws {
        let dir = TempDir("ret")
        let db = try Self.archived(dir)
        let (files, _) = try db.historyFiles()
        let before = try Self.pasts(db, from: 0)
        // An LSN inside the second archive keeps it; its exact last LSN does not.
        let inside = files[1].firstLSN! + 2
        var s = try db.compactHistory(.keepLSN(inside))
        #expect(s.removed.map(\.name) == [files[0].name])
        #expect(try db.state(asOf: .lsn(inside)).table("student")?.records == before[inside])
        s = try db.compactHistory(.keepLSN(files[1].lastLSN!))
        #expect(s.removed.map(\.name) == [files[1].name])
        let reach = try db.historyFiles().reach
        #expect(reach.earliestLSN == files[1].lastLSN!, "as of the archive's last LSN is still reachable")
        try Self.expectSamePasts(db, before, from: files[1].lastLSN!)
        // Nothing left to remove for an LSN the history needs; an LSN after now is refused.
        s = try db.compactHistory(.keepLSN(files[1].lastLSN!))
        #expect(s.removed.isEmpty && s.notes.contains { $0.contains("nothing to remove") })
        #expect(throws: LineDBError.self) { try db.compactHistory(.keepLSN(reach.latestLSN + 1)) }
        #expect(throws: LineDBError.self) { try db.compactHistory(.keepArchives(-1)) }
        try db.close()
    }

    @Test("keep-since TIME keeps the archive holding the last entry before TIME: that time stays reachable")
    func keepSince() throws {
        let dir = TempDir("ret")
        let db = try Self.archived(dir)
        let (files, _) = try db.historyFiles()
        // A time in the middle of the third archive: the state then is that after its third entry.
        let entries = try Database.readWAL(path: dir.db + "/wal/" + files[2].name)
        let time = entries[2].timestamp
        let expected = try db.state(asOf: .time(time))
        let s = try db.compactHistory(.keepSince(.time(time)))
        #expect(s.removed.map(\.name) == [files[0].name, files[1].name])
        let again = try db.state(asOf: .time(time))
        #expect(again.lsn == expected.lsn && again.table("student")?.records == expected.table("student")?.records)
        // The time just before the first kept entry is the earliest; before it is refused.
        let earliestTime = try #require(try db.historyFiles().reach.earliestTime)
        #expect(earliestTime == files[2].firstTime)
        #expect(throws: LineDBError.self) { try db.state(asOf: .time("2000-01-01T00:00:00.000000")) }
        // A time before the history keeps everything there is.
        let none = try db.compactHistory(.keepSince(.time("2000-01-01T00:00:00.000000")))
        #expect(none.removed.isEmpty)
        // keepFor: a rolling window; a day keeps all of this minute-old history.
        #expect(try db.compactHistory(.keepFor(seconds: 86_400)).removed.isEmpty)
        let future = try db.compactHistory(.keepSince(.time("2999-01-01T00:00:00.000000")), dryRun: true)
        #expect(future.removed.count == 2, "keeping from a time after the last entry keeps only the live WAL")
        try db.close()
    }

    @Test("keep-archives 0 removes every archive; the database opens with every record and keeps numbering")
    func keepNone() throws {
        let dir = TempDir("ret")
        let db = try Self.archived(dir)
        let now = try Self.byKey(db.select("student"))
        let latest = try db.historyFiles().reach.latestLSN
        let s = try db.compactHistory(.keepArchives(0))
        #expect(s.removed.count == 4 && s.kept.isEmpty)
        #expect(dir.list("db/wal") == ["transaction.log"])
        #expect(try db.state(asOf: .lsn(latest)).table("student")?.records == now)
        try db.close()
        let reopened = try Database(path: dir.db)
        #expect(try Self.byKey(reopened.select("student")) == now)
        #expect(reopened.warnings.isEmpty, "\(reopened.warnings)")
        try reopened.insert("student", ["id": 5000, "name": "x", "email": "x@u"])
        #expect(try reopened.walEntries().last?.lsn == latest + 1)
        try reopened.close()
    }

    @Test("a dry run changes nothing and says exactly what the real run then does")
    func dryRun() throws {
        let dir = TempDir("ret")
        let db = try Self.archived(dir)
        dir.write("db/wal/" + Self.archives(dir)[0] + ".idx", "sidecar")
        let listing = dir.snapshot()
        for rule: RetentionRule in [.keepArchives(1), .keepArchives(0), .keepLSN(5), .keepArchives(9)] {
            _ = try db.compactHistory(rule, dryRun: true)
            #expect(dir.snapshot() == listing, "\(rule): the dry run changed a file")
        }
        let dry = try db.compactHistory(.keepArchives(1), dryRun: true)
        #expect(dry.dryRun && dry.removed.count == 3 && dry.removedIndexes.map(\.name) == dry.removed.map { $0.name + ".idx" })
        let real = try db.compactHistory(.keepArchives(1))
        #expect(real.removed == dry.removed && real.kept == dry.kept && real.reach == dry.reach)
        #expect(real.removedIndexes == dry.removedIndexes)
        try db.close()
    }

    @Test("a read-only database refuses compaction (a dry run works) and nothing changes")
    func readOnlyRefuses() throws {
        let dir = TempDir("ret")
        try Self.archived(dir).close()
        let listing = dir.snapshot()
        let db = try Database(path: dir.db, options: DatabaseOptions(syncMode: .full, readOnly: true))
        do {
            try db.compactHistory(.keepArchives(1))
            Issue.record("a read-only database compacted")
        } catch {
            guard case .readOnly = error else { Issue.record("\(error)"); return }
        }
        #expect(try db.compactHistory(.keepArchives(1), dryRun: true).removed.count == 3)
        #expect(dir.snapshot() == listing)
        try db.close()
    }

    @Test("index sidecars go with their archives; an orphan of an older archive goes too; a kept one stays")
    func sidecars() throws {
        let dir = TempDir("ret")
        let db = try Self.archived(dir)
        let all = Self.archives(dir)
        for name in all { dir.write("db/wal/\(name).idx", "index of \(name)") }
        dir.write("db/wal/transaction.20000101_000000.log.idx", "orphan")
        let s = try db.compactHistory(.keepArchives(2))
        #expect(Set(s.removedIndexes.map(\.name))
                == Set(["transaction.20000101_000000.log.idx"] + all.prefix(2).map { $0 + ".idx" }))
        #expect(dir.list("db/wal").filter { $0.hasSuffix(".idx") } == all.suffix(2).map { $0 + ".idx" }.sorted())
        let stats = try db.historyStats()
        #expect(stats.indexFiles == 2 && stats.archives == 2)
        #expect(stats.indexBytes == all.suffix(2).reduce(0) { $0 + "index of \($1)".utf8.count })
        try db.close()
    }

    @Test("historyRetention runs after every checkpoint, the automatic ones too")
    func afterCheckpoint() throws {
        let dir = TempDir("ret")
        var options = DatabaseOptions(syncMode: .off)
        options.gzipArchives = false  // plain archives, as the other tests here
        options.historyRetention = .keepArchives(2)
        let db = try Self.archived(dir, rounds: 5, options: options)
        #expect(Self.archives(dir).count == 2)
        let summary = try db.checkpoint()
        #expect(summary.retention?.removed.count == 1 && summary.retention?.kept.last == summary.archive)
        #expect(Self.archives(dir).count == 2 && Self.archives(dir).last == summary.archive)
        try db.close()
        // The auto-checkpoint, by WAL size.
        var auto = options
        auto.autoCheckpointBytes = 2_000
        auto.historyRetention = .keepArchives(1)
        let db2 = try Database(path: dir.db, options: auto)
        for i in 0..<60 { try db2.insert("student", ["id": .int(20_000 + i), "name": "a", "email": .string("a\(i)@u")]) }
        #expect(Self.archives(dir).count == 1)
        #expect(try db2.count("student") >= 60)
        try db2.close()
    }

    @Test("stats() reports the history's archives, bytes, index and earliest moment, before and after compaction")
    func statsHistory() throws {
        let dir = TempDir("ret")
        let db = try Self.archived(dir)
        func history() throws -> JSONObject { try #require(db.stats()["disk"]?.objectValue?["history"]?.objectValue) }
        let (files, _) = try db.historyFiles()
        var h = try history()
        #expect(h["archives"] == .int(4))
        #expect(h["archive_bytes"] == .int(Self.archives(dir).reduce(0) { $0 + dir.bytes("db/wal/" + $1).count }))
        let sidecars = dir.list("db/wal").filter { $0.hasSuffix(".idx") }
        #expect(sidecars.count == 4, "a checkpoint writes an index sidecar per archive")
        #expect(h["earliest_lsn"] == .int(0) && h["index_files"] == .int(sidecars.count))
        #expect(h["index_bytes"] == .int(sidecars.reduce(0) { $0 + dir.bytes("db/wal/" + $1).count }))
        #expect(h["latest_lsn"] == .int(try db.historyFiles().reach.latestLSN))
        try db.compactHistory(.keepArchives(1))
        h = try history()
        #expect(h["archives"] == .int(1))
        #expect(h["archive_bytes"] == .int(files[3].sizeBytes))
        #expect(h["earliest_lsn"] == .int(files[3].firstLSN! - 1))
        #expect(h["earliest_time"] == .string(files[3].firstTime!))
        try db.close()
    }

    @Test("an archive of the seed's lines (no LSN) is never left first: the one before it numbers it")
    func legacyArchiveKeepsItsPredecessor() throws {
        let dir = TempDir("ret")
        let db = try Self.archived(dir, rounds: 2)
        try db.close()
        // A seed-written archive (no LSN, no CRC) between the two LineDB ones, as if the seed had checkpointed once:
        // its entry is numbered on from the archive before it.
        let all = Self.archives(dir)
        let wal = dir.path + "/db/wal/"
        try FileManager.default.moveItem(atPath: wal + all[0], toPath: wal + "transaction.20260101_000001.log")
        try FileManager.default.moveItem(atPath: wal + all[1], toPath: wal + "transaction.20260101_000003.log")
        let seedLine = #"{"timestamp": "2026-01-01T00:00:02.000000", "operation": "INSERT", "table": "x", "record": {"id": 1}, "old_record": null}"#
        dir.write("db/wal/transaction.20260101_000002.log", seedLine + "\n")
        let reopened = try Database(path: dir.db, options: DatabaseOptions(syncMode: .full, readOnly: true))
        let files = try reopened.historyFiles().files
        #expect(files.map(\.isLegacy) == [false, true, false, false], "\(files.map(\.name))")
        let s = try reopened.compactHistory(.keepArchives(2), dryRun: true)
        #expect(s.removed.isEmpty, "removing the first archive would renumber the seed's: \(s.removed.map(\.name))")
        #expect(s.notes.contains { $0.contains("seed") }, "\(s.notes)")
        // Past it, the seed's archive may go with the one before it.
        let one = try reopened.compactHistory(.keepArchives(1), dryRun: true)
        #expect(one.removed.map(\.name) == ["transaction.20260101_000001.log", "transaction.20260101_000002.log"])
        try reopened.close()
    }
}
