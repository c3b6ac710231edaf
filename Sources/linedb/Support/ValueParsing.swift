import LineDB

/// Reads command-line values (a KEY, `--set col=value`, `--where col=value`, a `default=`) by the type of their
/// column, with the engine's one parser, ``ColumnType/value(fromText:)`` (the rules are stated there): `null` and
/// the empty text are null, `'""'` is the empty string, bool takes true/false/yes/no/t/f/y/n/1/0, json JSON text.
enum ValueParsing {
    /// Parses `text` as a value of `column` of table `table`; the error names the column and what was expected.
    static func value(_ text: String, for column: Column, table: String) throws(UsageError) -> JSONValue {
        do {
            return try column.type.value(fromText: text)
        } catch {
            throw UsageError("\(table).\(column.name) is \(column.type.rawValue): \(error.description)")
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
