import LineDB

/// The WAL pane's filter: a table, an operation and a key, each optional (`student op=delete key=7`).
public struct WALFilter: Sendable, Equatable {
    /// The text typed.
    public var text: String
    public var table: String?
    /// The operation, as written in the log (`DELETE`).
    public var operation: String?
    /// The key as text (`7`, `T1`).
    public var key: String?

    /// Parses the filter's text: words separated by spaces, each `op=OPERATION`, `key=KEY`, `table=TABLE` or a
    /// bare table name. `nil` for empty text (no filter).
    /// - Throws: a ``BrowserError`` naming the word that is wrong.
    static func parse(_ text: String) throws(BrowserError) -> WALFilter? {
        var filter = WALFilter(text: text)
        let words = text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        if words.isEmpty { return nil }
        let operations = ["INSERT", "UPDATE", "DELETE", "CREATE_TABLE", "DROP_TABLE", "COMMIT", "CHECKPOINT"]
        for word in words {
            guard let eq = word.firstIndex(of: "=") else {
                filter.table = word
                continue
            }
            let field = word[..<eq].lowercased()
            let value = String(word[word.index(after: eq)...])
            guard !value.isEmpty else {
                throw .message("WAL filter: \"\(VisibleText.escaped(word))\" has no value after =")
            }
            switch field {
            case "op", "operation":
                let op = value.uppercased()
                guard operations.contains(op) else {
                    throw .message("WAL filter: unknown operation \"\(VisibleText.escaped(value))\" (op= "
                        + operations.map { $0.lowercased() }.joined(separator: ", ") + ")")
                }
                filter.operation = op
            case "key": filter.key = value
            case "table": filter.table = value
            default:
                throw .message("WAL filter: unknown field \"\(VisibleText.escaped(String(word[..<eq])))\" "
                    + "(TABLE, table=, op=, key=)")
            }
        }
        return filter
    }

    /// Whether `entry` is shown; `keyColumn`: its table's primary key column.
    func matches(_ entry: WALEntry, keyColumn: String?) -> Bool {
        if let table, !(entry.table.map { String.exactlyEqual($0, table) } ?? false) { return false }
        if let operation, entry.operation.uppercased() != operation { return false }
        if let key {
            guard let value = WALFilter.key(of: entry, keyColumn: keyColumn) else { return false }
            if case .string(let s) = value { return String.exactlyEqual(s, key) }
            return ValueText.json(value) == key
        }
        return true
    }

    /// The key of the record an entry writes or deletes: its `keyColumn` field, else its record's first field.
    static func key(of entry: WALEntry, keyColumn: String?) -> JSONValue? {
        guard let record = entry.record.objectValue ?? entry.oldRecord.objectValue else { return nil }
        if let keyColumn { return record[keyColumn] }
        return record.values.first
    }
}
