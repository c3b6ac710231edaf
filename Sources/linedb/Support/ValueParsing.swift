import LineDB

/// Reads command-line values (a KEY, `--set col=value`, `--where col=value`, a `default=`) by the type of their
/// column: `int`, `float`, `bool` (`true`/`false`/`1`/`0`), `str` (as written; a JSON string literal such as
/// `'"null"'` is decoded), `date`/`datetime` (ISO 8601), `json` (any JSON text). `null` is null in every type.
enum ValueParsing {
    /// Parses `text` as a value of `column` of table `table`; the error names the column and what was expected.
    static func value(_ text: String, for column: Column, table: String) throws(UsageError) -> JSONValue {
        let name = "\(table).\(column.name)"
        if text == "null" { return .null }
        switch column.type {
        case .int:
            guard let i = Int(text) else { throw UsageError("\(name) is int: '\(text)' is not an integer") }
            return .int(i)
        case .float:
            guard let d = Double(text), d.isFinite else {
                throw UsageError("\(name) is float: '\(text)' is not a number")
            }
            return .double(d)
        case .bool:
            switch text.lowercased() {
            case "true", "1": return .bool(true)
            case "false", "0": return .bool(false)
            default: throw UsageError("\(name) is bool: '\(text)' is not true or false")
            }
        case .str:
            if text.count >= 2, text.hasPrefix("\""), text.hasSuffix("\""),
                case .string(let s)? = try? JSONParser.parse(text)
            {
                return .string(s)
            }
            return .string(text)
        case .date, .datetime:
            guard let v = column.type.normalize(.string(text)) else {
                let example = column.type == .date ? "2026-01-22" : "2026-01-22T20:31:17"
                throw UsageError("\(name) is \(column.type.rawValue): '\(text)' is not ISO 8601 (e.g. \(example))")
            }
            return v
        case .json:
            do {
                return try JSONParser.parse(text)
            } catch {
                throw UsageError(
                    "\(name) is json: '\(text)' is not valid JSON (\(error.message); quote text as '\"text\"')")
            }
        }
    }

    /// Parses a primary-key argument by the type of the table's key column.
    static func key(_ text: String, schema: TableSchema) throws(UsageError) -> JSONValue {
        guard let pk = schema.primaryKey else {
            throw UsageError("table '\(schema.name)' has no primary key, so its records cannot be named by KEY")
        }
        let key = try value(text, for: pk, table: schema.name)
        if key.isNull { throw UsageError("\(schema.name).\(pk.name) is the primary key: it cannot be null") }
        return key
    }

    /// Parses `col=value` for table `schema`: the column must exist (with a did-you-mean) and the value fit it.
    static func assignment(_ text: String, schema: TableSchema, option: String) throws(UsageError)
        -> (Column, JSONValue)
    {
        guard let eq = text.firstIndex(of: "=") else {
            throw UsageError("\(option) '\(text)': expected column=value")
        }
        let name = String(text[..<eq])
        guard let column = schema.column(named: name) else {
            let suggestion = Suggest.closest(name, in: schema.columns.map(\.name))
            throw UsageError(
                "\(option) '\(text)': table '\(schema.name)' has no column '\(name)'"
                    + (suggestion.map { " (did you mean '\($0)'?)" } ?? ""))
        }
        return (column, try value(String(text[text.index(after: eq)...]), for: column, table: schema.name))
    }
}
