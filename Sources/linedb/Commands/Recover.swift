import ArgumentParser
import LineDB

/// `linedb recover DB [--to-point-in-time]`
struct Recover: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Open a damaged database, set aside what cannot be loaded, and save the rest.",
        discussion: """
            Opens the database as its writer in salvage mode: records lines that cannot be loaded are moved to \
            quarantine/, WAL entries that cannot be replayed are skipped, and a torn WAL tail is cut off into \
            quarantine/. Prints every such step, saves (rewriting the damaged tables), then checks the result. \
            Nothing is deleted: what is set aside is in DB/quarantine/.

            A WAL damaged in the middle (a checksum mismatch in an entry that was already on disk, with intact \
            entries after it), or in a complete last entry (which a torn write cannot leave, so it may hold an \
            acknowledged write), is refused unless --to-point-in-time is given: then the entries before the damage \
            are kept and the damaged entry and everything after it go to quarantine/, as if the database had \
            stopped just before it.

            Exit code 0 when the database is healthy afterwards, 1 if not.

            Example:
              linedb check uni || linedb recover uni --to-point-in-time
            """
    )

    @OptionGroup var database: DatabaseArgument

    @Flag(name: .customLong("to-point-in-time"),
          help: "Keep the WAL up to a damaged entry in the middle and move the rest to quarantine/.")
    var toPointInTime = false

    @OptionGroup var sync: SyncOptions

    func run() throws {
        try database.requireDatabase()
        if !toPointInTime {
            // Salvage would cut such a WAL at the damage; that loses intact later entries, so it must be asked for.
            let wal = DatabasePaths(root: database.path).wal
            let scan = Result { () throws(LineDBError) in try Database.readWAL(path: wal) }
            if case .failure(let error) = scan {
                if case .corrupt = error { throw DataError("the WAL is damaged in the middle: \(error.description)") }
                throw error
            }
        }
        let db = try database.openForWriting(
            sync: sync.mode, salvage: true, salvageWALPrefix: toPointInTime, reportWarnings: false)
        for warning in db.warnings { Output.line(VisibleText.escaped(warning)) }
        let summary = try db.save()
        try db.close()
        Save.report(summary)
        let report = Database.check(path: database.path)
        for finding in report.problems { Output.line(VisibleText.escaped(finding.description)) }
        guard report.isHealthy else {
            throw DataError("\(database.path) still has \(report.problems.count) problem(s) after recovery")
        }
        let facts = plural(report.tables.count, "table") + ", "
            + plural(report.tables.reduce(0) { $0 + $1.records }, "record")
        Output.line(db.warnings.isEmpty
            ? "nothing to recover: \(database.path) opens cleanly (\(facts))"
            : "recovered \(database.path): \(plural(db.warnings.count, "repair")), see above (\(facts))")
    }
}
