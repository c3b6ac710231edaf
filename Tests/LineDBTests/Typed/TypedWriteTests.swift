import Foundation
import Testing

@testable import LineDB

private struct Course: TableRecord, Equatable {
    var id: Int?
    var code: String
}

private struct Enrolment: TableRecord, Equatable {
    var id: Int?
    var studentID: Int
    var courseID: Int
    static let columnOptions: [ColumnOption] = [.primaryKey("id")]
}

private struct Tag: TableRecord, Equatable {
    var name: String
    var weight: Int
    static let columnOptions: [ColumnOption] = [.primaryKey("name")]
}

@Suite("Typed records: updates, deletes, keys, transactions, queries")
struct TypedWriteTests {
    @Test("keys are assigned in order and never reused after a delete, also across a reopen")
    func keyAssignment() throws {
        let dir = TempDir()
        do {
            let db = try Database(path: dir.db)
            let courses = try db.register(Course.self)
            var a = Course(code: "A")
            var b = Course(code: "B")
            try courses.insert(&a)
            try courses.insert(&b)
            try courses.delete(b)
            #expect([a.id, b.id] == [1, 2])
            try db.close()
        }
        let db = try Database(path: dir.db)
        let courses = try db.register(Course.self)
        let c = try courses.insertAndFetch(Course(code: "C"))
        #expect(c.id == 3)
        // An explicit key is kept; a string key works the same.
        let d = try courses.insertAndFetch(Course(id: 10, code: "D"))
        #expect(d.id == 10)
        let tags = try db.register(Tag.self)
        var t = Tag(name: "swift", weight: 1)
        #expect(try tags.insert(&t) == "swift")
        #expect(try tags.get("swift") == t)
    }

    @Test("update replaces the record and is visible after reopen; delete removes it and returns it")
    func updateAndDelete() throws {
        let dir = TempDir()
        do {
            let db = try Database(path: dir.db)
            let students = try db.register(Student.self)
            var alice = Student(name: "Alice", email: "alice@u", gpa: 3.0)
            var bob = Student(name: "Bob", email: "bob@u", gpa: 2.0)
            try students.insert(&alice)
            try students.insert(&bob)
            alice.gpa = 3.9
            #expect(try students.update(alice) == alice)
            #expect(try students.delete(key: 2) == bob)
            #expect(throws: LineDBError.recordNotFound(table: "student", key: "2")) { try students.delete(bob) }
            #expect(throws: LineDBError.self) { try students.update(Student(name: "X", email: "x@u")) }  // no key
            try db.close()  // not saved: the WAL brings it back
        }
        let db = try Database(path: dir.db)
        let students = try db.register(Student.self)
        #expect(try students.all() == [Student(id: 1, name: "Alice", email: "alice@u", gpa: 3.9)])
    }

    @Test("a transaction of typed writes over two tables commits together, and a throw undoes all of them")
    func transactions() throws {
        let dir = TempDir()
        let db = try Database(path: dir.db)
        let students = try db.register(Student.self)
        let courses = try db.register(Course.self)
        let enrolments = try db.register(Enrolment.self)
        var alice = Student(name: "Alice", email: "alice@u")
        try students.insert(&alice)
        try db.transaction { tx in
            var course = Course(code: "CS101")
            try tx.insert(&course)
            var enrolment = Enrolment(studentID: alice.id!, courseID: course.id!)
            try tx.insert(&enrolment)
            #expect(try tx.get(Enrolment.self, key: 1) == enrolment)
            var changed = alice
            changed.gpa = 4.0
            #expect(try tx.update(changed).gpa == 4.0)
        }
        #expect(try enrolments.all() == [Enrolment(id: 1, studentID: 1, courseID: 1)])
        #expect(try students.get(1)?.gpa == 4.0)
        struct Stop: Error {}
        #expect(throws: Stop.self) {
            try db.transaction { tx in
                var course = Course(code: "CS102")
                try tx.insert(&course)
                try tx.delete(alice)
                throw Stop()
            }
        }
        #expect(try courses.all().map(\.code) == ["CS101"])
        #expect(try students.count == 1)
        // The WAL holds one committed transaction for it.
        #expect(dir.read("db/wal/transaction.log").contains("\"COMMIT\""))
    }

    @Test("fetch filters, sorts by a column, skips and limits; find uses the unique index and plain scans")
    func queries() throws {
        let db = Database.inMemory()
        let students = try db.register(Student.self)
        let names = ["Ann", "Bob", "Cid", "Dee", "Eve", "Fay"]
        try students.insert(
            contentsOf: names.enumerated().map { i, n in
                Student(name: n, email: "\(n.lowercased())@u", gpa: Double(i % 3) + 2.0)
            })
        let top = try students.fetch(where: { $0.gpa >= 3.0 }, orderBy: "gpa", descending: true, offset: 1, limit: 2)
        #expect(top.map(\.name) == ["Fay", "Bob"])
        #expect(try students.fetch(orderBy: "name", descending: true, limit: 2).map(\.name) == ["Fay", "Eve"])
        #expect(try students.first("email", equals: "dee@u")?.name == "Dee")
        #expect(try students.find("gpa", equals: 4.0).map(\.name) == ["Cid", "Fay"])
        #expect(try students.find("gpa", equals: 4).map(\.name) == ["Cid", "Fay"])  // an Int finds the float
        #expect(throws: LineDBError.unknownColumn(table: "student", column: "gpaa", suggestion: "gpa")) {
            try students.fetch(orderBy: "gpaa")
        }
    }

    @Test("a bulk insert larger than one slice is one transaction: an encoding error in the last record undoes all")
    func bulkInsertIsAtomic() throws {
        let dir = TempDir()
        let db = try Database(path: dir.db)
        let students = try db.register(Student.self)
        var batch = (0..<3_000).map { Student(name: "n\($0)", email: "e\($0)") }
        batch.append(Student(name: "bad", email: "bad", gpa: .infinity))
        let encoder = RowEncoder(binding: students.binding)
        #expect {
            try db.insertEncoded("student", batch, sliceSize: 1_000) {  // 4 slices
                try encoder.encode($0, into: &$1, shape: &$2)
            }
        } throws: { error in
            guard case TypedRecordError.cannotEncode("student", "gpa", _) = error else { return false }
            return true
        }
        #expect(try students.count == 0)
        batch.removeLast()
        let keys = try db.insertEncoded("student", batch, sliceSize: 1_000) {
            try encoder.encode($0, into: &$1, shape: &$2)
        }
        #expect(keys.count == 3_000 && keys.last == 3_000)
        #expect(try students.insert(contentsOf: [Student(name: "x", email: "x")]) == [3_001])
        try db.close()
        let reopened = try Database(path: dir.db)
        #expect(try reopened.count("student") == 3_001)
        #expect(dir.read("db/wal/transaction.log").components(separatedBy: "\"COMMIT\"").count == 3)
    }

    @Test("a bulk insert reuses its slice's records: records of other shapes (a key given or not) are stored as given")
    func bulkInsertReusesRecordsOfOtherShapes() throws {
        let dir = TempDir()
        let db = try Database(path: dir.db)
        let students = try db.register(Student.self)
        // Slices of 4: the same place in the next slice gets a record with the key given, then without, and so on.
        let batch = (0..<10).map { i in
            Student(id: i % 3 == 0 ? 100 + i : nil, name: "n\(i)", email: "e\(i)", gpa: Double(i))
        }
        let encoder = RowEncoder(binding: students.binding)
        let keys = try db.insertEncoded("student", batch, sliceSize: 4) {
            try encoder.encode($0, into: &$1, shape: &$2)
        }
        let stored = try students.all()
        #expect(stored.map(\.name) == batch.map(\.name))
        #expect(stored.map(\.email) == batch.map(\.email))
        #expect(stored.map(\.gpa) == batch.map(\.gpa))
        for (s, b) in zip(stored, batch) where b.id != nil { #expect(s.id == b.id) }
        #expect(Set(stored.compactMap(\.id)).count == 10)
        #expect(keys == stored.map { .int($0.id!) })
        // The records file after a save holds each record with its own values, in the table's column order.
        try db.save()
        let lines = dir.lines("db/data/student.records")
        #expect(lines.count == 10)
        #expect(lines[3] == #"{"id":103,"name":"n3","email":"e3","gpa":3.0}"#)
        #expect(lines[4] == "{\"id\":\(stored[4].id!),\"name\":\"n4\",\"email\":\"e4\",\"gpa\":4.0}")
    }
}
