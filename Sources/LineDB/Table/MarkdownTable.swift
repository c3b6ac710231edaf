/// A Markdown (GitHub-flavoured) table as ``ExportFormat/markdown`` writes it: a header row of the column names,
/// a `---` row, then one row per record.
///
/// Each cell is one line of text: `|` is written `\|` and `\` is written `\\` (so neither ends or changes a cell),
/// a line break (`\n`, `\r\n` or `\r`) is `<br>`; null is an empty cell; other values are written as CSV writes
/// them (``ColumnType/text(for:)``: numbers as JSON, `json` values as compact JSON text).
package enum MarkdownTable {
    /// Appends the header row and the `---` row.
    package static func appendHeader(_ schema: TableSchema, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "|"))
        for column in schema.columns {
            out.append(0x20)
            appendCell(column.name, to: &out)
            out.append(contentsOf: " |".utf8)
        }
        out.append(0x0A)
        out.append(UInt8(ascii: "|"))
        for _ in schema.columns { out.append(contentsOf: " --- |".utf8) }
        out.append(0x0A)
    }

    /// Appends one row (values in column order) and its `\n`.
    package static func appendRow(_ values: [JSONValue], schema: TableSchema, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "|"))
        for (i, column) in schema.columns.enumerated() {
            out.append(0x20)
            let value = i < values.count ? values[i] : .null
            switch value {
            case .null: break
            case .string(let s) where column.type == .str: appendCell(s, to: &out)
            default: appendCell(column.type.text(for: value), to: &out)
            }
            out.append(contentsOf: " |".utf8)
        }
        out.append(0x0A)
    }

    /// Appends a cell's text with `|` and `\` escaped and line breaks as `<br>`.
    package static func appendCell(_ text: String, to out: inout [UInt8]) {
        var previousCR = false
        for c in text.utf8 {
            switch c {
            case UInt8(ascii: "|"): out.append(contentsOf: "\\|".utf8)
            case UInt8(ascii: "\\"): out.append(contentsOf: "\\\\".utf8)
            case 0x0D: out.append(contentsOf: "<br>".utf8)
            case 0x0A: if !previousCR { out.append(contentsOf: "<br>".utf8) }
            default: out.append(c)
            }
            previousCR = c == 0x0D
        }
    }
}
