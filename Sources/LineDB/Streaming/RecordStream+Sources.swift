/// Streams over a table in memory.
extension Database {
    /// The records of `table` one at a time, those `predicate` accepts, at most `limit`: in constant memory,
    /// without collecting them into an array (unlike ``select(_:where:orderBy:descending:offset:limit:)``).
    ///
    /// ```swift
    /// var stream = try db.stream("student", where: { ($0["gpa"]?.doubleValue ?? 0) > 3.5 }, limit: 10)
    /// while let record = try stream.next() { print(record["name"] ?? nil) }
    /// ```
    ///
    /// The stream sees the table as it was when it was made; see ``RecordStream``.
    ///
    /// - Parameters:
    ///   - table: the table's name.
    ///   - predicate: which records to return; `nil` returns all.
    ///   - limit: the most records to return; reading stops there.
    /// - Throws: ``LineDBError/tableNotFound(table:suggestion:)``.
    public func stream(
        _ table: String, where predicate: ((Record) throws -> Bool)? = nil, limit: Int? = nil
    ) throws -> RecordStream<Record> {
        let (schema, snapshot) = try rowSnapshot(table: table)
        return RecordStream(snapshot: snapshot, decode: RowConversion.dynamic(schema), where: predicate, limit: limit)
    }
}

extension RecordTable {
    /// The records one at a time, decoded as they are read, those `predicate` accepts, at most `limit`: in
    /// constant memory, without collecting them into an array.
    ///
    /// ```swift
    /// var honours = try students.stream(where: { $0.gpa >= 3.9 }, limit: 50)
    /// while let student = try honours.next() { print(student.name) }
    /// ```
    ///
    /// The stream sees the table as it was when it was made, and holds no lock while it is read; see
    /// ``RecordStream``.
    ///
    /// - Parameters:
    ///   - predicate: which records to return; `nil` returns all.
    ///   - limit: the most records to return; reading stops there.
    /// - Throws: ``TypedRecordError/cannotDecode(table:key:column:value:reason:)`` from ``RecordStream/next()``.
    public func stream(where predicate: ((R) throws -> Bool)? = nil, limit: Int? = nil) throws -> RecordStream<R> {
        let snapshot = try database.rowSnapshot(binding)
        return RecordStream(
            snapshot: snapshot, decode: RowConversion.typed(binding, R.self), where: predicate, limit: limit)
    }
}

/// Streams straight from a records file.
extension RecordsFileReader {
    /// Opens `data/<table>.records` of the database at `databasePath` for the table of `R`, without opening the
    /// database (no lock, nothing changed; works while another process writes it).
    ///
    /// - Parameters:
    ///   - databasePath: the database directory.
    ///   - type: the record type; its ``TableRecord/tableName`` names the table.
    /// - Throws: ``LineDBError/tableNotFound(table:suggestion:)`` when the schema file is missing.
    public init<R: TableRecord>(databasePath: String, for type: R.Type) throws {
        try self.init(databasePath: databasePath, table: try RecordLayout.of(R.self).schema.name)
    }

    /// The file's records one at a time, those `predicate` accepts, at most `limit`, read in 1 MiB pieces: memory
    /// stays flat whatever the file's size, and reading stops once `limit` records were returned.
    ///
    /// ```swift
    /// let reader = try RecordsFileReader(databasePath: "data/university", table: "student")
    /// var stream = try reader.stream(where: { $0["email"]?.stringValue?.hasSuffix("@uni.edu") == true }, limit: 5)
    /// while let record = try stream.next() { print(record) }
    /// ```
    ///
    /// It reads what the file holds: changes still only in the WAL are not included, and a torn last line is
    /// skipped.
    ///
    /// - Parameters:
    ///   - predicate: which records to return; `nil` returns all.
    ///   - limit: the most records to return; reading stops there.
    /// - Throws: ``LineDBError/corrupt(path:line:column:byteOffset:reason:hint:)`` from ``RecordStream/next()``
    ///   for a line that is not a valid record.
    public func stream(where predicate: ((Record) throws -> Bool)? = nil, limit: Int? = nil) throws -> RecordStream<
        Record
    > {
        RecordStream(
            file: try RecordsFileRowCursor(schema: schema, path: path), decode: RowConversion.dynamic(schema),
            where: predicate, limit: limit)
    }

    /// The file's records decoded as `R`, one at a time; see ``stream(where:limit:)``.
    ///
    /// ```swift
    /// let reader = try RecordsFileReader(databasePath: "data/university", for: Student.self)
    /// var stream = try reader.stream(Student.self, where: { $0.gpa > 3.5 })
    /// while let student = try stream.next() { print(student.name) }
    /// ```
    ///
    /// - Parameters:
    ///   - type: the record type to decode each line as.
    ///   - predicate: which records to return; `nil` returns all.
    ///   - limit: the most records to return; reading stops there.
    /// - Throws: ``TypedRecordError/schemaMismatch(table:path:column:difference:)`` when the file's schema does not
    ///   fit `R`; from ``RecordStream/next()``, decoding errors naming the record and column.
    public func stream<R: TableRecord>(
        _ type: R.Type, where predicate: ((R) throws -> Bool)? = nil, limit: Int? = nil
    ) throws -> RecordStream<R> {
        let layout = try RecordLayout.of(R.self)
        let schemaPath = DatabasePaths(root: Database.parent(of: Database.parent(of: path))).schemaFile(schema.name)
        try SchemaMatch.check(existing: schema, layout: layout, path: schemaPath)
        let binding = RecordBinding(layout: layout, tableSchema: schema)
        return RecordStream(
            file: try RecordsFileRowCursor(schema: schema, path: path), decode: RowConversion.typed(binding, R.self),
            where: predicate, limit: limit)
    }
}
