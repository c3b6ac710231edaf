#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Creating and dropping tables.
extension Database {
    /// Creates a table. Its schema file is written at once, durably, and the creation is logged as `CREATE_TABLE`
    /// (with the whole schema, so recovery can rebuild a lost schema file).
    ///
    /// Every table LineDB creates has a primary key: when `schema` names none, an integer `id` primary key is
    /// added as the first column (the returned schema shows it).
    ///
    /// ```swift
    /// try db.createTable(TableSchema("course", columns: [
    ///     Column("id", .int, primaryKey: true),
    ///     Column("code", .str, nullable: false, unique: true),
    /// ]))
    /// ```
    ///
    /// - Parameter schema: the table's name and columns.
    /// - Returns: the schema as created.
    /// - Throws: ``LineDBError/tableExists(table:)``, ``LineDBError/invalidSchema(path:reason:)`` (also for a
    ///   column name holding a control or bidirectional formatting character: ``TableSchema/nameProblem``),
    ///   ``LineDBError/readOnly(reason:)``.
    /// > Important: Durable when it returns, whatever the sync mode: the `CREATE_TABLE` line is synced, and the
    /// > schema file and an empty records file are written by durable replace.
    @discardableResult
    public func createTable(_ schema: TableSchema) throws(LineDBError) -> TableSchema {
        if let problem = schema.nameProblem { throw .invalidSchema(path: nil, reason: problem) }
        let final = try Database.withImplicitKey(schema)
        try state.withLock { () throws(LineDBError) in
            try requireWritable()
            let appending = try beginWALAppend()  // table writers: WALAppendLock.swift
            defer { endWALAppend(appending) }
            if tables[final.name] != nil { throw .tableExists(table: final.name) }
            if let reason = tableLockRefusal(final.name) { throw .readOnly(reason: reason) }
            let batch = WriteBatch(
                wal: wal, isTransaction: false, maxLineBytes: options.maxLineBytes, clock: options.clock)
            try batch.logTableOperation(.createTable, name: final.name, record: .object(final.jsonObject))
            if let lsn = try batch.commit() {
                walEntryCount += 1
                try wal!.waitDurable(lsn)
            }
            let t = TableState(schema: final)
            _ = t.buildUniqueIndexes()
            tables[final.name] = t
            pendingFileRemovals.remove(final.name)
            if let paths {
                // The creation is durable in the WAL: from here on it has happened. If writing the files fails,
                // the next save writes them (and a reopen recreates them from the WAL).
                pendingSchemaWrites.insert(final.name)
                t.needsRewrite = true
                do throws(LineDBError) {
                    try io.durableReplace(paths.schemaFile(final.name), contents: final.fileContents)
                    try io.durableReplace(paths.recordsFile(final.name), contents: [])
                } catch {
                    return
                }
                do throws(LineDBError) {
                    try io.syncDirectory(paths.schemaDir)
                    try io.syncDirectory(paths.dataDir)
                } catch {
                    wal?.setPoison("syncing the directories after creating '\(final.name)' failed: \(error); reopen the database")
                    return
                }
                pendingSchemaWrites.remove(final.name)
                t.needsRewrite = false
            }
        }
        return final
    }

    /// Drops a table and its records. Logged as `DROP_TABLE`; the files are removed at once.
    ///
    /// - Parameter name: the table's name.
    /// - Throws: ``LineDBError/tableNotFound(table:suggestion:)``, ``LineDBError/readOnly(reason:)``.
    /// > Important: Durable when it returns, whatever the sync mode. Archived WAL files still hold the table's
    /// > history.
    public func dropTable(_ name: String) throws(LineDBError) {
        try state.withLock { () throws(LineDBError) in
            try requireWritable()
            let appending = try beginWALAppend()  // table writers: WALAppendLock.swift
            defer { endWALAppend(appending) }
            _ = try table(name)
            if let reason = tableLockRefusal(name) { throw .readOnly(reason: reason) }
            if let paths, let reason = writeProtection(of: name, paths: paths) { throw .readOnly(reason: reason) }
            let batch = WriteBatch(
                wal: wal, isTransaction: false, maxLineBytes: options.maxLineBytes, clock: options.clock)
            try batch.logTableOperation(.dropTable, name: name, record: .null)
            if let lsn = try batch.commit() {
                walEntryCount += 1
                try wal!.waitDurable(lsn)
            }
            tables.removeValue(forKey: name)
            pendingSchemaWrites.remove(name)
            if paths != nil {
                // The drop is durable in the WAL: from here on it has happened; files that cannot be removed now
                // are removed by the next save (and a reopen drops the table again from the WAL).
                pendingFileRemovals.insert(name)
                do throws(LineDBError) {
                    try removeDroppedFiles()
                } catch {
                    if case .io(let op, _, _) = error, op.hasPrefix("fsync") {
                        wal?.setPoison("syncing the directories after dropping '\(name)' failed: \(error); reopen the database")
                    }
                }
            }
        }
    }

    /// Removes the files of dropped tables (state lock held).
    func removeDroppedFiles() throws(LineDBError) {
        guard let paths, !pendingFileRemovals.isEmpty else { return }
        for name in pendingFileRemovals.sorted() {
            for file in [paths.recordsFile(name), paths.gzipRecordsFile(name), paths.schemaFile(name)]
            where io.stat(file) != nil {
                try io.unlink(file)
            }
        }
        try io.syncDirectory(paths.dataDir)
        try io.syncDirectory(paths.schemaDir)
        pendingFileRemovals.removeAll()
    }

    /// Adds an integer `id` primary key when the schema has none.
    static func withImplicitKey(_ schema: TableSchema) throws(LineDBError) -> TableSchema {
        if schema.primaryKeyIndex != nil { return schema }
        if schema.index(of: "id") != nil {
            throw .invalidSchema(
                path: nil, reason: "table '\(schema.name)' has a column 'id' but no primary key; mark one column as the primary key")
        }
        var s = try TableSchema(
            name: schema.name, columns: [Column("id", .int, primaryKey: true)] + schema.columns,
            createdAt: schema.createdAt, extra: schema.extra, path: nil)
        s.createdAt = schema.createdAt
        return s
    }
}
