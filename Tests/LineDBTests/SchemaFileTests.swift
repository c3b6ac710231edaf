import Foundation
import Testing
@testable import LineDB

/// Test D5: damaged or unusual `schema/<table>.schema.json` files. Errors name the file (and `line:col` for
/// JSON errors) and change nothing; what the on-disk format accepts (unknown types as `json` with a warning, alias type
/// names, extra keys) loads without the file being rewritten.
@Suite("D5: schema file damage")
struct SchemaFileTests {
    private let file = "schema/student.schema.json"

    /// The seed's student schema with `edit` applied, next to two records, with an empty WAL.
    private func database(_ schema: String) -> TempDir {
        let dir = TempDir("d5")
        dir.write("db/" + file, schema)
        dir.write("db/data/student.records", """
            {"id":1,"name":"Ann","email":"ann@u","gpa":3.0}
            {"id":2,"name":"Bob","email":"bob@u","gpa":2.5}

            """)
        dir.write("db/wal/transaction.log", "")
        return dir
    }

    private func expectRefused(
        _ schema: String, mentions: [String], _ context: String, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let dir = database(schema)
        let before = dir.snapshot()
        do {
            let db = try Database(path: dir.db)
            Issue.record("\(context): opened with schema \(try db.schema(of: db.tableNames.first ?? "?"))",
                         sourceLocation: sourceLocation)
            try db.close()
        } catch {
            let text = FaultHelpers.text(error)
            for word in [dir.db + "/" + file] + mentions {
                #expect(text.contains(word), "\(context): expected '\(word)' in: \(text)",
                        sourceLocation: sourceLocation)
            }
        }
        #expect(dir.snapshot() == before, "\(context): a refused open changed files", sourceLocation: sourceLocation)
    }

    private func seedSchema(_ replacements: [(String, String)]) -> String {
        var s = SeedFiles.studentSchema
        for (old, new) in replacements {
            precondition(s.contains(old), "the seed schema has no \(old)")
            s = s.replacingOccurrences(of: old, with: new)
        }
        return s
    }

    @Test("D5: invalid JSON is refused naming file:line:col")
    func invalidJSON() {
        // Line 5 loses its comma; the parser meets the next key at line 6, column 7.
        let broken = seedSchema([("\"type\": \"int\",", "\"type\": \"int\"")])
        expectRefused(broken, mentions: [":6:7", "invalid JSON"], "missing comma")
        expectRefused(String(SeedFiles.studentSchema.dropLast(2)), mentions: ["invalid JSON"], "cut short")
        expectRefused("", mentions: ["invalid JSON"], "empty file")
        expectRefused("[]", mentions: ["object"], "not an object")
    }

    @Test("D5: table_name different from the file name, two primary keys, a float primary key, a non-object column are refused clearly")
    func invalidSchemas() {
        expectRefused(seedSchema([("\"table_name\": \"student\"", "\"table_name\": \"pupil\"")]),
                      mentions: ["pupil", "student"], "table_name mismatch")
        let twoKeys = seedSchema([(
            "\"type\": \"str\",\n      \"primary_key\": false,\n      \"nullable\": false",
            "\"type\": \"str\",\n      \"primary_key\": true,\n      \"nullable\": false")])
        expectRefused(twoKeys, mentions: ["primary key", "id", "name"], "two primary keys")
        expectRefused(seedSchema([("\"type\": \"int\"", "\"type\": \"float\"")]), mentions: ["primary key", "id"],
                      "float primary key")
        expectRefused(seedSchema([("\"schema\": {", "\"schema\": {\n    \"odd\": 5,")]), mentions: ["odd"],
                      "column that is not an object")
        expectRefused(seedSchema([("\"schema\": {", "\"columns\": {")]), mentions: ["\"schema\" is missing"],
                      "no schema member")
    }

    /// Opens, checks that no file changed, returns the database.
    private func openUnchanged(_ dir: TempDir, sourceLocation: SourceLocation = #_sourceLocation) throws -> Database {
        let before = dir.snapshot()
        let db = try Database(path: dir.db)
        #expect(dir.snapshot() == before, "an open rewrote files", sourceLocation: sourceLocation)
        return db
    }

    @Test("D5: an unknown type loads as json with a warning naming file, column and type; the type name is kept")
    func unknownType() throws {
        let dir = database(seedSchema([("\"type\": \"float\"", "\"type\": \"money\"")]))
        let db = try openUnchanged(dir)
        let warning = db.warnings.first { $0.contains("money") }
        #expect(warning?.contains(dir.db + "/" + file) == true && warning?.contains("gpa") == true, "\(db.warnings)")
        let schema = try db.schema(of: "student")
        #expect(schema.column(named: "gpa")?.type == .json)
        try db.insert("student", ["name": "Cid", "email": "cid@u", "gpa": ["amount": 3, "currency": "EUR"]])
        #expect(String(decoding: schema.fileContents, as: UTF8.self).contains("\"type\": \"money\""))
        try db.close()
    }

    @Test("D5: alias type names (string, integer, double, boolean) and extra keys are accepted, enforced, and kept")
    func aliasTypes() throws {
        let schema = seedSchema([
            ("\"type\": \"int\"", "\"type\": \"integer\""),
            ("\"type\": \"float\"", "\"type\": \"double\""),
            ("\"created_at\"", "\"comment\": \"kept\",\n  \"created_at\""),
        ]).replacingOccurrences(of: "\"type\": \"str\"", with: "\"type\": \"string\"")
            .replacingOccurrences(
                of: "\"gpa\": {", with: "\"active\": {\n      \"type\": \"boolean\"\n    },\n    \"gpa\": {")
        let dir = database(schema)
        let db = try openUnchanged(dir)
        #expect(db.warnings.isEmpty, "\(db.warnings)")
        let s = try db.schema(of: "student")
        #expect(s.columns.map(\.type) == [.int, .str, .str, .bool, .float])
        #expect(throws: LineDBError.self) { try db.insert("student", ["id": "x", "name": "C", "email": "c@u"]) }
        #expect(throws: LineDBError.self) { try db.insert("student", ["name": "C", "email": "c@u", "active": "yes"]) }
        #expect(throws: LineDBError.self) { try db.insert("student", ["name": 3, "email": "c@u"]) }
        try db.insert("student", ["name": "C", "email": "c@u", "active": true, "gpa": 2])
        #expect(try db.get("student", key: 3)?["gpa"] == .double(2.0))
        let text = String(decoding: s.fileContents, as: UTF8.self)
        for kept in ["\"integer\"", "\"string\"", "\"double\"", "\"boolean\"", "\"comment\": \"kept\""] {
            #expect(text.contains(kept), "\(kept) not kept in:\n\(text)")
        }
        try db.close()
    }

    @Test("D5: the seed's schema (nullable: true on the primary key, no final newline) loads and still refuses a null key")
    func seedSchemaAccepted() throws {
        let dir = database(SeedFiles.studentSchema)
        let db = try openUnchanged(dir)
        #expect(db.warnings.isEmpty)
        #expect(try db.schema(of: "student").primaryKey?.name == "id")
        #expect(try db.count("student") == 2)
        try db.close()
        dir.write("db/data/student.records", "{\"id\":null,\"name\":\"Ann\",\"email\":\"ann@u\"}\n")
        #expect(throws: LineDBError.self) { try Database(path: dir.db) }
    }
}
