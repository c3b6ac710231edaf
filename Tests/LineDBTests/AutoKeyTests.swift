import Foundation
import Testing
@testable import LineDB

/// Issue 12, item 4: the automatic key never wraps; once a record has the key Int.max, an insert without a key
/// is refused clearly, also after reopen, checkpoint, and deleting that record.
@Suite("Automatic keys never wrap")
struct AutoKeyTests {
    static let exhausted = "automatic keys are exhausted in table 'student'"

    func expectExhausted(_ db: Database, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let before = try db.count("student")
        #expect(sourceLocation: sourceLocation) {
            try db.insert("student", ["name": "N", "email": .string("n-\(UUID().uuidString)")])
        } throws: { error in
            "\(error)".contains(Self.exhausted) && "\(error)".contains("9223372036854775807")
        }
        #expect(sourceLocation: sourceLocation) {
            try db.insert("student", records: [["name": "M", "email": .string("m-\(UUID().uuidString)")]])
        } throws: { "\($0)".contains(Self.exhausted) }
        #expect(try db.count("student") == before, sourceLocation: sourceLocation)
    }

    @Test("after key Int.max - 1 the next automatic key is Int.max, then inserts without a key are refused; a given key still works")
    func lastKeyThenRefused() throws {
        let dir = TempDir()
        let db = try Database(path: dir.db)
        try db.createTable(studentSchema)
        try db.insert("student", ["id": .int(.max - 1), "name": "A", "email": "a"])
        #expect(try db.insert("student", ["name": "B", "email": "b"]) == .int(.max))
        try expectExhausted(db)
        #expect(try db.insert("student", ["id": 5, "name": "C", "email": "c"]) == 5)
        try expectExhausted(db)
        #expect(try db.count("student") == 3)
    }

    @Test("exhaustion holds after reopen (WAL replay), after checkpoint, and after the Int.max record is deleted")
    func exhaustionIsDurable() throws {
        let dir = TempDir()
        var db = try Database(path: dir.db)
        try db.createTable(studentSchema)
        try db.insert("student", ["id": 3, "name": "A", "email": "a"])
        try db.insert("student", ["id": .int(.max), "name": "B", "email": "b"])
        try expectExhausted(db)
        try db.close()
        db = try Database(path: dir.db)  // replayed from the WAL
        try expectExhausted(db)
        try db.checkpoint()
        try db.close()
        db = try Database(path: dir.db)  // loaded from the records file
        try expectExhausted(db)
        try db.delete("student", key: .int(.max))
        try expectExhausted(db)
        try db.checkpoint()  // the record is gone: only the CHECKPOINT line's next_ids remembers
        try db.close()
        #expect(dir.read("db/wal/transaction.log").contains(#""next_ids":{"student":9.223372036854776e+18}"#))
        db = try Database(path: dir.db)
        try expectExhausted(db)
        #expect(try db.get("student", key: 3) != nil)
    }

    @Test("an import that needs an automatic key after Int.max is refused, naming the record; nothing is imported")
    func importRefused() throws {
        let dir = TempDir()
        let db = try Database(path: dir.db)
        try db.createTable(studentSchema)
        let file = dir.path + "/in.jsonl"
        try """
            {"id":9223372036854775807,"name":"A","email":"a"}
            {"name":"B","email":"b"}

            """.write(toFile: file, atomically: false, encoding: .utf8)
        #expect {
            try db.importRecords(into: "student", from: file)
        } throws: { "\($0)".contains(Self.exhausted) && "\($0)".contains("nothing was imported") }
        #expect(try db.count("student") == 0)
    }

    @Test("a rolled-back insert of the key Int.max does not exhaust the automatic keys")
    func rollbackRestoresCounter() throws {
        let dir = TempDir()
        let db = try Database(path: dir.db)
        try db.createTable(studentSchema)
        try db.insert("student", ["name": "A", "email": "a"])
        #expect(throws: LineDBError.self) {
            try db.transaction { tx in
                try tx.insert("student", ["id": .int(.max), "name": "B", "email": "b"])
                try tx.insert("student", ["name": "C", "email": "a"])  // duplicate e-mail: the whole transaction goes
            }
        }
        #expect(try db.insert("student", ["name": "D", "email": "d"]) == 2)
    }

    @Test("a CHECKPOINT whose next_ids say a key below the records' is not taken over (counter never goes down)")
    func checkpointCounterNeverLowers() throws {
        let dir = TempDir()
        var db = try Database(path: dir.db)
        try db.createTable(studentSchema)
        try db.insert("student", ["name": "A", "email": "a"])
        try db.insert("student", ["id": 40, "name": "B", "email": "b"])
        try db.delete("student", key: 40)
        try db.checkpoint()
        try db.close()
        db = try Database(path: dir.db)
        #expect(try db.insert("student", ["name": "C", "email": "c"]) == 41)
    }
}
