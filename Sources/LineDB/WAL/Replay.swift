/// Applies WAL entries over loaded tables (recovery's replay; the DocC article "Durability and recovery").
///
/// Every entry sets or deletes one whole record by primary key, so replaying the whole log over any saved state
/// between the last checkpoint and the crash gives the same result, and replaying twice equals replaying once.
/// UNIQUE is not checked per step (a later entry may resolve a transient duplicate); the caller checks it once
/// at the end. Entries of a transaction wait for its `COMMIT`; a transaction without one is discarded.
struct Replay {
    private let salvage: Bool
    private let walPath: String
    var tables: NameMap<TableState>
    /// Tables dropped by the log whose files may still exist.
    var dropped = NameSet()
    private var openTransactions: [Int: [Pending]] = [:]

    /// An entry of a transaction waiting for its `COMMIT`: decoded, or a fast-path line with its bytes.
    private enum Pending {
        case entry(WALEntry)
        case fast(WALReplayLine, [UInt8])
    }
    /// Per table, the CHECKPOINT's next automatic key (`nil`: exhausted, see ``TableState/nextAutoKey``).
    /// Keyed by `String` on purpose (canonical equivalence): a CHECKPOINT writes one counter for tables whose
    /// names differ only in Unicode form (see `Database.checkpoint()`), and each of them takes it.
    private var checkpointNextIDs: [String: Int?] = [:]
    private var notes: [String] = []
    private var skippedReadOnly = NameMap<Int>()

    init(database: Database, tables: NameMap<TableState>, walPath: String) {
        self.salvage = database.options.salvage
        self.tables = tables
        self.walPath = walPath
    }

    /// Applies one entry of the valid prefix, in order.
    mutating func apply(_ entry: WALEntry) throws(LineDBError) {
        if let txn = entry.txn {
            if entry.operationKind == .commit {
                for pending in openTransactions.removeValue(forKey: txn) ?? [] {
                    switch pending {
                    case .entry(let e): try applyOne(e)
                    case .fast(let f, let bytes): try bytes.withBuffer { (line) throws(LineDBError) in try applyFast(f, line: line) }
                    }
                }
            } else {
                openTransactions[txn, default: []].append(.entry(entry))
            }
            return
        }
        try applyOne(entry)
    }

    /// Applies one line of the fast path (``WALReplayLine``), in order; `line` is its bytes.
    mutating func apply(_ entry: WALReplayLine, line: UnsafeBufferPointer<UInt8>) throws(LineDBError) {
        if let txn = entry.txn {
            openTransactions[txn, default: []].append(.fast(entry, Array(line)))
            return
        }
        try applyFast(entry, line: line)
    }

    /// Applies a fast-path line with the row prepared for the table that has its name now, or, when it was prepared
    /// for another table and does not fit this one, as the general path does (decoded again from `line`).
    private mutating func applyFast(_ entry: WALReplayLine, line: UnsafeBufferPointer<UInt8>) throws(LineDBError) {
        if let t = tables[entry.table], t.readOnlyReason == nil {
            let id = ObjectIdentifier(t)
            if let p = entry.prepared?.table == id
                ? entry.prepared : WALReplayLine.prepare(entry, line: line, schema: t.schema, table: id)
            {
                if let row = p.row {
                    upsert(row, in: t, removing: entry.operation == .update ? p.oldKey : nil)
                } else if let key = p.oldKey, let s = t.slot(forKey: key) {
                    t.remove(slot: s)
                }
                return
            }
        }
        switch WALLine.decode(line, lineNumber: entry.lineNumber, byteOffset: entry.byteOffset, impliedLSN: entry.lsn) {
        case .success(let e): try applyOne(e)
        case .failure(let problem):  // cannot happen: the line was read whole before
            throw .corrupt(
                path: walPath, line: entry.lineNumber, column: nil, byteOffset: entry.byteOffset, reason: problem.reason,
                hint: "run `linedb recover DB` to skip such entries; LineDB changed nothing")
        }
    }

    /// The replay's write of one row (INSERT, UPDATE): an UPDATE that changed the key first removes the record of
    /// its old key; then the row replaces the record with its key, or is appended.
    private func upsert(_ row: Row, in t: TableState, removing oldKey: JSONValue?) {
        let key = t.key(of: row)
        if let oldKey, oldKey != key, let s = t.slot(forKey: oldKey) {
            t.remove(slot: s)
        }
        if let s = t.slot(forKey: key) {
            if t.slots[s] != row { t.replace(slot: s, with: row) }
        } else {
            t.append(row)
        }
    }

    /// Ends the replay: discards unfinished transactions, applies checkpoint counters. Returns warnings.
    ///
    /// - Parameter keepOpenTransactions: a read-only follower keeps them: their `COMMIT` may still come.
    mutating func finish(keepOpenTransactions: Bool = false) -> [String] {
        let open = openTransactions.values.reduce(0) { $0 + $1.count }
        if keepOpenTransactions {
            // Still being written: applied when their COMMIT arrives.
        } else if open > 0 {
            notes.append(
                "\(walPath): discarded \(open) entries of \(openTransactions.count) transaction(s) without COMMIT (interrupted before they were acknowledged)")
        }
        if !keepOpenTransactions { openTransactions.removeAll() }
        if !checkpointNextIDs.isEmpty {
            for (name, t) in tables {
                guard let next = checkpointNextIDs[name] else { continue }
                if let next { t.notice(intKey: next - 1) } else { t.nextAutoKey = nil }
            }
        }
        for (name, n) in skippedReadOnly.sorted(by: { $0.key < $1.key }) {
            notes.append("\(walPath): \(n) entries for table '\(name)' were not replayed (the table has no primary key)")
        }
        skippedReadOnly.removeAll()
        defer { notes.removeAll() }
        return notes
    }

    private mutating func applyOne(_ entry: WALEntry) throws(LineDBError) {
        do {
            try applyUnchecked(entry)
        } catch {
            let failure = LineDBError.corrupt(
                path: walPath, line: entry.line, column: nil, byteOffset: entry.byteOffset,
                reason: "entry lsn \(entry.lsn) (\(entry.operation) on \(entry.table ?? "-")) cannot be replayed: \(error)",
                hint: "run `linedb recover DB` to skip such entries; LineDB changed nothing")
            if salvage {
                notes.append("\(failure); skipped")
                return
            }
            throw failure
        }
    }

    private mutating func applyUnchecked(_ entry: WALEntry) throws(LineDBError) {
        guard let op = entry.operationKind else {
            notes.append("\(walPath):\(entry.line): unknown operation '\(entry.operation)' ignored")
            return
        }
        switch op {
        case .commit:
            return
        case .checkpoint:
            if case .object(let facts) = entry.record, case .object(let ids)? = facts["next_ids"] {
                for (name, value) in ids {
                    switch value {
                    case .int(let n) where n > Int.min: checkpointNextIDs[name] = .some(n)
                    case .double(let d) where d >= 9_223_372_036_854_775_808.0: checkpointNextIDs[name] = .some(nil)
                    default: break
                    }
                }
            }
        case .createTable:
            guard let name = entry.table else { throw .invalidInput(reason: "CREATE_TABLE without a table name") }
            guard case .object(let object) = entry.record else {
                if tables[name] == nil {
                    notes.append("\(walPath):\(entry.line): CREATE_TABLE '\(name)' carries no schema and schema/\(name).schema.json is missing")
                }
                return
            }
            var schemaWarnings: [String] = []
            let schema = try TableSchema(object: object, path: nil, expectedName: name, warnings: &schemaWarnings)
            notes += schemaWarnings
            // The table loaded from the files may be a later incarnation (dropped and created again since). With the
            // same columns, replaying into it is idempotent (a later DROP_TABLE wipes it); with other columns, start
            // from the empty table this entry created: every write to it since is in this WAL.
            if let existing = tables[name], existing.schema.columns == schema.columns { return }
            let t = TableState(schema: schema)
            t.needsRewrite = true
            if schema.primaryKeyIndex == nil {
                // As a schema file without one (Database.loadSchemaFile): its writes cannot be replayed by key.
                t.readOnlyReason = "table '\(name)' has no primary key, so its WAL cannot be replayed safely by key; it is read-only"
            }
            tables[name] = t
            dropped.remove(name)
        case .dropTable:
            guard let name = entry.table else { throw .invalidInput(reason: "DROP_TABLE without a table name") }
            tables.removeValue(forKey: name)
            dropped.insert(name)
        case .insert, .update:
            let t = try table(entry)
            guard t.readOnlyReason == nil else { skippedReadOnly[t.schema.name, default: 0] += 1; return }
            guard case .object(var object) = entry.record else {
                throw .invalidInput(reason: "\"record\" is not an object")
            }
            let pkName = t.schema.primaryKey!.name
            let oldKey = oldRecordKey(entry, t)
            if op == .update {
                // The seed may log only the changed fields: complete them from the record as it stands.
                if object[pkName] == nil, let oldKey { object[pkName] = oldKey }
                if object.count < t.schema.columns.count, let key = object[pkName], let current = t.row(forKey: key) {
                    var merged = t.record(current)
                    for (k, v) in object { merged[k] = v }
                    object = merged
                }
            }
            let row = try t.rowFromStored(object)
            if t.key(of: row).isNull { throw .notNull(table: t.schema.name, column: pkName) }
            upsert(row, in: t, removing: op == .update ? oldKey : nil)
        case .delete:
            let t = try table(entry)
            guard t.readOnlyReason == nil else { skippedReadOnly[t.schema.name, default: 0] += 1; return }
            var key = oldRecordKey(entry, t)
            if key == nil, case .object(let r) = entry.record { key = r[t.schema.primaryKey!.name] }
            guard let key else { throw .invalidInput(reason: "DELETE without the record's key") }
            if let s = t.slot(forKey: key) { t.remove(slot: s) }
        }
    }

    private func table(_ entry: WALEntry) throws(LineDBError) -> TableState {
        guard let name = entry.table else { throw .invalidInput(reason: "no table name") }
        guard let t = tables[name] else {
            throw .tableNotFound(table: name, suggestion: nil)
        }
        return t
    }

    private func oldRecordKey(_ entry: WALEntry, _ t: TableState) -> JSONValue? {
        guard case .object(let old) = entry.oldRecord, let pk = t.schema.primaryKey, let key = old[pk.name],
            !key.isNull
        else { return nil }
        return key
    }
}
