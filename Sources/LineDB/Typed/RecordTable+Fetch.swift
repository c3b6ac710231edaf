/// Typed reads: decoded straight from the table's rows in memory.
extension RecordTable {
    /// Every record, in insertion order (the order of the records file).
    ///
    /// ```swift
    /// for student in try students.all() { print(student.name) }
    /// ```
    ///
    /// - Throws: ``TypedRecordError/cannotDecode(table:key:column:value:reason:)`` naming the record and column
    ///   that cannot become an `R` (a null in a column whose property is not Optional, say).
    public func all() throws -> [R] {
        try database.typedRows(binding, where: nil, orderIndex: nil, descending: false, offset: 0, limit: nil)
    }

    /// The record with primary key `key`, found in O(1); `nil` when there is none.
    public func get(_ key: JSONValue) throws -> R? {
        try database.typedRow(binding, key: key, as: R.self)
    }

    /// The record with integer primary key `key`.
    public func get(_ key: Int) throws -> R? { try get(.int(key)) }

    /// The record with string primary key `key`.
    public func get(_ key: String) throws -> R? { try get(.string(key)) }

    /// The records whose `column` equals `value` (encoded as the column stores it: a `Date` as its ISO text).
    /// O(1) for the primary key and UNIQUE columns, a scan otherwise.
    ///
    /// ```swift
    /// let seniors = try students.find("year", equals: 4)
    /// ```
    ///
    /// - Throws: ``LineDBError/unknownColumn(table:column:suggestion:)``.
    public func find(_ column: String, equals value: some Encodable) throws -> [R] {
        let found: [R] = try database.typedRows(
            binding, column: column, equals: try comparable(value, column), limit: nil)
        return found
    }

    /// The records whose column `key` equals `value`; see `find(_:equals:)` with a column name.
    public func find(_ key: some CodingKey, equals value: some Encodable) throws -> [R] {
        try find(key.stringValue, equals: value)
    }

    /// The first record whose `column` equals `value`: the lookup by a UNIQUE column, in O(1).
    ///
    /// ```swift
    /// let alice = try students.first("email", equals: "alice@university.edu")
    /// ```
    public func first(_ column: String, equals value: some Encodable) throws -> R? {
        let found: [R] = try database.typedRows(
            binding, column: column, equals: try comparable(value, column), limit: 1)
        return found.first
    }

    /// The first record whose column `key` equals `value`; see `first(_:equals:)` with a column name.
    public func first(_ key: some CodingKey, equals value: some Encodable) throws -> R? {
        try first(key.stringValue, equals: value)
    }

    /// The records `predicate` accepts, in insertion order or sorted by a column, from `offset`, at most `limit`.
    ///
    /// ```swift
    /// let best = try students.fetch(where: { $0.gpa > 3.5 }, orderBy: "gpa", descending: true, limit: 10)
    /// ```
    ///
    /// Sorting is by the stored values (numbers numerically, strings by code point, null first). Every record is
    /// decoded to be tested; for a large table read in constant memory, see ``stream(where:limit:)``.
    ///
    /// - Throws: ``LineDBError/unknownColumn(table:column:suggestion:)`` for `orderBy`; what `predicate` throws;
    ///   ``TypedRecordError/cannotDecode(table:key:column:value:reason:)``.
    public func fetch(
        where predicate: ((R) throws -> Bool)? = nil, orderBy column: String? = nil, descending: Bool = false,
        offset: Int = 0, limit: Int? = nil
    ) throws -> [R] {
        let orderIndex = try column.map { (c) throws(LineDBError) in try columnIndex(c) }
        return try database.typedRows(
            binding, where: predicate, orderIndex: orderIndex, descending: descending, offset: offset, limit: limit)
    }

    /// A Swift value as the column `column` stores it.
    private func comparable(_ value: some Encodable, _ column: String) throws -> JSONValue {
        let c = try columnIndex(column)
        if let special = SpecialValues.encode(value, dateOnly: binding.tableSchema.columns[c].type == .date) {
            return special
        }
        return try ValueEncoder.encode(value, codingPath: [NameKey(column)])
    }
}
