import Foundation
import Testing
@testable import LineDB
import LineDBTestSupport

/// A bulk insert encodes each record once: the records-file lines of its rows are copied out of their WAL lines
/// and used by the save an auto-checkpoint or auto-save runs in the same call. The file must be what a plain
/// save writes, also when the rows changed in between.
@Suite("Bulk insert: records-file lines reused by the save that follows")
struct BulkSaveTests {
    static let rows = 10_000

    /// Records with what encoding can get wrong: escapes, non-ASCII, emoji, doubles, nulls, a field the schema
    /// does not know is refused, so every column is a known one.
    static func records(_ range: Range<Int>) -> [Record] {
        range.map { i in
            [
                "name": .string(i % 7 == 0 ? "Zoë \"Q\" \\ \(i) 😀" : "Student \(i)"),
                "email": .string("s\(i)@uni.edu"),
                "gpa": i % 5 == 0 ? .null : .double(Double(i % 400) / 100 + 0.005),
            ]
        }
    }

    /// `db` opened with an auto-checkpoint small enough that one bulk insert passes it.
    static func open(_ path: String, autoCheckpoint: Int?, autoSave: AutoSave = .off) throws -> Database {
        var options = DatabaseOptions()
        options.syncMode = .off
        options.autoCheckpointBytes = autoCheckpoint
        options.autoSave = autoSave
        return try Database(path: path, options: options)
    }

    /// The records file of the same inserts saved the plain way (no auto-checkpoint: `save()` encodes the rows).
    static func plainRecordsFile(_ dir: TempDir, _ writes: (Database) throws -> Void) throws -> [UInt8] {
        let db = try open(dir.path + "/plain", autoCheckpoint: nil)
        try db.createTable(studentSchema)
        try writes(db)
        _ = try db.save()
        try db.close()
        return dir.bytes("plain/data/student.records")
    }

    static func table(_ db: Database) throws -> TableState {
        try db.state.withLock { () throws(LineDBError) in try db.table("student") }
    }

    @Test("an auto-checkpoint after a bulk insert writes the same records file, from lines encoded once")
    func autoCheckpointReusesLines() throws {
        let dir = TempDir()
        let writes: (Database) throws -> Void = { db in
            try db.insert("student", ["name": "First", "email": "first@u"])  // saved before: a prefix
            _ = try db.save()
            _ = try db.insert("student", records: Self.records(0..<Self.rows))
        }
        let db = try Self.open(dir.db, autoCheckpoint: 1 << 20)
        try db.createTable(studentSchema)
        try writes(db)
        let t = try Self.table(db)
        #expect(t.preEncodedUses == 1, "the checkpoint's save encoded the rows again")
        #expect(t.preEncoded == nil, "the lines outlived the call")
        #expect(db.unsavedTables.isEmpty && dir.list("db/wal").filter { !$0.hasSuffix(".idx") }.count == 2)  // checkpointed: an archive + a new WAL
        try db.close()
        let file = dir.bytes("db/data/student.records")
        #expect(file.count > 300_000)
        let plain = try Self.plainRecordsFile(dir, writes)
        let same = file == plain  // (a Bool: a failure should not print megabytes)
        #expect(same, "records file of \(file.count) bytes differs from a plain save's \(plain.count)")
        let reopened = try Database(path: dir.db)
        #expect(try reopened.count("student") == Self.rows + 1)
        #expect(try reopened.find("student", where: "email", equals: "s70@uni.edu").first?["name"]
            == .string("Zoë \"Q\" \\ 70 😀"))
    }

    @Test("lines are kept only when a save follows in the call: not for a bulk insert that stays under the checkpoint")
    func keptOnlyWhenSaved() throws {
        let dir = TempDir()
        let db = try Self.open(dir.db, autoCheckpoint: 64 << 20)
        try db.createTable(studentSchema)
        _ = try db.insert("student", records: Self.records(0..<Self.rows))
        let t = try Self.table(db)
        #expect(t.preEncodedKept == 0 && t.preEncodedUses == 0)
        #expect(db.unsavedTables == ["student"])  // no checkpoint ran
        // Once the WAL is expected to pass the limit, the slices are kept (and used by the checkpoint).
        let small = try Self.open(dir.path + "/small", autoCheckpoint: 1 << 20)
        try small.createTable(studentSchema)
        _ = try small.insert("student", records: Self.records(0..<Self.rows))
        let s = try Self.table(small)
        #expect(s.preEncodedKept == 1 && s.preEncodedUses == 1)
    }

    @Test("kept lines serve a save only while their slots are unchanged: a replace, remove or rollback drops them")
    func keptLinesFollowChanges() throws {
        func table(rows: Int) -> TableState {
            let t = TableState(schema: studentSchema)
            for i in 0..<rows {
                t.append(Row(values: [.int(i + 1), .string("n\(i)"), .string("e\(i)"), .double(1)]))
            }
            return t
        }
        let marker: [[UInt8]] = [Array("KEPT\n".utf8)]
        func uses(_ t: TableState, from start: Int = 0) -> Bool {
            t.linesToAppend(from: start).chunks.contains(marker[0])
        }
        var t = table(rows: 10)
        t.keepPreEncoded(marker, slots: 4..<10)
        #expect(uses(t), "kept lines for slots 4..<10 unused")
        #expect(t.linesToAppend(from: 0).chunks.count == 2)  // slots 0..<4 encoded, then the kept lines
        #expect(!uses(t, from: 5), "kept lines used for a save that starts inside them")
        t.append(Row(values: [.int(11), .string("n"), .string("e"), .double(1)]))
        #expect(uses(t), "an append after them made them unusable")
        t.replace(slot: 6, with: Row(values: [.int(7), .string("changed"), .string("e6"), .double(1)]))
        #expect(!uses(t), "kept lines used after a row in them changed")
        t = table(rows: 10)
        t.keepPreEncoded(marker, slots: 4..<10)
        _ = t.remove(slot: 9)
        #expect(!uses(t), "kept lines used after a row in them was removed")
        t = table(rows: 10)
        t.keepPreEncoded(marker, slots: 4..<10)
        t.removeLast(ifSlot: 9)
        #expect(!uses(t), "kept lines used after a rollback took a row back")
        // Two slices of one bulk insert join up; a gap starts over.
        t = table(rows: 10)
        t.keepPreEncoded(marker, slots: 4..<6)
        t.keepPreEncoded(marker, slots: 6..<10)
        #expect(t.preEncoded?.range == 4..<10 && t.preEncoded?.chunks.count == 2)
    }

    @Test("rows changed after a bulk insert are saved as they are now")
    func changedRowsAreEncodedAgain() throws {
        let dir = TempDir()
        let writes: (Database) throws -> Void = { db in
            _ = try db.insert("student", records: Self.records(0..<Self.rows))
            _ = try db.update("student", key: .int(5), set: ["name": "Changed"])
            _ = try db.delete("student", key: .int(9))
            _ = try db.insert("student", records: Self.records(Self.rows..<(2 * Self.rows)))
        }
        let db = try Self.open(dir.db, autoCheckpoint: 4 << 20)
        try db.createTable(studentSchema)
        try writes(db)
        _ = try db.save()
        try db.close()
        let file = dir.bytes("db/data/student.records")
        let plain = try Self.plainRecordsFile(dir, writes)
        let same = file == plain  // (a Bool: a failure should not print megabytes)
        #expect(same, "records file of \(file.count) bytes differs from a plain save's \(plain.count)")
        let text = String(decoding: file, as: UTF8.self)
        #expect(text.contains(#""name":"Changed""#) && !text.contains(#""email":"s8@uni.edu""#))
    }

    @Test("a bulk insert inside a transaction that then fails leaves no lines behind and saves nothing of it")
    func failedTransaction() throws {
        let dir = TempDir()
        let db = try Self.open(dir.db, autoCheckpoint: 1 << 20)
        try db.createTable(studentSchema)
        try db.insert("student", ["name": "Kept", "email": "taken@u"])
        #expect(throws: LineDBError.self) {
            _ = try db.insert("student", records: Self.records(0..<Self.rows) + [["name": "X", "email": "taken@u"]])
        }
        let t = try Self.table(db)
        #expect(t.preEncoded == nil && t.preEncodedUses == 0)
        _ = try db.save()
        try db.close()
        #expect(dir.lines("db/data/student.records").count == 1)
    }

    @Test("auto-save after every write appends a bulk insert from the same lines")
    func autoSaveReusesLines() throws {
        let dir = TempDir()
        let db = try Self.open(dir.db, autoCheckpoint: nil, autoSave: .afterEveryWrite)
        try db.createTable(studentSchema)
        let writes: (Database) throws -> Void = { db in
            _ = try db.insert("student", records: Self.records(0..<Self.rows))
        }
        try writes(db)
        #expect(try Self.table(db).preEncodedUses == 1)
        try db.close()
        let file = dir.bytes("db/data/student.records"), plain = try Self.plainRecordsFile(dir, writes)
        let same = file == plain  // (a Bool: a failure should not print megabytes)
        #expect(same, "records file of \(file.count) bytes differs from a plain save's \(plain.count)")
    }
}

/// A bulk insert builds its rows on two threads (16,384 records: two halves of 8,192), then keys, checks and
/// appends them in order: the outcome must be the one of inserting the records one by one. On disk: a database
/// without a WAL (in memory) inserts one by one and would not test this.
@Suite("Bulk insert: rows built on two threads, keyed and checked in order")
struct BulkInsertOrderTests {
    static let count = 16_384

    /// Records without keys, except two explicit ones that jump ahead (the counter follows them).
    static func records() -> [Record] {
        (0..<count).map { i in
            var r: Record = ["name": .string("N\(i)"), "email": .string("e\(i)@u")]
            if i == 10 { r["id"] = .int(500) }
            if i == 12_000 { r["id"] = .int(20_000) }
            return r
        }
    }

    static func onDisk(_ dir: TempDir, fileIO: FileIO? = nil) throws -> Database {
        var options = DatabaseOptions()
        options.syncMode = .off
        if let fileIO { options.fileIO = fileIO }
        let db = try Database(path: dir.db, options: options)
        try db.createTable(studentSchema)
        #expect(db.state.withLockOrHeld { db.wal != nil })
        return db
    }

    @Test("keys are assigned as one-by-one inserts assign them, across the two halves, and reopen the same")
    func keysAsOneByOne() throws {
        var records = Self.records()
        records[9_000]["id"] = .int(400)  // below the counter (past 9,000 by then) yet free: keys 1...10, then 500, 501...
        let dir = TempDir()
        let bulk = try Self.onDisk(dir)
        let keys = try bulk.insert("student", records: records)
        let single = Database.inMemory()
        try single.createTable(studentSchema)
        let expected = try records.map { try single.insert("student", $0) }
        #expect(keys == expected)
        #expect(keys[10] == .int(500) && keys[11] == .int(501) && keys[9_000] == .int(400) && keys[12_001] == .int(20_001))
        #expect(try bulk.select("student") == (try single.select("student")))
        try bulk.close()
        #expect(try Database(path: dir.db).select("student") == (try single.select("student")))
    }

    @Test("the first bad record in order is the one reported, whichever half and whichever check finds it")
    func firstErrorWins() throws {
        func attempt(_ change: (inout [Record]) -> Void) throws -> String {
            var records = Self.records()
            change(&records)
            let dir = TempDir()
            let db = try Self.onDisk(dir)
            try db.insert("student", ["name": "Taken", "email": "taken@u"])
            do {
                _ = try db.insert("student", records: records)
                return "no error"
            } catch {
                #expect(try db.count("student") == 1, "a failed bulk insert left rows behind")
                // The indexes and the key counter are as before: a record the failed call had taken goes in now.
                #expect(try db.insert("student", ["name": "After", "email": "e100@u"]) == .int(2))
                return "\(error)"
            }
        }
        // A duplicate (found when claiming, in order) early; a wrong type (found while building) in the 2nd half.
        let a = try attempt { r in r[100]["email"] = "taken@u"; r[12_000]["name"] = .int(7) }
        #expect(a.contains("taken@u") && !a.contains("name"), "\(a)")
        // The other way round: the wrong type comes first.
        let b = try attempt { r in r[100]["name"] = .int(7); r[12_000]["email"] = "taken@u" }
        #expect(b.contains("name") && !b.contains("taken@u"), "\(b)")
        // Within the second half: a NOT NULL miss before a duplicate.
        let c = try attempt { r in r[10_000]["name"] = .null; r[15_000]["email"] = "taken@u" }
        #expect(c.contains("name") && !c.contains("taken@u"), "\(c)")
        // A duplicate within the batch (the second half repeats the first) before an unknown column.
        let d = try attempt { r in r[9_000]["email"] = "e5@u"; r[9_001]["bogus"] = 1 }
        #expect(d.contains("e5@u") && !d.contains("bogus"), "\(d)")
        // An unknown column before a duplicate key, both in the first half.
        let e = try attempt { r in r[50]["bogus"] = 1; r[60]["id"] = .int(1) }
        #expect(e.contains("bogus"), "\(e)")
        // An explicit duplicate key in the second half before an unknown column there.
        let f = try attempt { r in r[8_200]["id"] = .int(1); r[8_300]["bogus"] = 1 }
        #expect(f.contains("id") && !f.contains("bogus"), "\(f)")
    }

    @Test("a WAL write that fails part way through a bulk slice takes all of the slice's lines back")
    func partialWALWrite() throws {
        for next in ["bulk", "single"] {
            let dir = TempDir()
            let io = FaultyFileIO()
            let db = try Self.onDisk(dir, fileIO: io)
            let walBefore = dir.bytes("db/wal/transaction.log")
            // The slice is written in 4 chunks: the 2nd fails, after the 1st reached the file.
            io.inject(.init(.write, nth: 2, errno: ENOSPC, pathContains: "transaction.log"))
            #expect(throws: LineDBError.self) { _ = try db.insert("student", records: Array(Self.records()[..<10_000])) }
            io.clearFaults()
            let walAfter = dir.bytes("db/wal/transaction.log")
            let unchanged = walAfter == walBefore  // (a Bool: a failure should not print megabytes)
            #expect(unchanged, "\(next): the WAL holds \(walAfter.count - walBefore.count) bytes more: the first chunk stayed")
            #expect(try db.count("student") == 0)
            if next == "bulk" {
                _ = try db.insert("student", records: Array(Self.records()[10_000..<10_010]))
            } else {
                try db.insert("student", ["name": "A", "email": "a@u"])
            }
            let count = try db.count("student")
            try db.close()
            let reopened = try Database(path: dir.db)
            #expect(try reopened.count("student") == count, "\(next): reopened with another count")
        }
    }
}
