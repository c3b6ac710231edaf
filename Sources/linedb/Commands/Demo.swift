import ArgumentParser
import LineDB

/// `linedb demo [DIR]`
struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create the demo university database (when absent) and open it in the browser.",
        discussion: """
            Copies the demo university database into DIR (default ./data/university) when DIR is absent or empty: \
            students, instructors, courses and enrolments, with names in many scripts, nulls, every column type, a \
            WAL of a few hundred entries and one archived WAL. It is the package resource next to the linedb \
            executable (LineDB_linedb.resources); a linedb without it generates the same bytes. An existing \
            database in DIR is left untouched. Then opens it in the \
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
            let source: DemoInstaller.Source
            do {
                source = try DemoInstaller.install(into: directory)
            } catch let failure as DemoInstaller.Failure {
                if failure.isUsage { throw UsageError(failure.description) }
                throw DataError(failure.description)
            } catch {
                throw DataError("creating the demo database in \(directory): \(error)")
            }
            switch source {
            case .resource(let path):
                Output.line("Copied the bundled demo database (\(path)).")
            case .generated:
                Output.line("Generated the demo database (no resource bundle LineDB_linedb.resources next to linedb).")
            }
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
