import ArgumentParser
import LineDB

/// `linedb select DB TABLE [--where col=value]... [--limit N] [--format jsonl|json|csv|table]`
struct Select: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the records of a table.",
        discussion: """
            Prints every record (in file order; with --as-of, the records as they were then, in key order), or those whose columns equal every --where value; values are read \
            by the column's type (null matches null). Formats: jsonl (default, one JSON object per line), json \
            (an array), csv (a header, then rows; as export writes it), table (aligned columns). Opens the \
            database read-only, so it works while another process writes; it sees every acknowledged write, \
            saved or still in the WAL.

            Example:
              linedb select uni student --where gpa=3.8 --limit 10 --format table
            """
    )

    @OptionGroup var database: DatabaseArgument

    @Argument(help: "The table.")
    var table: String

    @Option(name: .customLong("where"), help: ArgumentHelp("Keep records whose column equals value. Repeat for AND.",
                                                           valueName: "col=value"))
    var conditions: [String] = []

    @Option(help: "Print at most this many records.")
    var limit: Int?

    @Option(help: "Output format: jsonl, json, csv or table.")
    var format: RecordFormat = .jsonl

    @OptionGroup var asOf: AsOfOption

    func validate() throws {
        if let limit, limit < 0 { throw ValidationError("--limit must be 0 or more, not \(limit)") }
    }

    func run() throws {
        let db = try database.openForReading()
        if asOf.text != nil { return try runAsOf(db) }
        let schema = try db.schemaForCommand(table)
        var wanted: [(String, JSONValue)] = []
        for text in conditions {
            let (column, value) = try ValueParsing.assignment(text, schema: schema, option: "--where")
            wanted.append((column.name, value))
        }
        let predicate: ((Record) -> Bool)? = wanted.isEmpty ? nil : { record in
            wanted.allSatisfy { (name, value) in (record[name] ?? .null) == value }
        }
        let records = try db.select(table, where: predicate, limit: limit)
        format.write(records, schema: schema)
    }
}
