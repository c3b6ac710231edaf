import Foundation
import Testing

/// `linedb check` and the archive index sidecars (`wal/<archive>.idx`): a damaged one is a warning naming it and
/// the way out; `--repair-index` rebuilds it, byte for byte what the checkpoint wrote, and removes orphans.
@Suite("linedb check --repair-index")
struct ArchiveIndexCLITests {
    @Test("a checkpoint writes a sidecar; check warns of a damaged or orphaned one; --repair-index restores it")
    func repairIndex() throws {
        let dir = try Scratch().studentDatabase(count: 6)
        expectOK(try CLI.run(["update", dir.db, "student", "2", "--set", "gpa=3.9"]))
        expectOK(try CLI.run(["checkpoint", dir.db, "--no-gzip"]))  // the index is for plain archives
        let archive = try #require(dir.list("db/wal").first { $0.hasPrefix("transaction.") && $0.hasSuffix(".log") && $0 != "transaction.log" })
        let sidecar = "db/wal/\(archive).idx"
        #expect(dir.exists(sidecar), "the checkpoint wrote no sidecar: \(dir.list("db/wal"))")
        let good = try #require(FileManager.default.contents(atPath: dir.path + "/" + sidecar))
        let clean = expectOK(try CLI.run(["check", dir.db]))
        #expect(!clean.stdout.contains(".idx"), "\(clean.stdout)")

        // Damaged (a byte of its header flipped) and an orphan: warnings, exit 0, no file changed.
        var damaged = good
        damaged[40] ^= 0x20
        try damaged.write(to: URL(fileURLWithPath: dir.path + "/" + sidecar))
        try good.write(to: URL(fileURLWithPath: dir.db + "/wal/transaction.20000101_000000.log.idx"))
        let before = snapshot(dir.db)
        let warned = expectOK(try CLI.run(["check", dir.db]))
        #expect(warned.lines.contains { $0.hasPrefix("warning: wal/\(archive).idx: damaged index (") && $0.contains("--repair-index") },
                "\(warned.stdout)")
        #expect(warned.lines.contains { $0.hasPrefix("warning: wal/transaction.20000101_000000.log.idx: index of an archive that is no longer there") },
                "\(warned.stdout)")
        #expect(warned.lines.last?.hasPrefix("ok: 0 problems, 2 warnings") == true, "\(warned.stdout)")
        #expect(snapshot(dir.db) == before, "check changed a file")

        let repaired = expectOK(try CLI.run(["check", dir.db, "--repair-index"]))
        #expect(repaired.lines.first == "repaired: 1 archive index rebuilt, 1 orphaned index removed", "\(repaired.stdout)")
        #expect(!repaired.stdout.contains("warning"), "\(repaired.stdout)")
        #expect(FileManager.default.contents(atPath: dir.path + "/" + sidecar) == good)
        #expect(!dir.exists("db/wal/transaction.20000101_000000.log.idx"))

        // --json carries what was repaired.
        try FileManager.default.removeItem(atPath: dir.path + "/" + sidecar)
        let json = expectOK(try CLI.run(["check", dir.db, "--repair-index", "--json"]))
        let report = try #require(try foundationJSON(json.stdout) as? [String: Any])
        #expect((report["index_repair"] as? [String: Any])?["rebuilt"] as? [String] == [archive])
        #expect(FileManager.default.contents(atPath: dir.path + "/" + sidecar) == good)
    }

    @Test("--repair-index needs the writer lock: refused, naming why, on a database another process writes")
    func repairNeedsLock() throws {
        let dir = try Scratch().studentDatabase(count: 2)
        expectOK(try CLI.run(["checkpoint", dir.db, "--no-gzip"]))  // the index is for plain archives
        let fd = open(dir.db + "/.lock", O_RDWR)
        #expect(fd >= 0)
        defer { close(fd) }
        #expect(flock(fd, LOCK_EX | LOCK_NB) == 0)
        let before = snapshot(dir.db)
        let result = try CLI.run(["check", dir.db, "--repair-index"])
        #expect(result.status != 0, "\(result)")
        #expect(result.stderr.contains("lock"), "\(result.stderr)")
        #expect(snapshot(dir.db) == before)
    }
}
