import ArgumentParser
import LineDB

/// `linedb save DB`
struct Save: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write the changes that are only in the WAL into the records files.",
        discussion: """
            Every write is in the WAL as soon as it is acknowledged; save makes data/<table>.records hold exactly \
            each table's records again (new records are appended, other changes rewrite the file through a \
            temporary file and a rename). The WAL is kept (see checkpoint).

            Example:
              linedb save uni
            """
    )

    @OptionGroup var database: DatabaseArgument
    @OptionGroup var sync: SyncOptions
    @OptionGroup var wait: WaitOption

    func run() throws {
        let db = try database.openForWriting(sync: sync.mode, wait: wait.seconds)
        let summary = try db.save()
        try db.close()
        Self.report(summary)
    }

    /// Prints what a save wrote, one line per table, or that nothing had to be written.
    static func report(_ summary: SaveSummary) {
        if summary.isEmpty {
            Output.line("nothing to save: every records file is up to date")
            return
        }
        for (name, n) in summary.appended.sorted(by: { $0.key < $1.key }) {
            Output.line("\(name): appended \(plural(n, "record")) to data/\(name).records")
        }
        for (name, n) in summary.rewritten.sorted(by: { $0.key < $1.key }) {
            Output.line("\(name): rewrote data/\(name).records (\(plural(n, "record")))")
        }
        for name in summary.removed {
            Output.line("\(name): removed the files of the dropped table")
        }
    }
}
