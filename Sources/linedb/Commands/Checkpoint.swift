import ArgumentParser
import LineDB

/// `linedb checkpoint DB`
struct Checkpoint: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Save every table, then archive the WAL and start a new one.",
        discussion: """
            The old WAL is kept as wal/transaction.<YYYYMMDD_HHMMSS>.log; the new WAL starts with a CHECKPOINT \
            entry. A crash at any step leaves a database that opens with every acknowledged write.

            Example:
              linedb checkpoint uni
            """
    )

    @OptionGroup var database: DatabaseArgument
    @OptionGroup var sync: SyncOptions

    func run() throws {
        let db = try database.openForWriting(sync: sync.mode)
        let summary = try db.checkpoint()
        try db.close()
        Save.report(summary.save)
        if let archive = summary.archive {
            Output.line("archived the WAL as wal/\(archive) (through lsn \(summary.throughLSN)); started a new WAL")
        }
    }
}
