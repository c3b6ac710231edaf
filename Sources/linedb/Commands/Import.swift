import ArgumentParser
import LineDB

/// `linedb import DB TABLE FILE [--format json|jsonl|csv]`
struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Add the records of a file to a table, all or nothing.",
        discussion: """
            Reads json (an export file, or an array of objects), jsonl or csv (a header row of column names); \
            without --format the file's extension decides. The whole file is checked first (types, NOT NULL, \
            UNIQUE, keys, also against the records already there); on any error nothing is imported and the \
            error names the line. Then all records are written as one transaction.

            Example:
              linedb import uni student exports/students.json
            """
    )

    @OptionGroup var database: DatabaseArgument

    @Argument(help: "The table.")
    var table: String

    @Argument(help: "The file to read.")
    var file: String

    @Option(help: "json, jsonl or csv (default: from the file's extension).")
    var format: FileFormat?

    @OptionGroup var sync: SyncOptions

    func run() throws {
        let db = try database.openForWriting(sync: sync.mode)
        _ = try db.schemaForCommand(table)  // an unknown table: a suggestion, or the tables there are
        let n = try db.importRecords(into: table, from: file, format: format?.exportFormat)
        try db.close()
        Output.line("imported \(plural(n, "record")) into \(table) from \(file)")
    }
}
