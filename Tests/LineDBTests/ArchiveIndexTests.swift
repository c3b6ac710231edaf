#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Testing
@testable import LineDB

/// The archive index sidecars (issue 15, "Keeping history affordable"): what a checkpoint writes agrees with a full
/// scan of the archive; history reads the same versions with and without them; a damaged, truncated, stale or
/// foreign sidecar is ignored by history and reported by `check`; deleting them loses nothing; a kill at any step of
/// writing one leaves a database that opens with every acknowledged write.
@Suite("Archive index sidecars")
struct ArchiveIndexTests {
    /// A random workload (HistoryOracleTests') with small auto-checkpoints: many archives, each indexed.
    static func workload(seed: Int, dir: TempDir, steps: Int = 300) throws -> Database {
        // Plain archives: a gzipped one has no index (it is read whole).
        let (db, _) = try HistoryOracleTests.workload(seed: seed * 2, steps: steps, dir: dir, gzipArchives: false)  // even: auto-checkpoints
        return db
    }

    static func archives(_ dir: TempDir) -> [String] {
        dir.list("db/wal").filter(DatabasePaths.isArchiveName).sorted(by: HistoryLog.archiveOrder)
    }

    static func sidecars(_ dir: TempDir) -> [String] { dir.list("db/wal").filter(ArchiveIndex.isSidecarName) }

    /// Every version as text: equal texts, equal histories (file, line, byte and effective LSN included).
    static func text(_ versions: [RecordVersion]) -> [String] {
        versions.map { v in
            "\(v.lsn)/\(v.effectiveLSN) \(v.timestamp) \(v.operation) key=\(v.key) old=\(v.oldKey.map { "\($0)" } ?? "-") "
                + "\(v.record.map { "\(JSONValue.object($0))" } ?? "-") <- \(v.oldRecord.map { "\(JSONValue.object($0))" } ?? "-") "
                + "\(v.changes.map { "\($0.column):\($0.old.map { "\($0)" } ?? "-")>\($0.new.map { "\($0)" } ?? "-")" }) "
                + "\(v.file):\(v.line)@\(v.byteOffset)"
        }
    }

    /// The histories of keys 0...maxKey, opened read-only (which never writes a sidecar).
    static func histories(_ dir: TempDir, maxKey: Int, limit: Int? = nil) throws -> [[String]] {
        let db = try Database(path: dir.db, options: DatabaseOptions(syncMode: .full, readOnly: true))
        defer { try? db.close() }
        return try (0...maxKey).map { try text(db.history(of: "student", key: .int($0), limit: limit)) }
    }

    static func removeSidecars(_ dir: TempDir) {
        for name in sidecars(dir) { try? FileManager.default.removeItem(atPath: dir.db + "/wal/" + name) }
    }

    // MARK: - Agreement with the archive

    @Test("every checkpoint writes a sidecar whose postings equal a full scan of its archive", arguments: [1, 2, 3])
    func indexAgreesWithScan(seed: Int) throws {
        let dir = TempDir()
        let db = try Self.workload(seed: seed, dir: dir)
        try db.close()
        let archives = Self.archives(dir)
        #expect(archives.count >= 3, "the workload was meant to leave several archives")
        #expect(Self.sidecars(dir) == archives.map(ArchiveIndex.sidecarName).sorted())
        let io = RealFileIO.shared
        let log = try HistoryLog(io: io, paths: DatabasePaths(root: dir.db), nowLSN: Int.max)
        var checked = 0
        for (i, file) in log.files.enumerated() where !file.isLive {
            let reader = try ArchiveIndexReader.open(io: io, walDir: dir.db + "/wal", archive: file.name).get()
            #expect(reader.verifyBuckets() == nil)
            #expect(reader.index.firstLSN == file.firstLSN && reader.index.lastLSN == file.lastLSN)
            #expect(reader.index.tables.map(\.name) == ["student"] || reader.index.tables.isEmpty)
            // The expected postings, from a full scan: every committed write, under its new and old key.
            let entries = try log.entries(ofFile: i)
            let bytes = dir.bytes("db/wal/" + file.name)
            var expected: [JSONValue: [ArchiveIndex.Posting]] = [:]
            for (j, h) in entries.enumerated() {
                guard let effective = h.effectiveLSN, let op = h.entry.operationKind,
                    op == .insert || op == .update || op == .delete
                else { continue }
                let next = j + 1 < entries.count ? entries[j + 1].entry.byteOffset : bytes.count
                let posting = ArchiveIndex.Posting(
                    lsn: h.entry.lsn, effectiveLSN: effective, byteOffset: h.entry.byteOffset,
                    span: next - h.entry.byteOffset, line: h.entry.line)
                var keys: [JSONValue] = []
                for case let k? in [h.entry.record.objectValue?["id"], h.entry.oldRecord.objectValue?["id"]] where !keys.contains(k) {
                    keys.append(k)
                }
                for k in keys { expected[k, default: []].append(posting) }
            }
            #expect(reader.index.keyCount == expected.count)
            #expect(reader.index.entryCount == expected.values.reduce(0) { $0 + $1.count })
            for key in 0...400 {
                let got = reader.postings(table: "student", key: .int(key))
                #expect(got == (expected[.int(key)] ?? []), "archive \(file.name), key \(key)")
                if got != (expected[.int(key)] ?? []) { return }
            }
            // Every posting reads back its own line.
            let all = expected.values.flatMap { $0 }.sorted { $0.lsn < $1.lsn }
            let read = try #require(reader.entries(all))
            #expect(read.map(\.entry.lsn) == all.map(\.lsn))
            #expect(reader.postings(table: "no such table", key: 1) == [])
            checked += 1
        }
        #expect(checked == archives.count)
        // The sidecar is the same bytes whoever builds it from the same archive.
        let before = Self.sidecars(dir).map { dir.bytes("db/wal/" + $0) }
        Self.removeSidecars(dir)
        let writer = try Database(path: dir.db)
        let repair = try writer.rebuildArchiveIndexes()
        try writer.close()
        #expect(repair.rebuilt == archives && repair.skipped.isEmpty && repair.removed.isEmpty)
        #expect(Self.sidecars(dir).map { dir.bytes("db/wal/" + $0) } == before)
    }

    @Test("history of every key is identical with the sidecars, without them, and with a limit", arguments: [1, 4])
    func historyWithAndWithoutIndex(seed: Int) throws {
        let dir = TempDir()
        try Self.workload(seed: seed, dir: dir).close()
        #expect(!Self.sidecars(dir).isEmpty)
        let with = try Self.histories(dir, maxKey: 120)
        let limited = try Self.histories(dir, maxKey: 120, limit: 3)
        #expect(with.contains { $0.count > 3 }, "some key was meant to have a long history")
        #expect(with.contains { $0.contains { $0.contains("old=") && !$0.contains("old=-") } }, "a key change was meant to be followed")
        Self.removeSidecars(dir)
        let without = try Self.histories(dir, maxKey: 120)
        #expect(with == without)
        #expect(limited == without.map { Array($0.prefix(3)) })
    }

    @Test("through the index, history reads only the key's lines: a damaged line of another key does not stop it")
    func indexReadsOnlyTheKeysLines() throws {
        let dir = TempDir()
        var options = DatabaseOptions()
        options.syncMode = .off
        options.autoCheckpointBytes = nil
        options.gzipArchives = false  // the index is for plain archives
        let db = try Database(path: dir.db, options: options)
        try db.createTable(studentSchema)
        for i in 1...2_000 {
            try db.insert("student", ["id": .int(i), "name": .string("n\(i)"), "email": .string("e\(i)@x"), "gpa": 1.5])
        }
        try db.update("student", key: 7, set: ["gpa": 3.5])
        try db.update("student", key: 1_000, set: ["gpa": 2.5])
        let archive = try #require(try db.checkpoint().archive)
        try db.close()
        let path = dir.db + "/wal/" + archive
        // Damage the line of key 1000 (far from both ends of a 300 KB archive: the fingerprint does not see it).
        var bytes = dir.bytes("db/wal/" + archive)
        #expect(bytes.count > 200_000)
        let text = String(decoding: bytes, as: UTF8.self)
        let line = try #require(text.range(of: #""name":"n1000","#))
        let offset = text.utf8.distance(from: text.startIndex, to: line.lowerBound)
        bytes[offset + 9] = UInt8(ascii: "X")
        try Data(bytes).write(to: URL(fileURLWithPath: path))

        let reader = try Database(path: dir.db, options: DatabaseOptions(syncMode: .full, readOnly: true))
        let seven = try reader.history(of: "student", key: 7)
        #expect(seven.map(\.operation) == [WALEntry.Operation.update, .insert])
        #expect(seven.first?.changes.map(\.column) == ["gpa"])
        #expect(throws: LineDBError.self) { try reader.history(of: "student", key: 1_000) }  // its own line is damaged
        try reader.close()
        // Without the sidecar, the archive is read whole, and its damage is reported for any key.
        Self.removeSidecars(dir)
        let again = try Database(path: dir.db, options: DatabaseOptions(syncMode: .full, readOnly: true))
        #expect(throws: LineDBError.self) { try again.history(of: "student", key: 7) }
        try again.close()
    }

    // MARK: - Bad sidecars

    /// Ways to spoil `wal/<a>.idx`, given the names of two archives (a, b).
    static let spoilers: [(String, @Sendable (TempDir, String, String) -> Void)] = [
        ("a flipped header byte", { dir, a, _ in flip(dir, a + ".idx", at: 30) }),
        ("a flipped bucket byte", { dir, a, _ in flip(dir, a + ".idx", at: -3) }),
        ("truncated", { dir, a, _ in truncate(dir, a + ".idx", keeping: 0.6) }),
        ("empty", { dir, a, _ in truncate(dir, a + ".idx", keeping: 0) }),
        ("bytes appended", { dir, a, _ in append(dir, a + ".idx", [1, 2, 3]) }),
        ("garbage", { dir, a, _ in dir.write("db/wal/" + a + ".idx", "not an index\n") }),
        ("another archive's sidecar", { dir, a, b in copy(dir, b + ".idx", to: a + ".idx") }),
        ("stale: the archive lost its last entry", { dir, a, _ in dropLastLine(dir, a) }),
    ]

    @Test("a damaged, truncated, stale or foreign sidecar is ignored by history and reported by check",
          arguments: 0..<8)
    func badSidecars(which: Int) throws {
        let (name, spoil) = Self.spoilers[which]
        let dir = TempDir()
        try Self.workload(seed: 5, dir: dir).close()
        let archives = Self.archives(dir)
        try #require(archives.count >= 3)
        let (a, b) = (archives[archives.count / 2], archives[archives.count / 2 + 1])
        spoil(dir, a, b)
        // The truth: the same files without any sidecar.
        let truth = TempDir()
        try FileManager.default.copyItem(atPath: dir.db, toPath: truth.db)
        Self.removeSidecars(truth)
        let files = dir.snapshot()
        #expect(try Self.histories(dir, maxKey: 80) == Self.histories(truth, maxKey: 80), "\(name)")
        let report = Database.check(path: dir.db)
        let about = report.findings.filter { $0.file == "wal/\(a).idx" }
        #expect(about.count == 1 && about.first?.severity == .warning, "\(name): \(report.findings)")
        #expect(about.first?.message.contains("--repair-index") == true)
        #expect(report.findings.allSatisfy { $0.file?.hasSuffix(".idx") != true || $0.file == "wal/\(a).idx" },
                "\(name): only the spoiled sidecar is reported: \(report.findings)")
        #expect(dir.snapshot() == files, "\(name): reading history or checking changed a file")
        // The writer rebuilds it; then check is quiet about sidecars.
        let writer = try Database(path: dir.db)
        _ = try writer.rebuildArchiveIndexes()
        try writer.close()
        #expect(Database.check(path: dir.db).findings.allSatisfy { $0.file?.hasSuffix(".idx") != true })
    }

    @Test("deleting the sidecars loses nothing; a writer's history rebuilds them on the fly, a reader's never writes")
    func deletingLosesNothing() throws {
        let dir = TempDir()
        try Self.workload(seed: 3, dir: dir).close()
        let before = Self.sidecars(dir).map { dir.bytes("db/wal/" + $0) }
        let reader0 = try Database(path: dir.db, options: DatabaseOptions(syncMode: .full, readOnly: true))
        let state0 = try reader0.state(asOf: .lsn(try reader0.historyFiles().reach.latestLSN / 2)).table("student")?.records
        try reader0.close()
        let histories = try Self.histories(dir, maxKey: 60)
        Self.removeSidecars(dir)
        #expect(Database.check(path: dir.db).isHealthy)
        #expect(try Self.histories(dir, maxKey: 60) == histories)
        #expect(Self.sidecars(dir).isEmpty, "a read-only reader wrote a sidecar")
        let writer = try Database(path: dir.db)
        #expect(try Self.text(writer.history(of: "student", key: 5)) == histories[5])
        #expect(try writer.state(asOf: .lsn(try writer.historyFiles().reach.latestLSN / 2)).table("student")?.records == state0)
        try writer.close()
        #expect(Self.sidecars(dir).map { dir.bytes("db/wal/" + $0) } == before, "rebuilt on the fly, byte for byte")
    }

    @Test("a sidecar whose archive is gone is reported by check and removed by --repair-index")
    func orphanSidecar() throws {
        let dir = TempDir()
        try Self.workload(seed: 2, dir: dir).close()
        let first = try #require(Self.archives(dir).first)
        copy(dir, first + ".idx", to: "transaction.19990101_000000.log.idx")
        let report = Database.check(path: dir.db)
        #expect(report.warnings.contains { $0.file == "wal/transaction.19990101_000000.log.idx" })
        let writer = try Database(path: dir.db)
        let repair = try writer.rebuildArchiveIndexes()
        try writer.close()
        #expect(repair.removed == ["transaction.19990101_000000.log.idx"])
        #expect(!dir.exists("db/wal/transaction.19990101_000000.log.idx"))
    }

    // MARK: - Crashes

    @Test("a kill at each step of writing the sidecar leaves a database that opens with every acknowledged write",
          arguments: [
              "checkpoint.beforeIndex", "index.beforeTemp", "index.afterTempWrite", "index.afterTempFsync",
              "index.afterRename", "index.afterDirFsync",
          ])
    func killWhileIndexing(point: String) throws {
        let h = CrashHarness("aidx")
        try h.runToEnd("mixed", seed: 43, ["run=0", "ops=40", "final=checkpoint", "gzipArchives=0"])
        let child = try h.spawn("mixed", seed: 43, ["run=1", "ops=30", "final=checkpoint", "gzipArchives=0"], failpoints: point)
        let status = child.finish()
        try h.absorb(child)
        #expect(status == .signaled(SIGKILL), "\(point) was not reached: \(child.transcript)")
        let wal = h.dir.list("db/wal")
        let newest = try #require(wal.filter(DatabasePaths.isArchiveName).sorted(by: HistoryLog.archiveOrder).last)
        let hasSidecar = wal.contains(newest + ".idx")
        #expect(hasSidecar == ["index.afterRename", "index.afterDirFsync"].contains(point), "\(point): \(wal)")
        #expect(wal.contains { $0.contains(".idx.tmp-") } == ["index.afterTempWrite", "index.afterTempFsync"].contains(point))
        try h.verifyReopen(idem: true)  // every acknowledged write; no temp left after the open
        if hasSidecar {
            #expect(throws: Never.self) {
                try ArchiveIndexReader.open(io: RealFileIO.shared, walDir: h.db + "/wal", archive: newest).get()
            }
        }
        // History reads the same with whatever the kill left, and a second checkpoint indexes its archive.
        var plainArchives = DatabaseOptions()
        plainArchives.gzipArchives = false
        let db = try Database(path: h.db, options: plainArchives)
        let keys = try db.select("item").prefix(5).compactMap { $0["id"] }
        let seen = try keys.map { try Self.text(db.history(of: "item", key: $0)) }
        let second = try #require(try db.checkpoint().archive)
        try db.close()
        #expect(h.dir.exists("db/wal/" + second + ".idx"))
        Self.removeSidecarsAt(h.db)
        let bare = try Database(path: h.db, options: DatabaseOptions(syncMode: .full, readOnly: true))
        #expect(try keys.map { try Self.text(bare.history(of: "item", key: $0)) } == seen)
        try bare.close()
    }

    static func removeSidecarsAt(_ db: String) {
        for name in (try? FileManager.default.contentsOfDirectory(atPath: db + "/wal")) ?? [] where ArchiveIndex.isSidecarName(name) {
            try? FileManager.default.removeItem(atPath: db + "/wal/" + name)
        }
    }
}

// MARK: - File spoilers

private func flip(_ dir: TempDir, _ name: String, at: Int) {
    var b = dir.bytes("db/wal/" + name)
    let i = at >= 0 ? at : b.count + at
    b[i] ^= 0x5A
    try! Data(b).write(to: URL(fileURLWithPath: dir.db + "/wal/" + name))
}

private func truncate(_ dir: TempDir, _ name: String, keeping fraction: Double) {
    let b = dir.bytes("db/wal/" + name)
    try! Data(b.prefix(Int(Double(b.count) * fraction))).write(to: URL(fileURLWithPath: dir.db + "/wal/" + name))
}

private func append(_ dir: TempDir, _ name: String, _ extra: [UInt8]) {
    try! Data(dir.bytes("db/wal/" + name) + extra).write(to: URL(fileURLWithPath: dir.db + "/wal/" + name))
}

private func copy(_ dir: TempDir, _ from: String, to: String) {
    try? FileManager.default.removeItem(atPath: dir.db + "/wal/" + to)
    try! FileManager.default.copyItem(atPath: dir.db + "/wal/" + from, toPath: dir.db + "/wal/" + to)
}

private func dropLastLine(_ dir: TempDir, _ name: String) {
    let b = dir.bytes("db/wal/" + name).dropLast()
    let cut = b.lastIndex(of: 10).map { $0 + 1 } ?? 0
    try! Data(b.prefix(cut)).write(to: URL(fileURLWithPath: dir.db + "/wal/" + name))
}
