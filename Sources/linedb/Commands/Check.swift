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
            Exit code 1 if there is any problem, else 0. Takes no lock: works while another process writes. \
            A damaged, stale or orphaned archive index sidecar (wal/*.log.idx) is a warning; --repair-index \
            rebuilds every one from its archive first (as the writer).

            Example:
              linedb check uni || linedb recover uni
              linedb check uni --repair-index
            """
    )

    @OptionGroup var database: DatabaseArgument

    @Flag(help: "Print the report as one line of JSON.")
    var json = false

    @Flag(help: "First rebuild the index sidecar of every archive in wal/ (and remove those whose archive is gone), as the writer (takes the lock); then check.")
    var repairIndex = false

    func run() throws {
        try database.requireDatabase()
        var repair: ArchiveIndexRepair? = nil
        if repairIndex {
            let db = try database.openForWriting(sync: .full)
            defer { try? db.close() }
            repair = try db.rebuildArchiveIndexes()
        }
        let report = Database.check(path: database.path)
        if json {
            var o = report.jsonObject
            if let repair {
                o["index_repair"] = [
                    "rebuilt": .array(repair.rebuilt.map { .string($0) }),
                    "skipped": .array(repair.skipped.map { .string($0) }),
                    "removed": .array(repair.removed.map { .string($0) }),
                ]
            }
            Output.jsonLine(JSONWriter.encode(.object(o)))
        } else {
            if let repair {
                Output.line("repaired: \(plural(repair.rebuilt.count, "archive index", "archive indexes")) rebuilt, "
                    + "\(plural(repair.removed.count, "orphaned index", "orphaned indexes")) removed")
                repair.skipped.forEach { Output.line(VisibleText.escaped("not indexed: wal/" + $0)) }
            }
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
