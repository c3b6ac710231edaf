/// Typed writes inside ``Database/transaction(_:)``: several records, of one table or several, committed together
/// or not at all.
///
/// ```swift
/// try db.transaction { tx in
///     var course = Course(code: "CS101")
///     try tx.insert(&course)
///     var enrolment = Enrolment(studentID: alice.id!, courseID: course.id!)
///     try tx.insert(&enrolment)
/// }
/// ```
///
/// The type's table must exist (``Database/register(_:)`` it first). Reads through the transaction see its own
/// writes.
///
/// > Important: Durable when ``Database/transaction(_:)`` returns under ``SyncMode/full``; if the closure throws,
/// > every write it made is undone.
extension Transaction {
    /// Inserts `record` and sets it to the record as stored (with its assigned key); see
    /// ``RecordTable/insert(_:)``.
    ///
    /// - Returns: the primary key.
    /// - Throws: the errors of ``RecordTable/insert(_:)``; the transaction is undone if the closure lets it
    ///   escape.
    /// > Important: Durable when ``Database/transaction(_:)`` returns under ``SyncMode/full``, with the
    /// > transaction's other writes.
    @discardableResult
    public func insert<R: TableRecord>(_ record: inout R) throws -> JSONValue {
        let binding = try RecordBinding.ofLayout(R.self)
        let key = try insert(binding.table, try RowEncoder(binding: binding).encode(record))
        if let stored = try get(binding.table, key: key) {
            record = try RowDecoder(binding: binding).decode(binding.values(of: stored), as: R.self)
        }
        return key
    }

    /// Replaces the stored record with `record`'s key by `record`; see ``RecordTable/update(_:)``.
    ///
    /// - Returns: the record as stored now.
    /// - Throws: ``LineDBError/recordNotFound(table:key:)`` and the errors of ``RecordTable/insert(_:)``.
    /// > Important: Durable when ``Database/transaction(_:)`` returns under ``SyncMode/full``.
    @discardableResult
    public func update<R: TableRecord>(_ record: R) throws -> R {
        let binding = try RecordBinding.ofLayout(R.self)
        let (key, changes) = try binding.changesForUpdate(record)
        let stored = try update(binding.table, key: key, set: changes)
        return try RowDecoder(binding: binding).decode(binding.values(of: stored), as: R.self)
    }

    /// Deletes the stored record with `record`'s key.
    ///
    /// - Throws: ``LineDBError/recordNotFound(table:key:)``.
    /// > Important: Durable when ``Database/transaction(_:)`` returns under ``SyncMode/full``.
    public func delete<R: TableRecord>(_ record: R) throws {
        let binding = try RecordBinding.ofLayout(R.self)
        let key = try binding.key(of: record)
        try delete(binding.table, key: key)
    }

    /// The record of type `R` with primary key `key`, as the transaction sees it (its own writes included).
    ///
    /// - Throws: ``TypedRecordError/cannotDecode(table:key:column:value:reason:)``.
    public func get<R: TableRecord>(_ type: R.Type, key: JSONValue) throws -> R? {
        let binding = try RecordBinding.ofLayout(R.self)
        guard let stored = try get(binding.table, key: key) else { return nil }
        return try RowDecoder(binding: binding).decode(binding.values(of: stored), as: R.self)
    }
}

extension RecordBinding {
    /// The binding of `R` to the table its own layout describes (records are exchanged by column name, so the
    /// table's column order does not matter).
    static func ofLayout<R: TableRecord>(_ type: R.Type) throws -> RecordBinding {
        let layout = try RecordLayout.of(R.self)
        return RecordBinding(layout: layout, tableSchema: layout.schema)
    }
}

extension RecordBinding {
    /// `record` as a dynamic ``Record``: the columns it gives, a nil Optional left out.
    func encode<R: TableRecord>(_ record: R) throws -> Record {
        try RowEncoder(binding: self).encode(record)
    }

    /// The primary-key value of `record` as stored (`.null` for a nil `Int?` key).
    func key<R: TableRecord>(of record: R) throws -> JSONValue {
        guard let pk = tableSchema.primaryKey else { return .null }
        return try encode(record)[pk.name] ?? .null
    }

    /// The key and the full set of columns an update writes (a nil Optional becomes null).
    func changesForUpdate<R: TableRecord>(_ record: R) throws -> (JSONValue, Record) {
        var changes = try encode(record)
        let key = tableSchema.primaryKey.flatMap { changes[$0.name] } ?? .null
        if key.isNull { throw LineDBError.recordNotFound(table: table, key: "null (the record has no key yet)") }
        for column in names where changes[column] == nil { changes[column] = .null }
        return (key, changes)
    }
}
