#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// File formats for export and import.
public enum ExportFormat: String, Sendable, CaseIterable {
    /// The seed's export: `{"table": …, "records": […], "count": n, "exported_at": "…"}`, pretty-printed.
    case json
    /// JSON Lines: one record per line, like a records file.
    case jsonl
    /// CSV with a header row of column names.
    case csv
    /// Tab-separated values: CSV's rules (`CSVCodec`) with a tab between fields; a field holding a tab, a quote
    /// or a line break is quoted. Export only.
    case tsv
    /// A Markdown (GitHub) table: a header row, a `---` row, one row per record; `|` is escaped as `\|`, `\` as
    /// `\\`, a line break is `<br>`, null an empty cell. Export only.
    case markdown

    /// The file name extension this format is written with (`md` for Markdown).
    public var fileExtension: String { self == .markdown ? "md" : rawValue }

    /// Whether files of this format can be imported (JSON, JSON Lines and CSV; TSV and Markdown are export only).
    public var isImportable: Bool { self == .json || self == .jsonl || self == .csv }

    /// The format a file name's extension implies (`.json`, `.jsonl`/`.ndjson`/`.records`, `.csv`, `.tsv`,
    /// `.md`/`.markdown`).
    ///
    /// - Parameter path: a file name or path; the extension is compared without regard to case.
    /// - Returns: `nil` for any other extension.
    public init?(pathExtensionOf path: String) {
        let lower = path.lowercased()
        if lower.hasSuffix(".json") { self = .json }
        else if lower.hasSuffix(".jsonl") || lower.hasSuffix(".ndjson") || lower.hasSuffix(".records") { self = .jsonl }
        else if lower.hasSuffix(".csv") { self = .csv }
        else if lower.hasSuffix(".tsv") { self = .tsv }
        else if lower.hasSuffix(".md") || lower.hasSuffix(".markdown") { self = .markdown }
        else { return nil }
    }
}

extension Database {
    /// Exports a table to a file (written by durable replace: the file is the old one or complete).
    ///
    /// ```swift
    /// try db.export("student", to: "exports/students.json")           // the seed's format
    /// try db.export("student", to: "exports/students.csv", format: .csv)
    /// ```
    ///
    /// - ``ExportFormat/json``: what the seed's `export_table` writes (Python's `json.dump(…, indent=2)`, with
    ///   non-ASCII text as UTF-8 and a final newline): `table`, `records` (keys in column order, then any fields
    ///   the schema does not know), `count` and `exported_at` (local time, ISO 8601).
    /// - ``ExportFormat/jsonl``: one compact record per line, exactly as a records file holds it.
    /// - ``ExportFormat/csv``: a header of the column names, then one row per record (RFC 4180; `null` is an
    ///   empty field, the empty string `""`, `json` values compact JSON text); fields the schema does not know are not
    ///   exported.
    /// - ``ExportFormat/tsv``: as CSV, with tabs between the fields.
    /// - ``ExportFormat/markdown``: a Markdown table (`MarkdownTable`: `|` and `\\` escaped, line breaks as `<br>`).
    ///
    /// The file's directory must exist: a missing one is an error naming it, and nothing is created. A symbolic
    /// link at `path` is refused too (the file replaces what is at `path`; it never writes through a link). The records are taken at one instant (under the database's lock);
    /// writing the file happens outside it, so writers are not held up. Works on a read-only database too.
    ///
    /// - Parameters:
    ///   - table: the table to export.
    ///   - path: the file to write (relative to the current directory, or absolute).
    ///   - format: the file format; the seed's JSON by default.
    /// - Returns: the number of records written.
    /// - Throws: ``LineDBError/tableNotFound(table:suggestion:)``; ``LineDBError/invalidInput(reason:)`` when the
    ///   directory is missing; ``LineDBError/io(operation:path:errno:)`` naming the file; an existing file at `path`
    ///   is then left as it was.
    /// > Important: The export file is durable when this returns (temporary file, `fsync`, `rename`, directory
    /// > `fsync`), whatever the sync mode. The database itself is not changed.
    @discardableResult
    public func export(_ table: String, to path: String, format: ExportFormat = .json) throws(LineDBError) -> Int {
        let (schema, rows) = try state.withLock { () throws(LineDBError) -> (TableSchema, [Row]) in
            try requireOpen()
            let t = try self.table(table)
            return (t.schema, Array(t.rows))
        }
        return try write(rows, schema: schema, to: path, format: format)
    }

    /// Exports rows that are not a table's (the browser's sheets: a query result, a frequency count) to a file, in
    /// the formats and with the guarantees of ``export(_:to:format:)``; the JSON format names `schema`'s name as
    /// the table.
    ///
    /// - Parameters:
    ///   - rows: the rows, each with one value per column of `schema`, in its column order.
    ///   - schema: the columns (names and types: how CSV writes the values).
    ///   - path: the file to write (relative to the current directory, or absolute).
    ///   - format: the file format.
    /// - Returns: the number of rows written.
    /// - Throws: as ``export(_:to:format:)``.
    @discardableResult
    public func export(rows: [[JSONValue]], schema: TableSchema, to path: String, format: ExportFormat = .json)
        throws(LineDBError) -> Int
    {
        let width = schema.columns.count
        // (A row of another width is cut or filled with nulls: every line has one field per column.)
        let rows = rows.map { values in
            Row(values: values.count == width ? values : (0..<width).map { $0 < values.count ? values[$0] : .null })
        }
        return try write(rows, schema: schema, to: path, format: format)
    }

    /// Writes `rows` of `schema` to `path` in `format` (durable replace). Also the writer of a past table's export
    /// (``export(past:to:format:)``).
    func write(_ rows: [Row], schema: TableSchema, to path: String, format: ExportFormat)
        throws(LineDBError) -> Int
    {
        // A private table object for encoding only: the live one belongs to the lock.
        let encoder = TableState(schema: schema)
        try requireParentDirectory(of: path)
        let out = try DurableReplace(io: io, finalPath: path)
        do throws(LineDBError) {
            switch format {
            case .json: try Database.writeJSON(rows, encoder: encoder, exportedAt: options.clock.now(), to: out)
            case .jsonl: try Database.writeJSONLines(rows, encoder: encoder, to: out)
            case .csv: try Database.writeCSV(rows, schema: schema, to: out)
            case .tsv: try Database.writeCSV(rows, schema: schema, to: out, delimiter: 0x09)
            case .markdown: try Database.writeMarkdown(rows, schema: schema, to: out)
            }
            try out.commit()
        } catch {
            out.abandon()
            throw error
        }
        try io.syncDirectory(Database.parent(of: path))
        return rows.count
    }

    /// Exports a table in the seed's JSON format: the seed's `export_table(table_name, output_path)`.
    ///
    /// The same as ``export(_:to:format:)`` with ``ExportFormat/json``.
    ///
    /// ```swift
    /// try db.exportTable("student", "exports/students.json")
    /// ```
    ///
    /// - Parameters:
    ///   - table: the table to export.
    ///   - path: the JSON file to write.
    /// - Returns: the number of records written.
    /// - Throws: as ``export(_:to:format:)``.
    @discardableResult
    public func exportTable(_ table: String, _ path: String) throws(LineDBError) -> Int {
        try export(table, to: path, format: .json)
    }

    // MARK: - Writers

    private static let flushSize = 1 << 20

    private static func writeJSON(_ rows: [Row], encoder: TableState, exportedAt: LocalTimestamp, to out: DurableReplace)
        throws(LineDBError)
    {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(flushSize + 4096)
        buffer.append(contentsOf: "{\n  \"table\": ".utf8)
        buffer.append(contentsOf: JSONWriter.encodePretty(.string(encoder.schema.name)).utf8)
        buffer.append(contentsOf: ",\n  \"records\": [".utf8)
        for (i, row) in rows.enumerated() {
            if i > 0 { buffer.append(UInt8(ascii: ",")) }
            buffer.append(contentsOf: "\n    ".utf8)
            // Pretty text never holds a raw line break inside a string, so re-indenting by lines is safe.
            for byte in JSONWriter.encodePretty(.object(encoder.record(row))).utf8 {
                buffer.append(byte)
                if byte == 0x0A { buffer.append(contentsOf: "    ".utf8) }
            }
            if buffer.count >= flushSize {
                try out.write(buffer)
                buffer.removeAll(keepingCapacity: true)
            }
        }
        buffer.append(contentsOf: (rows.isEmpty ? "]," : "\n  ],").utf8)
        buffer.append(contentsOf: "\n  \"count\": \(rows.count),\n  \"exported_at\": ".utf8)
        buffer.append(contentsOf: JSONWriter.encodePretty(.string(exportedAt.description)).utf8)
        buffer.append(contentsOf: "\n}\n".utf8)
        try out.write(buffer)
    }

    private static func writeJSONLines(_ rows: [Row], encoder: TableState, to out: DurableReplace) throws(LineDBError) {
        var w = JSONWriter(reservingCapacity: flushSize + 4096)
        for row in rows {
            encoder.encode(row, into: &w)
            w.writeRaw("\n")
            if w.bytes.count >= flushSize {
                try out.write(w.bytes)
                w.bytes.removeAll(keepingCapacity: true)
            }
        }
        try out.write(w.bytes)
    }

    private static func writeCSV(_ rows: [Row], schema: TableSchema, to out: DurableReplace,
                                 delimiter: UInt8 = UInt8(ascii: ",")) throws(LineDBError) {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(flushSize + 4096)
        CSVCodec.appendHeader(schema, to: &buffer, delimiter: delimiter)
        for row in rows {
            CSVCodec.appendRow(row.values, schema: schema, to: &buffer, delimiter: delimiter)
            if buffer.count >= flushSize {
                try out.write(buffer)
                buffer.removeAll(keepingCapacity: true)
            }
        }
        try out.write(buffer)
    }

    private static func writeMarkdown(_ rows: [Row], schema: TableSchema, to out: DurableReplace)
        throws(LineDBError)
    {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(flushSize + 4096)
        MarkdownTable.appendHeader(schema, to: &buffer)
        for row in rows {
            MarkdownTable.appendRow(row.values, schema: schema, to: &buffer)
            if buffer.count >= flushSize {
                try out.write(buffer)
                buffer.removeAll(keepingCapacity: true)
            }
        }
        try out.write(buffer)
    }

    /// Refuses a file whose directory does not exist (or is not a directory): an export never creates directories,
    /// so a mistyped path cannot leave new folders behind (SQLite's `.output` and the shell's `>` do the same).
    private func requireParentDirectory(of path: String) throws(LineDBError) {
        let dir = Database.parent(of: path)
        guard let status = io.stat(dir) else {
            throw .invalidInput(reason: "cannot export to \(path): the directory \(dir) does not exist (create it first); nothing was written")
        }
        if !status.isDirectory {
            throw .invalidInput(reason: "cannot export to \(path): \(dir) is not a directory; nothing was written")
        }
    }
}
