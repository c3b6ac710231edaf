/// Reading records.
extension Database {
    /// The names of the tables, sorted.
    public var tableNames: [String] {
        state.withLockOrHeld { tables.sortedKeys }
    }

    /// The schema of a table.
    ///
    /// - Parameter table: the table's name.
    /// - Throws: ``LineDBError/tableNotFound(table:suggestion:)``, with a close name as suggestion.
    public func schema(of table: String) throws(LineDBError) -> TableSchema {
        try state.withLock { () throws(LineDBError) in try self.table(table).schema }
    }

    /// The number of records in a table, unsaved changes included.
    ///
    /// - Parameter table: the table's name.
    /// - Throws: ``LineDBError/tableNotFound(table:suggestion:)``.
    public func count(_ table: String) throws(LineDBError) -> Int {
        try state.withLock { () throws(LineDBError) in try self.table(table).count }
    }

    /// The record with primary key `key`, found in O(1); `nil` when there is none.
    ///
    /// ```swift
    /// if let alice = try db.get("student", key: 1) { print(alice["name"]!) }
    /// ```
    ///
    /// - Parameters:
    ///   - table: the table's name.
    ///   - key: a primary key.
    /// - Throws: ``LineDBError/tableNotFound(table:suggestion:)``.
    public func get(_ table: String, key: JSONValue) throws(LineDBError) -> Record? {
        try state.withLock { () throws(LineDBError) in
            let t = try self.table(table)
            return t.row(forKey: key).map(t.record)
        }
    }

    /// The records whose `column` equals `value`. O(1) for the primary key and UNIQUE columns, a scan otherwise.
    ///
    /// ```swift
    /// let alice = try db.find("student", where: "email", equals: "alice@university.edu").first
    /// ```
    ///
    /// - Parameters:
    ///   - table: the table's name.
    ///   - column: the column to compare.
    ///   - value: the value wanted (normalised to the column's type first).
    /// - Returns: the matching records in file (insertion) order.
    /// - Throws: ``LineDBError/tableNotFound(table:suggestion:)``,
    ///   ``LineDBError/unknownColumn(table:column:suggestion:)``.
    public func find(_ table: String, where column: String, equals value: JSONValue) throws(LineDBError) -> [Record] {
        try state.withLock { () throws(LineDBError) in
            let t = try self.table(table)
            guard let c = t.schema.index(of: column) else {
                throw .unknownColumn(
                    table: table, column: column, suggestion: Suggest.closest(column, in: t.schema.columns.map(\.name)))
            }
            let wanted = (try? t.normalize(value, column: c)) ?? value
            if t.schema.columns[c].isIndexed && !wanted.isNull {
                guard let slot = t.slot(column: c, equals: wanted), let row = t.slots[slot] else { return [] }
                return [t.record(row)]
            }
            return t.rows.filter { $0.values[c] == wanted }.map(t.record)
        }
    }

    /// Records of a table: all of them, or those `predicate` accepts; in file (insertion) order, or sorted by a
    /// column; from `offset`, at most `limit`.
    ///
    /// ```swift
    /// let best = try db.select("student", where: { ($0["gpa"]?.doubleValue ?? 0) > 3.5 },
    ///                          orderBy: "gpa", descending: true, limit: 10)
    /// ```
    ///
    /// Sorting uses ``JSONValue/compare(_:_:)``: `null` < `false` < `true` < numbers < strings < arrays < objects.
    /// To read a table without building an array, see <doc:Streaming>.
    ///
    /// The table is read as it is when the call starts (a snapshot taken in O(1)); `predicate` and the sort run
    /// without holding the database, so `predicate` may itself read and write it.
    ///
    /// - Parameters:
    ///   - table: the table's name.
    ///   - predicate: which records to keep; `nil` keeps all.
    ///   - column: the column to sort by; `nil` keeps file (insertion) order.
    ///   - descending: sort from largest to smallest.
    ///   - offset: how many matching records to skip.
    ///   - limit: the most records to return; `nil` for all.
    /// - Returns: the records, in order.
    /// - Throws: ``LineDBError/tableNotFound(table:suggestion:)``,
    ///   ``LineDBError/unknownColumn(table:column:suggestion:)``, or what `predicate` throws.
    public func select(
        _ table: String, where predicate: ((Record) throws -> Bool)? = nil, orderBy column: String? = nil,
        descending: Bool = false, offset: Int = 0, limit: Int? = nil
    ) throws -> [Record] {
        let (schema, snapshot) = try rowSnapshot(table: table)
        var orderIndex: Int? = nil
        if let column {
            guard let c = schema.index(of: column) else {
                throw LineDBError.unknownColumn(
                    table: table, column: column, suggestion: Suggest.closest(column, in: schema.columns.map(\.name)))
            }
            orderIndex = c
        }
        var out: [Record] = []
        var skipped = 0
        func visit(_ row: Row) throws -> Bool {
            if let limit, out.count >= limit { return false }
            let record = TableState.record(row, schema: schema)
            if let predicate, try !predicate(record) { return true }
            if skipped < offset {
                skipped += 1
            } else {
                out.append(record)
            }
            return true
        }
        try snapshot.forEachRow(orderBy: orderIndex, descending: descending, visit)
        return out
    }
}
