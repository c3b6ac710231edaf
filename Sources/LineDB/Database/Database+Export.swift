/// File formats for export and import.
public enum ExportFormat: String, Sendable, CaseIterable {
    /// The seed's export: `{"table": …, "records": […], "count": n, "exported_at": "…"}`, pretty-printed.
    case json
    /// JSON Lines: one record per line, like a records file.
    case jsonl
    /// CSV with a header row of column names.
    case csv

    /// The format a file name's extension implies (`.json`, `.jsonl`/`.ndjson`/`.records`, `.csv`).
    public init?(pathExtensionOf path: String) {
        let lower = path.lowercased()
        if lower.hasSuffix(".json") { self = .json }
        else if lower.hasSuffix(".jsonl") || lower.hasSuffix(".ndjson") || lower.hasSuffix(".records") { self = .jsonl }
        else if lower.hasSuffix(".csv") { self = .csv }
        else { return nil }
    }
}

extension Database {
    /// Exports a table to a file (written by durable replace: the file is the old one or complete).
    ///
    /// - Returns: the number of records written.
    @discardableResult
    public func export(_ table: String, to path: String, format: ExportFormat = .json) throws(LineDBError) -> Int {
        throw .invalidInput(reason: "export is not implemented yet")
    }

    /// Imports records from a file into a table, all or nothing: the whole file is validated first (types,
    /// NOT NULL, UNIQUE, keys, also against the records already there), then written as one transaction.
    ///
    /// - Parameter format: the file's format; `nil` guesses from its extension.
    /// - Returns: the number of records imported.
    @discardableResult
    public func importRecords(into table: String, from path: String, format: ExportFormat? = nil) throws(LineDBError) -> Int {
        throw .invalidInput(reason: "import is not implemented yet")
    }
}
