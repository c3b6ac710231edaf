import ArgumentParser
import LineDB

/// `linedb compact DB --keep-archives N | --keep-since TIME | --keep-lsn LSN [--dry-run] [--json]`
struct Compact: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Remove the WAL archives older than a retention rule (history retention).",
        discussion: """
            Every checkpoint keeps the old WAL as wal/transaction.<YYYYMMDD_HHMMSS>.log: the history that \
            `linedb history`, `diff`, `revert` and --as-of read. compact removes the oldest archives (and their \
            index sidecars, <archive>.idx) that the rule does not need, oldest first, and prints what it removed and \
            the earliest moment the history still reaches. --keep-archives N keeps the newest N archives; \
            --keep-lsn L keeps every archive holding an entry after lsn L (the database as of L stays reachable); \
            --keep-since TIME does the same for a time (or -7d, -2h). The live WAL and the records files are never \
            touched; the newest archive goes only when the rule allows it (--keep-archives 0). A crash at any step \
            leaves a database that opens with every record and every archive the rule keeps. Needs the writer lock \
            (except with --dry-run, which changes nothing). To run it at each checkpoint: `linedb checkpoint DB \
            --keep-archives N`.

            Example:
              linedb compact uni --keep-archives 10 --dry-run
              linedb compact uni --keep-since -30d
            """
    )

    @OptionGroup var database: DatabaseArgument
    @OptionGroup var retention: RetentionOptions

    @Flag(help: "Remove nothing: print what would be removed and how far back the history would reach.")
    var dryRun = false

    @Flag(help: "Print the outcome as one line of JSON.")
    var json = false

    func run() throws {
        guard let rule = try retention.rule() else {
            throw UsageError("give a rule: --keep-archives N, --keep-since TIME or --keep-lsn LSN")
        }
        let db = dryRun ? try database.openForReading() : try database.openForWriting(sync: .full)
        let summary = try db.compactHistory(rule, dryRun: dryRun)
        try db.close()
        if json {
            Output.jsonLine(JSONWriter.encode(RetentionReport.json(summary)))
        } else {
            RetentionReport.lines(summary).forEach(Output.line)
        }
    }
}
