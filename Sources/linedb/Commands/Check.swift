import ArgumentParser
import LineDB

/// `linedb check DB [--json]`
struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Verify every file of a database without changing any.",
        discussion: """
            Checks that every schema parses, every records file loads, the WAL and every archive are valid WAL \
            files and the WAL replays; reports leftover temporary files and unsaved changes. Each finding is one \
            line: `problem|warning|note: FILE:LINE (byte N): what`. A problem is something a writer would refuse \
            or lose (fix it by hand, or run `linedb recover`); warnings are repaired by the next writer on its own. \
            Exit code 1 if there is any problem, else 0. Takes no lock: works while another process writes.

            Example:
              linedb check uni || linedb recover uni
            """
    )

    @OptionGroup var database: DatabaseArgument

    @Flag(help: "Print the report as one line of JSON.")
    var json = false

    func run() throws {
        try database.requireDatabase()
        let report = Database.check(path: database.path)
        if json {
            Output.jsonLine(JSONWriter.encode(.object(report.jsonObject)))
        } else {
            report.findings.forEach { Output.line(VisibleText.escaped($0.description)) }  // one line each
            Output.line(Self.summary(report))
        }
        if !report.isHealthy { throw ExitCode(ExitStatus.dataProblem) }
    }

    /// `ok: no problem found (2 tables, ...)` or `failed: 1 problem, 0 warnings (...)`.
    static func summary(_ report: CheckReport) -> String {
        let records = report.tables.reduce(0) { $0 + $1.records }
        let facts = [
            plural(report.tables.count, "table"), plural(records, "record"),
            plural(report.walEntries, "WAL entry", "WAL entries"), plural(report.archives.count, "archive"),
        ].joined(separator: ", ")
        if report.isHealthy && report.warnings.isEmpty {
            return "ok: no problem found (\(facts))"
        }
        return (report.isHealthy ? "ok: " : "failed: ")
            + "\(plural(report.problems.count, "problem")), \(plural(report.warnings.count, "warning")) (\(facts))"
    }
}
