import ArgumentParser
import LineDB

/// `linedb compress DB [TABLE...]`
struct Compress: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Store tables gzipped: data/<table>.records becomes data/<table>.records.gz.",
        discussion: """
            Unsaved changes are saved first. The gzipped file is standard gzip (`zcat data/t.records.gz | jq -c .` \
            reads it); each later save that only inserted appends one gzip member, other saves rewrite it into \
            one. Without TABLE, every table. A crash during the switch leaves both files with the same records; \
            the next open keeps the gzipped one.

            Example:
              linedb compress uni student
            """
    )

    @OptionGroup var database: DatabaseArgument

    @Argument(help: "The tables (default: all).")
    var tables: [String] = []

    @OptionGroup var sync: SyncOptions

    func run() throws {
        let db = try database.openForWriting(sync: sync.mode)
        let summary = try db.compressTables(tables)
        try db.close()
        StorageSwitchReport.print(summary, to: ".records.gz")
    }
}

/// `linedb decompress DB [TABLE...]`
struct Decompress: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Store gzipped tables as plain JSON Lines again: data/<table>.records.gz becomes data/<table>.records.",
        discussion: """
            The mirror of compress. Without TABLE, every table. A crash during the switch leaves both files with \
            the same records; the next open keeps the plain one.

            Example:
              linedb decompress uni student
            """
    )

    @OptionGroup var database: DatabaseArgument

    @Argument(help: "The tables (default: all).")
    var tables: [String] = []

    @OptionGroup var sync: SyncOptions

    func run() throws {
        let db = try database.openForWriting(sync: sync.mode)
        let summary = try db.decompressTables(tables)
        try db.close()
        StorageSwitchReport.print(summary, to: ".records")
    }
}

enum StorageSwitchReport {
    static func print(_ summary: StorageSwitchSummary, to suffix: String) {
        for name in summary.switched { Output.line("\(name): now stored as data/\(name)\(suffix)") }
        for name in summary.unchanged { Output.line("\(name): already stored as data/\(name)\(suffix)") }
        if summary.switched.isEmpty && summary.unchanged.isEmpty { Output.line("no tables") }
    }
}
