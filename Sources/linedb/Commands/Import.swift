import ArgumentParser
import LineDB

/// `linedb import DB TABLE FILE [--format json|jsonl|csv] [--create [--key COL] [--header a,b,c] [--dry-run]]
/// [--null TEXT ...]`
struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Add the records of a file to a table, or make a new table of it (--create), all or nothing.",
        discussion: """
            Reads json (an export file, or an array of objects), jsonl or csv (a header row of column names); \
            without --format the file's extension decides. The whole file is checked first (types, NOT NULL, \
            UNIQUE, keys, also against the records already there); on any error nothing is imported and the \
            error names the line. Then all records are written as one transaction.

            With --create the table must not exist: it is made from the file, its columns' types inferred from \
            all their values (int when every value is a 64-bit integer, float when every one is a number, bool \
            when every one is true or false, json for JSON arrays and objects or a mix of JSON kinds, otherwise \
            str; a CSV column holding an integer beyond 64 bits stays str, keeping its digits). --key COL makes \
            COL the primary key; without it an integer key (id, or _id, id_1, ... when the file has an id) \
            numbers the records. Creating and importing are one transaction: on any error there is no table.

            Nulls: an unquoted CSV field (or a JSON string) that is exactly a --null TEXT is null; an empty field \
            is null in any column that is not str. In a str column the empty field is the empty string unless \
            --null '' is given. Without --create and without --null, LineDB's own export convention holds: an \
            empty unquoted field and the word null are null, "" is the empty string.

            Example:
              linedb import uni student exports/students.json
              linedb import nyc flights flights.csv --create --null NA
              linedb import nyc airports airports.csv --create --key faa --dry-run
            """
    )

    @OptionGroup var database: DatabaseArgument

    @Argument(help: "The table (with --create: the new table).")
    var table: String

    @Argument(help: "The file to read.")
    var file: String

    @Option(help: "json, jsonl or csv (default: from the file's extension).")
    var format: FileFormat?

    @Flag(help: "Create the table from the file (its columns and types inferred), then import into it.")
    var create = false

    @Option(help: ArgumentHelp("With --create: the primary-key column (default: an added integer key).", valueName: "column"))
    var key: String?

    @Option(
        name: .customLong("null"),
        help: ArgumentHelp("A text read as null (repeatable; '' makes empty str fields null).", valueName: "text"))
    var nullTexts: [String] = []

    @Option(
        help: ArgumentHelp(
            "With --create: the column names to use instead of the file's, in order, comma-separated (as a CSV row).",
            valueName: "a,b,c"))
    var header: String?

    @Flag(help: "With --create: print the create-table command it would run, and write nothing.")
    var dryRun = false

    @OptionGroup var sync: SyncOptions

    func validate() throws {
        if !create {
            for (given, name) in [(key != nil, "--key"), (header != nil, "--header"), (dryRun, "--dry-run")] where given {
                throw ValidationError("\(name) goes with --create (making a new table from the file)")
            }
        }
    }

    func run() throws {
        if create { return try runCreate() }
        let db = try database.openForWriting(sync: sync.mode)
        _ = try db.schemaForCommand(table)  // an unknown table: a suggestion, or the tables there are
        let n = try db.importRecords(
            into: table, from: file, format: format?.exportFormat, nullTexts: nullTexts.isEmpty ? nil : nullTexts)
        try db.close()
        Output.line("imported \(plural(n, "record")) into \(table) from \(file)")
    }

    private func runCreate() throws {
        let options = TableImportOptions(key: key, nullTexts: nullTexts, header: try header.map(Import.names))
        if dryRun {
            let db = try database.openForReading()
            let inferred = try db.inferTable(table, from: file, format: format?.exportFormat, options: options)
            inferred.notes.forEach(ErrorReporting.printNote)
            Output.line(Import.createTableCommand(database: database.path, schema: inferred.schema))
            for column in inferred.schema.columns where column.name.contains(":") {
                ErrorReporting.printWarning(
                    "create-table cannot name column '\(column.name)' (--column splits at ':'); "
                        + "import --create can, or give other names with --header")
            }
            ErrorReporting.printNote(
                "dry run: \(plural(inferred.recordCount, "record")) would be imported; nothing was written")
            return
        }
        let db = try database.openForWriting(sync: sync.mode)
        let made = try db.importNewTable(table, from: file, format: format?.exportFormat, options: options)
        try db.close()
        made.notes.forEach(ErrorReporting.printNote)
        if let automatic = made.automaticKey {
            ErrorReporting.printNote("no --key given, so an integer primary key '\(automatic)' numbers the records")
        }
        Output.line(
            "created table \(table): " + made.schema.columns.map(ColumnSpec.describe).joined(separator: ", "))
        Output.line("imported \(plural(made.recordCount, "record")) into \(table) from \(file)")
    }

    /// The names of `--header a,b,c`, read as one CSV row (a name holding a comma is written in quotes).
    static func names(_ text: String) throws -> [String] {
        let bytes = Array(text.utf8)
        var names: [String]? = nil
        do throws(CSVCodec.ReadError) {
            try bytes.withUnsafeBufferPointer { (b) throws(CSVCodec.ReadError) in
                try CSVCodec.forEachRecord(b) { _, fields in
                    names = fields.map { CSVCodec.text(of: $0, in: b) }
                    return false
                }
            }
        } catch {
            throw UsageError("--header '\(text)': \(error.message)")
        }
        guard let names else { throw UsageError("--header is empty; give the column names as a,b,c") }
        return names
    }

    /// `linedb create-table DB TABLE --column ...`, each word quoted for a POSIX shell where it needs to be.
    static func createTableCommand(database: String, schema: TableSchema) -> String {
        var words = ["linedb", "create-table", database, schema.name]
        for column in schema.columns { words += ["--column", ColumnSpec.describe(column)] }
        return words.map(shellQuoted).joined(separator: " ")
    }

    /// A word as a POSIX shell reads it back: as it is when it holds only safe characters, otherwise in single
    /// quotes (a single quote written as `'\''`).
    static func shellQuoted(_ word: String) -> String {
        let safe = !word.isEmpty && word.utf8.allSatisfy { c in
            (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z"))
                || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) || "_-./:=@%+,".utf8.contains(c)
        }
        if safe { return word }
        return "'" + word.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "'\\''") + "'"
    }
}
