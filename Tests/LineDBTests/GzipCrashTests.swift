#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Testing

@testable import LineDB

/// The new steps of gzipped tables under a real SIGKILL (STORAGE.md group A, issue 16 "Compressed data files"): a
/// writer process (`linedb-crash-writer`, `gzip=1`) is killed at each failpoint of the gzip append and of the
/// compress/decompress switch, then the database is reopened and checked against what it acknowledged.
@Suite("Crash tests: gzipped tables (kill -9 at each gzip step)")
struct GzipCrashTests {
    static let tables = ["event", "item"]

    /// `gzip -t` on a file: standard gzip after every reopen and save.
    static func gzipTest(_ path: String) -> (Int32, String) { FaultHelpers.run("/bin/gzip", ["-t", path]) }

    @Test("a kill at each step of a gzip append loses nothing; a torn member is set aside and rewritten by the next save",
          arguments: ["gzip.beforeAppend", "gzip.midAppend", "gzip.afterAppendWrite", "gzip.afterAppendSync",
                      "gzip.afterAppendSync@2"])
    func killInGzipAppend(point: String) throws {
        let setup = CrashHarness("gzc-setup")
        try setup.runToEnd("mixed", seed: 71, ["run=0", "ops=40", "gzip=1", "final=checkpoint"])
        for t in Self.tables {
            #expect(setup.dir.exists("db/data/\(t).records.gz") && !setup.dir.exists("db/data/\(t).records"))
        }
        let old = Self.tables.map { setup.dir.bytes("db/data/\($0).records.gz") }

        let h = CrashHarness("gzc-append")
        try FileManager.default.copyItem(atPath: setup.db, toPath: h.db)
        try h.log.absorb(setup.log.stateLines)
        let child = try h.spawn("mixed", seed: 71, ["run=1", "ops=30", "kinds=insert", "final=save"], failpoints: point)
        let status = child.finish()
        try h.absorb(child)
        #expect(status == .signaled(SIGKILL), "\(point) was not reached: \(child.transcript)")
        let now = Self.tables.map { h.dir.bytes("db/data/\($0).records.gz") }
        for i in Self.tables.indices {
            // An append never rewrites: what was there stays a prefix.
            #expect(Array(now[i].prefix(old[i].count)) == old[i], "\(point): \(Self.tables[i]) lost its saved bytes")
        }
        if point == "gzip.beforeAppend" { #expect(now == old, "nothing may be written before the append") }
        try h.verifyReopen()
        if point == "gzip.midAppend" {
            #expect(h.warnings.contains { $0.contains(".records.gz") && $0.contains("gzip member") },
                    "the torn member must be named: \(h.warnings)")
        }
        // The next save completes (or rewrites) what the killed one started; the files are standard gzip.
        let db = try Database(path: h.db)
        try db.save()
        try db.close()
        try h.verifyReopen(idem: true)
        for t in Self.tables {
            let (code, output) = Self.gzipTest(h.db + "/data/\(t).records.gz")
            #expect(code == 0, "\(point): gzip -t \(t).records.gz: \(output)")
        }
    }

    @Test("a kill at each step of compress/decompress leaves one table with every record; the switch is finished or undone at the next open",
          arguments: [
              ("compress", "save.midTemp"), ("compress", "save.afterRename"), ("compress", "gzip.switch.afterNewFile"),
              ("compress", "gzip.switch.afterUnlink"), ("decompress", "save.afterTempFsync"),
              ("decompress", "gzip.switch.afterNewFile"), ("decompress", "gzip.switch.afterUnlink"),
          ])
    func killInSwitch(direction: String, point: String) throws {
        let h = CrashHarness("gzc-switch")
        // Ends with a checkpoint, so that the switch's own save has nothing to rewrite: the kills hit the switch.
        try h.runToEnd("mixed", seed: 72, ["run=0", "ops=60", "final=checkpoint"] + (direction == "decompress" ? ["gzip=1"] : []))
        let child = try h.spawn("mixed", seed: 72, ["run=1", "ops=0", "final=\(direction)"], failpoints: point)
        let status = child.finish()
        try h.absorb(child)
        #expect(status == .signaled(SIGKILL), "\(point) was not reached: \(child.transcript)")
        try h.verifyReopen(idem: true)
        // Exactly one records file per table, and which one says whether the switch happened. The tables switch in
        // name order: every kill here is in the first, `event`; `item` is untouched.
        let done = point != "save.midTemp" && point != "save.afterTempFsync"  // the new file was in place: it wins
        let wantGzip = (direction == "compress") == done
        for t in ["event"] {
            let plain = h.dir.exists("db/data/\(t).records")
            let gz = h.dir.exists("db/data/\(t).records.gz")
            #expect(plain != gz, "\(point): \(t) has \(plain ? "both" : "neither") files")
            #expect(gz == wantGzip, "\(direction) killed at \(point): \(t) should be \(wantGzip ? "gzipped" : "plain")")
            if gz {
                let (code, output) = Self.gzipTest(h.db + "/data/\(t).records.gz")
                #expect(code == 0, "gzip -t: \(output)")
            }
        }
        // A second switch completes the killed one.
        let db = try Database(path: h.db)
        if direction == "compress" { try db.compressTables() } else { try db.decompressTables() }
        try db.close()
        try h.verifyReopen()
        for t in Self.tables {
            #expect(h.dir.exists("db/data/\(t).records.gz") == (direction == "compress"))
            #expect(h.dir.exists("db/data/\(t).records") == (direction == "decompress"))
        }
    }
}
