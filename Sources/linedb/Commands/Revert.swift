import ArgumentParser
import LineDB

/// `linedb revert DB [TABLE...] --from M [--to M] [--dry-run] [--force]`
struct RevertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revert",
        abstract: "Undo what changed between two moments, as one new transaction.",
        discussion: """
            Like `git revert` for a range of the history: writes, as ONE transaction, the inverse of what \
            `linedb diff DB --from M --to M` shows (records inserted in the range are deleted, deleted ones put \
            back, updated ones set back to their state at --from). The past is not rewritten: the revert is \
            itself in the history, so `linedb history` shows its entries and another revert can undo it.

            Prints the range, then what the revert writes, as diff prints it (per table its counts, then \
            `- KEY {record}` deleted, `+ KEY {record}` put back, `~ KEY column: now → then`), then the LSN of the \
            transaction's COMMIT. Nothing to undo in the range: says so and writes nothing.

            Refused, listing the records (exit 1, nothing written), when a record the range changed was changed \
            again after it; --force reverts those too (they get their state at --from, the later change is \
            lost, though still in the history). Also refused when a table was created or dropped in the range: \
            name other tables. --dry-run prints the same and writes nothing (it takes no lock). Otherwise the \
            revert needs the writer lock: a database another process writes is refused naming its pid.

            Example:
              linedb revert uni --from 120 --to 180 --dry-run
              linedb revert uni student --from -10m
            """
    )

    @OptionGroup var database: DatabaseArgument

    @Argument(help: "Only these tables (all by default).")
    var tables: [String] = []

    @OptionGroup var range: RangeMomentOptions

    @Flag(help: "Print what the revert would write, and write nothing.")
    var dryRun = false

    @Flag(help: "Revert records changed again after the range too (their later change is undone).")
    var force = false

    @OptionGroup var sync: SyncOptions

    func run() throws {
        let db = dryRun ? try database.openForReading() : try database.openForWriting(sync: sync.mode)
        let names = tables.isEmpty ? nil : tables
        // The plan, and every conflict (the engine's own refusal lists only the first ten).
        let plan = try db.revert(from: range.from, to: range.to, tables: names, force: true, dryRun: true)
        try DiffCommand.requireKnown(tables, db: db, diff: plan.diff)
        let keys = DiffCommand.keyColumns(db: db, diff: plan.diff)
        Output.line(DiffCommand.header("revert", plan.diff))
        if plan.diff.tables.isEmpty {
            Output.line("nothing to revert: no record changed in the range; nothing written")
            return
        }
        if !plan.conflicts.isEmpty && !force {
            Output.flush()
            throw Self.refusal(plan.conflicts, fromLSN: plan.diff.fromLSN)
        }
        let summary = dryRun
            ? plan : try db.revert(from: .lsn(plan.diff.fromLSN), to: .lsn(plan.diff.toLSN), tables: names, force: force)
        for line in DiffCommand.textLines(Self.inverse(summary.diff), keys: keys) { Output.line(line) }
        if !summary.conflicts.isEmpty {
            Output.line(
                "--force: \(plural(summary.conflicts.count, "record")) changed again after the range "
                    + (dryRun ? "would be" : "were") + " set back to their state at lsn \(summary.diff.fromLSN): "
                    + summary.conflicts.map { "\(VisibleText.escaped($0.table)) \(HistoryText.key($0.key)) (lsn \($0.lsn))" }
                    .joined(separator: ", "))
        }
        if dryRun {
            Output.line("dry run: nothing written")
        } else {
            try db.close()
            Output.line("reverted in one transaction, committed at lsn \(summary.committedLSN.map(String.init) ?? "-")")
        }
    }

    /// What the revert writes: the range's diff turned around (inserted records are deleted, deleted ones put
    /// back, updates go from the state at the end to the state at the start).
    static func inverse(_ d: HistoryDiff) -> HistoryDiff {
        var out = d
        out.tables = d.tables.map { t in
            var r = t
            r.inserted = t.deleted
            r.deleted = t.inserted
            r.updated = t.updated.map { u in
                var v = u
                v.old = u.new
                v.new = u.old
                v.changes = u.changes.map { ColumnChange(column: $0.column, old: $0.new, new: $0.old) }
                return v
            }
            return r
        }
        return out
    }

    /// The refusal: one line, then each conflicting record on a line of its own.
    static func refusal(_ conflicts: [(table: String, key: JSONValue, lsn: Int)], fromLSN: Int) -> Error {
        let detail = conflicts.map {
            "  \(VisibleText.escaped($0.table)) \(HistoryText.key($0.key)): changed again at lsn \($0.lsn)\n"
        }.joined()
        return DetailedError(
            underlying: DataError(
                "revert refused: \(plural(conflicts.count, "record")) the range changed "
                    + (conflicts.count == 1 ? "was" : "were")
                    + " changed again after it (listed below); LineDB changed nothing (--force sets them back to their state at lsn \(fromLSN) anyway)"),
            detail: detail)
    }
}
