import Testing
import Foundation
@testable import LineDB

@Suite("Database basics")
struct DatabaseBasicsTests {
    @Test("create, insert, save, reopen: records come back and wc -l equals the count")
    func roundTrip() throws {
        let dir = TempDir()
        do {
            let db = try Database(path: dir.db)
            try db.createTable(studentSchema)
            #expect(dir.exists("db/schema/student.schema.json"))
            let a = try db.insert("student", ["name": "Alice", "email": "alice@u.edu", "gpa": 3.8])
            let b = try db.insert("student", ["name": "Bob", "email": "bob@u.edu"])
            #expect(a == 1 && b == 2)
            let summary = try db.save()
            #expect(summary.appended["student"] == 2)
            #expect(dir.lines("db/data/student.records") == [
                #"{"id":1,"name":"Alice","email":"alice@u.edu","gpa":3.8}"#,
                #"{"id":2,"name":"Bob","email":"bob@u.edu","gpa":0.0}"#,
            ])
            try db.close()
        }
        let db = try Database(path: dir.db)
        #expect(try db.count("student") == 2)
        #expect(try db.get("student", key: 2)?["name"] == "Bob")
        #expect(db.warnings.isEmpty)
        #expect(db.unsavedTables.isEmpty)
    }

    @Test("unsaved writes come back from the WAL after reopening")
    func walReplay() throws {
        let dir = TempDir()
        do {
            let db = try Database(path: dir.db)
            try db.createTable(studentSchema)
            try db.insert("student", ["name": "Alice", "email": "a@u"])
            try db.insert("student", ["name": "Bob", "email": "b@u"])
            try db.update("student", key: 1, set: ["gpa": 4])
            try db.delete("student", key: 2)
            try db.close()
        }
        let db = try Database(path: dir.db)
        let all = try db.select("student")
        #expect(all.count == 1)
        #expect(all[0]["gpa"] == .double(4.0))
        #expect(try db.insert("student", ["name": "Carol", "email": "c@u"]) == 3)
    }

    @Test("checkpoint archives the WAL and the new WAL starts with a CHECKPOINT line")
    func checkpoint() throws {
        let dir = TempDir()
        let db = try Database(path: dir.db)
        try db.createTable(studentSchema)
        try db.insert("student", ["name": "Alice", "email": "a@u"])
        let summary = try db.checkpoint()
        let archive = try #require(summary.archive)
        #expect(dir.list("db/wal").contains(archive))
        let walLines = dir.lines("db/wal/transaction.log")
        #expect(walLines.count == 1)
        #expect(walLines[0].contains(#""operation":"CHECKPOINT""#))
        // Gzipped by default (wal/transaction.<stamp>.log.gz): two lines once decompressed.
        #expect(archive.hasSuffix(".log.gz"))
        let archived = try Gzip.decompress(dir.bytes("db/wal/\(archive)"), path: archive)
        #expect(archived.filter { $0 == 10 }.count == 2)
        try db.insert("student", ["name": "Bob", "email": "b@u"])
        try db.close()
        let again = try Database(path: dir.db)
        #expect(try again.count("student") == 2)
        let entries = try again.walEntries()
        #expect(entries.map(\.lsn) == [3, 4])
    }
}
