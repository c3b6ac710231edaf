/// Inserts, updates, deletes and transactions.
extension Database {
    /// Inserts a record and returns its primary key.
    ///
    /// An integer primary key that the record does not give is assigned from the table's counter (never reused,
    /// also across crashes, and never wrapped: once a record has the key `Int.max`, an insert without a key is
    /// refused). Missing columns get their default, or `null`.
    ///
    /// ```swift
    /// let id = try db.insert("student", ["name": "Alice", "email": "alice@university.edu"])
    /// ```
    ///
    /// - Parameters:
    ///   - table: the table's name.
    ///   - record: column name to value; values are checked against the column types (an `int` in a `float`
    ///     column is stored as a float).
    /// - Returns: the record's primary key.
    /// - Throws: ``LineDBError/typeMismatch(table:column:expected:value:)``, ``LineDBError/notNull(table:column:)``,
    ///   ``LineDBError/duplicateValue(table:column:value:)``, ``LineDBError/unknownColumn(table:column:suggestion:)``,
    ///   ``LineDBError/tableNotFound(table:suggestion:)``, ``LineDBError/readOnly(reason:)``;
    ///   ``LineDBError/invalidInput(reason:)`` naming the table and column for a value that could not be read back
    ///   from every file (`NaN` or `Infinity`, or arrays and objects nested more than 500 levels), for a record
    ///   larger than ``DatabaseOptions/maxLineBytes`` as JSON, and when automatic keys are exhausted; nothing is
    ///   changed then. See <doc:DurabilityAndRecovery>.
    /// > Important: Durable when it returns under ``SyncMode/full``: the WAL line is synced. Under
    /// > ``SyncMode/normal`` it survives a crash of the process and reaches the disk within 100 ms; under
    /// > ``SyncMode/off`` at the next ``checkpoint()`` or ``close()``. The records file gets it at the next
    /// > ``save()``. See <doc:DurabilityAndRecovery>.
    @discardableResult
    public func insert(_ table: String, _ record: Record) throws(LineDBError) -> JSONValue {
        var key: JSONValue = .null
        try write { (batch) throws(LineDBError) in key = try batch.insert(try writableTable(table), record) }
        return key
    }

    /// Updates the record with primary key `key`, changing only the columns in `changes`.
    /// Changing the primary key itself is allowed when the new key is free.
    ///
    /// ```swift
    /// let bob = try db.update("student", key: 2, set: ["gpa": 3.7])
    /// ```
    ///
    /// - Parameters:
    ///   - table: the table's name.
    ///   - key: the primary key of the record to change.
    ///   - changes: the columns to change and their new values; other columns keep theirs.
    /// - Returns: the record as it is now.
    /// - Throws: ``LineDBError/recordNotFound(table:key:)`` and the errors of ``insert(_:_:)``; nothing is changed
    ///   then.
    /// > Important: Durable when it returns under ``SyncMode/full`` (the `UPDATE` line, holding the whole new and
    /// > old record, is synced); other modes as for ``insert(_:_:)``. The records file is rewritten at the next
    /// > ``save()``.
    @discardableResult
    public func update(_ table: String, key: JSONValue, set changes: Record) throws(LineDBError) -> Record {
        var result = Record()
        try write { (batch) throws(LineDBError) in
            let t = try writableTable(table)
            result = t.record(try batch.update(t, key: key, changes: changes))
        }
        return result
    }

    /// Deletes the record with primary key `key`.
    ///
    /// ```swift
    /// let removed = try db.delete("student", key: 3)
    /// ```
    ///
    /// - Parameters:
    ///   - table: the table's name.
    ///   - key: the primary key of the record to delete.
    /// - Returns: the deleted record.
    /// - Throws: ``LineDBError/recordNotFound(table:key:)``, ``LineDBError/tableNotFound(table:suggestion:)``,
    ///   ``LineDBError/readOnly(reason:)``.
    /// > Important: Durable when it returns under ``SyncMode/full`` (the `DELETE` line is synced); other modes as
    /// > for ``insert(_:_:)``. Its key is never given to a later insert. The records file is rewritten at the next
    /// > ``save()``.
    @discardableResult
    public func delete(_ table: String, key: JSONValue) throws(LineDBError) -> Record {
        var result = Record()
        try write { (batch) throws(LineDBError) in
            let t = try writableTable(table)
            result = t.record(try batch.delete(t, key: key))
        }
        return result
    }

    /// Inserts many records in one transaction: all of them or none.
    ///
    /// ```swift
    /// let ids = try db.insert("student", records: [
    ///     ["name": "Alice", "email": "alice@university.edu"],
    ///     ["name": "Bob", "email": "bob@university.edu"],
    /// ])
    /// ```
    ///
    /// The fast path for bulk loads: the WAL lines are encoded on several threads and synced once.
    ///
    /// - Parameters:
    ///   - table: the table's name.
    ///   - records: the records, checked as ``insert(_:_:)`` checks one, also against each other.
    /// - Returns: their primary keys, in order.
    /// - Throws: the errors of ``insert(_:_:)`` for the first record that fails; nothing is inserted then.
    /// > Important: Durable when it returns under ``SyncMode/full``: the `txn`-tagged lines and their `COMMIT`
    /// > are synced once; a crash before the `COMMIT` is on disk loses the whole batch, never a part of it.
    @discardableResult
    public func insert(_ table: String, records: [Record]) throws(LineDBError) -> [JSONValue] {
        var keys: [JSONValue] = []
        keys.reserveCapacity(records.count)
        try write(transaction: true) { (batch) throws(LineDBError) in
            let t = try writableTable(table)
            t.reserve(records.count)
            keys = try batch.insertMany(t, records)
        }
        return keys
    }

    /// Runs several writes as one transaction: they commit together or not at all, also across a crash.
    ///
    /// ```swift
    /// try db.transaction { tx in
    ///     let id = try tx.insert("course", ["code": "CS101"])
    ///     try tx.insert("enrolment", ["course_id": id, "student_id": 1])
    /// }
    /// ```
    ///
    /// If `body` throws, every write it made is undone and the error is rethrown. The transaction holds the
    /// database for its duration; other threads wait.
    ///
    /// Inside `body`, use the ``Transaction``'s methods: a call to this database's own methods from `body` would
    /// wait for the transaction to end, so it throws ``LineDBError/reentrantCall`` instead (GRDB's "Database
    /// methods are not reentrant"); if that error leaves `body`, the transaction is undone. (``tableNames``,
    /// ``stats()``, ``unsavedTables`` and ``warnings``, which cannot throw, answer as the transaction sees the
    /// database.)
    ///
    /// - Parameter body: the writes, made through the ``Transaction`` it receives (use it only inside `body`).
    /// - Returns: what `body` returns.
    /// - Throws: what `body` throws, or the ``LineDBError`` of a write or of the WAL; nothing is changed then.
    ///
    /// > Important: Durable when it returns under ``SyncMode/full``: its lines and a closing `COMMIT` line are
    /// > written with one `write()` and synced; recovery drops a transaction whose `COMMIT` is missing.
    @discardableResult
    public func transaction<T>(_ body: (Transaction) throws -> T) throws -> T {
        var result: T? = nil
        var thrown: (any Error)? = nil
        do {
            try write(transaction: true) { (batch) throws(LineDBError) in
                let tx = Transaction(database: self, batch: batch)
                defer { tx.isFinished = true }
                do {
                    result = try body(tx)
                } catch let error as LineDBError {
                    throw error
                } catch {
                    thrown = error
                    throw LineDBError.invalidInput(reason: "transaction aborted")
                }
            }
        } catch {
            throw thrown ?? error
        }
        return result!
    }

    /// The common write path: lock, check, apply and log through a ``WriteBatch``, write the WAL, unlock, then
    /// wait for the sync (outside the lock, so concurrent writers share it).
    func write(transaction: Bool = false, _ body: (WriteBatch) throws(LineDBError) -> Void) throws(LineDBError) {
        // A bulk insert's records-file lines (TableState.preEncoded) serve the saves at the end, then are dropped.
        var kept = false
        defer { if kept { dropPreEncoded() } }
        // The WAL and whether the auto-checkpoint is due are read under the lock (`close()` and `load()` replace
        // `wal`; other writers move its end).
        let (lsn, written, checkpointDue) = try state.withLock { () throws(LineDBError) -> (Int?, WALWriter?, Bool) in
            try requireWritable()
            let appending = try beginWALAppend()  // table writers: WALAppendLock.swift
            defer { endWALAppend(appending) }
            let batch = WriteBatch(
                wal: wal, isTransaction: transaction, maxLineBytes: options.maxLineBytes, clock: options.clock)
            batch.recordLinesPolicy = (options.autoSave == .afterEveryWrite, options.autoCheckpointBytes)
            defer { kept = batch.keptRecordLines }
            do throws(LineDBError) {
                try body(batch)
                let lsn = try batch.commit()
                if lsn != nil { walEntryCount += batch.lines }
                let due = options.autoCheckpointBytes.map { (self.wal?.endOffset ?? 0) > $0 && !checkpointing } ?? false
                return (lsn, self.wal, due)
            } catch {
                batch.rollback()
                throw error
            }
        }
        if let lsn, let written, options.syncMode == .full { try written.waitDurable(lsn) }
        if options.autoSave != .off { autoSaveAfterWrite() }  // Typed/Database+AutoSave.swift
        if checkpointDue, let limit = options.autoCheckpointBytes { try autoCheckpoint(over: limit) }
    }

    private func dropPreEncoded() {
        state.withLockOrHeld {
            for t in tables.values where t.preEncoded != nil { t.preEncoded = nil }
        }
    }
}

/// The writes of one ``Database/transaction(_:)``. Reads through it see the transaction's own writes.
public final class Transaction {
    private let database: Database
    private let batch: WriteBatch
    var isFinished = false

    init(database: Database, batch: WriteBatch) {
        self.database = database
        self.batch = batch
    }

    private func check() throws(LineDBError) {
        if isFinished { throw .invalidInput(reason: "the transaction is over; use it only inside its closure") }
    }

    /// Inserts a record; see ``Database/insert(_:_:)``.
    ///
    /// - Parameters:
    ///   - table: the table's name.
    ///   - record: column name to value.
    /// - Returns: the record's primary key (usable by the next writes of the transaction).
    /// - Throws: as ``Database/insert(_:_:)``; the transaction is undone if the error leaves the closure.
    @discardableResult
    public func insert(_ table: String, _ record: Record) throws(LineDBError) -> JSONValue {
        try check()
        return try batch.insert(try database.writableTable(table), record)
    }

    /// Updates a record; see ``Database/update(_:key:set:)``.
    ///
    /// - Parameters:
    ///   - table: the table's name.
    ///   - key: the primary key of the record to change.
    ///   - changes: the columns to change and their new values.
    /// - Returns: the record as the transaction sees it now.
    /// - Throws: as ``Database/update(_:key:set:)``.
    @discardableResult
    public func update(_ table: String, key: JSONValue, set changes: Record) throws(LineDBError) -> Record {
        try check()
        let t = try database.writableTable(table)
        return t.record(try batch.update(t, key: key, changes: changes))
    }

    /// Deletes a record; see ``Database/delete(_:key:)``.
    ///
    /// - Parameters:
    ///   - table: the table's name.
    ///   - key: the primary key of the record to delete.
    /// - Returns: the deleted record.
    /// - Throws: as ``Database/delete(_:key:)``.
    @discardableResult
    public func delete(_ table: String, key: JSONValue) throws(LineDBError) -> Record {
        try check()
        let t = try database.writableTable(table)
        return t.record(try batch.delete(t, key: key))
    }

    /// The record with this key, as the transaction sees it (its own writes included).
    ///
    /// - Parameters:
    ///   - table: the table's name.
    ///   - key: a primary key.
    /// - Returns: the record, or `nil` when there is none.
    /// - Throws: ``LineDBError/tableNotFound(table:suggestion:)``.
    public func get(_ table: String, key: JSONValue) throws(LineDBError) -> Record? {
        try check()
        let t = try database.table(table)
        return t.row(forKey: key).map(t.record)
    }
}
