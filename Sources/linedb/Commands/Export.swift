import ArgumentParser
import LineDB

/// `linedb export DB TABLE FILE [--format json|jsonl|csv]`
struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a table to a file.",
        discussion: """
            Formats: json (the seed's export: {"table", "records", "count", "exported_at"}), jsonl (one record per \
            line), csv (a header of column names, then rows). Without --format, the file's extension decides \
            (.json, .jsonl/.ndjson, .csv), else json. The file is replaced atomically: it is the old one or \
            complete. Read-only: works while another process writes.

            Example:
              linedb export uni student exports/students.csv
            """
    )

    @OptionGroup var database: DatabaseArgument

    @Argument(help: "The table.")
    var table: String

    @Argument(help: "The file to write.")
    var file: String

    @Option(help: "json, jsonl or csv (default: from the file's extension, else json).")
    var format: FileFormat?

    func run() throws {
        let db = try database.openForReading()
        let chosen = format?.exportFormat ?? ExportFormat(pathExtensionOf: file) ?? .json
        _ = try db.schemaForCommand(table)  // an unknown table: a suggestion, or the tables there are
        let n = try db.export(table, to: file, format: chosen)
        Output.line("exported \(plural(n, "record")) of \(table) to \(file) (\(chosen.rawValue))")
    }
}

/// `--format` of export and import.
enum FileFormat: String, ExpressibleByArgument, CaseIterable {
    case json, jsonl, csv

    var exportFormat: ExportFormat {
        switch self {
        case .json: return .json
        case .jsonl: return .jsonl
        case .csv: return .csv
        }
    }
}
