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

    /// The value as compact JSON.
    public static func json(_ value: JSONValue) -> String { JSONWriter.encode(value) }

    /// Whether a value is shown right-aligned.
    static func isNumber(_ value: JSONValue) -> Bool {
        switch value {
        case .int, .double: return true
        default: return false
        }
    }

    /// The text the line editor starts with: empty for `null`, otherwise the text the engine's parser reads back
    /// as the same value (``ColumnType/text(for:)``: strings bare unless they would read as something else, such
    /// as `""` for the empty string; anything else as JSON).
    public static func editText(_ value: JSONValue, type: ColumnType) -> String {
        value.isNull ? "" : type.text(for: value)
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
