import LineDB

/// How values look in the grid and in the editor, and how typed text becomes a value of a column's type.
public enum ValueText {
    /// The grid's text for a value: strings bare, numbers as JSON, `null` as `null` (styled apart by the
    /// renderer); control and bidirectional formatting characters shown visibly, as ``VisibleText`` does
    /// everywhere.
    public static func display(_ value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .string(let s): return VisibleText.escaped(s)
        default: return VisibleText.escaped(JSONWriter.encode(value))
        }
    }

    /// How a cell shows null (dim, in the null style): never the same as a text, so null and `""` (an empty cell)
    /// and the word `null` are told apart in the grid and every view made of cells.
    public static let nullGlyph = "∅"

    /// The value as compact JSON.
    public static func json(_ value: JSONValue) -> String { JSONWriter.encode(value) }

    /// A cell's text: ``display(_:)`` cut to `width` columns (an ellipsis at the cut), in time proportional to
    /// `width`: of a long string or a large JSON value only the part that can show is converted and measured.
    /// Null is ``nullGlyph``; the empty string is an empty cell.
    public static func display(_ value: JSONValue, width: Int) -> String {
        let budget = DisplayWidth.scalarBudget(forWidth: width)
        switch value {
        case .null: return DisplayWidth.clip(nullGlyph, to: width)
        case .string(let s):
            let (head, more) = DisplayWidth.head(s, scalars: budget)
            return DisplayWidth.clip(VisibleText.escaped(head), to: width, more: more)
        case .array, .object:
            let (text, more) = json(value, limit: budget)
            return DisplayWidth.clip(VisibleText.escaped(text), to: width, more: more)
        default:
            return DisplayWidth.clip(display(value), to: width)
        }
    }

    /// The compact JSON of `value` cut after `limit` UTF-8 bytes (at a character boundary), and whether it was
    /// cut; costs in proportion to `limit`, whatever the size of the value.
    public static func json(_ value: JSONValue, limit: Int) -> (text: String, more: Bool) {
        var writer = JSONWriter(reservingCapacity: min(limit, 1024) + 16)
        var more = !write(value, into: &writer, limit: limit)
        var bytes = writer.bytes
        if bytes.count > limit {
            more = true
            var end = max(0, limit)
            while end > 0 && bytes[end] & 0xC0 == 0x80 { end -= 1 }  // not inside a UTF-8 sequence
            bytes.removeSubrange(end...)
        }
        return (String(decoding: bytes, as: UTF8.self), more)
    }

    /// Writes `value` until `writer` holds more than `limit` bytes; `false` when it stopped before the end.
    private static func write(_ value: JSONValue, into writer: inout JSONWriter, limit: Int) -> Bool {
        func string(_ s: String) -> Bool {
            let (head, more) = DisplayWidth.head(s, scalars: max(0, limit - writer.bytes.count) + 1)
            writer.writeString(head)
            return !more
        }
        switch value {
        case .string(let s): return string(s) && writer.bytes.count <= limit
        case .array(let elements):
            writer.writeRaw("[")
            for (i, element) in elements.enumerated() {
                if i > 0 { writer.writeRaw(",") }
                if writer.bytes.count > limit || !write(element, into: &writer, limit: limit) { return false }
            }
            writer.writeRaw("]")
        case .object(let object):
            writer.writeRaw("{")
            for (i, (key, member)) in zip(object.keys, object.values).enumerated() {
                if i > 0 { writer.writeRaw(",") }
                if writer.bytes.count > limit || !string(key) { return false }
                writer.writeRaw(":")
                if !write(member, into: &writer, limit: limit) { return false }
            }
            writer.writeRaw("}")
        default: writer.write(value)
        }
        return writer.bytes.count <= limit
    }

    /// Whether a value is shown right-aligned.
    static func isNumber(_ value: JSONValue) -> Bool {
        switch value {
        case .int, .double: return true
        default: return false
        }
    }

    /// The text the line editor starts with: empty for `null` (the editor then holds null, ``editor(for:type:)``)
    /// and for the empty string in a `str` column, otherwise the text the engine's parser reads back as the same
    /// value (``ColumnType/text(for:)``: strings bare unless they would read as something else, such as `"null"`
    /// for the word null; anything else as JSON).
    public static func editText(_ value: JSONValue, type: ColumnType) -> String {
        if value.isNull || (type == .str && value == .string("")) { return "" }
        return type.text(for: value)
    }

    /// A line editor on `value`: its ``editText(_:type:)``, holding null when the value is null.
    public static func editor(for value: JSONValue, type: ColumnType) -> LineEditor {
        var editor = LineEditor(editText(value, type: type))
        editor.isNull = value.isNull
        return editor
    }

    /// Reads what a cell editor or a field of the add form holds: null when it holds null (``LineEditor/isNull``,
    /// Ctrl-N); in a `str` column the empty text is the empty string `""`; anything else by
    /// ``parse(_:for:)`` (where the empty text of other types is null: they have no empty value).
    public static func parse(_ editor: LineEditor, for column: Column) -> Result<JSONValue, BrowserError> {
        if editor.isNull { return .success(.null) }
        if column.type == .str && editor.text.isEmpty { return .success(.string("")) }
        return parse(editor.string, for: column)
    }

    /// Parses typed text for a column with the engine's one parser (``ColumnType/value(fromText:)``: empty text
    /// and `null` are null, `""` is the empty string, ...). Returns the value or the reason it is refused (naming
    /// the column).
    public static func parse(_ text: String, for column: Column) -> Result<JSONValue, BrowserError> {
        do {
            return .success(try column.type.value(fromText: text))
        } catch {
            return .failure(.refused(column: column.name, reason: error.description))
        }
    }

    static func expectation(_ type: ColumnType) -> String {
        switch type {
        case .int: return "an int"
        case .float: return "a float"
        case .str: return "text"
        case .bool: return "a bool (true/false)"
        case .datetime: return "a datetime (ISO 8601, e.g. 2026-01-22T20:31:17)"
        case .date: return "a date (ISO 8601, e.g. 2026-01-22)"
        case .json: return "JSON"
        }
    }
}

/// Why the browser refused something; ``description`` is the message shown.
public enum BrowserError: Error, Equatable, CustomStringConvertible {
    case refused(column: String, reason: String)
    case message(String)

    public var description: String {
        switch self {
        case .refused(let column, let reason): return "\(column): \(reason)"
        case .message(let text): return text
        }
    }
}

extension String {
    func trimmingCharacters(in set: Character) -> String {
        var s = Substring(self)
        while s.first == set { s.removeFirst() }
        while s.last == set { s.removeLast() }
        return String(s)
    }
}
