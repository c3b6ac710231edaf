import Foundation
import Testing

@testable import LineDB

private struct StudentTextGPA: TableRecord {
    var id: Int?
    var name: String
    var email: String
    var gpa: String
    static var tableName: String { "student" }
    static let columnOptions: [ColumnOption] = [.unique("email")]
}

private struct StudentNoEmailUnique: TableRecord {
    var id: Int?
    var name: String
    var email: String
    var gpa: Double
    static var tableName: String { "student" }
}

private struct StudentMissingName: TableRecord {
    var id: Int?
    var email: String
    var gpa: Double
    static var tableName: String { "student" }
    static let columnOptions: [ColumnOption] = [.unique("email")]
}

private struct StudentWithPhone: TableRecord {
    var id: Int?
    var name: String
    var email: String
    var gpa: Double
    var phone: String
    static var tableName: String { "student" }
    static let columnOptions: [ColumnOption] = [.unique("email")]
}

private struct StudentKeyedByEmail: TableRecord {
    var id: Int?
    var name: String
    var email: String
    var gpa: Double
    static var tableName: String { "student" }
    static let columnOptions: [ColumnOption] = [.primaryKey("email")]
}

private struct Typo: TableRecord {
    var id: Int?
    var email: String
    static let columnOptions: [ColumnOption] = [.unique("emial")]
}

private struct TwoKeys: TableRecord {
    var id: Int?
    var code: String
    static let columnOptions: [ColumnOption] = [.primaryKey("id"), .primaryKey("code")]
}

private struct NoKey: TableRecord {
    var code: String
}

private struct BadDefault: TableRecord {
    var id: Int?
    var gpa: Double?
    static let columnOptions: [ColumnOption] = [.default("gpa", "high")]
}

private struct WithDefaults: TableRecord, Equatable {
    var id: Int?
    var name: String
    var status: String?
    var credits: Int?
    static let columnOptions: [ColumnOption] = [.default("status", "active"), .default("credits", 30)]
}

private enum Mood: String, Codable { case happy, sad }

private struct NotProbeable: TableRecord {
    var id: Int?
    var mood: Mood
}

@Suite("Typed records: schema checks, definitions, defaults, nullability")
struct TypedSchemaTests {
    /// A database with the seed's student table (as `Student` registers it).
    private func studentDatabase(_ dir: TempDir) throws -> Database {
        let db = try Database(path: dir.db)
        try db.register(Student.self)
        return db
    }

    private func mismatch<R: TableRecord>(_ type: R.Type, _ db: Database) -> TypedRecordError? {
        do {
            try db.register(R.self)
            return nil
        } catch let error as TypedRecordError {
            return error
        } catch {
            return .invalidDefinition(type: "unexpected", reason: "\(error)")
        }
    }

    @Test("a column whose type differs is named with both types and the fix")
    func typeMismatch() throws {
        let dir = TempDir()
        let db = try studentDatabase(dir)
        let error = try #require(mismatch(StudentTextGPA.self, db))
        guard case .schemaMismatch(let table, let path, let column, let difference) = error else {
            Issue.record("\(error)")
            return
        }
        #expect(table == "student")
        #expect(path?.hasSuffix("schema/student.schema.json") == true)
        #expect(column == "gpa")
        #expect(difference.contains("the table says float"))
        #expect(difference.contains("StudentTextGPA.gpa (String) is str"))
        #expect(error.description.contains("column 'gpa' of table 'student' does not match"))
    }

    @Test("UNIQUE, primary key, missing and extra columns are each reported by column")
    func otherMismatches() throws {
        let dir = TempDir()
        let db = try studentDatabase(dir)
        let unique = try #require(mismatch(StudentNoEmailUnique.self, db))
        #expect(unique.description.contains("'email'") && unique.description.contains("UNIQUE"))
        let missing = try #require(mismatch(StudentMissingName.self, db))
        #expect(missing.description.contains("column 'name'"))
        #expect(missing.description.contains("NOT NULL without a default"))
        let extra = try #require(mismatch(StudentWithPhone.self, db))
        #expect(extra.description.contains("column 'phone'") && extra.description.contains("has no such column"))
        let key = try #require(mismatch(StudentKeyedByEmail.self, db))
        #expect(key.description.contains("primary key"))
        // Nothing was changed by the refusals.
        #expect(try db.schema(of: "student").columns.map(\.name) == ["id", "name", "email", "gpa"])
    }

    @Test("mistakes in a type's definition are errors that say what to fix, not traps")
    func invalidDefinitions() throws {
        let db = Database.inMemory()
        let typo = try #require(mismatch(Typo.self, db))
        #expect(typo.description.contains("'emial'") && typo.description.contains("did you mean 'email'"))
        let two = try #require(mismatch(TwoKeys.self, db))
        #expect(two.description.contains("two primary keys"))
        let none = try #require(mismatch(NoKey.self, db))
        #expect(none.description.contains("no primary key"))
        let bad = try #require(mismatch(BadDefault.self, db))
        #expect(bad.description.contains("default \"high\" of column 'gpa'"))
        let probe = try #require(mismatch(NotProbeable.self, db))
        #expect(probe.description.contains("make Mood CaseIterable"))
        #expect(db.tableNames.isEmpty)
    }

    @Test("a nil Optional gets the column's default on insert; an explicit value is kept")
    func defaults() throws {
        let db = Database.inMemory()
        let table = try db.register(WithDefaults.self)
        let a = try table.insertAndFetch(WithDefaults(name: "a", status: nil, credits: nil))
        #expect(a.status == "active" && a.credits == 30)
        let b = try table.insertAndFetch(WithDefaults(name: "b", status: "paused", credits: 5))
        #expect(b.status == "paused" && b.credits == 5)
        // An update sets every column: a nil Optional becomes null.
        let c = try table.update(WithDefaults(id: a.id, name: "a", status: nil, credits: nil))
        #expect(c.status == nil && c.credits == nil)
    }

    @Test("a null stored in a column whose property is not Optional is an error naming table, key and column")
    func nullInNonOptional() throws {
        let dir = TempDir()
        dir.write("db/schema/student.schema.json", SeedFiles.studentSchema)
        dir.write("db/data/student.records", #"{"id": 1, "name": "Ann", "email": null, "gpa": 3.0}"# + "\n")
        let db = try Database(path: dir.db)
        let students = try db.register(Student.self)  // the seed's nullable email matches a String property
        #expect {
            try students.all()
        } throws: { error in
            guard case TypedRecordError.cannotDecode(let table, let key, let column, let value, let reason) = error
            else {
                return false
            }
            return table == "student" && key == "1" && column == "email" && value == "null"
                && reason.contains("got null")
                && error.localizedDescription.isEmpty == false
        }
    }

    @Test("insert errors name the table, the column and the value, and change nothing")
    func insertErrors() throws {
        let db = Database.inMemory()
        let students = try db.register(Student.self)
        var a = Student(name: "A", email: "same@x")
        try students.insert(&a)
        var b = Student(name: "B", email: "same@x")
        #expect(throws: LineDBError.duplicateValue(table: "student", column: "email", value: #""same@x""#)) {
            try students.insert(&b)
        }
        #expect(b.id == nil)
        var nan = Student(name: "C", email: "c@x", gpa: .nan)
        #expect {
            try students.insert(&nan)
        } throws: { error in
            guard case TypedRecordError.cannotEncode("student", "gpa", let reason) = error else { return false }
            return reason.contains("nan")
        }
        #expect(try students.count == 1)
    }
}
