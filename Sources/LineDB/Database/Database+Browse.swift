/// What the terminal browser reads: a table's rows as plain value arrays, in primary-key order, taken under the
/// state lock in one go (no ``Record`` is built per row).
extension Database {
    /// One table as the browser holds it in memory.
    package struct BrowseSnapshot: Sendable {
        /// The table's schema.
        package var schema: TableSchema
        /// The live rows' values in column order, sorted by primary key (file order when there is none).
        package var rows: [[JSONValue]]
        /// The key the next insert without a key would get (integer primary keys), never reused.
        package var nextAutoKey: Int
    }

    /// The rows of `table` in primary-key order, its schema and its next auto key.
    package func browseSnapshot(of table: String) throws(LineDBError) -> BrowseSnapshot {
        let (schema, rows, next) = try state.withLock { () throws(LineDBError) in
            try requireOpen()
            let t = try self.table(table)
            return (t.schema, t.rows.map(\.values), t.nextAutoKey)
        }
        var sorted = rows
        if let pk = schema.primaryKeyIndex,
            !zip(sorted, sorted.dropFirst()).allSatisfy({ JSONValue.compare($0[pk], $1[pk]) < 0 })
        {
            sorted.sort { JSONValue.compare($0[pk], $1[pk]) < 0 }
        }
        return BrowseSnapshot(schema: schema, rows: sorted, nextAutoKey: next)
    }

    /// Every table's name, record count and primary key column's name, sorted by name, under one lock.
    package var browseTableCounts: [(name: String, count: Int, key: String?)] {
        state.withLock { tables.keys.sorted().map { ($0, tables[$0]!.count, tables[$0]!.schema.primaryKey?.name) } }
    }
}
