import ArgumentParser
import LineDB
import LineDBBrowser

/// How `select` prints records.
enum RecordFormat: String, ExpressibleByArgument, CaseIterable {
    /// One compact JSON object per line (the records file's format).
    case jsonl
    /// One JSON array, pretty-printed.
    case json
    /// A header of column names, then one row per record, as `export --format csv` writes it.
    case csv
    /// Aligned columns under a header, like the sqlite3 shell's `.mode column`.
    case table

    /// Writes `records` of a table with schema `schema` to standard output.
    func write(_ records: [Record], schema: TableSchema) {
        switch self {
        case .jsonl:
            for r in records { Output.jsonLine(JSONWriter.encode(.object(r))) }
        case .json:
            Output.jsonLine(JSONWriter.encodePretty(.array(records.map { .object($0) })))
        case .csv:
            var bytes: [UInt8] = []
            CSVCodec.appendHeader(schema, to: &bytes)
            for r in records {
                CSVCodec.appendRow(schema.columns.map { r[$0.name] ?? .null }, schema: schema, to: &bytes)
                if bytes.count >= 1 << 16 {
                    Output.data(String(decoding: bytes, as: UTF8.self))
                    bytes.removeAll(keepingCapacity: true)
                }
            }
            Output.data(String(decoding: bytes, as: UTF8.self))
        case .table:
            let header = schema.columns.map { VisibleText.escaped($0.name) }
            let rows = records.map { r in schema.columns.map { TextTable.cell(r[$0.name] ?? .null) } }
            TextTable(header: header, rows: rows).lines().forEach(Output.line)
        }
    }
}

/// Text in aligned columns: a header, a rule of dashes, the rows; two spaces between columns; widths measured in
/// terminal cells (wide characters count 2, combining marks 0).
struct TextTable {
    var header: [String]
    var rows: [[String]]

    func lines() -> [String] {
        var widths = header.map(TextTable.width)
        for row in rows {
            for (i, cell) in row.enumerated() where i < widths.count {
                widths[i] = max(widths[i], TextTable.width(cell))
            }
        }
        func render(_ cells: [String]) -> String {
            var line = ""
            for (i, cell) in cells.enumerated() {
                if i > 0 { line += "  " }
                line += cell
                if i < cells.count - 1 { line += String(repeating: " ", count: widths[i] - TextTable.width(cell)) }
            }
            while line.hasSuffix(" ") { line.removeLast() }
            return line
        }
        return [render(header), render(widths.map { String(repeating: "-", count: $0) })] + rows.map(render)
    }

    /// How null shows in a cell: not as the empty string (`""` is an empty cell), as in `linedb sql`'s table.
    static let null = "NULL"

    /// A value as a cell: text as it is, null as ``null``, anything else as compact JSON; control and bidirectional
    /// formatting characters (line breaks and tabs too) shown visibly, as ``VisibleText`` shows them.
    static func cell(_ value: JSONValue) -> String {
        switch value {
        case .null: return TextTable.null
        case .string(let s): return VisibleText.escaped(s)
        default: return VisibleText.escaped(JSONWriter.encode(value))
        }
    }

    /// Terminal cells a text takes.
    static func width(_ text: String) -> Int {
        DisplayWidth.of(text)  // the browser's width table: one place knows wide and combining characters
    }
}
