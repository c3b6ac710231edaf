import Foundation
import Testing
@testable import LineDB

@Suite("Records: keys, types and constraints")
struct RecordRulesTests {
    func freshDB(_ dir: TempDir) throws -> Database {
        let db = try Database(path: dir.db)
        try db.createTable(studentSchema)
        return db
    }

    @Test("integer keys are assigned when absent, explicit keys are kept, and deleted keys are never reused")
    func keys() throws {
        let dir = TempDir()
        let db = try freshDB(dir)
        #expect(try db.insert("student", ["name": "A", "email": "a"]) == 1)
        #expect(try db.insert("student", ["id": 10, "name": "B", "email": "b"]) == 10)
        #expect(try db.insert("student", ["name": "C", "email": "c"]) == 11)
        try db.delete("student", key: 11)
        #expect(try db.insert("student", ["name": "D", "email": "d"]) == 12)
        try db.close()
        let again = try Database(path: dir.db)
        #expect(try again.insert("student", ["name": "E", "email": "e"]) == 13)
    }

    @Test("types are checked: an int is accepted in a float column and stored as a float; \"3\" is not an int")
    func types() throws {
        let dir = TempDir()
        let db = try freshDB(dir)
        try db.insert("student", ["name": "A", "email": "a", "gpa": 3])
        #expect(try db.get("student", key: 1)?["gpa"] == .double(3.0))
        #expect(throws: LineDBError.typeMismatch(table: "student", column: "id", expected: "an int", value: #"str "3""#)) {
            try db.insert("student", ["id": "3", "name": "B", "email": "b"])
        }
        #expect(throws: LineDBError.typeMismatch(table: "student", column: "name", expected: "a str", value: "int 5")) {
            try db.insert("student", ["name": 5, "email": "c"])
        }
        let t = try TableSchema("events", columns: [
            Column("id", .int, primaryKey: true), Column("at", .datetime), Column("day", .date), Column("extra", .json),
            Column("ok", .bool),
        ])
        try db.createTable(t)
        try db.insert("events", ["at": "2026-01-22T20:31:17.592172", "day": "2026-01-22", "extra": ["a": [1, 2]], "ok": true])
        #expect(throws: LineDBError.self) { try db.insert("events", ["at": "yesterday"]) }
        #expect(throws: LineDBError.self) { try db.insert("events", ["day": "2026-02-30"]) }
        #expect(throws: LineDBError.self) { try db.insert("events", ["ok": 1]) }
        #expect(try db.count("events") == 1)
    }

    @Test("NOT NULL, UNIQUE and primary-key violations are typed errors that change nothing")
    func constraints() throws {
        let dir = TempDir()
        let db = try freshDB(dir)
        try db.insert("student", ["name": "A", "email": "a@u"])
        let walBefore = dir.bytes("db/wal/transaction.log")
        #expect(throws: LineDBError.notNull(table: "student", column: "name")) {
            try db.insert("student", ["email": "b@u"])
        }
        #expect(throws: LineDBError.duplicateValue(table: "student", column: "email", value: #""a@u""#)) {
            try db.insert("student", ["name": "B", "email": "a@u"])
        }
        #expect(throws: LineDBError.duplicateValue(table: "student", column: "id", value: "1")) {
            try db.insert("student", ["id": 1, "name": "B", "email": "b@u"])
        }
        #expect(throws: LineDBError.unknownColumn(table: "student", column: "emial", suggestion: "email")) {
            try db.insert("student", ["name": "B", "emial": "b@u"])
        }
        #expect(throws: LineDBError.recordNotFound(table: "student", key: "7")) {
            try db.update("student", key: 7, set: ["name": "X"])
        }
        try db.insert("student", ["name": "B", "email": "b@u"])
        #expect(throws: LineDBError.duplicateValue(table: "student", column: "email", value: #""a@u""#)) {
            try db.update("student", key: 2, set: ["email": "a@u"])
        }
        #expect(throws: LineDBError.notNull(table: "student", column: "name")) {
            try db.update("student", key: 2, set: ["name": nil])
        }
        #expect(try db.get("student", key: 2)?["email"] == "b@u")
        // Only the successful insert reached the WAL.
        #expect(dir.bytes("db/wal/transaction.log").count > walBefore.count)
        #expect(try db.walEntries().filter { $0.operation == "INSERT" }.count == 2)
        // The message names table, column and value.
        let message = LineDBError.duplicateValue(table: "student", column: "email", value: #""a@u""#).description
        #expect(message.contains("student.email") && message.contains("a@u"))
    }

    @Test("an update can change the primary key; the old key is free afterwards and the index follows")
    func keyChange() throws {
        let dir = TempDir()
        let db = try freshDB(dir)
        try db.insert("student", ["name": "A", "email": "a"])
        try db.update("student", key: 1, set: ["id": 50])
        #expect(try db.get("student", key: 1) == nil)
        #expect(try db.get("student", key: 50)?["name"] == "A")
        try db.close()
        let again = try Database(path: dir.db)
        #expect(try again.get("student", key: 50)?["name"] == "A")
        #expect(try again.count("student") == 1)
    }

    @Test("select filters, orders, offsets and limits; find uses the unique index")
    func select() throws {
        let dir = TempDir()
        let db = try freshDB(dir)
        for (i, gpa) in [3.1, 2.5, 3.9, 1.0, 3.5].enumerated() {
            try db.insert("student", ["name": .string("S\(i)"), "email": .string("s\(i)@u"), "gpa": .double(gpa)])
        }
        let top = try db.select("student", where: { ($0["gpa"]?.doubleValue ?? 0) > 3 }, orderBy: "gpa", descending: true)
        #expect(top.map { $0["gpa"]!.doubleValue! } == [3.9, 3.5, 3.1])
        let page = try db.select("student", orderBy: "gpa", offset: 1, limit: 2)
        #expect(page.map { $0["gpa"]!.doubleValue! } == [2.5, 3.1])
        #expect(try db.find("student", where: "email", equals: "s2@u").first?["id"] == 3)
        #expect(try db.find("student", where: "name", equals: "S4").count == 1)
        #expect(try db.select("student", limit: 2).count == 2)
    }

    @Test("a transaction commits all its writes or none, and reads inside it see its own writes")
    func transactions() throws {
        let dir = TempDir()
        let db = try freshDB(dir)
        struct Stop: Error {}
        #expect(throws: Stop.self) {
            try db.transaction { tx in
                try tx.insert("student", ["name": "A", "email": "a"])
                #expect(try tx.get("student", key: 1)?["name"] == "A")
                throw Stop()
            }
        }
        #expect(try db.count("student") == 0)
        #expect(throws: LineDBError.self) {
            try db.transaction { tx in
                try tx.insert("student", ["name": "A", "email": "a"])
                try tx.insert("student", ["name": "B", "email": "a"])  // duplicate: the whole transaction fails
            }
        }
        #expect(try db.count("student") == 0)
        try db.transaction { tx in
            try tx.insert("student", ["name": "A", "email": "a"])
            try tx.insert("student", ["name": "B", "email": "b"])
            try tx.update("student", key: 1, set: ["gpa": 2.0])
        }
        let entries = try db.walEntries()
        let txLines = entries.filter { $0.txn != nil }
        #expect(txLines.count == 4)  // three writes and the COMMIT
        #expect(txLines.last?.operation == "COMMIT")
        #expect(Set(txLines.map(\.txn)).count == 1)
        try db.close()
        #expect(try Database(path: dir.db).count("student") == 2)
    }

    @Test("an in-memory database works the same and writes no file")
    func inMemory() throws {
        let dir = TempDir()
        let db = try Database(name: "mem", persist: false, basePath: dir.path)
        try db.createTable(studentSchema)
        try db.insert("student", ["name": "A", "email": "a"])
        #expect(try db.count("student") == 1)
        #expect(try db.save().isEmpty)
        #expect(!dir.exists("mem"))
        #expect(db.stats()["disk"] == nil)
    }

    @Test("a table created without a primary key gets an integer id key")
    func implicitKey() throws {
        let dir = TempDir()
        let db = try Database(path: dir.db)
        let created = try db.createTable(TableSchema("note", columns: [Column("text", .str)]))
        #expect(created.columns.map(\.name) == ["id", "text"])
        #expect(created.primaryKey?.name == "id")
        #expect(try db.insert("note", ["text": "hi"]) == 1)
    }
}
