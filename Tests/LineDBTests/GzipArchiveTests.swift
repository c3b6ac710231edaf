#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Testing

@testable import LineDB

/// WAL archives gzipped at checkpoint (`DatabaseOptions.gzipArchives`, on by default): standard gzip, read by the
/// history, `check` and retention as the plain archive was; a kill -9 between writing the `.gz` and removing the
/// plain archive leaves one archive after the next open.
@Suite("Gzipped WAL archives")
struct GzipArchiveTests {
    static let schema = try! TableSchema("item", columns: [
        Column("id", .int, primaryKey: true), Column("qty", .int),
    ])

    /// A database whose item 1 changes in three checkpoints' archives and in the live WAL.
    static func history(_ dir: TempDir, gzip: Bool) throws -> Database {
        var options = DatabaseOptions()
        options.gzipArchives = gzip
        let db = try Database(path: dir.db, options: options)
        try db.createTable(schema)
        try db.insert("item", ["qty": 0])
        for round in 1...3 {
            for i in 0..<5 { try db.insert("item", ["qty": .int(round * 100 + i)]) }
            try db.update("item", key: 1, set: ["qty": .int(round)])
            try db.checkpoint()
        }
        try db.update("item", key: 1, set: ["qty": 4])
        return db
    }

    @Test("a checkpoint leaves wal/transaction.<stamp>.log.gz (gzip -t, zcat | jq) and no plain archive or index")
    func checkpointGzipsTheArchive() throws {
        let dir = TempDir("gza-names")
        let db = try Self.history(dir, gzip: true)
        let done = try db.checkpoint()
        try db.close()
        #expect(done.archive?.hasSuffix(".log.gz") == true, "\(String(describing: done.archive))")
        let wal = dir.list("db/wal")
        let archives = wal.filter { $0 != "transaction.log" }
        #expect(archives.count == 4 && archives.allSatisfy { $0.hasSuffix(".log.gz") }, "\(wal)")
        for name in archives {
            let (code, out) = FaultHelpers.run("/bin/sh", ["-c", "gzip -t '\(dir.db)/wal/\(name)' && zcat '\(dir.db)/wal/\(name)' | jq -c .lsn"])
            #expect(code == 0, "\(name): \(out)")
            #expect(!out.isEmpty)
        }
        // The new WAL's CHECKPOINT names the previous archive by its plain name, as the seed-compatible format has it.
        #expect(dir.read("db/wal/transaction.log").contains(#""previous":"transaction."#))
    }

    @Test("history, state as of a moment and check read gzipped archives exactly as plain ones")
    func historyReadsGzippedArchives() throws {
        let plainDir = TempDir("gza-plain")
        let gzipDir = TempDir("gza-gz")
        let plain = try Self.history(plainDir, gzip: false)
        let gzipped = try Self.history(gzipDir, gzip: true)
        #expect(gzipDir.list("db/wal").contains { $0.hasSuffix(".log.gz") })
        let a = try plain.history(of: "item", key: 1)
        let b = try gzipped.history(of: "item", key: 1)
        #expect(a.count == 5)
        #expect(a.map(\.record) == b.map(\.record))
        #expect(a.map(\.lsn) == b.map(\.lsn))
        #expect(b.contains { $0.file.hasSuffix(".log.gz") }, "\(b.map(\.file))")
        let past = try gzipped.state(asOf: .lsn(5))
        let pastPlain = try plain.state(asOf: .lsn(5))
        #expect("\(past.tables)" == "\(pastPlain.tables)")
        #expect(past.tables.first?.rows.count == 4)
        try plain.close()
        try gzipped.close()
        let report = Database.check(path: gzipDir.db)
        #expect(report.findings.allSatisfy { $0.severity != .problem }, "\(report.findings)")
        // Reopened, the LSN goes on from the gzipped archive's last entry.
        let again = try Database(path: gzipDir.db)
        let key = try again.insert("item", ["qty": 9])
        #expect(key == .int(17))
        try again.close()
    }

    @Test("retention removes gzipped archives it does not need")
    func retentionRemovesGzippedArchives() throws {
        let dir = TempDir("gza-retention")
        let db = try Self.history(dir, gzip: true)
        let summary = try db.compactHistory(.keepArchives(1))
        try db.close()
        #expect(summary.removed.count == 2)
        #expect(dir.list("db/wal").filter { $0.hasSuffix(".log.gz") }.count == 1, "\(dir.list("db/wal"))")
    }

    @Test("a kill -9 at each step of gzipping an archive leaves one archive, and every acknowledged write",
          arguments: ["index.midTemp", "archive.gzip.afterNewFile", "archive.gzip.afterUnlink"])
    func killWhileGzippingTheArchive(point: String) throws {
        let h = CrashHarness("gza-crash")
        try h.runToEnd("mixed", seed: 81, ["run=0", "ops=30", "final=checkpoint"])
        // index.midTemp: the gzip copy's temporary file (written with the archive index's steps; no index is
        // written for an archive that is gzipped).
        let spec = point
        let child = try h.spawn("mixed", seed: 81, ["run=1", "ops=20", "kinds=insert", "final=checkpoint"], failpoints: spec)
        let status = child.finish()
        try h.absorb(child)
        #expect(status == .signaled(SIGKILL), "\(spec) was not reached: \(child.transcript)")
        try h.verifyReopen()
        let archives = h.dir.list("db/wal").filter { $0.hasPrefix("transaction.") && $0 != "transaction.log" }
        let stems = archives.map { $0.hasSuffix(".gz") ? String($0.dropLast(3)) : $0 }
        #expect(Set(stems).count == stems.count, "an archive has two names: \(archives)")
        #expect(archives.count == 2, "\(archives)")
        // The history reaches back to the first entry.
        let db = try Database(path: h.db)
        let files = try db.historyFiles()
        #expect(files.files.count == 3 && files.files.first?.firstLSN == 1, "\(files.files)")
        #expect(files.reach.earliestLSN <= 1, "\(files.reach)")
        try db.close()
        try h.verifyReopen(idem: true)
    }
}
