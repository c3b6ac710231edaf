import Foundation
import Testing

/// No byte of the data drives the terminal: every human-readable output of the command line shows control and
/// bidi characters of values, keys, names, timestamps and file contents visibly; JSON, JSON Lines and CSV stay
/// exact. Names with such characters are refused where tables are made.
@Suite("linedb: hostile text never reaches the terminal raw")
struct TerminalSafetyTests {
    /// A database whose table `t` (k str key, v str, j json) holds every hostile text as a value and in its key.
    private func hostileDatabase() throws -> (Scratch, inserted: CommandResult) {
        let dir = Scratch()
        try expectOK(CLI.run(["init", dir.db]))
        try expectOK(CLI.run(["create-table", dir.db, "t", "--column", "k:str:pk", "--column", "v:str",
                              "--column", "j:json"]))
        let input = HostileText.cases.map { c in
            #"{"k": \#(HostileText.json(c.name + ":" + c.text)), "v": \#(HostileText.json(c.text)), "#
                + #""j": {"x": \#(HostileText.json(c.text))}}"#
        }.joined(separator: "\n")
        let inserted = try expectOK(CLI.run(["insert", dir.db, "t"], stdin: input + "\n"))
        return (dir, inserted)
    }

    @Test("insert, wal, select --format table, stats, check, save and checkpoint show hostile values escaped")
    func commandsEscapeValues() throws {
        let (dir, inserted) = try hostileDatabase()
        // insert echoes each string key on one line of its own, escaped.
        expectTerminalSafe(inserted, "insert (stdin)")
        #expect(inserted.lines.count == HostileText.cases.count, "a line break in a key broke its line")
        #expect(inserted.stdout.contains(#"osc-title-bel:\u{1B}]0;pwned\u{7}"#))
        #expect(inserted.stdout.contains("quote-comma-newline:a \"b\", c↵d"))
        let argument = try expectOK(CLI.run(["insert", dir.db, "t", #"{"k": "\u001b[2J\u009b\u202e"}"#]))
        expectTerminalSafe(argument, "insert (argument)")
        #expect(argument.stdout == #"\u{1B}[2J\u{9B}\u{202E}"# + "\n")

        let wal = try expectOK(CLI.run(["wal", dir.db]))
        expectTerminalSafe(wal, "wal")
        #expect(wal.lines.count == 1 + HostileText.cases.count + 1, "a line break in a key or value broke a line")

        let table = try expectOK(CLI.run(["select", dir.db, "t", "--format", "table"]))
        expectTerminalSafe(table, "select --format table")
        #expect(table.lines.count == 2 + HostileText.cases.count + 1, "a line break in a value broke the table")

        for args in [["stats", dir.db], ["check", dir.db], ["save", dir.db], ["checkpoint", dir.db], ["wal", dir.db]] {
            expectTerminalSafe(try expectOK(CLI.run(args)), args.joined(separator: " "))
        }

        // Output for programs stays exact.
        let jsonl = try expectOK(CLI.run(["select", dir.db, "t"]))
        let values = try jsonl.lines.map { try foundationJSON($0) as! [String: Any] }
        let stored = Dictionary(uniqueKeysWithValues: values.map { ($0["k"] as! String, $0["v"] as? String) })
        for c in HostileText.cases { #expect(stored[c.name + ":" + c.text] == c.text, "\(c.name)") }
        let csv = try expectOK(CLI.run(["select", dir.db, "t", "--format", "csv"]))
        #expect(csv.stdout.contains("\u{1B}]0;pwned\u{7}"), "CSV is data: it keeps the value exact")
    }

    @Test("JSON output (select as JSON Lines and as JSON, wal --json, update, delete) writes the C1 controls, DEL and bidi characters, which JSON may leave raw, as \\u escapes: nothing acts on the terminal and every value reads back exactly")
    func jsonOutputEscapesRawHidden() throws {
        let (dir, _) = try hostileDatabase()
        for format in ["jsonl", "json"] {
            let result = try expectOK(CLI.run(["select", dir.db, "t", "--format", format]))
            expectTerminalSafe(result, "select --format \(format)")
            let records = format == "json"
                ? try foundationJSON(result.stdout) as! [[String: Any]]
                : try result.lines.map { try foundationJSON($0) as! [String: Any] }
            let stored = Dictionary(uniqueKeysWithValues: records.map { ($0["k"] as! String, $0["v"] as? String) })
            for c in HostileText.cases { #expect(stored[c.name + ":" + c.text] == c.text, "\(format): \(c.name)") }
        }
        let wal = try expectOK(CLI.run(["wal", dir.db, "--json"]))
        expectTerminalSafe(wal, "wal --json")
        #expect(wal.lines.count == 1 + HostileText.cases.count)
        // A key cannot hold NUL on a command line.
        for c in HostileText.terminalCases where !c.text.unicodeScalars.contains("\u{0}") {
            let key = c.name + ":" + c.text
            let updated = try expectOK(CLI.run(["update", dir.db, "t", key, "--set", "v=changed"]))
            expectTerminalSafe(updated, "update \(c.name)")
            #expect((try foundationJSON(updated.stdout) as? [String: Any])?["k"] as? String == key, "\(c.name)")
            let deleted = try expectOK(CLI.run(["delete", dir.db, "t", key]))
            expectTerminalSafe(deleted, "delete \(c.name)")
            #expect((try foundationJSON(deleted.stdout) as? [String: Any])?["k"] as? String == key, "\(c.name)")
        }
    }

    @Test("error messages naming hostile keys, tables, columns and values show them escaped")
    func errorsEscapeInput() throws {
        let (dir, _) = try hostileDatabase()
        let runs: [[String]] = [
            ["insert", dir.db, "t", #"{"k": "osc-title-bel:\u001b]0;pwned\u0007"}"#],  // the key is already used
            ["select", dir.db, "t\u{1B}]0;x\u{7}"],  // no such table
            ["select", dir.db, "t", "--where", "\u{1B}[2J=1"],  // no such column
            ["select", dir.db, "t", "--where", "j=\u{1B}]0;x\u{7}\u{9B}"],  // not JSON
            ["update", dir.db, "t", "\u{1B}[2J", "--set", "v=1"],  // no such record
            ["insert", dir.db, "t", "{\u{1B}[2J"],  // not JSON
            ["import", dir.db, "t", dir.path + "/\u{1B}]0;missing\u{7}.jsonl"],
            ["\u{1B}]0;title\u{7}"],  // not a database
        ]
        for args in runs {
            let result = try CLI.run(args)
            #expect(result.status != 0, "\(args): \(result)")
            #expect(!result.stderr.isEmpty, "\(args)")
            expectTerminalSafe(result, args.joined(separator: " "))
        }
    }

    @Test("hand-made files: WAL timestamps and keys, column names with line breaks, warnings quoting the files")
    func handMadeFiles() throws {
        let dir = Scratch()
        let db = dir.path + "/db"
        for sub in ["schema", "data", "wal"] {
            try FileManager.default.createDirectory(atPath: db + "/" + sub, withIntermediateDirectories: true)
        }
        let hostileColumn = #"a\u001b[2J\nb\u202e"#
        dir.write("db/schema/s.schema.json", #"""
            {"table_name": "s", "schema": {"id": {"type": "int", "primary_key": true, "nullable": false},
              "\#(hostileColumn)": {"type": "str", "nullable": true},
              "w": {"type": "\u001b]0;warn\u0007", "nullable": true}}, "created_at": "2026-01-01T00:00:00"}
            """#)
        dir.write("db/data/s.records", #"{"id": 1, "\#(hostileColumn)": "\u001b]0;pwned\u0007", "w": null}"# + "\n")
        dir.write("db/wal/transaction.log", [
            #"{"timestamp": "\u001b]0;ts\u0007", "operation": "INSERT", "table": "s", "#
                + #""record": {"id": 2, "\#(hostileColumn)": "\u009b31m", "w": "\u202e"}, "old_record": null}"#,
            #"{"timestamp": "2026-01-01T00:00:01\u001b[2J", "operation": "UPDATE", "table": "s", "#
                + #""record": {"id": 2, "\#(hostileColumn)": "x\ny", "w": 1}, "#
                + #""old_record": {"id": 2, "\#(hostileColumn)": "\u009b31m", "w": "\u202e"}}"#,
        ].joined(separator: "\n") + "\n" + "{\"timestamp\": \"\u{1B}]0;torn\u{7}\u{9B}")

        let wal = try CLI.run(["wal", db])
        expectTerminalSafe(wal, "wal of hand-made files")
        #expect(wal.stdout.contains(#"\u{1B}]0;ts\u{7}"#), "\(wal)")
        let table = try CLI.run(["select", db, "s", "--format", "table"])
        expectTerminalSafe(table, "select --format table of hand-made files")
        #expect(table.status == 0, "\(table)")
        #expect(table.lines.first?.contains(#"a\u{1B}[2J↵b\u{202E}"#) == true, "\(table)")
        #expect(table.lines.count == 4, "the column name's line break broke the header: \(table)")
        #expect(table.stderr.contains("warning"), "the unknown type and the torn line are warned about: \(table)")
        for args in [["stats", db], ["check", db], ["recover", db], ["check", db], ["stats", db]] {
            expectTerminalSafe(try CLI.run(args), args.joined(separator: " "))
        }
    }

    @Test("linedb without arguments lists a database whose directory name holds an escape sequence, escaped")
    func listingEscapesNames() throws {
        let dir = Scratch()
        let name = "x\u{1B}]0;title\u{7}\u{202E}"
        try expectOK(CLI.run(["init", dir.path + "/" + name]))
        let result = try CLI.runProgram(
            "/bin/sh", ["-c", "cd \"$1\" && exec \"$2\"", "sh", dir.path, try CLI.binary.get()], stdin: nil)
        expectOK(result)
        expectTerminalSafe(result, "linedb (no arguments)")
        #expect(result.stdout.contains(#"x\u{1B}]0;title\u{7}\u{202E}"#), "\(result)")
    }

    @Test("create-table refuses control and bidi characters in table and column names, naming name and character")
    func createTableRefusesHiddenCharacters() throws {
        let dir = Scratch()
        try expectOK(CLI.run(["init", dir.db]))
        let cases: [(args: [String], shown: String, code: String)] = [
            (["t", "--column", "a\u{1B}[2Jb:str"], #"a\u{1B}[2Jb"#, "U+001B"),
            (["t", "--column", "a\nb:str"], "a↵b", "U+000A"),
            (["t", "--column", "id:int:pk", "--column", "abc\u{202E}def:int"], #"abc\u{202E}def"#, "U+202E"),
            (["t", "--column", "x\u{9B}:json"], #"x\u{9B}"#, "U+009B"),
            (["t\u{1B}[2J", "--column", "a:str"], #"t\u{1B}[2J"#, "U+001B"),
        ]
        for c in cases {
            let result = try CLI.run(["create-table", dir.db] + c.args)
            #expect(result.status == 2, "\(result)")
            expectTerminalSafe(result, "create-table \(c.shown)")
            #expect(result.stderr.contains(c.shown) && result.stderr.contains(c.code), "\(result.stderr)")
        }
        #expect(dir.list("db/schema").isEmpty)
        #expect(try CLI.run(["wal", dir.db]).stdout.isEmpty, "nothing was logged")
    }

    @Test("import-sqlite refuses a column name holding a control character, before writing anything")
    func importSQLiteRefusesHiddenCharacters() throws {
        let dir = Scratch()
        let file = dir.path + "/bad.sqlite"
        let made = try CLI.runTool("sqlite3", [file, "CREATE TABLE ok (id INTEGER PRIMARY KEY, v TEXT); "
            + "CREATE TABLE p (id INTEGER PRIMARY KEY, \"n\u{1B}]0;x\u{7}\" TEXT); INSERT INTO p VALUES (1, 'a');"])
        #expect(made.status == 0, "\(made)")
        try expectOK(CLI.run(["init", dir.db]))
        let result = try CLI.run(["import-sqlite", file, dir.db])
        #expect(result.status == 1, "\(result)")
        expectTerminalSafe(result, "import-sqlite")
        #expect(result.stderr.contains(#"n\u{1B}]0;x\u{7}"#) && result.stderr.contains("U+001B"), "\(result)")
        #expect(dir.list("db/schema").isEmpty, "nothing was imported")
    }
}
