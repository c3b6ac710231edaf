import Dispatch

/// The writes of one call or one transaction, under the state lock.
///
/// Each write is checked and applied to memory at once (so later writes of the same transaction see it), its WAL
/// line is built into one buffer, and an undo step is kept. ``commit()`` writes the buffer with one `write()`
/// (large transactions in several, closed by a `COMMIT` line); on any failure ``rollback()`` undoes memory and
/// cuts the WAL back, so a failed call changes nothing.
final class WriteBatch {
    private enum Undo {
        case inserted(TableState, slot: Int, autoKey: Int?)
        case replaced(TableState, slot: Int, old: Row, needsRewrite: Bool)
        case removed(TableState, slot: Int, old: Row, needsRewrite: Bool)
    }

    /// Flush a large transaction to the WAL in chunks of about this size.
    private static let chunkBytes = 4 << 20

    private let wal: WALWriter?
    private let maxLineBytes: Int
    private let isTransaction: Bool
    private var writer: JSONWriter
    private var undo: [Undo] = []
    private var rollbackSteps: [() -> Void] = []
    private let firstLSN: Int
    private let startOffset: Int
    private let timestamp: String
    private let synced: Int
    private(set) var lines = 0
    private var flushedLines = 0

    /// When a bulk insert keeps its rows' records-file lines (``TableState/preEncoded``) for the save that follows
    /// in the same call: `always` (auto-save after every write), or once the WAL is expected to pass
    /// `checkpointAt` by the end of the call (the auto-checkpoint saves). Otherwise no save follows and keeping
    /// them would only cost memory.
    var recordLinesPolicy: (always: Bool, checkpointAt: Int?) = (false, nil)
    /// A WAL line's size in bytes, as measured on the last slice encoded (a guess before the first).
    private var averageLineBytes = 256.0
    /// Whether it did, for some table.
    private(set) var keptRecordLines = false

    init(wal: WALWriter?, isTransaction: Bool, maxLineBytes: Int, clock: any DatabaseClock) {
        self.wal = wal
        self.isTransaction = isTransaction
        self.maxLineBytes = maxLineBytes
        writer = JSONWriter(reservingCapacity: wal == nil ? 0 : 1024)
        firstLSN = wal?.nextLSN ?? 0
        startOffset = wal?.endOffset ?? 0
        timestamp = wal == nil ? "" : clock.now().description
        synced = wal?.syncedWatermark ?? 0
    }

    /// Number of writes in the batch.
    var count: Int { undo.count }

    /// The one rule on a record's size (``DatabaseOptions/maxLineBytes``): a record entering the database (an
    /// insert, the new record of an update, an import) may be at most `limit` bytes as compact JSON, i.e. as its
    /// records-file line. A record already in the database is never refused: deleting it, or updating it to a
    /// record within the limit, always works (its WAL line carries it as `old_record`; no reader limits lines).
    static func recordTooLarge(table: String, size: Int, limit: Int, which: String = "the record") -> LineDBError {
        .invalidInput(reason: "\(table): \(which) is \(size) bytes as JSON; a record may be at most \(limit) bytes")
    }

    private func log(
        _ op: WALEntry.Operation, table: TableState?, record: Row?, old: Row?, raw: JSONValue? = nil
    ) throws(LineDBError) {
        guard wal != nil else { return }
        let before = writer.bytes.count
        var recordSize = 0
        WALLine.append(
            to: &writer, timestamp: timestamp, operation: op, table: table?.schema.name,
            record: { w in
                let start = w.bytes.count
                if let record, let table { table.encode(record, into: &w) } else { w.write(raw ?? .null) }
                recordSize = w.bytes.count - start
            },
            oldRecord: { w in
                if let old, let table { table.encode(old, into: &w) } else { w.writeRaw("null") }
            },
            lsn: firstLSN + lines, synced: synced, txn: isTransaction ? firstLSN : nil)
        // Only the record entering the database is limited: a DELETE, or the old_record of an UPDATE, carries a
        // record that is already in the database, whatever its size (readers have no line limit).
        if record != nil, let table, recordSize > maxLineBytes {
            writer.bytes.removeLast(writer.bytes.count - before)
            throw WriteBatch.recordTooLarge(table: table.schema.name, size: recordSize, limit: maxLineBytes)
        }
        lines += 1
        if isTransaction && writer.bytes.count >= WriteBatch.chunkBytes { try flush() }
    }

    private func flush() throws(LineDBError) {
        guard let wal, !writer.bytes.isEmpty else { return }
        try wal.append(writer.bytes, lineCount: lines - flushedLines)
        flushedLines = lines
        writer.bytes.removeAll(keepingCapacity: true)
    }

    // MARK: - Writes

    func insert(_ t: TableState, _ input: Record) throws(LineDBError) -> JSONValue {
        let row = try t.rowForInsert(input)
        // Claiming the key and UNIQUE values checks and indexes them with one hash each.
        try t.claimIndexes(for: row)
        do throws(LineDBError) {
            try log(.insert, table: t, record: row, old: nil)
        } catch {
            t.releaseClaims(for: row)
            throw error
        }
        let autoKey = t.nextAutoKey
        let slot = t.appendClaimed(row)
        undo.append(.inserted(t, slot: slot, autoKey: autoKey))
        return t.key(of: row)
    }

    /// Inserts many records: each is checked and indexed in order on this thread, and their WAL lines are
    /// encoded on several threads, in slices so memory stays bounded (the bulk-insert path; see `linedb-bench`).
    /// `expectedMore`: how many records the same call inserts after these (the typed path comes in slices).
    func insertMany(_ t: TableState, _ inputs: [Record], expectedMore: Int = 0) throws(LineDBError) -> [JSONValue] {
        var keys: [JSONValue] = []
        keys.reserveCapacity(inputs.count)
        guard let wal else {
            for input in inputs { keys.append(try insert(t, input)) }
            return keys
        }
        let slice = 65_536
        var from = 0
        while from < inputs.count {
            let to = min(inputs.count, from + slice)
            // Rows built (types, defaults, NOT NULL; UNIQUE values hashed) on several threads, then keyed,
            // claimed and appended here in order, each row's index buckets prefetched a few rows ahead.
            var built = BuiltRows.build(inputs[from..<to], schema: t.schema, uniqueColumns: t.uniqueColumns)
            let k = t.uniqueColumns.count
            let pk = t.schema.primaryKeyIndex
            let prefetchAhead = 8
            for i in built.rows.indices {
                if k > 0 && i + prefetchAhead < built.rows.count {
                    t.prefetchIndexes(tags: built.tags, at: (i + prefetchAhead) * k)
                }
                if built.autoKey[i], let pk {
                    guard let next = t.nextAutoKey else { throw t.autoKeysExhausted }
                    built.rows[i].values[pk] = .int(next)
                }
                let row = built.rows[i]
                try t.claimIndexes(for: row, tags: built.tags, at: i * k)
                let autoKey = t.nextAutoKey
                let slot = t.appendClaimed(row)
                undo.append(.inserted(t, slot: slot, autoKey: autoKey))
                keys.append(t.key(of: row))
            }
            if let failure = built.failure { throw failure }  // the first bad record, after those before it
            try flush()  // lines logged earlier in this batch go first
            try logEncoded(
                t, rows: built.rows, slots: (t.slots.count - built.rows.count)..<t.slots.count, wal: wal,
                firstRecord: from, remaining: inputs.count - from + expectedMore)
            from = to
        }
        return keys
    }

    /// Logs the `INSERT`s of `rows` (already appended to `t` in `slots`), encoded on several threads; keeps their
    /// records-file lines for the save that follows when the batch is big and a save or checkpoint is due.
    /// `firstRecord` numbers the records in a message; `remaining` is how many this call still logs (with these).
    private func logEncoded(
        _ t: TableState, rows: [Row], slots: Range<Int>, wal: WALWriter, firstRecord: Int, remaining: Int
    ) throws(LineDBError) {
        let projected = Double(wal.endOffset) + averageLineBytes * Double(remaining)
        let keep = rows.count >= 4_096
            && (recordLinesPolicy.always || recordLinesPolicy.checkpointAt.map { projected > Double($0) } ?? false)
        let encoded = WALLine.encodeInserts(
            rows, schema: t.schema, timestamp: timestamp, firstLSN: firstLSN + lines, synced: synced,
            txn: isTransaction ? firstLSN : nil, recordLines: keep)
        averageLineBytes = Double(encoded.chunks.reduce(0) { $0 + $1.count }) / Double(max(1, rows.count))
        if let (index, size) = encoded.tooLarge(limit: maxLineBytes) {
            throw WriteBatch.recordTooLarge(
                table: t.schema.name, size: size, limit: maxLineBytes, which: "record \(firstRecord + index + 1)")
        }
        for chunk in encoded.chunks { try wal.append(chunk, lineCount: 0) }
        if keep {
            t.keepPreEncoded(encoded.recordLines, slots: slots)
            keptRecordLines = true
        }
        wal.addLines(rows.count)
        lines += rows.count
        flushedLines = lines
    }

    func update(_ t: TableState, key: JSONValue, changes: Record) throws(LineDBError) -> Row {
        guard let slot = t.slot(forKey: key), let old = t.slots[slot] else {
            throw .recordNotFound(table: t.schema.name, key: key.brief)
        }
        let row = try t.rowForUpdate(old, changes: changes)
        try t.checkUnique(row, replacing: slot)
        try log(.update, table: t, record: row, old: old)
        let flag = t.needsRewrite
        t.replace(slot: slot, with: row)
        undo.append(.replaced(t, slot: slot, old: old, needsRewrite: flag))
        return row
    }

    func delete(_ t: TableState, key: JSONValue) throws(LineDBError) -> Row {
        guard let slot = t.slot(forKey: key), let old = t.slots[slot] else {
            throw .recordNotFound(table: t.schema.name, key: key.brief)
        }
        try log(.delete, table: t, record: nil, old: old)
        let flag = t.needsRewrite
        t.remove(slot: slot)
        undo.append(.removed(t, slot: slot, old: old, needsRewrite: flag))
        return old
    }

    /// Logs a table-level operation (CREATE_TABLE with the schema, DROP_TABLE).
    func logTableOperation(_ op: WALEntry.Operation, name: String, record: JSONValue) throws(LineDBError) {
        guard wal != nil else { return }
        WALLine.append(
            to: &writer, timestamp: timestamp, operation: op, table: name, record: { $0.write(record) },
            oldRecord: { $0.writeRaw("null") }, lsn: firstLSN + lines, synced: synced,
            txn: isTransaction ? firstLSN : nil)
        lines += 1
    }

    /// Logs the `INSERT`s of `rows`, which are `t`'s slots from `firstSlot` on, already checked and appended by
    /// the caller (a table made and filled in the same transaction: ``Database/importNewTable(_:from:format:options:)``;
    /// its ``onRollback(_:)`` step forgets the table). Encoded on several threads in slices, as ``insertMany(_:_:expectedMore:)``.
    func logAppended(_ t: TableState, rows: [Row], firstSlot: Int) throws(LineDBError) {
        guard let wal else { return }
        try flush()  // lines logged earlier in this batch (the CREATE_TABLE) go first
        let slice = 65_536
        var from = 0
        while from < rows.count {
            let to = min(rows.count, from + slice)
            try logEncoded(
                t, rows: Array(rows[from..<to]), slots: (firstSlot + from)..<(firstSlot + to), wal: wal,
                firstRecord: from, remaining: rows.count - from)
            from = to
        }
    }

    /// A step ``rollback()`` runs (after undoing the writes), for a change the batch does not know how to undo.
    func onRollback(_ step: @escaping () -> Void) { rollbackSteps.append(step) }

    // MARK: - Commit and rollback

    /// Writes the batch to the WAL (not yet synced). Returns the last LSN, or `nil` when nothing was logged.
    func commit() throws(LineDBError) -> Int? {
        guard let wal, lines > 0 else { return nil }
        if isTransaction {
            WALLine.append(
                to: &writer, timestamp: timestamp, operation: .commit, table: nil, record: { $0.writeRaw("null") },
                oldRecord: { $0.writeRaw("null") }, lsn: firstLSN + lines, synced: synced, txn: firstLSN)
            lines += 1
        }
        try flush()
        Failpoint.hit("wal.afterCommitWrite")
        return wal.nextLSN - 1
    }

    /// Undoes every applied write, newest first, and cuts the WAL back if part of it was already written.
    func rollback() {
        for step in undo.reversed() {
            switch step {
            case .inserted(let t, let slot, let autoKey):
                t.removeLast(ifSlot: slot)
                t.nextAutoKey = autoKey
            case .replaced(let t, let slot, let old, let flag):
                t.replace(slot: slot, with: old)
                t.needsRewrite = flag
            case .removed(let t, let slot, let old, let flag):
                t.restore(slot: slot, row: old)
                t.needsRewrite = flag
            }
        }
        undo.removeAll()
        for step in rollbackSteps.reversed() { step() }
        rollbackSteps.removeAll()
        // Cut back whatever this batch put in the WAL: also the first chunks of a bulk slice whose later chunk
        // failed (those are not counted in `flushedLines`, yet would stay, without a COMMIT, under LSNs that the
        // next write reuses).
        if let wal, flushedLines > 0 || wal.endOffset != startOffset {
            try? wal.truncate(to: startOffset, nextLSN: firstLSN)
        }
    }
}

/// The rows of a slice of a bulk insert, built from the records on up to two threads (the schema's checks only:
/// keys and indexes are the caller's, in order).
struct BuiltRows: Sendable {
    /// The rows of the records before the first bad one (all of them when none is bad).
    var rows: [Row] = []
    /// Per row: whether its key is to be assigned (it had none; the row holds a placeholder).
    var autoKey: [Bool] = []
    /// Per row, the ``UniqueIndex/tag(_:)`` of each UNIQUE non-key column (`uniqueColumns.count` a row).
    var tags: [UInt32] = []
    /// Why the record after the last row was refused, if one was.
    var failure: LineDBError?

    static func build(_ inputs: ArraySlice<Record>, schema: TableSchema, uniqueColumns: [Int]) -> BuiltRows {
        let parts = inputs.count >= 8_192 ? 2 : 1
        @Sendable func part(_ k: Int) -> BuiltRows {
            let lower = inputs.startIndex + inputs.count * k / parts
            let upper = inputs.startIndex + inputs.count * (k + 1) / parts
            var out = BuiltRows()
            out.rows.reserveCapacity(upper - lower)
            out.autoKey.reserveCapacity(upper - lower)
            out.tags.reserveCapacity((upper - lower) * uniqueColumns.count)
            for i in lower..<upper {
                var assigned = false
                do throws(LineDBError) {
                    let row = try schema.rowForInsert(inputs[i], autoKey: 0, assigned: &assigned)
                    out.rows.append(row)
                    out.autoKey.append(assigned)
                    UniqueIndex.appendTags(of: row, columns: uniqueColumns, to: &out.tags)
                } catch {
                    out.failure = error
                    break
                }
            }
            return out
        }
        if parts == 1 { return part(0) }
        let results = ThreadSlots(count: parts, initial: BuiltRows())
        DispatchQueue.concurrentPerform(iterations: parts) { k in results.set(k, part(k)) }
        let built = results.values
        var all = built[0]
        for next in built.dropFirst() where all.failure == nil {
            all.rows += next.rows
            all.autoKey += next.autoKey
            all.tags += next.tags
            all.failure = next.failure
        }
        return all
    }
}
