import Foundation
import Testing
@testable import LineDB

/// Table and column names never hold a control or bidirectional formatting character: `createTable` refuses
/// them (so every caller does), naming the name, shown visibly, and the character. Files written by other programs
/// with such names still open.
@Suite("names: control and bidi characters")
struct NameCharacterTests {
    @Test("createTable refuses a column name with ESC, a line break, a C1 control, DEL or a bidi control")
    func createTableRefuses() throws {
        let dir = TempDir()
        let db = try Database(path: dir.db)
        let cases: [(String, String, String)] = [
            ("a\u{1B}]0;x\u{7}", #"a\u{1B}]0;x\u{7}"#, "(U+001B)"), ("a\nb", "a↵b", "(U+000A)"),
            ("x\u{9B}", #"x\u{9B}"#, "(U+009B)"), ("d\u{7F}", #"d\u{7F}"#, "(U+007F)"),
            ("abc\u{202E}", #"abc\u{202E}"#, "(U+202E)"), ("\u{2066}i", #"\u{2066}i"#, "(U+2066)"),
            ("m\u{200F}", #"m\u{200F}"#, "(U+200F)"),
        ]
        for (name, shown, code) in cases {
            let schema = try TableSchema("t", columns: [Column("id", .int, primaryKey: true), Column(name, .str)])
            #expect(schema.nameProblem != nil)
            do {
                try db.createTable(schema)
                Issue.record("column \(shown) was accepted")
            } catch {
                #expect(error.description.contains("column name '\(shown)'") && error.description.contains(code),
                        "\(error)")
                #expect(!error.description.unicodeScalars.contains { $0 == "\u{1B}" || $0 == "\u{9B}" || $0 == "\u{202E}" })
            }
        }
        #expect(db.tableNames.isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.db + "/schema").isEmpty)
        // A table name with such a character is refused too, naming it.
        #expect(throws: LineDBError.self) { try TableSchema("t\u{1B}[2J", columns: [Column("a", .str)]) }
        do {
            _ = try TableSchema("t\u{202E}x", columns: [Column("a", .str)])
        } catch {
            #expect(error.description.contains(#"t\u{202E}x"#) && error.description.contains("U+202E"), "\(error)")
        }
        // Ordinary names, accents, CJK and emoji are fine.
        try db.createTable(TableSchema("ok", columns: [Column("naïve 名前 😀", .str)]))
        try db.close()
    }

    @Test("a schema file written elsewhere with such a column name still opens")
    func existingFilesOpen() throws {
        let dir = TempDir()
        try FileManager.default.createDirectory(atPath: dir.db + "/schema", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: dir.db + "/data", withIntermediateDirectories: true)
        try Data(#"{"table_name": "s", "schema": {"id": {"type": "int", "primary_key": true}, "a\u001bb": {"type": "str"}}, "created_at": "2026-01-01T00:00:00"}"#.utf8)
            .write(to: URL(fileURLWithPath: dir.db + "/schema/s.schema.json"))
        try Data(#"{"id": 1, "a\u001bb": "x"}"#.utf8).write(to: URL(fileURLWithPath: dir.db + "/data/s.records"))
        var options = DatabaseOptions()
        options.readOnly = true
        let db = try Database(path: dir.db, options: options)
        #expect(try db.get("s", key: 1)?["a\u{1B}b"] == "x")
    }
}
