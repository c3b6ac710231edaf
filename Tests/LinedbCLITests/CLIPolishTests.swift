import Foundation
import Testing

/// The command line as a new user meets it: completions, help with examples, suggestions for typos, the listing of
/// plain `linedb`, one-line errors with consistent exit codes.
@Suite("linedb command line: completions, examples, did-you-mean, listing, errors")
struct CLIPolishTests {
    /// Every subcommand, as typed.
    static let subcommands = [
        "browse", "demo", "init", "create-table", "insert", "update", "delete", "select", "stats", "save", "checkpoint",
        "export", "import", "export-sqlite", "import-sqlite", "wal", "check", "recover",
        "history", "diff", "revert",
    ]

    @Test("--generate-completion-script prints a bash, zsh and fish script that names every subcommand")
    func completions() throws {
        for shell in ["bash", "zsh", "fish"] {
            let result = try CLI.run(["--generate-completion-script", shell])
            #expect(result.status == 0 && result.stderr.isEmpty, "\(shell): \(result)")
            #expect(result.stdout.count > 1000, "\(shell): \(result.stdout.prefix(200))")
            for name in Self.subcommands {
                #expect(result.stdout.contains(name), "\(shell) script lacks \(name)")
            }
        }
        #expect(try CLI.run(["--generate-completion-script", "bash"]).stdout.contains("-F _linedb linedb"))
        #expect(try CLI.run(["--generate-completion-script", "zsh"]).stdout.hasPrefix("#compdef linedb"))
        #expect(try CLI.run(["--generate-completion-script", "fish"]).stdout.contains("complete -c 'linedb'"))
        let bad = try CLI.run(["--generate-completion-script", "tcsh"])
        #expect(bad.status == 2 && bad.stderr.hasPrefix("linedb: "), "\(bad)")
    }

    @Test("every subcommand's --help ends its description with an example that runs that subcommand")
    func everyHelpHasAnExample() throws {
        let root = try expectOK(CLI.run(["--help"]))
        for name in Self.subcommands {
            #expect(root.stdout.contains("  \(name) "), "root help lacks \(name)")
            let help = try expectOK(CLI.run([name, "--help"])).stdout
            let example = help.components(separatedBy: "Example:\n").dropFirst().first ?? ""
            #expect(example.hasPrefix("  linedb "), "\(name) --help has no example:\n\(help)")
            #expect(example.contains("linedb \(name)") || (name == "browse" && example.contains("linedb data/")),
                    "\(name)'s example does not run it:\n\(example)")
        }
    }

    @Test("a misspelled table, column or command gets a 'did you mean' in every subcommand that takes one (exit 2)")
    func didYouMean() throws {
        let dir = try Scratch().studentDatabase(count: 2)
        dir.write("s.json", "[]")
        let sqlite = dir.path + "/s.sqlite"
        try expectOK(CLI.run(["export-sqlite", dir.db, sqlite]))
        let cases: [([String], String)] = [
            (["select", dir.db, "studnet"], "no table named 'studnet' (did you mean 'student'?)"),
            (["insert", dir.db, "Student", "{}"], "no table named 'Student' (did you mean 'student'?)"),
            (["update", dir.db, "studen", "1", "--set", "gpa=1"], "(did you mean 'student'?)"),
            (["delete", dir.db, "stud", "1"], "no table named 'stud' (did you mean 'student'?)"),
            (["export", dir.db, "studnt", dir.path + "/x.json"], "(did you mean 'student'?)"),
            (["import", dir.db, "studnt", dir.path + "/s.json"], "(did you mean 'student'?)"),
            (["select", dir.db, "student", "--where", "emial=x"], "has no column 'emial' (did you mean 'email'?)"),
            (["update", dir.db, "student", "1", "--set", "GPA=1"], "has no column 'GPA' (did you mean 'gpa'?)"),
            (["import-sqlite", sqlite, dir.db, "--tables", "studnt"],
             "has no table 'studnt' (did you mean 'student'?)"),
            (["history", dir.db, "studnt", "1"], "no table named 'studnt' (did you mean 'student'?)"),
            (["diff", dir.db, "studnt", "--from", "1"], "no table named 'studnt' (did you mean 'student'?)"),
            (["revert", dir.db, "studnt", "--from", "1", "--dry-run"], "no table named 'studnt' (did you mean 'student'?)"),
            (["selct", dir.db, "student"], "unknown command 'selct' (did you mean 'select'?)"),
            (["export-sqlit", dir.db, sqlite], "unknown command 'export-sqlit' (did you mean 'export-sqlite'?)"),
        ]
        for (args, message) in cases {
            let result = try CLI.run(args)
            #expect(result.status == 2, "\(args): \(result)")
            #expect(result.stderr.hasPrefix("linedb: ") && result.stderr.contains(message), "\(args): \(result.stderr)")
            #expect(result.stderr.filter { $0 == "\n" }.count == 1, "\(args): \(result.stderr)")
        }
        // A name far from every table gets no wild guess.
        let far = try CLI.run(["select", dir.db, "xyzzy"])
        #expect(far.status == 2 && !far.stderr.contains("did you mean"), "\(far)")
    }

    @Test("plain `linedb` in a directory holding databases lists them with table counts and sizes, and how to open one")
    func listsDatabases() throws {
        let dir = try Scratch().studentDatabase(count: 3)
        try expectOK(CLI.run(["init", dir.path + "/projects/empty"]))
        try expectOK(CLI.run(["create-table", dir.path + "/projects/empty", "a", "--column", "x:int:pk"]))
        try expectOK(CLI.run(["create-table", dir.path + "/projects/empty", "b", "--column", "y:str:pk"]))
        try FileManager.default.createDirectory(
            atPath: dir.path + "/not-a-db/schema", withIntermediateDirectories: true)
        let result = try runInDirectory(dir.path, [])
        #expect(result.status == 0 && result.stderr.isEmpty, "\(result)")
        let lines = result.lines
        #expect(lines.first == "LineDB databases here:", "\(result.stdout)")
        let db = try #require(lines.first(where: { $0.hasPrefix("  db ") }), "\(result.stdout)")
        #expect(db.contains("1 table") && (db.hasSuffix(" B") || db.hasSuffix(" KiB")), "\(db)")
        let projects = try #require(lines.first(where: { $0.hasPrefix("  projects/empty ") }), "\(result.stdout)")
        #expect(projects.contains("2 tables"), "\(projects)")
        #expect(!result.stdout.contains("not-a-db"))
        #expect(result.stdout.contains("linedb db"), "says how to open one: \(result.stdout)")
        // Where there is none, plain `linedb` shows the help, as before.
        let empty = try runInDirectory(dir.path + "/not-a-db", [])
        #expect(empty.status == 0 && empty.stdout.contains("USAGE: linedb"), "\(empty)")
    }

    @Test("errors never print a stack trace: one 'linedb: ' line, exit 1 for data problems, 2 for usage errors")
    func errorsAreOneLine() throws {
        let dir = try Scratch().studentDatabase(count: 3)
        let broken = Scratch()
        try expectOK(CLI.run(["init", broken.db]))
        try expectOK(CLI.run(["create-table", broken.db, "t", "--column", "id:int:pk"]))
        try expectOK(CLI.run(["save", broken.db]))
        broken.write("db/data/t.records", "{\"id\": 1}\n{oops\n")
        dir.write("notjson.txt", "this is not JSON")
        let cases: [([String], Int32)] = [
            (["insert", dir.db, "student", "{not json"], 2),
            (["insert", dir.db, "student", #"{"name": "A", "gpa": "high"}"#], 2),
            (["insert", dir.db, "student", #"{"name": "A", "emial": "a@u.edu"}"#], 2),
            (["update", dir.db, "student", "1", "--set", "gpa=high"], 2),
            (["update", dir.db, "student", "1", "--set", "emial=a@u.edu"], 2),
            (["select", dir.db, "student", "--where", "gpa=high"], 2),
            (["insert", dir.db, "student", #"{"name": null}"#], 1),
            (["insert", dir.db, "student", #"{"id": 1, "name": "Twin"}"#], 1),
            (["update", dir.db, "student", "99", "--set", "gpa=1"], 1),
            (["select", broken.db, "t"], 1),
            (["export-sqlite", broken.db, broken.path + "/t.sqlite"], 1),
            (["import-sqlite", dir.path + "/notjson.txt", dir.db], 1),
            (["export-sqlite", dir.db, dir.path + "/no/such/dir/x.sqlite"], 1),
            (["export-sqlite", dir.db], 2),
            (["import-sqlite"], 2),
            (["browse", dir.db], 2),
            (["select", dir.db, "student", "--limit", "-1"], 2),
        ]
        // Empty standard input is no error: nothing to insert, nothing printed.
        let empty = try CLI.run(["insert", dir.db, "student"], stdin: "")
        #expect(!empty.signaled && empty.status == 0 && empty.stdout.isEmpty && empty.stderr.isEmpty, "\(empty)")
        for (args, code) in cases {
            let result = try CLI.run(args, stdin: "")
            #expect(!result.signaled && result.status == code, "\(args): \(result)")
            #expect(result.stderr.hasPrefix("linedb: "), "\(args): \(result.stderr)")
            #expect(result.stderr.filter { $0 == "\n" }.count == 1, "\(args): not one line: \(result.stderr)")
            for trace in ["Fatal error", "Stack dump", "backtrace", "0x0000", "Swift runtime failure"] {
                #expect(!result.stderr.contains(trace), "\(args): \(result.stderr)")
            }
        }
        #expect(!broken.exists("t.sqlite"))
    }

    /// Runs the built `linedb` with `args` in `directory`.
    private func runInDirectory(_ directory: String, _ args: [String]) throws -> CommandResult {
        let binary = try CLI.binary.get()
        let script = "cd \"$1\" && shift && exec \"$@\""
        return try CLI.runProgram("/bin/sh", ["-c", script, "sh", directory, binary] + args, stdin: nil)
    }
}
