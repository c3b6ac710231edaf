import Foundation
import Testing

@testable import LineDB
import LineDBTestSupport

@Suite("Auto-save: records files kept up to date without save()")
struct AutoSaveTests {
    /// The records file of `table`, read as the dynamic API reads it.
    private func fileRecords(_ dir: TempDir, _ table: String) throws -> [Record] {
        try RecordsFileReader(databasePath: dir.db, table: table).first(Int.max)
    }

    @Test("with afterEveryWrite the records file equals the table after every kind of write")
    func afterEveryWrite() throws {
        let dir = TempDir()
        var options = DatabaseOptions()
        options.autoSave = .afterEveryWrite
        let db = try Database(path: dir.db, options: options)
        let students = try db.register(Student.self)
        func check(_ step: String) throws {
            #expect(try fileRecords(dir, "student") == (try db.select("student")), "after \(step)")
            #expect(db.unsavedTables.isEmpty, "after \(step)")
        }
        var alice = Student(name: "Alice", email: "alice@u", gpa: 3.0)
        try students.insert(&alice)
        try check("a typed insert")
        try db.insert("student", ["name": "Bob", "email": "bob@u"])
        try check("a dynamic insert")
        try students.insert(contentsOf: (0..<100).map { Student(name: "s\($0)", email: "s\($0)@u") })
        try check("a bulk insert")
        alice.gpa = 3.9
        try students.update(alice)
        try check("an update")
        try students.delete(key: 2)
        try check("a delete")
        try db.transaction { tx in
            var c = Student(name: "Cid", email: "cid@u")
            try tx.insert(&c)
            try tx.delete("student", key: 3)
        }
        try check("a transaction")
        #expect(throws: LineDBError.self) {
            try db.transaction { tx in
                try tx.insert("student", ["name": "Dup", "email": "dup@u"])
                try tx.insert("student", ["name": "Dup", "email": "cid@u"])
            }
        }
        try check("a failed transaction")
        #expect(db.lastAutoSaveError == nil)
        try db.close()
        // What the files hold is the whole truth: a reader that ignores the WAL sees every write.
        #expect(try fileRecords(dir, "student").count == 101)
    }

    @Test("without auto-save the records file changes only at save()")
    func offByDefault() throws {
        let dir = TempDir()
        let db = try Database(path: dir.db)
        let students = try db.register(Student.self)
        var a = Student(name: "A", email: "a@u")
        try students.insert(&a)
        #expect(try fileRecords(dir, "student").isEmpty)
        #expect(db.unsavedTables == ["student"])
    }

    @Test("with an interval the changes reach the records file within it, from a background save")
    func interval() throws {
        let dir = TempDir()
        var options = DatabaseOptions()
        options.autoSave = .every(.milliseconds(20))
        let db = try Database(path: dir.db, options: options)
        let students = try db.register(Student.self)
        var a = Student(name: "A", email: "a@u")
        try students.insert(&a)
        // Wait (up to 20 s on a loaded machine) for the timer's save: this checks that it happens, not how fast.
        var waited = 0
        while !db.unsavedTables.isEmpty && waited < 2000 {
            usleep(10_000)
            waited += 1
        }
        #expect(db.unsavedTables.isEmpty)
        #expect(try fileRecords(dir, "student") == (try db.select("student")))
        try db.close()
    }

    @Test("each database keeps its own auto-save error: a failing one does not mark another, and it clears on success")
    func errorIsPerDatabase() throws {
        let failing = TempDir(), healthy = TempDir()
        let io = FaultyFileIO()
        var options = DatabaseOptions()
        options.autoSave = .afterEveryWrite
        options.fileIO = io
        let a = try Database(path: failing.db, options: options)
        options.fileIO = RealFileIO.shared
        let b = try Database(path: healthy.db, options: options)
        for db in [a, b] { try db.createTable(TableSchema("t", columns: [Column("id", .int, primaryKey: true)])) }
        // Every sync of a records file fails for `a` only: its auto-save fails, its writes stay durable in the WAL.
        io.inject(.init(.fdatasync, errno: EIO, persistent: true, pathContains: "/data/"))
        io.inject(.init(.fsync, errno: EIO, persistent: true, pathContains: "/data/"))
        try a.insert("t", ["id": 1])
        try b.insert("t", ["id": 1])
        #expect(a.lastAutoSaveError != nil)
        #expect(b.lastAutoSaveError == nil)
        io.clearFaults()
        // After a failed sync a handle may refuse writes until reopened (`needsReopen`): reopen `a` on the real file
        // system; its new handle starts with no error and keeps none after a successful auto-save.
        try? a.close()
        options.fileIO = RealFileIO.shared
        let reopened = try Database(path: failing.db, options: options)
        #expect(reopened.lastAutoSaveError == nil)
        try reopened.insert("t", ["id": 2])
        #expect(reopened.lastAutoSaveError == nil)
        #expect(try fileRecordsCount(failing, "t") == 2)
        try reopened.close()
        try b.close()
    }

    @Test("the interval timer does not keep its database alive: dropping the database frees its auto-save state")
    func timerDoesNotRetain() throws {
        let dir = TempDir()
        var options = DatabaseOptions()
        options.autoSave = .every(.milliseconds(20))
        weak var state: AutoSaveState?
        do {
            let db = try Database(path: dir.db, options: options)
            try db.createTable(TableSchema("t", columns: [Column("id", .int, primaryKey: true)]))
            try db.insert("t", ["id": 1])  // starts the timer
            state = db.autoSaveState
            #expect(state != nil)
        }
        // The timer's handler may be running with a strong reference for a moment: wait (up to 10 s) for it.
        var waited = 0
        while state != nil && waited < 1000 {
            usleep(10_000)
            waited += 1
        }
        #expect(state == nil)
    }

    private func fileRecordsCount(_ dir: TempDir, _ table: String) throws -> Int {
        try RecordsFileReader(databasePath: dir.db, table: table).first(Int.max).count
    }
}
