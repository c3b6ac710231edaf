import Foundation
import Testing

/// `linedb export-sqlite` then `linedb import-sqlite`: the tables come back equal, and SQLite's own tools accept the
/// file in between.
@Suite("linedb export-sqlite / import-sqlite: the round trip")
struct SQLiteRoundTripTests {
    @Test("the demo database goes LineDB → SQLite → LineDB with every record and column definition unchanged")
    func demoRoundTrip() throws {
        let dir = Scratch()
        let demo = dir.path + "/uni"
        try expectOK(CLI.run(["demo", demo]))  // stdin is a file, not a terminal: no browser
        let tables = dir.list("uni/schema").map { String($0.dropLast(".schema.json".count)) }
        #expect(Set(["course", "enrolment", "instructor", "student"]).isSubset(of: tables), "\(tables)")
        let file = dir.path + "/uni.sqlite"
        let export = try expectOK(CLI.run(["export-sqlite", demo, file]))
        #expect(export.stdout.contains("exported \(tables.count) tables"), "\(export)")
        #expect(try CLI.runTool("sqlite3", [file, "PRAGMA integrity_check"]).stdout == "ok\n")
        let back = dir.path + "/back"
        try expectOK(CLI.run(["init", back]))
        try expectOK(CLI.run(["import-sqlite", file, back]))
        for table in tables {
            let original = try expectOK(CLI.run(["select", demo, table])).lines
            #expect(original.count > 10, "\(table) is too small to prove anything")
            #expect(try expectOK(CLI.run(["select", back, table])).lines.sorted() == original.sorted(), "\(table)")
            #expect(try columns(of: table, in: demo) == columns(of: table, in: back), "\(table)")
        }
        // Counted by SQLite itself, as well.
        let students = try CLI.runTool("sqlite3", [file, "SELECT count(*) FROM student"]).stdout
        #expect(students == "\(try CLI.run(["select", demo, "student"]).lines.count)\n")
    }

    @Test("every column type, nulls, non-ASCII text and JSON values come back exactly, text and integer keys alike")
    func handMadeRoundTrip() throws {
        let dir = Scratch()
        try expectOK(CLI.run(["init", dir.db]))
        try expectOK(CLI.run([
            "create-table", dir.db, "kinds", "--column", "id:int:pk", "--column", "n:int:notnull",
            "--column", "x:float:default=0.5", "--column", "s:str:unique", "--column", "b:bool:default=true",
            "--column", "at:datetime", "--column", "day:date", "--column", "doc:json", "--column", "opt:str",
        ]))
        try expectOK(CLI.run(["create-table", dir.db, "word", "--column", "w:str:pk", "--column", "len:int"]))
        let kinds = [
            #"{"id": 1, "n": 9223372036854775807, "x": 0.1, "s": "plain", "b": false, "#
                + #""at": "2026-01-22T20:31:17.592172", "day": "2026-01-22", "#
                + #""doc": {"a": [1, 2.5, "three", null, true], "b": {"c": {}}}, "opt": null}"#,
            #"{"id": 2, "n": -9223372036854775808, "x": -1e300, "s": "Zoë Ålström — 王小明 👩🏽‍🔬 e\u0301", "#
                + #""b": true, "at": "2026-01-22 20:31", "day": "1999-12-31", "doc": "just a string", "#
                + #""opt": "line\nbreak \"quoted\" 'single' \\ tab\t"}"#,
            #"{"id": 7, "n": 0, "x": 3, "s": null, "b": null, "at": null, "day": null, "doc": 1.0, "opt": ""}"#,
            #"{"id": 8, "n": 1, "s": "", "doc": [], "at": "2026-01-22T20:31:17+01:00"}"#,
            #"{"id": 9, "n": 2, "doc": 42}"#,
            #"{"id": 10, "n": 3, "doc": false}"#,
            #"{"id": 11, "n": 4, "doc": null}"#,
        ]
        try expectOK(CLI.run(["insert", dir.db, "kinds"], stdin: kinds.joined(separator: "\n") + "\n"))
        let words = [#"{"w": "naïve", "len": 5}"#, #"{"w": "日本語", "len": 3}"#, #"{"w": "'; DROP TABLE word; --"}"#]
        try expectOK(CLI.run(["insert", dir.db, "word"], stdin: words.joined(separator: "\n") + "\n"))
        let file = dir.path + "/k.sqlite"
        try expectOK(CLI.run(["export-sqlite", dir.db, file]))
        #expect(try CLI.runTool("sqlite3", [file, "PRAGMA integrity_check"]).stdout == "ok\n")
        let back = dir.path + "/back"
        try expectOK(CLI.run(["init", back]))
        let imported = try expectOK(CLI.run(["import-sqlite", file, back]))
        #expect(imported.stdout.contains("imported 2 tables (10 records)"), "\(imported)")
        #expect(imported.stderr.isEmpty, "nothing should need a note: \(imported.stderr)")
        for table in ["kinds", "word"] {
            let original = try expectOK(CLI.run(["select", dir.db, table])).lines
            #expect(try expectOK(CLI.run(["select", back, table])).lines.sorted() == original.sorted(), "\(table)")
            #expect(try columns(of: table, in: dir.db) == columns(of: table, in: back), "\(table)")
        }
        // The key counter continues after the largest imported key.
        let inserted = try expectOK(CLI.run(["insert", back, "kinds"], stdin: #"{"n": 5}"# + "\n"))
        #expect(inserted.stdout.contains("12"), "\(inserted)")
    }

    @Test("SQLite stores booleans as 0/1, dates as ISO text and json as valid JSON text, and enforces the CHECKs")
    func storageInSQLite() throws {
        let dir = Scratch()
        try expectOK(CLI.run(["init", dir.db]))
        try expectOK(CLI.run([
            "create-table", dir.db, "t", "--column", "id:int:pk", "--column", "b:bool", "--column", "d:date",
            "--column", "at:datetime", "--column", "j:json", "--column", "f:float",
        ]))
        let record = #"{"b": true, "d": "2026-01-22", "at": "2026-01-22T20:31:17", "j": {"k": [1, "é"]}, "f": 2}"#
        try expectOK(CLI.run(["insert", dir.db, "t"], stdin: record + "\n"))
        let file = dir.path + "/t.sqlite"
        try expectOK(CLI.run(["export-sqlite", dir.db, file]))
        let row = try CLI.runTool("sqlite3", [
            file, "SELECT typeof(b), b, typeof(d), d, typeof(at), at, typeof(j), json_extract(j, '$.k[1]'), "
                + "typeof(f), f FROM t",
        ])
        #expect(row.stdout == "integer|1|text|2026-01-22|text|2026-01-22T20:31:17|text|é|real|2.0\n", "\(row)")
        // The constraints are SQLite's now: a bool outside 0/1 and text that is not JSON are refused.
        let badBool = try CLI.runTool("sqlite3", [file, "INSERT INTO t (id, b) VALUES (5, 2)"])
        #expect(badBool.status != 0 && badBool.stderr.contains("CHECK constraint failed"), "\(badBool)")
        let badJSON = try CLI.runTool("sqlite3", [file, "INSERT INTO t (id, j) VALUES (6, '{oops')"])
        #expect(badJSON.status != 0 && badJSON.stderr.contains("CHECK constraint failed"), "\(badJSON)")
    }

    @Test("sqlite3's .schema shows PRIMARY KEY, NOT NULL, UNIQUE and DEFAULT, and SQLite enforces them")
    func schemaInSQLite() throws {
        let dir = try Scratch().studentDatabase(count: 3)
        let file = dir.path + "/s.sqlite"
        try expectOK(CLI.run(["export-sqlite", dir.db, file]))
        let schema = try CLI.runTool("sqlite3", [file, ".schema student"]).stdout
        #expect(schema.contains(#""id" INTEGER PRIMARY KEY NOT NULL"#), "\(schema)")
        #expect(schema.contains(#""name" TEXT NOT NULL"#), "\(schema)")
        #expect(schema.contains(#""email" TEXT UNIQUE"#), "\(schema)")
        #expect(schema.contains(#""gpa" REAL DEFAULT 0.0"#), "\(schema)")
        let duplicate = try CLI.runTool(
            "sqlite3", [file, "INSERT INTO student (name, email) VALUES ('X', 'bob@u.edu')"])
        #expect(duplicate.status != 0 && duplicate.stderr.contains("UNIQUE constraint failed"), "\(duplicate)")
        let null = try CLI.runTool("sqlite3", [file, "INSERT INTO student (email) VALUES ('x@u.edu')"])
        #expect(null.status != 0 && null.stderr.contains("NOT NULL constraint failed"), "\(null)")
    }

    @Test("export-sqlite refuses an existing file (exit 2, file untouched) unless --force, which replaces it whole")
    func refusesToOverwrite() throws {
        let dir = try Scratch().studentDatabase(count: 2)
        dir.write("taken.sqlite", "precious")
        let file = dir.path + "/taken.sqlite"
        let refused = try CLI.run(["export-sqlite", dir.db, file])
        #expect(refused.status == 2, "\(refused)")
        #expect(refused.stderr == "linedb: \(file) already exists; use --force to replace it\n")
        #expect(dir.read("taken.sqlite") == "precious")
        try expectOK(CLI.run(["export-sqlite", dir.db, file, "--force"]))
        #expect(try CLI.runTool("sqlite3", [file, "SELECT name FROM student ORDER BY id"]).stdout == "Alice\nBob\n")
        #expect(dir.list("").filter { $0.contains("linedb-tmp") }.isEmpty, "a temporary file was left: \(dir.list(""))")
    }

    @Test("fields that are not columns of the schema are not exported, and a warning says how many records had them")
    func extraFieldsWarn() throws {
        let dir = try Scratch().studentDatabase(count: 2)
        try expectOK(CLI.run(["checkpoint", dir.db]))  // the records file alone holds the records now
        dir.replace("db/data/student.records", #""name":"Bob""#, with: #""name":"Bob","nick":"Bobby""#)
        #expect(try CLI.run(["select", dir.db, "student"]).stdout.contains("Bobby"), "the engine keeps the field")
        let file = dir.path + "/s.sqlite"
        let result = try expectOK(CLI.run(["export-sqlite", dir.db, file]))
        #expect(result.stderr == "linedb: warning: table 'student': 1 record has fields that are not columns of the "
            + "schema; SQLite has no place for them and they were not exported\n", "\(result)")
        #expect(try CLI.runTool("sqlite3", [file, "SELECT count(*) FROM student"]).stdout == "2\n")
    }

    /// A table's columns as its schema file defines them (without `created_at`), read with Foundation.
    private func columns(of table: String, in database: String) throws -> [String] {
        let data = try Data(contentsOf: URL(fileURLWithPath: "\(database)/schema/\(table).schema.json"))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let schema = try #require(object["schema"] as? [String: [String: Any]])
        return schema.keys.sorted().map { name in
            let c = schema[name]!
            let key = c["primary_key"] as? Bool ?? false
            let required = key || !(c["nullable"] as? Bool ?? true)
            let defaultText = c["default"].map { v in
                (try? JSONSerialization.data(withJSONObject: v, options: [.fragmentsAllowed, .sortedKeys]))
                    .map { String(decoding: $0, as: UTF8.self) } ?? "?"
            }
            return "\(name) \(c["type"]!) key=\(key) required=\(required) unique=\(c["unique"] as? Bool ?? false) "
                + "default=\(defaultText ?? "none")"
        }
    }
}
