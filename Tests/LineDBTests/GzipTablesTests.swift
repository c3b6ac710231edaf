import Foundation
import Testing

@testable import LineDB

/// Tables stored as `data/<table>.records.gz` (issue 16, "Compressed data files"): standard gzip that `zcat`, `gzip`
/// and `jq` read, one member appended per insert-only save, a rewrite into one member otherwise, a torn last member
/// handled as a torn tail, and a switch that a crash cannot leave ambiguous.
@Suite("Gzipped records files")
struct GzipTablesTests {
    static let schema = try! TableSchema("student", columns: [
        Column("id", .int, primaryKey: true),
        Column("name", .str, nullable: false),
        Column("email", .str, unique: true),
    ])

    static func record(_ i: Int) -> Record { ["name": .string("Student \(i)"), "email": .string("s\(i)@uni.edu")] }

    /// A gzipped table with `count` records, saved.
    static func gzippedDatabase(_ dir: TempDir, count: Int) throws -> Database {
        let db = try Database(path: dir.db)
        try db.createTable(schema)
        let summary = try db.compressTables(["student"])
        #expect(summary.switched == ["student"])
        for i in 0..<count { try db.insert("student", record(i)) }
        try db.save()
        return db
    }

    /// The gzip members of a file, counted by zlib.
    static func members(_ bytes: [UInt8]) throws -> Int {
        let inflater = GzipInflater(path: "test")
        var input = GzipInput.memory(bytes)
        var out = [UInt8](repeating: 0, count: 1 << 16)
        while try out.withMutableBytes({ (raw) throws(LineDBError) -> Int in try inflater.read(into: raw, from: &input) })
            > 0
        {}
        return inflater.members
    }

    /// `sh -c script` in `dir`: exit status and output.
    static func shell(_ script: String, in dir: String) -> (Int32, String) {
        FaultHelpers.run("/bin/sh", ["-c", "cd '\(dir)' && " + script])
    }

    @Test("an insert-only save appends one gzip member: the old bytes stay a prefix; zcat | jq and gzip -t read it")
    func appendIsOneMember() throws {
        let dir = TempDir("gz-append")
        let db = try Self.gzippedDatabase(dir, count: 3)
        #expect(!dir.exists("db/data/student.records"))
        let first = dir.bytes("db/data/student.records.gz")
        #expect(Gzip.looksLikeGzip(first))
        for i in 3..<5 { try db.insert("student", Self.record(i)) }
        let summary = try db.save()
        #expect(summary.appended == ["student": 2])
        try db.insert("student", Self.record(5))
        try db.save()
        try db.close()
        let now = dir.bytes("db/data/student.records.gz")
        #expect(Array(now.prefix(first.count)) == first, "an append must not rewrite what was there")
        #expect(try Self.members(now) >= 3)
        // Real tools: gzip -t, and zcat | jq -c . gives one record per line, in order.
        let (test, testOutput) = Self.shell("gzip -t data/student.records.gz", in: dir.db)
        #expect(test == 0, "gzip -t: \(testOutput)")
        let (status, output) = Self.shell("zcat data/student.records.gz | jq -c .", in: dir.db)
        #expect(status == 0, "\(output)")
        let lines = output.split(separator: "\n").map(String.init)
        #expect(lines.count == 6)
        #expect(lines.first == #"{"id":1,"name":"Student 0","email":"s0@uni.edu"}"#)
        #expect(lines.last == #"{"id":6,"name":"Student 5","email":"s5@uni.edu"}"#)
        // Reopened (after a checkpoint, so the records come from the file, not the WAL).
        let again = try Database(path: dir.db)
        try again.checkpoint()
        try again.close()
        let reopened = try Database(path: dir.db)
        #expect(reopened.isGzipped("student"))
        #expect(try reopened.count("student") == 6)
        #expect(try reopened.get("student", key: 6)?["email"] == "s5@uni.edu")
        #expect(reopened.warnings.isEmpty, "\(reopened.warnings)")
        try reopened.close()
    }

    @Test("an update or delete rewrites the file into one member holding exactly the records")
    func rewriteIsOneMember() throws {
        let dir = TempDir("gz-rewrite")
        let db = try Self.gzippedDatabase(dir, count: 4)
        try db.insert("student", Self.record(4))
        try db.save()
        // The empty table's member (written by compress), the first save's, this one's.
        #expect(try Self.members(dir.bytes("db/data/student.records.gz")) == 3)
        try db.update("student", key: 2, set: ["name": "Renamed"])
        try db.delete("student", key: 3)
        let summary = try db.save()
        #expect(summary.rewritten == ["student": 4])
        try db.close()
        let bytes = dir.bytes("db/data/student.records.gz")
        #expect(try Self.members(bytes) == 1)
        let text = String(decoding: try Gzip.decompress(bytes, path: "x"), as: UTF8.self)
        #expect(text.split(separator: "\n").count == 4)
        #expect(text.contains(#"{"id":2,"name":"Renamed","email":"s1@uni.edu"}"#))
        #expect(!text.contains(#""id":3"#))
        let (status, output) = Self.shell("gzip -t data/student.records.gz && zcat data/student.records.gz | wc -l", in: dir.db)
        #expect(status == 0 && output.trimmingCharacters(in: .whitespacesAndNewlines) == "4", "\(output)")
    }

    @Test("compress then decompress gives back the same plain file, byte for byte; a switch of a switched table is a no-op")
    func switchRoundTrip() throws {
        let dir = TempDir("gz-switch")
        let db = try Database(path: dir.db)
        try db.createTable(Self.schema)
        for i in 0..<50 { try db.insert("student", Self.record(i)) }
        try db.save()
        let plain = dir.bytes("db/data/student.records")
        let compressed = try db.compressTables()
        #expect(compressed.switched == ["student"])
        #expect(!dir.exists("db/data/student.records"))
        #expect(try Gzip.decompress(dir.bytes("db/data/student.records.gz"), path: "x") == plain)
        #expect(try db.compressTables(["student"]).unchanged == ["student"])
        let back = try db.decompressTables(["student"])
        #expect(back.switched == ["student"])
        #expect(!dir.exists("db/data/student.records.gz"))
        #expect(dir.bytes("db/data/student.records") == plain)
        #expect(throws: LineDBError.self) { try db.compressTables(["nosuch"]) }
        try db.close()
    }

    @Test("a torn last member (a kill during the append) is ignored with a warning, set aside, and rewritten at the next save")
    func tornLastMember() throws {
        let dir = TempDir("gz-torn")
        let db = try Self.gzippedDatabase(dir, count: 3)
        try db.checkpoint()  // the first member holds 3 saved records; the WAL no longer inserts them
        let saved = dir.bytes("db/data/student.records.gz")
        for i in 3..<6 { try db.insert("student", Self.record(i)) }
        try db.save()
        try db.close()
        let full = dir.bytes("db/data/student.records.gz")
        #expect(full.count > saved.count)
        // Cut the appended member in the middle (what a kill between its two writes leaves).
        let cut = saved.count + (full.count - saved.count) / 2
        try Data(full.prefix(cut)).write(to: URL(fileURLWithPath: dir.db + "/data/student.records.gz"))
        let reopened = try Database(path: dir.db)
        #expect(try reopened.count("student") == 6, "the WAL restores the records of the torn member")
        #expect(reopened.warnings.contains { $0.contains("student.records.gz") && $0.contains("gzip member") },
                "\(reopened.warnings)")
        #expect(dir.list("db/quarantine").count == 1, "the torn bytes are kept (R13)")
        #expect(reopened.unsavedTables == ["student"], "a torn file is rewritten, never appended to")
        let summary = try reopened.save()
        #expect(summary.rewritten == ["student": 6])
        try reopened.close()
        let (status, output) = Self.shell("gzip -t data/student.records.gz && zcat data/student.records.gz | wc -l", in: dir.db)
        #expect(status == 0 && output.trimmingCharacters(in: .whitespacesAndNewlines) == "6", "\(output)")
    }

    @Test("a cut last member that no INSERT in the WAL explains is damage: the writer refuses and changes nothing")
    func tornMemberWithoutWALIsDamage() throws {
        let dir = TempDir("gz-torn-damage")
        let db = try Self.gzippedDatabase(dir, count: 3)
        let saved = dir.bytes("db/data/student.records.gz")
        for i in 3..<6 { try db.insert("student", Self.record(i)) }
        try db.checkpoint()  // appends a member, then archives the WAL that inserted its records
        try db.close()
        let full = dir.bytes("db/data/student.records.gz")
        let cut = saved.count + (full.count - saved.count) / 2
        try Data(full.prefix(cut)).write(to: URL(fileURLWithPath: dir.db + "/data/student.records.gz"))
        let before = dir.snapshot()
        #expect {
            _ = try Database(path: dir.db)
        } throws: { error in
            "\(error)".contains("student.records.gz") && "\(error)".contains("gzip member")
        }
        #expect(dir.snapshot() == before, "a refused open changes no file")
    }

    @Test("a damaged member followed by an intact one is refused, naming the file and the member's byte")
    func damagedMiddleMember() throws {
        let dir = TempDir("gz-damage")
        let db = try Self.gzippedDatabase(dir, count: 20)
        let first = dir.bytes("db/data/student.records.gz").count
        for i in 20..<25 { try db.insert("student", Self.record(i)) }
        try db.checkpoint()
        try db.close()
        var bytes = dir.bytes("db/data/student.records.gz")
        bytes[20 + (first - 20) / 2] ^= 0xff  // inside the deflate data of the member the first save appended
        try Data(bytes).write(to: URL(fileURLWithPath: dir.db + "/data/student.records.gz"))
        #expect {
            _ = try Database(path: dir.db)
        } throws: { error in
            let text = "\(error)"
            // The first member is the empty table's (20 bytes); the damaged one starts after it.
            return text.contains("student.records.gz") && text.contains("(byte 20)")
                && text.contains("an intact member follows")
        }
    }

    @Test("a crash between writing the new file and removing the old leaves both: the newer wins when they agree, else the open refuses")
    func bothFilesLeftByASwitch() throws {
        let dir = TempDir("gz-both")
        let db = try Database(path: dir.db)
        try db.createTable(Self.schema)
        for i in 0..<5 { try db.insert("student", Self.record(i)) }
        try db.save()
        try db.close()
        let plain = dir.bytes("db/data/student.records")
        // What `linedb compress` leaves when killed after its durable replace: both, the .gz newer.
        usleep(20_000)
        try Data(Gzip.member(plain)).write(to: URL(fileURLWithPath: dir.db + "/data/student.records.gz"))
        let reopened = try Database(path: dir.db)
        #expect(reopened.isGzipped("student"))
        #expect(!dir.exists("db/data/student.records"))
        #expect(reopened.warnings.contains { $0.contains("interrupted `linedb compress`") }, "\(reopened.warnings)")
        #expect(try reopened.count("student") == 5)
        try reopened.close()
        // Different records in the two: refused, nothing changed.
        try Data(plain.dropLast(plain.count - plain.firstIndex(of: 10)! - 1)).write(
            to: URL(fileURLWithPath: dir.db + "/data/student.records"))
        let before = dir.snapshot()
        #expect {
            _ = try Database(path: dir.db)
        } throws: { error in
            "\(error)".contains("do not hold the same records")
        }
        #expect(dir.snapshot() == before)
    }

    @Test("a dropped gzipped table leaves no file behind")
    func dropRemovesGzipFile() throws {
        let dir = TempDir("gz-drop")
        let db = try Self.gzippedDatabase(dir, count: 2)
        try db.dropTable("student")
        try db.close()
        #expect(dir.list("db/data").isEmpty, "\(dir.list("db/data"))")
    }
}
