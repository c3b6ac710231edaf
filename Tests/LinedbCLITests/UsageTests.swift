import Foundation
import LineDB
import Testing

@Suite("linedb usage: help, version, exit codes")
struct UsageTests {
    static let subcommands = [
        "init", "create-table", "insert", "update", "delete", "select", "stats", "save", "checkpoint", "export",
        "import", "wal", "check", "recover", "config", "compact", "history", "diff", "revert",
    ]

    @Test("--help on every subcommand exits 0 and shows its usage and an example")
    func helpForEverySubcommand() throws {
        for name in Self.subcommands {
            let result = try CLI.run([name, "--help"])
            #expect(result.status == 0, "\(name): \(result)")
            #expect(result.stdout.contains("USAGE: linedb \(name)"), "\(name): \(result.stdout)")
            let example = result.stdout.components(separatedBy: "Example:\n").last ?? ""
            #expect(example.hasPrefix("  linedb ") && example.contains("linedb \(name) "), "\(name): \(result.stdout)")
            #expect(result.stderr.isEmpty, "\(name): \(result.stderr)")
        }
        let root = try CLI.run(["--help"])
        #expect(root.status == 0)
        for name in Self.subcommands { #expect(root.stdout.contains("  \(name) "), "root help lacks \(name)") }
    }

    @Test("--version prints the version and exits 0")
    func version() throws {
        let result = try CLI.run(["--version"])
        #expect(result.status == 0)
        #expect(result.stdout.hasPrefix("0.1.0"))
    }

    @Test("usage errors exit 2 with one 'linedb: ' line on stderr and nothing on stdout")
    func usageErrorsExitTwo() throws {
        let dir = try Scratch().studentDatabase(count: 1)
        let cases: [([String], String)] = [
            (["select"], "Missing expected argument '<db>'"),
            (["select", dir.db, "student", "--bogus"], "Unknown option '--bogus'"),
            (["select", dir.db, "student", "--format", "xml"], "'xml' is invalid for '--format"),
            (["select", dir.db, "student", "--limit", "many"], "'many' is invalid for '--limit"),
            (["update", dir.db, "student", "1"], "give at least one --set column=value"),
            (["create-table", dir.db, "t"], "give at least one --column name:type"),
            (["create-table", dir.db, "t", "--column", "a:money"], "unknown type 'money' (use int, float, str"),
            (["create-table", dir.db, "t", "--column", "a:int:primary"], "unknown flag 'primary'"),
            (["create-table", dir.db, "t", "--column", "a"], "expected name:type"),
            (["create-table", dir.db, "t", "--column", "a:int:default=x"], "t.a is int: 'x' is not an integer"),
            (["create-table", dir.db, "t", "--column", "id:int", "--column", "n:str"], "column 'id' is not marked :pk"),
            (["create-table", dir.db, "t", "--column", "a:int:pk", "--column", "b:str:pk"], "two primary keys"),
            (["select", dir.db, "studnt"], "no table named 'studnt' (did you mean 'student'?)"),
            (["insert", dir.db, "studen", "{}"], "no table named 'studen' (did you mean 'student'?)"),
            (["select", dir.db, "student", "--where", "gpa=high"], "student.gpa is float: 'high' is not a number"),
            (["select", dir.db, "student", "--where", "gpx=1"], "has no column 'gpx' (did you mean 'gpa'?)"),
            (["select", dir.db, "student", "--where", "gpa"], "expected column=value"),
            (["delete", dir.db, "student", "one"], "student.id is int: 'one' is not an integer"),
            (["select", dir.path + "/nowhere", "student"], "no database at"),
            (["stats", dir.path], "is not a LineDB database"),
            (["bogus"], "Unexpected argument 'bogus'"),
        ]
        for (args, message) in cases {
            let result = try CLI.run(args)
            #expect(result.status == 2, "\(args): \(result)")
            #expect(result.stderr.hasPrefix("linedb: ") && result.stderr.contains(message), "\(args): \(result.stderr)")
            #expect(result.stderr.filter { $0 == "\n" }.count == 1, "\(args): not one line: \(result.stderr)")
            #expect(result.stdout.isEmpty, "\(args): \(result.stdout)")
        }
        // Nothing was created by the failed commands.
        #expect(!dir.exists("nowhere"))
        #expect(dir.list("db/schema") == ["student.schema.json"])
    }

    @Test("a locked database fails writes with the holder's pid (exit 1), while reads still work")
    func lockedDatabase() throws {
        let dir = try Scratch().studentDatabase(count: 2)
        let holder = try Database(path: dir.db)
        defer { try? holder.close() }
        let pid = getpid()
        for args in [
            ["insert", dir.db, "student", #"{"name": "Zed"}"#], ["update", dir.db, "student", "1", "--set", "gpa=1"],
            ["delete", dir.db, "student", "1"], ["save", dir.db], ["checkpoint", dir.db], ["recover", dir.db],
            ["create-table", dir.db, "t", "--column", "a:int:pk"],
        ] {
            let result = try CLI.run(args)
            #expect(result.status == 1, "\(args): \(result)")
            #expect(result.stderr.hasPrefix("linedb: "), "\(args)")
            #expect(result.stderr.contains("locked by another writer (pid \(pid)"), "\(args): \(result.stderr)")
            #expect(!result.stderr.contains("Fatal error"))
        }
        // The holder's writes show up for readers at once.
        try holder.insert("student", ["name": "Kim", "email": "kim@u.edu"])
        let select = expectOK(try CLI.run(["select", dir.db, "student", "--where", "name=Kim"]))
        #expect(select.lines == [#"{"id":3,"name":"Kim","email":"kim@u.edu","gpa":0.0}"#])
        expectOK(try CLI.run(["stats", dir.db, "--json"]))
        expectOK(try CLI.run(["check", dir.db]))
        expectOK(try CLI.run(["wal", dir.db]))
    }
}
