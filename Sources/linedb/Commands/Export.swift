import ArgumentParser
import LineDB

/// `linedb export DB TABLE FILE [--format json|jsonl|csv]`
struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a table to a file.",
        discussion: """
            Formats: json (the seed's export: {"table", "records", "count", "exported_at"}), jsonl (one record per \
            line), csv (a header of column names, then rows), tsv (as csv, tab-separated), markdown (a table; | \
            escaped, line breaks as <br>). Without --format, the file's extension decides (.json, .jsonl/.ndjson, \
            .csv, .tsv, .md), else json. The file is replaced atomically: it is the old one or \
            complete. Read-only: works while another process writes. With --as-of, the table as it was then, in key \
            order.

            Example:
              linedb export uni student exports/students.csv
            """
    )

    @OptionGroup var database: DatabaseArgument

    @Argument(help: "The table.")
    var table: String

    @Argument(help: "The file to write.")
    var file: String

    @Option(help: "json, jsonl, csv, tsv or markdown (default: from the file's extension, else json).")
    var format: FileFormat?

    @OptionGroup var asOf: AsOfOption

    func run() throws {
        let db = try database.openForReading()
        let chosen = format?.exportFormat ?? ExportFormat(pathExtensionOf: file) ?? .json
        if asOf.text != nil { return try exportAsOf(db, format: chosen) }
        _ = try db.schemaForCommand(table)  // an unknown table: a suggestion, or the tables there are
        let n = try db.export(table, to: file, format: chosen)
        Output.line("exported \(plural(n, "record")) of \(table) to \(file) (\(chosen.rawValue))")
    }
}

/// `--format` of export and import.
enum FileFormat: String, ExpressibleByArgument, CaseIterable {
    case json, jsonl, csv, tsv, markdown

    var exportFormat: ExportFormat {
        switch self {
        case .json: return .json
        case .jsonl: return .jsonl
        case .csv: return .csv
        case .tsv: return .tsv
        case .markdown: return .markdown
        }
    }
}
