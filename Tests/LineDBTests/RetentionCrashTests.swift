#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Testing
@testable import LineDB

/// Retention under SIGKILL: a real writer process (`linedb-crash-writer` with `keepArchives=1`, i.e.
/// `DatabaseOptions.historyRetention = .keepArchives(1)`) killed at every step of the compaction that follows its
/// checkpoint, and at random moments of a workload that checkpoints and compacts often.
@Suite("History retention under kill -9")
struct RetentionCrashTests {
    static let points = [
        "retention.beforeRemove", "retention.afterIndexUnlink", "retention.afterUnlink", "retention.afterDirFsync",
        "retention.afterIndexUnlink@2", "retention.afterUnlink@3", "retention.afterDirFsync@4",
    ]

    /// Archives in `wal/`, in the order checkpoints wrote them.
    static func archives(_ h: CrashHarness) -> [String] {
        h.dir.list("db/wal").filter(DatabasePaths.isArchiveName).sorted(by: HistoryLog.archiveOrder)
    }

    /// What must hold on disk at any instant: the archives are a contiguous suffix of `expected` (the history only
    /// begins later), the newest archive is there, every sidecar has its archive.
    static func checkSuffix(_ h: CrashHarness, _ expected: [String], _ point: String) {
        let now = archives(h)
        #expect(!now.isEmpty && now == Array(expected.suffix(now.count)), "\(point): \(now) is not a suffix of \(expected)")
        #expect(now.last == expected.last, "\(point): the newest archive, which the rule keeps, is gone")
        for idx in h.dir.list("db/wal") where idx.hasSuffix(".idx") {
            #expect(now.contains(String(idx.dropLast(4))), "\(point): \(idx) outlived its archive")
        }
    }

    /// The history after a crash: no break, it begins where the first archive left begins, and the past as of its
    /// earliest moment can be built.
    static func checkHistory(_ h: CrashHarness, _ point: String) throws {
        let db = try Database(path: h.db, options: DatabaseOptions(syncMode: .full, readOnly: true))
        let (files, reach) = try db.historyFiles()
        #expect(reach.limits.allSatisfy { $0.contains("older archives were removed") }, "\(point): \(reach.limits)")
        #expect(reach.earliestLSN == (files.first?.firstLSN ?? 1) - 1)
        let past = try db.state(asOf: .lsn(reach.earliestLSN))
        #expect(past.lsn == reach.earliestLSN)
        try db.close()
    }

    @Test("a kill at every step of the compaction after a checkpoint: opens with every record, archives a suffix",
          arguments: points)
    func killInCompaction(point: String) throws {
        let setup = CrashHarness("ret-setup")
        try setup.runToEnd("mixed", seed: 61, ["run=0", "ops=50", "checkpointEvery=10", "final=checkpoint"])
        let before = Self.archives(setup)
        #expect(before.count >= 5)

        let h = CrashHarness("ret-kill")
        try FileManager.default.copyItem(atPath: setup.db, toPath: h.db)
        try h.log.absorb(setup.log.stateLines)
        for name in before { h.dir.write("db/wal/\(name).idx", "an index of \(name)") }
        let child = try h.spawn("mixed", seed: 61, ["run=1", "ops=12", "final=checkpoint", "keepArchives=1"],
                                failpoints: point)
        let status = child.finish()
        try h.absorb(child)
        #expect(status == .signaled(SIGKILL), "\(point) was not reached: \(child.transcript)")
        let new = Self.archives(h).filter { !before.contains($0) }
        #expect(new.count == 1, "\(point): the checkpoint's archive: \(new)")
        Self.checkSuffix(h, before + new, point)
        // Killed in the n-th archive's removal: n-1 archives gone before it, and the n-th too after its unlink.
        let n = Int(point.split(separator: "@").dropFirst().first ?? "1")!
        let unlinked = point.contains("afterUnlink") || point.contains("afterDirFsync")
        #expect(Self.archives(h).count == before.count + 1 - (n - 1) - (unlinked ? 1 : 0), "\(point): \(Self.archives(h))")
        if point.contains("afterIndexUnlink") {
            #expect(!h.dir.exists("db/wal/\(before[n - 1]).idx") && h.dir.exists("db/wal/\(before[n - 1])"),
                    "\(point): the sidecar goes first, then its archive")
        }

        try h.verifyReopen(idem: true)
        try Self.checkHistory(h, point)
        // The next compaction finishes the job.
        let db = try Database(path: h.db)
        try db.compactHistory(.keepArchives(1))
        try db.close()
        #expect(Self.archives(h) == new)
        // No sidecar outlives its archive.
        #expect(h.dir.list("db/wal").filter { $0.hasSuffix(".idx") }.allSatisfy { new.contains(String($0.dropLast(4))) })
        try h.verifyReopen(probe: true, idem: true)
    }

    @Test("random kills of a writer that checkpoints and keeps 2 archives: nothing acknowledged is lost",
          arguments: [71, 72])
    func randomKills(seed: Int) throws {
        let h = CrashHarness("ret-random-\(seed)")
        var random = TestRandom(seed)
        var seen: [String] = []
        for run in 0..<12 {
            let child = try h.spawn("mixed", seed: seed, ["run=\(run)", "checkpointEvery=\(3 + random.below(5))",
                                                          "keepArchives=2"])
            let target = 5 + random.below(30)
            var acks = 0
            while acks < target, let line = child.nextLine(), !line.hasPrefix("ERR") {
                if line.hasPrefix("ACK ") { acks += 1 }
            }
            usleep(UInt32(random.below(3_000)))
            let status = child.killAndCollect()
            try h.absorb(child)
            try #require(status == .signaled(SIGKILL) && h.log.errors.isEmpty, "run \(run): \(child.transcript)")
            // Archives only ever leave from the old end: every one seen before and still here is in order. Listed
            // once the database has been opened again: a kill between a checkpoint's link and its rename leaves a
            // second name of the live WAL, which is no archive and which that open removes.
            try h.verifyReopen(probe: true, idem: run % 4 == 3)
            let now = Self.archives(h)
            seen += now.filter { !seen.contains($0) }
            #expect(now == seen.filter { now.contains($0) }, "run \(run): \(now)")
            if let first = now.first, let i = seen.firstIndex(of: first) {
                #expect(Array(seen[i...]) == now, "run \(run): a gap in the archives: \(now), seen \(seen)")
            }
            try Self.checkHistory(h, "run \(run)")
        }
    }
}
