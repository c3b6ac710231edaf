/// Typed writes. Each is one call of the dynamic API, with its checks, errors and durability.
extension RecordTable {
    /// Inserts `record` and sets it to the record as stored: with its primary key (an `Int?` key that was nil is
    /// assigned from the table's counter) and the defaults of the columns it left nil.
    ///
    /// ```swift
    /// var alice = Student(name: "Alice", email: "alice@university.edu", gpa: 3.8)
    /// let key = try students.insert(&alice)   // alice.id == key.intValue
    /// ```
    ///
    /// - Returns: the primary key.
    /// - Throws: ``LineDBError/duplicateValue(table:column:value:)``, ``LineDBError/notNull(table:column:)``,
    ///   ``LineDBError/typeMismatch(table:column:expected:value:)``,
    ///   ``TypedRecordError/cannotEncode(table:column:reason:)``;
    ///   nothing is changed then, and `record` is left as it was.
    /// > Important: Durable when it returns under ``SyncMode/full`` (the WAL line is synced), as
    /// > ``Database/insert(_:_:)``; in the records file after the next ``Database/save()`` (or at once with
    /// > ``DatabaseOptions/autoSave``).
    @discardableResult
    public func insert(_ record: inout R) throws -> JSONValue {
        let key = try database.insert(name, try encode(record))
        if let stored = try database.typedRow(binding, key: key, as: R.self) { record = stored }
        return key
    }

    /// Inserts `record` and returns it as stored (with its assigned key and defaults); see ``insert(_:)``.
    ///
    /// > Important: Durable when it returns under ``SyncMode/full``.
    public func insertAndFetch(_ record: R) throws -> R {
        var copy = record
        try insert(&copy)
        return copy
    }

    /// Inserts many records in one transaction: all of them or none.
    ///
    /// ```swift
    /// let keys = try students.insert(contentsOf: newStudents)
    /// ```
    ///
    /// - Returns: their primary keys, in order.
    /// - Throws: as ``insert(_:)``; nothing is inserted then.
    /// > Important: Durable when it returns under ``SyncMode/full``: the whole batch is one transaction in the WAL.
    @discardableResult
    public func insert(contentsOf records: some Sequence<R>) throws -> [JSONValue] {
        let encoder = RowEncoder(binding: binding)
        return try database.insertEncoded(name, records) { try encoder.encode($0, into: &$1, shape: &$2) }
    }

    /// Replaces the stored record that has `record`'s primary key with `record`: every column is set, a nil
    /// Optional to null.
    ///
    /// ```swift
    /// alice.gpa = 3.9
    /// try students.update(alice)
    /// ```
    ///
    /// - Returns: the record as stored now.
    /// - Throws: ``LineDBError/recordNotFound(table:key:)`` (also when the record's key is nil), and the errors of
    ///   ``insert(_:)``; nothing is changed then.
    /// > Important: Durable when it returns under ``SyncMode/full``. The records file is rewritten at the next
    /// > save (an update cannot be appended).
    @discardableResult
    public func update(_ record: R) throws -> R {
        let (key, changes) = try binding.changesForUpdate(record)
        return try decode(try database.update(name, key: key, set: changes))
    }

    /// Deletes the stored record that has `record`'s primary key.
    ///
    /// - Throws: ``LineDBError/recordNotFound(table:key:)``.
    /// > Important: Durable when it returns under ``SyncMode/full``.
    public func delete(_ record: R) throws {
        try database.delete(name, key: try key(of: record))
    }

    /// Deletes the record with primary key `key` and returns it.
    ///
    /// - Throws: ``LineDBError/recordNotFound(table:key:)``.
    /// > Important: Durable when it returns under ``SyncMode/full``.
    @discardableResult
    public func delete(key: JSONValue) throws -> R {
        try decode(try database.delete(name, key: key))
    }
}
