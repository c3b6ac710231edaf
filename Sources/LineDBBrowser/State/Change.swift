import LineDB

/// One pending (unsaved) change, as the user made it. Saving turns the list into one transaction.
public struct Change: Sendable, Equatable {
    /// What the change does.
    public enum Kind: Sendable, Equatable {
        /// A cell of the record with key `key` changes from `old` to `new`.
        case update(key: JSONValue, column: Int, old: JSONValue, new: JSONValue)
        /// A new record (values in column order, key assigned).
        case insert(row: [JSONValue])
        /// The record is deleted (its values as they were).
        case delete(row: [JSONValue])
    }

    /// The table it changes.
    public var table: String
    /// What it does.
    public var kind: Kind
    /// The column names of the table, to build records.
    public var columns: [String]
    /// The position of the table's primary key.
    public var keyColumn: Int
    /// Changes made by one action (the columns of a record edited in `$EDITOR`) share a group and are undone and
    /// redone together; `nil` for a change of its own.
    public var group: Int?

    /// A change of `table` (whose columns are `columns`, the key at `keyColumn`).
    public init(table: String, kind: Kind, columns: [String], keyColumn: Int) {
        self.table = table
        self.kind = kind
        self.columns = columns
        self.keyColumn = keyColumn
    }

    /// A change of the open table.
    init(_ kind: Kind, in table: TableData) {
        self.init(
            table: table.name, kind: kind, columns: table.schema.columns.map(\.name), keyColumn: table.keyColumn ?? 0)
    }

    /// The record the change writes, as the engine's API takes it.
    func record(of row: [JSONValue]) -> Record {
        var r = Record()
        for (i, name) in columns.enumerated() where i < row.count { r[name] = row[i] }
        return r
    }

    /// The WAL operation this change becomes.
    public var operation: String {
        switch kind {
        case .update: return "UPDATE"
        case .insert: return "INSERT"
        case .delete: return "DELETE"
        }
    }

    /// How many bytes of each value a ``summary`` shows.
    static let summaryValueLimit = 2_000

    /// The key of the record it touches (before the change).
    public var key: JSONValue {
        switch kind {
        case .update(let key, _, _, _): return key
        case .insert(let row), .delete(let row): return keyColumn < row.count ? row[keyColumn] : .null
        }
    }

    /// A one-line view of the change, like the WAL pane shows entries: `UPDATE student id=1 name: "A" → "B"`.
    /// A long value shows its first 2,000 bytes and `…` (a change is one line, drawn at every frame of the preview).
    public var summary: String {
        let key = (keyColumn < columns.count ? columns[keyColumn] : "key") + "=" + ValueText.display(self.key)
        func json(_ value: JSONValue) -> String {
            let (text, more) = ValueText.json(value, limit: Change.summaryValueLimit)
            return more ? text + "…" : text
        }
        switch kind {
        case .update(_, let c, let old, let new):
            return "\(operation) \(table) \(key) \(columns[c]): \(json(old)) → \(json(new))"
        case .insert(let row):
            return "\(operation) \(table) \(key) \(json(.object(record(of: row))))"
        case .delete:
            return "\(operation) \(table) \(key)"
        }
    }
}
