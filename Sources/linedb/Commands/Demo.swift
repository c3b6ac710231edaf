import ArgumentParser
import LineDB

/// `linedb demo [DIR]`
struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create the demo university database (when absent) and open it in the browser.",
        discussion: """
            Creates a small university database in DIR (default ./data/university): students, instructors, \
            courses and enrolments, with names in many scripts, nulls, every column type, a WAL of a few hundred \
            entries and one archived WAL. An existing database in DIR is left untouched. Then opens it in the \
            terminal browser when standard input and output are a terminal, and prints its statistics otherwise \
            (in scripts and CI).

            Example:
              linedb demo
              linedb select data/university course --limit 5 --format table
            """
    )

    @Argument(help: "The database directory.")
    var directory = "./data/university"

    func run() throws {
        let fm = LineDBFiles()
        if fm.isDatabase(directory) {
            Output.line("Using the existing database in \(directory) (left untouched).")
        } else {
            Output.line("Creating the demo database in \(directory) ...")
            try UniversityDemo.create(at: directory).close()
        }
        if Browse.hasTerminal {
            Output.flush()
            try Browse.parse([directory]).run()
            return
        }
        let stats = try Stats.parse([directory])
        try stats.run()
        Output.line("")
        Output.line("Try: linedb select \(directory) student --limit 10 --format table")
    }
}

/// Small file-system questions the commands ask.
struct LineDBFiles {
    /// Whether `path` looks like a database directory (it has `schema/` or `wal/`).
    func isDatabase(_ path: String) -> Bool {
        var st = stat()
        return stat(path + "/schema", &st) == 0 || stat(path + "/wal", &st) == 0
    }
}

#if canImport(Glibc)
import Glibc
#endif
