import Foundation
import Testing
@testable import LineDB

/// `Database.history(of:key:)` over the seed's partial UPDATE (no `old_record`, a `record` with only the changed
/// field and the key): the version shows the whole record before and after, and the one column that changed.
@Suite("History of seed partial updates")
struct HistorySeedUpdateTests {
    @Test("a seed partial update takes its old record from the version before it, with or without a limit")
    func partialUpdateCompleted() throws {
        let dir = TempDir("history-seed-partial")
        dir.write("db/schema/student.schema.json", SeedFiles.studentSchema)
        dir.write("db/data/student.records", SeedFiles.studentRecords)
        dir.write("db/wal/" + SeedFiles.archiveName, SeedFiles.archivedLog)
        dir.write("db/wal/transaction.log", SeedFiles.unsavedLog)
        let db = try Database(path: dir.db, options: DatabaseOptions(syncMode: .full, readOnly: true))
        defer { try? db.close() }
        let zoe: Record = ["name": "Zo\u{EB} \u{1F600} \u{674E}", "email": "zoe@university.edu", "gpa": 3.9, "id": 3]
        var after = zoe
        after["gpa"] = 2.0
        for limit in [nil, 1] as [Int?] {
            let versions = try db.history(of: "student", key: 3, limit: limit)
            #expect(versions.count == (limit ?? 2))
            let update = try #require(versions.first)
            #expect(update.operation == .update)
            #expect(update.oldRecord == zoe, "limit \(String(describing: limit))")
            #expect(update.record == after)
            #expect(update.changes == [ColumnChange(column: "gpa", old: 3.9, new: 2.0)])
        }
        let all = try db.history(of: "student", key: 3)
        #expect(all.last?.operation == .insert && all.last?.record == zoe)
    }
}

/// The history numbers the seed's lines in the live WAL as the engine does (from 1 after a seed archive), so that
/// none is mistaken for an entry written after the history was asked for, and LineDB's next entry follows them.
@Suite("History of a seed database's live WAL")
struct HistorySeedNumberingTests {
    @Test("every unsaved seed entry of the live WAL is in the history, with the LSN `Database.readWAL` gives it")
    func liveLegacyLinesKept() throws {
        let dir = TempDir("history-seed-numbering")
        dir.write("db/schema/student.schema.json", SeedFiles.studentSchema)
        dir.write("db/data/student.records", SeedFiles.studentRecords)
        dir.write("db/wal/" + SeedFiles.archiveName, SeedFiles.archivedLog)
        dir.write("db/wal/transaction.log", SeedFiles.unsavedLog)
        let walLSNs = try Database.readWAL(path: dir.db + "/wal/transaction.log").map(\.lsn)
        let db = try Database(path: dir.db, options: DatabaseOptions(syncMode: .full, readOnly: true))
        defer { try? db.close() }
        // Student 5: inserted (line 5) and deleted by record (line 6), both in the live WAL.
        let five = try db.history(of: "student", key: 5)
        #expect(five.map(\.operation) == [.delete, .insert])
        #expect(five.map(\.lsn) == [walLSNs[5], walLSNs[4]])
        // Student 2: the seed archive's insert and the live WAL's update.
        let two = try db.history(of: "student", key: 2)
        #expect(two.map(\.operation) == [.update, .insert])
        #expect(two.map(\.file) == ["transaction.log", SeedFiles.archiveName])
    }

    @Test("after a seed checkpoint, LineDB's first entry (lsn 1) does not cut the seed archive off the history")
    func lineDBAfterSeedArchive() throws {
        let dir = TempDir("history-seed-then-linedb")
        dir.write("db/schema/student.schema.json", SeedFiles.studentSchema)
        dir.write("db/data/student.records", SeedFiles.studentRecords)
        dir.write("db/wal/" + SeedFiles.archiveName, SeedFiles.archivedLog)
        dir.write("db/wal/transaction.log", "")
        let db = try Database(path: dir.db)
        try db.update("student", key: 1, set: ["gpa": 4.0])
        let versions = try db.history(of: "student", key: 1)
        #expect(versions.map(\.operation) == [.update, .insert])
        #expect(versions.first?.lsn == 1 && versions.first?.changes == [ColumnChange(column: "gpa", old: 3.8, new: 4.0)])
        #expect(try db.historyFiles().reach.limits.isEmpty)
        try db.close()
    }
}
