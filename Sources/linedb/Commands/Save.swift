import ArgumentParser
import LineDB

/// `linedb save DB`
struct Save: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write the changes that are only in the WAL into the records files.",
        discussion: """
            Every write is in the WAL as soon as it is acknowledged; save makes data/<table>.records hold exactly \
            each table's records again (new records are appended; updated and deleted records are patched where \
            they are, through a redo file data/.<table>.records.redo that the next open completes after a crash, \
            padded with spaces inside the object; a record that grew past its line moves to the end; when the \
            changes are more than a quarter of the file, or the padding would pass 20% of it, the file is \
            rewritten through a temporary file and a rename). The WAL is kept (see checkpoint).

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
        Self.report(summary, gzipped: Set(db.tableNames.filter(db.isGzipped)))
    }

    /// Prints what a save wrote, one line per table, or that nothing had to be written.
    static func report(_ summary: SaveSummary, gzipped: Set<String> = []) {
        func file(_ name: String) -> String { "data/\(name).records" + (gzipped.contains(name) ? ".gz" : "") }
        if summary.isEmpty {
            Output.line("nothing to save: every records file is up to date")
            return
        }
        for (name, n) in summary.appended.sorted(by: { $0.key < $1.key }) {
            Output.line("\(name): appended \(plural(n, "record")) to \(file(name))")
        }
        for (name, n) in summary.patched.sorted(by: { $0.key < $1.key }) {
            Output.line("\(name): patched \(plural(n, "changed record")) in place in data/\(name).records")
        }
        for (name, n) in summary.rewritten.sorted(by: { $0.key < $1.key }) {
            Output.line("\(name): rewrote \(file(name)) (\(plural(n, "record")))")
        }
        for name in summary.removed {
            Output.line("\(name): removed the files of the dropped table")
        }
    }
}
