/// Exporting a table as it was at a moment (`linedb export --as-of`).
extension Database {
    /// Writes a table as it was at a moment (from ``state(asOf:tables:)``) to a file, in the formats and with the
    /// guarantees of ``export(_:to:format:)``: the same writer, so a past table's file is byte for byte what an
    /// export of the table then would have written, with its records in primary-key order.
    ///
    /// ```swift
    /// let past = try db.state(asOf: .lsn(1200), tables: ["student"])
    /// try db.export(past: past.table("student")!, to: "students-then.jsonl", format: .jsonl)
    /// ```
    ///
    /// - Parameters:
    ///   - table: the table as it was.
    ///   - path: the file to write (relative to the current directory, or absolute).
    ///   - format: the file format; the seed's JSON by default.
    /// - Returns: the number of records written.
    /// - Throws: as ``export(_:to:format:)``; the database is not changed.
    @discardableResult
    public func export(past table: PastTable, to path: String, format: ExportFormat = .json) throws(LineDBError) -> Int {
        try write(table.rows, schema: table.schema, to: path, format: format)
    }
}
