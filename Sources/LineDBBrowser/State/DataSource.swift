import LineDB

/// One line of the Tables pane.
public struct TableSummary: Sendable, Equatable {
    /// The table name.
    public var name: String
    /// Its record count.
    public var count: Int
    /// The name of its primary key column (the WAL pane shows each entry's key by it).
    public var keyColumn: String?
    /// Its schema, when the source gives it (the tables pane shows it before the table is opened).
    public var schema: TableSchema?
    /// Why this browser cannot write the table (another process writes it: ``Database/writeRefusal(table:)``), or
    /// `nil`. The tables pane marks such a table with `~`; the status line says `RO` while it is open.
    public var writeRefusal: String?

    /// A summary line.
    public init(name: String, count: Int, keyColumn: String? = nil, schema: TableSchema? = nil) {
        self.name = name
        self.count = count
        self.keyColumn = keyColumn
        self.schema = schema
    }
}

/// Where the browser's state reads tables from: the database, or a stub in tests. Reads only; writes are
/// ``Effect``s that ``BrowserApp`` carries out.
public protocol BrowserDataSource {
    /// Every table with its record count, sorted by name.
    func tableSummaries() -> [TableSummary]
    /// A table's schema and rows in primary-key order.
    func loadTable(_ name: String) throws -> TableData
}

extension Database: BrowserDataSource {
    /// The tables and their counts, under one lock, and their schemas.
    public func tableSummaries() -> [TableSummary] {
        browseTableCounts.map {
            var summary = TableSummary(name: $0.name, count: $0.count, keyColumn: $0.key, schema: try? schema(of: $0.name))
            summary.writeRefusal = isReadOnly ? nil : writeRefusal(table: $0.name)
            return summary
        }
    }

    /// The table's rows in key order (``Database/browseSnapshot(of:)``).
    public func loadTable(_ name: String) throws -> TableData {
        let snapshot = try browseSnapshot(of: name)
        return TableData(schema: snapshot.schema, rows: snapshot.rows, nextAutoKey: snapshot.nextAutoKey)
    }
}
