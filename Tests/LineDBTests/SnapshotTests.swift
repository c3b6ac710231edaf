import Foundation
import Testing
@testable import LineDB

/// Table snapshots (`snapshot/<table>.snapshot`, Snapshot/TableSnapshot.swift): a cache of the records file's load
/// that gives exactly what the text gives, is used only while tied to the records file, and is ignored (with a
/// warning, and reported by `check`) whenever it does not match or is damaged.
@Suite("table snapshots: a cache that opens at once and is never trusted blindly")
struct SnapshotTests {
    static let schema = try! TableSchema("every", columns: [
        Column("id", .int, primaryKey: true), Column("s", .str), Column("u", .str, unique: true), Column("f", .float),
        Column("b", .bool), Column("j", .json), Column("dt", .datetime),
    ])

    /// What a table holds after an open: its live rows (values and extra fields), and the state a save depends on.
    struct Loaded: Equatable {
        var rows: [Row]
        var nextAutoKey: Int?
        var savedSlots: Int
        var needsRewrite: Bool
        var readOnly: Bool
    }

    /// Opens `path` read-only with or without snapshots and returns every table's load and the warnings.
    static func open(_ path: String, snapshots: Bool) throws -> (tables: [String: Loaded], warnings: [String]) {
        var options = DatabaseOptions(syncMode: .full, readOnly: true)
        options.snapshots = snapshots
        let db = try Database(path: path, options: options)
        defer { try? db.close() }
        var out: [String: Loaded] = [:]
        for (name, t) in db.tables {
            out[name] = Loaded(
                rows: Array(t.rows), nextAutoKey: t.nextAutoKey, savedSlots: t.savedSlots, needsRewrite: t.needsRewrite,
                readOnly: t.readOnlyReason != nil)
        }
        return (out, db.warnings)
    }

    /// Hostile strings (ValueTextTests, after /work/shared/hostile/make.py), numbers at their limits, nested JSON.
    static func hostileRecords() -> [Record] {
        var out: [Record] = []
        for (i, text) in ValueTextTests.texts.enumerated() {
            out.append(["s": .string(text), "u": .string("u\(i)-" + text), "j": .string(text), "f": 0.1, "b": true])
        }
        var deep: JSONValue = ["leaf": "\u{212A}"]
        for _ in 0..<40 { deep = .array([deep, .null]) }
        let extremes: [Record] = [
            ["s": "", "u": nil, "f": -0.0, "j": .int(Int.max), "b": false, "dt": "2026-01-22T20:31:17.592172"],
            ["s": nil, "u": "", "f": .double(.leastNonzeroMagnitude), "j": .int(Int.min)],
            ["s": "K", "u": "\u{212A}", "f": 1.7976931348623157e308, "j": ["k": "v\n,\"", "n": [1, 2.5, nil, true]]],
            ["s": "e\u{301}", "u": "\u{E9}", "f": 3.0, "j": deep],
            ["j": 1e300, "u": "big"], ["j": [:], "u": "empty-object"], ["j": [], "u": "empty-array"],
        ]
        return out + extremes
    }

    /// A database with the hostile table (saved, with a few unsaved changes in the WAL) and a checkpoint.
    static func makeDatabase(_ dir: TempDir) throws {
        var options = DatabaseOptions(syncMode: .off)
        options.autoCheckpointBytes = nil
        let db = try Database(path: dir.db, options: options)
        try db.createTable(schema)
        _ = try db.insert("every", records: hostileRecords())
        try db.checkpoint()
        try db.close()
    }

    // MARK: - Round trip

    @Test("round trip: the snapshot's load equals the text's for hostile values, limits and nested JSON")
    func roundTripHostile() throws {
        let dir = TempDir("snap")
        try Self.makeDatabase(dir)
        #expect(dir.exists("db/snapshot/every.snapshot"))
        #expect(dir.list("db/data") == ["every.records"])  // data/ holds records files only
        let text = try Self.open(dir.db, snapshots: false)
        let snap = try Self.open(dir.db, snapshots: true)
        #expect(text.tables["every"]!.rows.count == Self.hostileRecords().count)
        #expect(snap.tables == text.tables)
        #expect(snap.warnings == text.warnings)
        #expect(Database.check(path: dir.db).findings.filter { $0.file?.hasPrefix("snapshot/") == true } == [])
    }

    @Test("the snapshot is what the open uses while it is tied: one of other rows, tied to the file, is believed")
    func snapshotIsUsed() throws {
        let dir = TempDir("snap")
        try Self.makeDatabase(dir)
        // A snapshot holding one other row, tied to the records file as it is: the open must show that row,
        // which proves the rows come from the snapshot (and why `check` compares it with the text).
        let paths = DatabasePaths(root: dir.db)
        let fd = Glibc.open(paths.recordsFile("every"), O_RDONLY)
        defer { Glibc.close(fd) }
        let tie = try #require(try TableSnapshot.RecordsTie.of(io: RealFileIO.shared, fd: fd, path: paths.recordsFile("every")))
        let other = Row(values: [7, "forged", "x", 1.5, true, .null, .null])
        let bytes = TableSnapshot.encode(rows: [other], schema: Self.schema, tie: tie)
        try Data(bytes).write(to: URL(fileURLWithPath: TableSnapshot.path(paths, "every")))
        let snap = try Self.open(dir.db, snapshots: true)
        #expect(snap.tables["every"]!.rows == [other])
        // `linedb check` decodes both and reports the difference as a problem (the open would trust it).
        let report = Database.check(path: dir.db)
        let finding = try #require(report.findings.first { $0.file == "snapshot/every.snapshot" })
        #expect(finding.severity == .problem)
        #expect(finding.message.contains("holds 1 records"))
        #expect(!report.isHealthy)
    }

    @Test("extra fields and a seed table without a primary key load from the snapshot as from the text")
    func extraFieldsAndNoKeySeedTable() throws {
        let dir = TempDir("snap")
        dir.write("db/schema/student.schema.json", SeedFiles.studentSchema)
        dir.write("db/data/student.records", SeedFiles.studentRecords.replacingOccurrences(
            of: #""gpa": 3.5}"#, with: #""gpa": 3.5, "nickname": "Bobby", "tags": ["a", {"b": null}]}"#))
        // The seed wrote tables without a primary key too: read-only here, but loaded and snapshotted alike.
        dir.write("db/schema/log.schema.json", """
            {"table_name": "log", "schema": {"msg": {"type": "str", "primary_key": false, "nullable": true, \
            "unique": false}, "n": {"type": "int", "primary_key": false, "nullable": true, "unique": false}}, \
            "created_at": "2026-01-22T20:31:17.592172"}
            """)
        dir.write("db/data/log.records", "{\"msg\": \"a\", \"n\": 1}\n{\"msg\": \"a\", \"n\": 1, \"extra\": 2}\n{\"n\": null}\n")
        let db = try Database(path: dir.db)
        try db.checkpoint()
        try db.close()
        #expect(dir.exists("db/snapshot/student.snapshot"))
        #expect(dir.exists("db/snapshot/log.snapshot"))
        let text = try Self.open(dir.db, snapshots: false)
        let snap = try Self.open(dir.db, snapshots: true)
        #expect(text.tables["student"]!.rows.contains { $0.extras?.fields["nickname"] == "Bobby" })
        #expect(text.tables["log"]!.rows.count == 3)
        #expect(text.tables["log"]!.readOnly)
        #expect(snap.tables == text.tables)
        #expect(snap.warnings == text.warnings)
    }

    // MARK: - Every mismatch falls back to the text

    /// Each way a snapshot can be wrong: what to do to the database, and a word the warning must hold. A stale
    /// snapshot (the records file or schema changed since) is passed over at open without a warning (the text is
    /// the truth, and editing it by hand is allowed); `check` reports it.
    static let stale: Set<String> = ["records file appended by hand", "records file edited in place, same size", "schema changed"]
    static let damages: [(name: String, word: String)] = [
        ("records file appended by hand", "another version"),
        ("records file edited in place, same size", "another version"),
        ("truncated", "truncated"),
        ("bit flipped in a row", "checksum"),
        ("bit flipped in the header", "checksum"),
        ("another format version", "another format"),
        ("from another table", "another table"),
        ("not a snapshot", "magic"),
        ("schema changed", "another schema"),
    ]

    @Test("a mismatched or damaged snapshot is ignored with a warning, the text is loaded, and check reports it",
          arguments: damages.map(\.name))
    func mismatchFallsBack(damage: String) throws {
        let word = Self.damages.first { $0.name == damage }!.word
        let dir = TempDir("snap")
        try Self.makeDatabase(dir)
        let snapshot = "db/snapshot/every.snapshot"
        var bytes = dir.bytes(snapshot)
        let records = dir.path + "/db/data/every.records"
        func writeSnapshot(_ b: [UInt8]) throws { try Data(b).write(to: URL(fileURLWithPath: dir.path + "/" + snapshot)) }
        let headerLength = Int(bytes[16]) | Int(bytes[17]) << 8 | Int(bytes[18]) << 16
        switch damage {
        case "records file appended by hand":
            let h = try FileHandle(forWritingTo: URL(fileURLWithPath: records))
            h.seekToEndOfFile()
            h.write(Data(#"{"id": 1000, "s": "by hand"}"#.utf8 + [10]))
            try h.close()
        case "records file edited in place, same size":
            var text = dir.bytes("db/data/every.records")
            let at = try #require(String(decoding: text, as: UTF8.self).range(of: "\"u0-"))
            let offset = String(decoding: text, as: UTF8.self).utf8.distance(
                from: String(decoding: text, as: UTF8.self).startIndex, to: at.lowerBound)
            text[offset + 1] = UInt8(ascii: "v")  // "u0-" → "v0-": same size, same line count
            let h = try FileHandle(forUpdating: URL(fileURLWithPath: records))
            try h.write(contentsOf: Data(text))
            try h.close()
        case "truncated":
            try writeSnapshot(Array(bytes.prefix(bytes.count - 100)))
        case "bit flipped in a row":
            bytes[bytes.count - 50] ^= 0x10
            try writeSnapshot(bytes)
        case "bit flipped in the header":
            bytes[20 + headerLength / 2] ^= 0x01
            try writeSnapshot(bytes)
        case "another format version":
            // A well-formed header (valid checksum) that names another format.
            var header = Array(bytes[20..<(20 + headerLength)])
            let text = String(decoding: header, as: UTF8.self).replacingOccurrences(
                of: "linedb-snapshot/1", with: "linedb-snapshot/9")
            header = Array(text.utf8)
            var out = Array(bytes[0..<20])
            let crc = CRC32C.checksum(header)
            out += header
            out += withUnsafeBytes(of: crc.littleEndian) { Array($0) }
            out += bytes[(24 + headerLength)...]
            try writeSnapshot(out)
        case "from another table":
            // A second table whose snapshot is replaced by this one's.
            let db = try Database(path: dir.db)
            try db.createTable(try TableSchema("other", columns: Self.schema.columns))
            _ = try db.insert("other", records: Self.hostileRecords())
            try db.checkpoint()
            try db.close()
            try Data(bytes).write(to: URL(fileURLWithPath: dir.path + "/db/snapshot/other.snapshot"))
        case "not a snapshot":
            try writeSnapshot(Array("{\"id\": 1}\n".utf8))
        case "schema changed":
            let path = dir.path + "/db/schema/every.schema.json"
            let text = try String(contentsOfFile: path, encoding: .utf8)
            try text.replacingOccurrences(of: "\"created_at\"", with: "\"comment\": \"x\", \"created_at\"")
                .write(toFile: path, atomically: false, encoding: .utf8)
        default:
            Issue.record("unknown damage \(damage)")
        }
        let table = damage == "from another table" ? "other" : "every"
        let text = try Self.open(dir.db, snapshots: false)
        let snap = try Self.open(dir.db, snapshots: true)
        #expect(snap.tables == text.tables, "\(damage): the open did not fall back to the text")
        let extra = snap.warnings.filter { !text.warnings.contains($0) }
        if Self.stale.contains(damage) {
            #expect(extra.isEmpty, "\(damage): \(snap.warnings)")
        } else {
            #expect(extra.count == 1, "\(damage): \(snap.warnings)")
            #expect(extra.first?.contains("snapshot/\(table).snapshot") == true && extra.first?.contains(word) == true,
                    "\(damage): \(extra)")
        }
        let report = Database.check(path: dir.db)
        let found = report.findings.filter { $0.file == "snapshot/\(table).snapshot" }
        #expect(found.count == 1 && found.first?.severity == .warning && found.first?.message.contains(word) == true,
                "\(damage): \(found)")
        // A writer's checkpoint replaces it with one that matches again.
        let db = try Database(path: dir.db)
        try db.checkpoint()
        try db.close()
        let again = try Self.open(dir.db, snapshots: true)
        #expect(again.tables == text.tables)
        #expect(again.warnings == text.warnings, "\(damage): the checkpoint did not rewrite the snapshot")
    }

    // MARK: - Saves

    @Test("a save removes the snapshots of the tables it writes; a rewrite writes a new one; deleting it loses nothing")
    func savesKeepTheTie() throws {
        let dir = TempDir("snap")
        try Self.makeDatabase(dir)
        let db = try Database(path: dir.db)
        _ = try db.insert("every", ["s": "appended", "u": "appended"])
        try db.save()  // an append: the snapshot no longer describes the file, and is gone
        #expect(!dir.exists("db/snapshot/every.snapshot"))
        try db.update("every", key: 1, set: ["s": "updated"])
        let summary = try db.save()  // a rewrite: a new snapshot of the new file
        #expect(summary.rewritten["every"] != nil)
        #expect(dir.exists("db/snapshot/every.snapshot"))
        try db.close()
        let text = try Self.open(dir.db, snapshots: false)
        let snap = try Self.open(dir.db, snapshots: true)
        #expect(snap.tables == text.tables)
        #expect(snap.warnings == text.warnings)
        #expect(snap.tables["every"]!.rows.first?.values[1] == "updated")
        try FileManager.default.removeItem(atPath: dir.path + "/db/snapshot")
        let without = try Self.open(dir.db, snapshots: true)
        #expect(without.tables == text.tables)
        #expect(without.warnings == text.warnings)
    }

    @Test("a snapshot that cannot be written is a warning, never the checkpoint's failure")
    func writeFailureIsAWarning() throws {
        let dir = TempDir("snap")
        try Self.makeDatabase(dir)
        try FileManager.default.removeItem(atPath: dir.path + "/db/snapshot")
        dir.write("db/snapshot", "a file where the directory should be")
        let db = try Database(path: dir.db)
        _ = try db.insert("every", ["s": "x", "u": "x"])
        let done = try db.checkpoint()
        #expect(done.archive != nil)
        #expect(db.warnings.contains { $0.contains("snapshot") })
        try db.close()
        #expect(try Self.open(dir.db, snapshots: true).tables["every"]!.rows.count == Self.hostileRecords().count + 1)
    }

    // MARK: - Crashes

    @Test("kill -9 at every step of writing a snapshot: the database opens with everything, no temp survives",
          arguments: ["snapshot.beforeTemp", "snapshot.afterTempWrite", "snapshot.afterTempFsync", "snapshot.afterRename",
                      "snapshot.afterDirFsync", "snapshot.afterDiscard"])
    func killWhileWritingSnapshot(point: String) throws {
        let h = CrashHarness("snapkill")
        try h.runToEnd("mixed", seed: 43, ["run=0", "ops=60", "final=checkpoint"])
        #expect(h.dir.exists("db/snapshot/item.snapshot"))
        // `afterDiscard` is reached by a save after the checkpoint (saveEvery), the others by the checkpoint.
        let child = try h.spawn(
            "mixed", seed: 43, ["run=1", "ops=40", "saveEvery=7", "final=checkpoint"], failpoints: point)
        let status = child.finish()
        try h.absorb(child)
        #expect(status == .signaled(SIGKILL), "\(point) was not reached: \(child.transcript)")
        try h.verifyReopen(idem: true)
        #expect(h.dir.list("db/snapshot").filter { $0.hasPrefix(".") } == [], "\(point): a temp survived the open")
        // Whatever snapshot is there gives what the text gives.
        let text = try Self.open(h.db, snapshots: false)
        let snap = try Self.open(h.db, snapshots: true)
        #expect(snap.tables == text.tables, "\(point)")
        #expect(Database.check(path: h.db).problems == [], "\(point)")
    }
}
