import ArgumentParser
import LineDB

/// `linedb checkpoint DB`
struct Checkpoint: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Save every table, then archive the WAL and start a new one.",
        discussion: """
            The old WAL is kept as wal/transaction.<YYYYMMDD_HHMMSS>.log.gz (gzip; --no-gzip keeps it plain, as \
            wal/transaction.<YYYYMMDD_HHMMSS>.log); the new WAL starts with a CHECKPOINT entry. A crash at any step leaves a database that opens with every acknowledged write. With \
            --keep-archives, --keep-since or --keep-lsn, the archives that rule does not need are removed after the \
            checkpoint, as `linedb compact` does.

            Example:
              linedb checkpoint uni
            """
    )

    @OptionGroup var database: DatabaseArgument
    @OptionGroup var sync: SyncOptions
    @OptionGroup var wait: WaitOption
    @OptionGroup var retention: RetentionOptions

    @Flag(name: .customLong("no-gzip"), help: "Keep the archive as plain JSON Lines (wal/transaction.<stamp>.log).")
    var noGzip = false

    func run() throws {
        let rule = try retention.rule()
        let db = try database.openForWriting(
            sync: sync.mode, historyRetention: rule, gzipArchives: !noGzip, wait: wait.seconds)
        let before = db.warnings.count
        let summary = try db.checkpoint()
        try db.close()
        Save.report(summary.save, gzipped: Set(db.tableNames.filter(db.isGzipped)))
        if let archive = summary.archive {
            Output.line("archived the WAL as wal/\(archive) (through lsn \(summary.throughLSN)); started a new WAL")
        }
        if let retained = summary.retention { RetentionReport.lines(retained).forEach(Output.line) }
        db.warnings.dropFirst(before).forEach(ErrorReporting.printWarning)  // a retention that failed
    }
}
