import ArgumentParser
import Foundation
import LineDB
import LineDBSQL

/// How `linedb sql` prints results.
enum SQLOutputFormat: String, ExpressibleByArgument, CaseIterable {
    /// Aligned columns, numbers right-aligned, `NULL` for null.
    case table
    /// A header, then one row per result row; null is an empty field, the empty string `""`.
    case csv
    /// One JSON array of objects per statement.
    case json
    /// One JSON object per row.
    case jsonl
}

/// Prints the results of `linedb sql` as they come: each statement's column names, then its rows, in constant
/// memory (the table format measures its widths on the first ``SQLResultPrinter/widthSample`` rows).
final class SQLResultPrinter {
    let format: SQLOutputFormat
    /// Rows the table format holds back to measure column widths; later rows use those widths (a wider value
    /// widens its own line only).
    static let widthSample = 1000

    private var columns: [String] = []
    private var results = 0
    private var rowsInResult = 0
    private var held: [[SQLiteValue]] = []
    private var widths: [Int]?
    private var buffer: [UInt8] = []

    init(format: SQLOutputFormat) { self.format = format }

    /// A statement's result begins.
    func begin(_ columns: [String]) {
        finishResult()
        self.columns = columns
        rowsInResult = 0
        held = []
        widths = nil
        if results > 0 && format != .jsonl { append("\n") }
        results += 1
        switch format {
        case .csv:
            append(Self.csvHeader(columns))
        case .json:
            append("[")
        default: break
        }
    }

    /// One row of the current result.
    func row(_ values: [SQLiteValue]) {
        defer { rowsInResult += 1 }
        switch format {
        case .table:
            if widths == nil {
                held.append(values)
                if held.count >= Self.widthSample { flushHeld() }
            } else {
                append(tableLine(values.map(Self.tableCell), numeric: values.map(Self.isNumber)) + "\n")
            }
        case .csv:
            append(Self.csvLine(values))
        case .json:
            append((rowsInResult == 0 ? "\n  " : ",\n  ") + jsonObject(values))
        case .jsonl:
            append(jsonObject(values) + "\n")
        }
        if buffer.count >= 1 << 16 { flushBuffer() }
    }

    /// Everything is printed.
    func end() {
        finishResult()
        flushBuffer()
        Output.flush()
    }

    private func finishResult() {
        guard results > 0, !columns.isEmpty || rowsInResult > 0 || !held.isEmpty else { return }
        switch format {
        case .table: if widths == nil { flushHeld() }
        case .json: append(rowsInResult == 0 ? "]\n" : "\n]\n")
        default: break
        }
        columns = []
    }

    // MARK: Table

    private func flushHeld() {
        var w = columns.map(TextTable.width)
        for values in held {
            for (i, v) in values.enumerated() where i < w.count { w[i] = max(w[i], TextTable.width(Self.tableCell(v))) }
        }
        widths = w
        let header = columns.map { VisibleText.escaped($0) }
        append(tableLine(header, numeric: header.map { _ in false }) + "\n")
        append(w.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n")
        for values in held { append(tableLine(values.map(Self.tableCell), numeric: values.map(Self.isNumber)) + "\n") }
        held = []
    }

    private func tableLine(_ cells: [String], numeric: [Bool]) -> String {
        var line = ""
        for (i, cell) in cells.enumerated() {
            if i > 0 { line += "  " }
            let pad = String(repeating: " ", count: max((widths?[i] ?? 0) - TextTable.width(cell), 0))
            line += numeric[i] ? pad + cell : cell + (i < cells.count - 1 ? pad : "")
        }
        while line.hasSuffix(" ") { line.removeLast() }
        return line
    }

    private static func isNumber(_ v: SQLiteValue) -> Bool {
        switch v {
        case .integer, .real: return true
        default: return false
        }
    }

    /// A value in the table format: NULL for null (the empty string is an empty cell), text with hidden characters
    /// shown (``VisibleText``), numbers as SQLite's shell writes them.
    static func tableCell(_ v: SQLiteValue) -> String {
        switch v {
        case .null: return "NULL"
        case .integer(let i): return String(i)
        case .real(let d): return realText(d)
        case .text(let s): return VisibleText.escaped(s)
        case .blob(let b): return "<\(b.count) bytes>"
        }
    }

    /// A real as text: the shortest that reads back exactly, with `.0` for whole numbers (as SQLite prints 2.0).
    static func realText(_ d: Double) -> String {
        guard d.isFinite else { return d.isNaN ? "NaN" : (d < 0 ? "-Inf" : "Inf") }
        return "\(d)"
    }

    // MARK: CSV and JSON

    /// A CSV row, as `export --format csv` writes fields (``CSVCodec``): null an empty field, the empty string and
    /// the text `null` quoted.
    private static func csvLine(_ values: [SQLiteValue]) -> String {
        var bytes: [UInt8] = []
        for (i, v) in values.enumerated() {
            if i > 0 { bytes.append(UInt8(ascii: ",")) }
            switch v {
            case .null: break
            case .integer(let n): bytes += String(n).utf8
            case .real(let d): bytes += realText(d).utf8
            case .text(let t): CSVCodec.appendValue(.string(t), type: .str, to: &bytes)
            case .blob(let b): CSVCodec.appendField(base64(b), to: &bytes)
            }
        }
        bytes.append(0x0A)
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func csvHeader(_ names: [String]) -> String {
        var bytes: [UInt8] = []
        for (i, name) in names.enumerated() {
            if i > 0 { bytes.append(UInt8(ascii: ",")) }
            CSVCodec.appendField(name, to: &bytes)
        }
        bytes.append(0x0A)
        return String(decoding: bytes, as: UTF8.self)
    }

    private func jsonObject(_ values: [SQLiteValue]) -> String {
        // Written by hand rather than through a JSONObject: a result may repeat a column name (SELECT a, a).
        var text = "{"
        for (i, v) in values.enumerated() {
            if i > 0 { text += "," }
            text += JSONWriter.encode(.string(i < columns.count ? columns[i] : "column\(i + 1)")) + ":"
            text += JSONWriter.encode(Self.jsonValue(v))
        }
        return Output.terminalSafeJSON(text + "}")
    }

    static func jsonValue(_ v: SQLiteValue) -> JSONValue {
        switch v {
        case .null: return .null
        case .integer(let i): return .int(Int(i))
        case .real(let d): return d.isFinite ? .double(d) : .null
        case .text(let s): return .string(s)
        case .blob(let b): return .string(base64(b))
        }
    }

    private static func base64(_ bytes: [UInt8]) -> String { Data(bytes).base64EncodedString() }

    // MARK: Output

    private func append(_ text: String) { buffer += text.utf8 }

    private func flushBuffer() {
        guard !buffer.isEmpty else { return }
        Output.data(String(decoding: buffer, as: UTF8.self))
        buffer.removeAll(keepingCapacity: true)
    }
}
