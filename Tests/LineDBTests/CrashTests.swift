#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Testing
@testable import LineDB

/// Test group A: a real writer process (`linedb-crash-writer`) on real files with real `fsync`,
/// killed with SIGKILL at random moments or at named failpoints, then reopened and checked against what it
/// acknowledged (NoLoss, NoPhantom, NoCorrupt, Idem).
@Suite("Crash tests: SIGKILLed writer processes (test group A)")
struct CrashTests {
    /// Kills a `mixed` writer `kills` times in one directory, reopening and verifying after each kill.
    /// Most kills come a random 0-3 ms after a random number of acknowledgements (so inside a write, a save or a
    /// checkpoint); one in ten at a random moment of the first 40 ms (start-up, recovery, table creation).
    private func killLoop(seed: Int, mode: SyncMode, kills: Int) throws -> CrashHarness {
        let h = CrashHarness("crash-\(mode.rawValue)-\(seed)")
        var random = TestRandom(seed)
        for run in 0..<kills {
            let settings = [
                "run=\(run)", "saveEvery=\(3 + random.below(10))", "checkpointEvery=\(10 + random.below(30))",
            ]
            let child = try h.spawn("mixed", seed: seed, mode: mode, settings)
            if random.below(10) == 0 {
                usleep(UInt32(random.below(40_000)))
            } else {
                let target = 1 + random.below(40)
                var acks = 0
                while acks < target, let line = child.nextLine(), !line.hasPrefix("ERR") {
                    if line.hasPrefix("ACK ") { acks += 1 }
                }
                usleep(UInt32(random.below(3_000)))
            }
            let status = child.killAndCollect()
            try h.absorb(child)
            try #require(
                status == .signaled(SIGKILL) && h.log.errors.isEmpty, "run \(run): \(status); \(child.transcript)")
            try h.verifyReopen(mode: mode, probe: true, idem: run % 8 == 7)
        }
        return h
    }

    @Test("A1: 8 x 25 SIGKILLs of a .full writer: every acknowledged write survives exactly, nothing else appears",
          arguments: 1...8)
    func killFull(seed: Int) throws {
        let h = try killLoop(seed: seed, mode: .full, kills: 25)
        #expect(h.log.ackCount > 100)
        print("A1 seed \(seed): 25 kills, \(h.log.ackCount) acknowledged calls, in-flight write found applied "
              + "\(h.log.inflightApplied) times, recovery warnings: \(h.warnings)")
    }

    @Test("A2: SIGKILLs under .normal and .off: a process crash loses nothing acknowledged (page cache survives)",
          arguments: [SyncMode.normal, .off], [11, 12])
    func killRelaxed(mode: SyncMode, seed: Int) throws {
        let h = try killLoop(seed: seed, mode: mode, kills: 20)
        #expect(h.log.ackCount > 80)
    }

    // MARK: - A3: save()

    static let appendPoints = [
        "save.afterWalSync", "save.beforeAppend", "save.afterAppendWrite", "save.afterAppendSync",
        "save.afterAppendSync@2",
    ]
    static let replacePoints = [
        "save.afterWalSync", "save.beforeTemp", "save.midTemp", "save.afterTempWrite", "save.afterTempFsync",
        "save.afterRename", "save.afterRename@2", "save.afterDirFsync",
    ]

    @Test("A3: a kill at every failpoint of save() leaves each records file exactly old or new, and loses nothing",
          arguments: ["append", "replace"])
    func killInSave(path: String) throws {
        let points = path == "append" ? Self.appendPoints : Self.replacePoints
        let seed = path == "append" ? 31 : 32
        let tables = ["event", "item"]
        // The old version: a saved database. It ends with a checkpoint: a WAL that still holds updates makes the
        // next open mark the tables for a rewrite (see the report), and the append path would not be reached.
        let setup = CrashHarness("a3-setup")
        try setup.runToEnd("mixed", seed: seed, ["run=0", "ops=40", "final=checkpoint"])
        let old = tables.map { setup.dir.bytes("db/data/\($0).records") }
        // The new version: the same second run, not killed.
        // inPlace=0: updates and deletes rewrite the file (the in-place path has its own test, killInPlaceSave).
        let step = ["run=1", "ops=30", "final=save", "kinds=" + (path == "append" ? "insert" : "mixed"), "inPlace=0"]
        let reference = CrashHarness("a3-ref")
        try FileManager.default.copyItem(atPath: setup.db, toPath: reference.db)
        let referenceRun = try reference.runToEnd("mixed", seed: seed, step)
        let new = tables.map { reference.dir.bytes("db/data/\($0).records") }
        #expect(old[1] != new[1], "the second run must change item.records")

        var outcomes: [String] = []
        for point in points {
            let h = CrashHarness("a3")
            try FileManager.default.copyItem(atPath: setup.db, toPath: h.db)
            try h.log.absorb(setup.log.stateLines)
            let child = try h.spawn("mixed", seed: seed, step, failpoints: point)
            let status = child.finish()
            try h.absorb(child)
            #expect(status == .signaled(SIGKILL), "\(point) was not reached: \(child.transcript)")
            #expect(child.lines.filter { $0.hasPrefix("ACK") } == referenceRun.lines.filter { $0.hasPrefix("ACK") },
                    "the killed run must have made the same writes as the reference run")
            let now = tables.map { h.dir.bytes("db/data/\($0).records") }
            for i in tables.indices {
                #expect(now[i] == old[i] || now[i] == new[i], "\(point): \(tables[i]).records is neither old nor new")
            }
            let found = tables.indices.map {
                tables[$0] + (now[$0] == old[$0] ? "=old" : now[$0] == new[$0] ? "=new" : "=?")
            }
            outcomes.append("\(point): " + found.joined(separator: " "))
            if ["save.afterWalSync", "save.beforeTemp", "save.beforeAppend"].contains(point) {
                #expect(now == old, "\(point): a records file changed before the save wrote it: \(found)")
            }
            if ["save.afterDirFsync", "save.afterAppendSync@2"].contains(point) {
                #expect(now == new, "\(point): the save was complete: \(found)")
            }
            try h.verifyReopen(idem: true)
            // The next save completes what the killed one started.
            let db = try Database(path: h.db)
            try db.save()
            try db.close()
            try h.verifyReopen()
        }
        print("A3 \(path): " + outcomes.joined(separator: "; "))
    }

    static let inPlacePoints = [
        "save.inPlace.beforeRedo", "save.inPlace.midRedo", "save.inPlace.afterRedo", "save.inPlace.afterFirstPatch",
        "save.inPlace.afterPatchSync", "save.inPlace.afterRedoUnlink",
    ]

    @Test("A3: a kill at every step of an in-place save: the next open completes or discards the redo, each records file is then exactly old or new, nothing is lost",
          arguments: inPlacePoints)
    func killInPlaceSave(point: String) throws {
        let tables = ["event", "item"]
        // Many saved records, then a few updates and deletes: the save patches the files in place.
        let setup = CrashHarness("a3i-setup")
        try setup.runToEnd("mixed", seed: 33, ["run=0", "ops=400", "kinds=insert", "final=checkpoint"])
        let old = tables.map { setup.dir.bytes("db/data/\($0).records") }
        let step = ["run=1", "ops=8", "final=save", "kinds=mixed"]
        let reference = CrashHarness("a3i-ref")
        try FileManager.default.copyItem(atPath: setup.db, toPath: reference.db)
        let referenceRun = try reference.runToEnd("mixed", seed: 33, step)
        let new = tables.map { reference.dir.bytes("db/data/\($0).records") }
        #expect(old != new, "the second run must change a records file")

        let h = CrashHarness("a3i")
        try FileManager.default.copyItem(atPath: setup.db, toPath: h.db)
        try h.log.absorb(setup.log.stateLines)
        let child = try h.spawn("mixed", seed: 33, step, failpoints: point)
        let status = child.finish()
        try h.absorb(child)
        #expect(status == .signaled(SIGKILL), "\(point) was not reached (the save did not go in place?): \(child.transcript)")
        #expect(child.lines.filter { $0.hasPrefix("ACK") } == referenceRun.lines.filter { $0.hasPrefix("ACK") })
        let redos = h.dir.list("db/data").filter { $0.hasSuffix(".records.redo") }
        if ["save.inPlace.afterRedo", "save.inPlace.afterFirstPatch", "save.inPlace.afterPatchSync"].contains(point) {
            #expect(redos.count == 1, "\(point): the redo must be there: \(redos)")
        }
        // The open completes a complete redo and discards an incomplete one: then each file is old or new.
        try h.verifyReopen(idem: true)
        #expect(h.dir.list("db/data").filter { $0.hasSuffix(".records.redo") }.isEmpty, "the open left the redo")
        let now = tables.map { h.dir.bytes("db/data/\($0).records") }
        for i in tables.indices {
            #expect(now[i] == old[i] || now[i] == new[i], "\(point): \(tables[i]).records is neither old nor new")
        }
        if point != "save.inPlace.beforeRedo" && point != "save.inPlace.midRedo" {
            #expect(now != old, "\(point): the redo was complete, so its save must be completed")
        }
        // The next save completes what the killed one started: the files are then what the reference wrote.
        let db = try Database(path: h.db)
        try db.save()
        try db.close()
        #expect(tables.map { h.dir.bytes("db/data/\($0).records") } == new, "\(point): the next save did not finish it")
        try h.verifyReopen()
    }

    // MARK: - A4: checkpoint()

    @Test("A4: a kill at every step of checkpoint(): one WAL, no archive overwritten or duplicated, LSNs continuous",
          arguments: [
              "checkpoint.afterSync", "save.afterTempFsync", "save.afterRename", "checkpoint.afterSave",
              "checkpoint.afterLink", "checkpoint.afterTemp", "checkpoint.afterRename", "checkpoint.afterDirFsync",
          ])
    func killInCheckpoint(point: String) throws {
        let h = CrashHarness("a4")
        try h.runToEnd("mixed", seed: 41, ["run=0", "ops=40", "final=checkpoint"])
        let firstArchive = try #require(h.log.archives.last)
        let firstArchiveBytes = h.dir.bytes("db/wal/" + firstArchive)
        #expect(!firstArchiveBytes.isEmpty)

        let child = try h.spawn("mixed", seed: 41, ["run=1", "ops=30", "final=checkpoint"], failpoints: point)
        let status = child.finish()
        try h.absorb(child)
        #expect(status == .signaled(SIGKILL), "\(point) was not reached: \(child.transcript)")
        #expect(h.dir.exists("db/wal/transaction.log"), "\(point): wal/transaction.log must exist at every instant")
        // The crash states of a checkpoint (one per step: Database+Checkpoint.swift), before recovery sees them.
        var live = stat()
        #expect(lstat(h.db + "/wal/transaction.log", &live) == 0)
        if point == "checkpoint.afterLink" || point == "checkpoint.afterTemp" {
            #expect(live.st_nlink == 2, "\(point): the archive name must be a second link to the live WAL")
            #expect(h.dir.exists("db/wal/.transaction.log.tmp") == (point == "checkpoint.afterTemp"))
        } else {
            #expect(live.st_nlink == 1)
        }

        try h.verifyReopen(idem: true)
        try checkWALChain(h, archive: firstArchive, bytes: firstArchiveBytes, point: point)
        // A second checkpoint succeeds, and the chain is still whole.
        let db = try Database(path: h.db)
        let summary = try db.checkpoint()
        #expect(summary.archive != nil)
        try db.close()
        try checkWALChain(h, archive: firstArchive, bytes: firstArchiveBytes, point: point + " + checkpoint")
        try h.verifyReopen(probe: true, idem: true)
    }

    /// Exactly one `transaction.log` (its own inode), archives with distinct inodes, the first archive unchanged,
    /// and every LSN from 1 to the last exactly once across the archives and the live WAL.
    private func checkWALChain(_ h: CrashHarness, archive: String, bytes: [UInt8], point: String) throws {
        let wal = h.db + "/wal"
        let names = h.dir.list("db/wal")
        #expect(names.filter { $0 == "transaction.log" }.count == 1)
        #expect(!names.contains(".transaction.log.tmp"), "\(point): the new-WAL temp survived")
        let archives = names.filter(DatabasePaths.isArchiveName)
        var inodes: Set<UInt64> = []
        var live = stat()
        #expect(lstat(wal + "/transaction.log", &live) == 0)
        #expect(live.st_nlink == 1, "\(point): transaction.log still shares its inode with an archive")
        inodes.insert(UInt64(live.st_ino))
        for name in archives {
            var s = stat()
            #expect(lstat(wal + "/" + name, &s) == 0)
            #expect(inodes.insert(UInt64(s.st_ino)).inserted, "\(point): \(name) is a second name of another WAL file")
        }
        #expect(h.dir.bytes("db/wal/" + archive) == bytes, "\(point): archive \(archive) was changed")

        var files: [[WALEntry]] = []
        for name in archives { files.append(try Database.readWAL(path: wal + "/" + name)) }
        #expect(files.allSatisfy { !$0.isEmpty }, "\(point): an empty archive")
        files.sort { ($0.first?.lsn ?? 0) < ($1.first?.lsn ?? 0) }
        files.append(try Database.readWAL(path: wal + "/transaction.log"))
        let lsns = files.flatMap { $0.map(\.lsn) }
        let expected = Array(1...max(1, lsns.count))
        #expect(lsns == expected, "\(point): LSNs of \(archives) + transaction.log are not 1...\(lsns.count) once each")
        let ranges = files.dropLast().map { ($0.first!.lsn, $0.last!.lsn) }
        #expect(Set(ranges.map { "\($0.0)-\($0.1)" }).count == ranges.count, "\(point): two archives, same LSNs")
    }

    // MARK: - A5: recovery

    @Test("A5: kills during recovery itself: restartable, quarantine copy not duplicated, reopening twice is the same",
          arguments: [
              ["recovery.afterQuarantine"], ["recovery.beforeTruncate"], ["recovery.afterTruncate"],
              ["recovery.afterQuarantine", "recovery.beforeTruncate", "recovery.afterTruncate"],
          ])
    func killInRecovery(points: [String]) throws {
        let h = CrashHarness("a5")
        try h.runToEnd("mixed", seed: 51, ["run=0", "ops=25", "saveEvery=10"])
        let walPath = h.db + "/wal/transaction.log"
        let validSize = h.dir.bytes("db/wal/transaction.log").count
        // A torn last entry, as a crash in the middle of an append leaves it.
        let torn = Array(
            #"{"timestamp":"2026-01-22T20:31:17.592245","operation":"INSERT","table":"item","record":{"id":9"#.utf8)
        let handle = try #require(FileHandle(forWritingAtPath: walPath))
        handle.seekToEndOfFile()
        handle.write(Data(torn))
        try handle.close()

        for point in points {
            let child = try h.spawn("open", seed: 51, failpoints: point)
            let status = child.finish()
            #expect(status == .signaled(SIGKILL), "\(point) was not reached: \(child.transcript)")
            let quarantined = h.dir.list("db/quarantine")
            #expect(quarantined.count <= 1, "\(point): quarantine copy duplicated: \(quarantined)")
            #expect(quarantined.allSatisfy { h.dir.bytes("db/quarantine/" + $0) == torn })
        }
        // Finish the recovery (a child, as a real restart), then reopen twice in this process.
        let restart = try h.spawn("open", seed: 51)
        #expect(restart.finish() == .exited(0), Comment(rawValue: restart.transcript))
        try h.verifyReopen(idem: true)
        #expect(h.warnings.isEmpty, "the tail was cut by the restart; this open must find nothing: \(h.warnings)")
        let quarantined = h.dir.list("db/quarantine")
        #expect(quarantined.count == 1, "exactly one quarantine copy: \(quarantined)")
        #expect(quarantined.allSatisfy { h.dir.bytes("db/quarantine/" + $0) == torn })
        #expect(h.dir.bytes("db/wal/transaction.log").count == validSize, "the WAL is cut back to its valid prefix")
    }

    // MARK: - A6: import, drop and create

    @Test("A6: a kill during a 100k-row import leaves all of it or none of it",
          arguments: ["wal.afterWrite@3", "wal.afterCommitWrite", "random"])
    func killDuringImport(point: String) throws {
        let h = CrashHarness("a6-import")
        try h.runToEnd("import", seed: 61, mode: .full, ["run=0", "rows=10"])
        let child = try h.spawn(
            "import", seed: 61, ["run=1", "rows=100000"], failpoints: point == "random" ? nil : point)
        if point == "random" {
            // Kill when the WAL has grown by a random 2-19 MB of the import's ~22 MB (so inside it, whatever the
            // machine's speed); the import is written in 4 MiB chunks.
            child.readUntil { $0.hasPrefix("TRY") }
            var random = TestRandom(61)
            let target = h.dir.bytes("db/wal/transaction.log").count + (2 << 20) + random.below(17 << 20)
            var size = stat()
            while child.exitStatus() == nil, stat(h.db + "/wal/transaction.log", &size) == 0,
                Int(size.st_size) < target
            {
                usleep(500)
            }
            child.kill()
        }
        let status = child.finish()
        try h.absorb(child)
        #expect(status == .signaled(SIGKILL), "\(point): \(child.transcript)")
        // Reopen; a probe insert must get a key above every acknowledged one.
        try h.verifyReopen(probe: true, probeTable: "bulk")
        let count = (h.log.state.rows["bulk"]?.count ?? 0) - 1
        #expect(count == 10 || count == 100_010, "import partly applied: \(count) rows")
        switch point {
        case "wal.afterWrite@3":
            #expect(count == 10, "killed before COMMIT was written: nothing may be applied")
            #expect(h.warnings.contains { $0.contains("without COMMIT") }, "\(h.warnings)")
        case "wal.afterCommitWrite":
            #expect(count == 100_010, "COMMIT was written (page cache survives SIGKILL): all must be applied")
        default:
            print("A6 random import kill: \(count == 10 ? "none" : "all") applied")
        }
        if count == 10 {
            // The probe was written after the discarded transaction's lines: it replays, they stay discarded.
            try h.verifyReopen()
        }
    }

    @Test("A6: kills during DROP_TABLE + CREATE_TABLE sequences replay to the final acknowledged state")
    func killDuringDropCreate() throws {
        let h = CrashHarness("a6-drop")
        var random = TestRandom(62)
        for run in 0..<16 {
            // Half the kills at an exact step: right after the k-th WAL write (before its sync and ACK).
            let failpoint = run % 2 == 0 ? "wal.afterWrite@\(2 + random.below(12))" : nil
            let child = try h.spawn("dropcreate", seed: 62, ["run=\(run)"], failpoints: failpoint)
            if failpoint == nil {
                let target = 1 + random.below(20)
                var acks = 0
                while acks < target, let line = child.nextLine(), !line.hasPrefix("ERR") {
                    if line.hasPrefix("ACK ") { acks += 1 }
                }
                usleep(UInt32(random.below(3_000)))
                child.kill()
            }
            let status = child.finish()
            try h.absorb(child)
            try #require(status == .signaled(SIGKILL) && h.log.errors.isEmpty, "run \(run): \(child.transcript)")
            try h.verifyReopen(idem: run % 4 == 3)
        }
    }

    // MARK: - A7: restart

    @Test("A7: a writer started right after a kill gets the lock at once and recovery runs once")
    func restartAtOnce() throws {
        let h = CrashHarness("a7")
        var random = TestRandom(71)
        for run in 0..<8 {
            let first = try h.spawn("mixed", seed: 71, ["run=\(2 * run)", "saveEvery=5", "checkpointEvery=17"])
            let target = 1 + random.below(30)
            var acks = 0
            while acks < target, let line = first.nextLine(), !line.hasPrefix("ERR") {
                if line.hasPrefix("ACK ") { acks += 1 }
            }
            #expect(first.killAndCollect() == .signaled(SIGKILL))
            try h.absorb(first)
            // At once: the kernel released the flock when the process died. The new writer opens (recovers) and
            // closes without writing, so the in-flight write of the killed one is resolved by the check below.
            let second = try h.spawn("open", seed: 71)
            let status = second.finish()
            #expect(status == .exited(0), "restart \(run): \(second.transcript)")
            let warned = second.lines.filter { $0.hasPrefix("WARN") }.count
            #expect(
                second.lines.first == "OPEN readOnly=false warnings=\(warned)", "restart \(run): \(second.transcript)")
            // The restart repaired everything: the next open finds nothing to recover.
            let before = h.warnings.count
            try h.verifyReopen(probe: true)
            #expect(h.warnings.count == before, "recovery ran again: \(h.warnings.suffix(h.warnings.count - before))")
            let quarantined = h.dir.list("db/quarantine")
            #expect(Set(quarantined.map { h.dir.bytes("db/quarantine/" + $0) }).count == quarantined.count,
                    "a quarantine copy was made twice")
        }
    }
}

extension AckLog {
    /// The acknowledged state as ACK lines (to seed a copy of a directory with what its first runs acknowledged).
    var stateLines: [String] {
        var lines: [String] = []
        for (table, columns) in state.columns.sorted(by: { $0.key < $1.key }) {
            let op: JSONValue = [
                "op": "create", "table": .string(table), "columns": .array(columns.map { .string($0) }),
            ]
            lines.append("ACK " + JSONWriter.encode(["ops": [op]]))
            for (key, record) in (state.rows[table] ?? [:]).sorted(by: { $0.key < $1.key }) {
                let object = JSONObject(uniqueKeysWithValues: record.sorted { $0.key < $1.key })
                let insert: JSONValue = [
                    "op": "insert", "table": .string(table), "key": .int(key), "record": .object(object),
                ]
                lines.append("ACK " + JSONWriter.encode(["ops": [insert]]))
            }
        }
        return lines
    }
}
