/// CSV as LineDB exports and imports it: a header row of column names, then one row per record.
///
/// Writing follows RFC 4180 quoting: a field is quoted when it contains `,` `"` CR or LF or starts or ends with a
/// space or tab; quotes inside are doubled. Rows end with `\n`. Null and the empty string differ, as in
/// PostgreSQL's CSV format: **null is an empty unquoted field**, the empty string the quoted empty field `""`.
/// A string that is the word `null` is quoted too (`"null"`), so it does not read back as null. Other values are
/// written as ``ColumnType/text(for:)`` spells them: numbers as in JSON (`3.0` stays `3.0`), Booleans as
/// `true`/`false`, dates and times as they are, `json` values as compact JSON text.
///
/// Reading goes through one reader of the bytes (``forEachRecord(_:_:)``, written here rather than taken from a
/// CSV library: it must say which fields were quoted and on which line each record starts, refuse `"ab"c` rather
/// than read it as `ab"`, and read a large import without a `String` per field). A quoted field of a `str` column is its text exactly as written (so `""`
/// is the empty string and `"null"` the word); every other field is read by the engine's one parser,
/// ``ColumnType/value(fromText:)``: an empty or `null` field is null, `bool` takes `true`/`false`, `yes`/`no`,
/// `1`/`0`, ..., `json` takes JSON text. Export followed by import gives back the same records.
package enum CSVCodec {
    // MARK: - Writing

    /// Appends one field, quoted when needed (when it holds the `delimiter`, a quote or a line break, or starts or
    /// ends with a space or tab).
    package static func appendField(_ text: String, to out: inout [UInt8], delimiter: UInt8 = UInt8(ascii: ",")) {
        let utf8 = text.utf8
        var needsQuotes = utf8.isEmpty
        if let first = utf8.first, first == 0x20 || first == 0x09 { needsQuotes = true }
        if let last = utf8.last, last == 0x20 || last == 0x09 { needsQuotes = true }
        if !needsQuotes {
            for c in utf8 where c == delimiter || c == UInt8(ascii: "\"") || c == 0x0A || c == 0x0D {
                needsQuotes = true
                break
            }
        }
        guard needsQuotes else {
            out.append(contentsOf: utf8)
            return
        }
        out.append(UInt8(ascii: "\""))
        for c in utf8 {
            if c == UInt8(ascii: "\"") { out.append(c) }
            out.append(c)
        }
        out.append(UInt8(ascii: "\""))
    }

    /// Appends the field for `value` in a column of type `type`: nothing at all for `null`, `""` for the empty
    /// string, otherwise ``ColumnType/text(for:)``'s text, quoted when needed (always for the `str` value `null`).
    package static func appendValue(_ value: JSONValue, type: ColumnType, to out: inout [UInt8],
                                    delimiter: UInt8 = UInt8(ascii: ",")) {
        switch value {
        case .null:
            return
        case .string(let s) where type == .str:
            if s.isEmpty || s == "null" {
                out.append(UInt8(ascii: "\""))
                out.append(contentsOf: s.utf8)
                out.append(UInt8(ascii: "\""))
            } else {
                appendField(s, to: &out, delimiter: delimiter)
            }
        case .bool(let b):
            out.append(contentsOf: (b ? "true" : "false").utf8)
        case .int, .double:
            var w = JSONWriter(reservingCapacity: 32)
            w.write(value)
            out.append(contentsOf: w.bytes)
        default:
            appendField(type.text(for: value), to: &out, delimiter: delimiter)
        }
    }

    /// Appends a whole row (values in column order) and its `\n`; `delimiter` between the fields (a tab for TSV).
    package static func appendRow(_ values: [JSONValue], schema: TableSchema, to out: inout [UInt8],
                                  delimiter: UInt8 = UInt8(ascii: ",")) {
        for (i, column) in schema.columns.enumerated() {
            if i > 0 { out.append(delimiter) }
            appendValue(values[i], type: column.type, to: &out, delimiter: delimiter)
        }
        out.append(0x0A)
    }

    /// Appends the header row.
    package static func appendHeader(_ schema: TableSchema, to out: inout [UInt8],
                                     delimiter: UInt8 = UInt8(ascii: ",")) {
        for (i, column) in schema.columns.enumerated() {
            if i > 0 { out.append(delimiter) }
            appendField(column.name, to: &out, delimiter: delimiter)
        }
        out.append(0x0A)
    }

    // MARK: - Reading

    /// One record of a CSV file: its fields, the (1-based) line it starts on and which fields were quoted.
    package struct Row {
        package var fields: [String]
        package var line: Int
        package var quoted: [Bool]
    }

    /// Why a CSV text could not be read.
    package struct ReadError: Error {
        package var line: Int
        package var message: String
    }

    /// Reads a whole CSV text (UTF-8 bytes, no byte order mark): the header and the records, blank lines skipped,
    /// split by the one CSV reader (``forEachRecord(_:_:)``, RFC 4180).
    package static func read(utf8 bytes: [UInt8]) throws(ReadError) -> (header: [String], rows: [Row]) {
        var header: [String]? = nil
        var rows: [Row] = []
        let outcome: ReadError? = bytes.withUnsafeBufferPointer { b in
            do throws(ReadError) {
                try forEachRecord(b) { line, fields in
                    let texts = fields.map { text(of: $0, in: b) }
                    if header == nil {
                        header = texts
                    } else {
                        rows.append(Row(fields: texts, line: line, quoted: fields.map(\.quoted)))
                    }
                    return true
                }
                return nil
            } catch {
                return error
            }
        }
        if let outcome { throw outcome }
        guard let header else { throw ReadError(line: 1, message: "the file is empty; expected a header row") }
        return (header, rows)
    }


    /// The texts an unquoted field reads as null, compared exactly (byte for byte, so scalar for scalar).
    package struct NullTexts: Sendable {
        private let texts: [[UInt8]]

        /// Null texts from a list.
        package init(_ texts: some Sequence<String>) { self.texts = texts.map { Array($0.utf8) } }

        /// Whether the field's text is one of them.
        @inline(__always)
        package func contains(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
            for text in texts where text.count == b.count {
                if text.withUnsafeBufferPointer({ $0.elementsEqual(b) }) { return true }
            }
            return false
        }
    }

    /// The texts an unquoted field of LineDB's own CSV export reads as null: the empty field and the word `null`
    /// (``appendValue(_:type:to:)`` writes null as an empty unquoted field and quotes the strings `""` and
    /// `"null"`). The default of an import into an existing table; `linedb import --create` reads a file from
    /// elsewhere and has none by default (``TableImportOptions/nullTexts``).
    package static let exportNullTexts = NullTexts(["", "null"])

    /// Converts one field to the value for a column. The one rule of a CSV field's value:
    /// 1. an **unquoted** field whose text is exactly one of `nullTexts` is null (a quoted one never is, as with
    ///    PostgreSQL's `NULL` option: `"NA"` is the text NA);
    /// 2. in a `str` column any other field is its text exactly as written (so `""` is the empty string);
    /// 3. in any other column the field is read by ``ColumnType/value(fromText:)``, where an empty (or blank)
    ///    field and the word `null` are null.
    ///
    /// - Parameter text: the field's text (its doubled quotes made single), as UTF-8.
    /// - Returns: the value, or a message saying what was expected.
    package static func value(
        of text: UnsafeBufferPointer<UInt8>, quoted: Bool, type: ColumnType, nullTexts: NullTexts
    ) -> Result<JSONValue, FieldError> {
        if !quoted && nullTexts.contains(text) { return .success(.null) }
        if type == .str { return .success(.string(String(decoding: text, as: UTF8.self))) }
        do {
            return .success(try type.value(fromUTF8: text))
        } catch {
            return .failure(FieldError(message: error.description))
        }
    }

    /// The same for a field held as a `String`.
    package static func value(
        of field: String, quoted: Bool, type: ColumnType, nullTexts: NullTexts = exportNullTexts
    ) -> Result<JSONValue, FieldError> {
        var field = field
        return field.withUTF8 { value(of: $0, quoted: quoted, type: type, nullTexts: nullTexts) }
    }

    /// Why a field does not fit its column.
    package struct FieldError: Error {
        package var message: String
    }

}
