import Foundation
import Testing

@testable import LineDB

@Suite("Typed records: register, insert, fetch")
struct TypedBasicsTests {
    @Test("registering a type writes the schema file at once with the seed's type names and constraints")
    func registerWritesSchema() throws {
        let dir = TempDir()
        let db = try Database(path: dir.db)
        _ = try db.register(Student.self)
        let object = try JSONParser.parse(dir.read("db/schema/student.schema.json"))
        let columns = try #require(object.objectValue?["schema"]?.objectValue)
        #expect(Array(columns.keys) == ["id", "name", "email", "gpa"])
        #expect(columns["id"]?.objectValue?["type"] == "int")
        #expect(columns["id"]?.objectValue?["primary_key"] == true)
        #expect(columns["name"]?.objectValue?["type"] == "str")
        #expect(columns["name"]?.objectValue?["nullable"] == false)
        #expect(columns["email"]?.objectValue?["unique"] == true)
        #expect(columns["gpa"]?.objectValue?["type"] == "float")
        #expect(columns["gpa"]?.objectValue?["default"] == 0.0)
    }

    @Test("insert assigns the key into the value; all, get and the unique lookup return it")
    func insertAndFetch() throws {
        let dir = TempDir()
        let db = try Database(path: dir.db)
        let students = try db.register(Student.self)
        var alice = Student(name: "Alice", email: "alice@university.edu", gpa: 3.8)
        let key = try students.insert(&alice)
        #expect(key == 1)
        #expect(alice.id == 1)
        let bob = try students.insertAndFetch(Student(name: "Bob", email: "bob@university.edu", gpa: 3.5))
        #expect(bob.id == 2)
        #expect(try students.all() == [alice, bob])
        #expect(try students.get(2) == bob)
        #expect(try students.get(3) == nil)
        #expect(try students.first("email", equals: "alice@university.edu") == alice)
        #expect(try students.find("name", equals: "Bob") == [bob])
        #expect(try students.count == 2)
    }

    @Test("records survive save and reopen, and the dynamic API reads what the typed API wrote")
    func roundTripThroughFiles() throws {
        let dir = TempDir()
        do {
            let db = try Database(path: dir.db)
            let students = try db.register(Student.self)
            try students.insert(contentsOf: [
                Student(name: "Zoë 😀 李", email: "zoe@university.edu", gpa: 3.9),
                Student(name: "Bob", email: "bob@university.edu"),
            ])
            try db.save()
            try db.close()
        }
        #expect(
            dir.lines("db/data/student.records") == [
                #"{"id":1,"name":"Zoë 😀 李","email":"zoe@university.edu","gpa":3.9}"#,
                #"{"id":2,"name":"Bob","email":"bob@university.edu","gpa":0.0}"#,
            ])
        let db = try Database(path: dir.db)
        let students = try db.register(Student.self)
        #expect(try students.all().map(\.name) == ["Zoë 😀 李", "Bob"])
        #expect(try db.get("student", key: 2)?["email"] == "bob@university.edu")
    }
}
