/// The one place where the typed API reads the engine's rows (``TableState`` and `Row.values`), under the state
/// lock. Everything else in `Typed/` works on `[JSONValue]` in table column order and on ``Record``s, so a change
/// of the in-memory row layout is adapted here only.
extension Database {
    /// The table's state, checked to be the one `binding` was made for (a table dropped and created again with
    /// other columns must be registered again). State lock held.
    private func boundTable(_ binding: RecordBinding) throws -> TableState {
        let t = try table(binding.table)
        if !sameColumns(t.schema.columns, binding.tableSchema.columns) {
            throw TypedRecordError.schemaMismatch(
                table: binding.table, path: nil, column: nil,
                difference: "the table was created again with other columns since \(binding.layout.typeName) was "
                    + "registered; register it again")
        }
        return t
    }

    /// Whether two column lists are equal; O(1) when they share storage (the usual case: the binding's schema is
    /// a copy of the table's).
    private func sameColumns(_ a: [Column], _ b: [Column]) -> Bool {
        let same = a.withUnsafeBufferPointer { x in b.withUnsafeBufferPointer { y in x.baseAddress == y.baseAddress } }
        return same || a == b
    }

    /// The rows (values in table column order) that `predicate` accepts, decoded; in insertion order or sorted by
    /// the table column at `orderIndex`; from `offset`, at most `limit`. The rows are a snapshot taken under the
    /// lock; decoding, `predicate` and the sort run without it (so `predicate` may use the database).
    func typedRows<R: TableRecord>(
        _ binding: RecordBinding, where predicate: ((R) throws -> Bool)?, orderIndex: Int?, descending: Bool,
        offset: Int, limit: Int?
    ) throws -> [R] {
        let (snapshot, live) = try state.withLock { () throws -> (RowSnapshot, Int) in
            let t = try boundTable(binding)
            return (RowSnapshot(slots: t.slots), t.count)
        }
        let decoder = RowDecoder(binding: binding)
        if predicate == nil && orderIndex == nil {
            return try decodedRows(snapshot, live: live, decoder, offset: offset, limit: limit)
        }
        var out: [R] = []
        if predicate == nil && offset == 0 { out.reserveCapacity(min(limit ?? live, live)) }
        var skipped = 0
        func visit(_ row: Row) throws -> Bool {
            if let limit, out.count >= limit { return false }
            let record: R = try decoder.decode(row.values, as: R.self)
            if let predicate, try !predicate(record) { return true }
            if skipped < offset {
                skipped += 1
                return true
            }
            out.append(record)
            return true
        }
        try snapshot.forEachRow(orderBy: orderIndex, descending: descending, visit)
        return out
    }

    /// The live rows of `t` in insertion order from `offset`, at most `limit`, decoded: `all()` and `fetch` without
    /// a predicate or an order. This code is not specialised for `R` (the caller's module cannot see it), so the
    /// array is sized once and each record decoded into its place: appending looked up `Array<R>`'s metadata in the
    /// runtime's cache for every record. `live`: how many of the snapshot's rows are not deleted.
    private func decodedRows<R: TableRecord>(
        _ snapshot: RowSnapshot, live: Int, _ decoder: RowDecoder, offset: Int, limit: Int?
    ) throws -> [R] {
        let offset = Swift.max(offset, 0)
        let wanted = Swift.max(0, Swift.min(limit ?? Int.max, live - offset))
        if wanted == 0 { return [] }
        let slots = snapshot.slots
        return try [R](unsafeUninitializedCapacity: wanted) { buffer, initialized in
            let base = buffer.baseAddress.unsafelyUnwrapped
            var skipped = 0
            for slot in slots {
                guard let row = slot else { continue }
                if skipped < offset {
                    skipped += 1
                    continue
                }
                (base + initialized).initialize(to: try decoder.decode(row.values, as: R.self))
                initialized += 1
                if initialized == wanted { break }
            }
        }
    }

    /// The record with primary key `key`, decoded.
    ///
    /// The locked part returns an `R`, not an `R?`, and a missing record is thrown out of it: this generic code is
    /// not specialised, and a generic call with `R?` would look up `Optional<R>`'s metadata on every fetch (the
    /// runtime does that under a lock; it cost a tenth of a fetch).
    func typedRow<R: TableRecord>(_ binding: RecordBinding, key: JSONValue, as type: R.Type) throws -> R? {
        do {
            return try state.withLock { () throws -> R in
                let t = try boundTable(binding)
                guard let row = t.row(forKey: key) else { throw NoSuchRow() }
                return try binding.withSpareDecoder { try $0.decode(row.values, as: R.self) }
            }
        } catch is NoSuchRow {
            return nil
        }
    }

    /// The records whose table column `column` equals `value`: O(1) for the primary key and UNIQUE columns.
    func typedRows<R: TableRecord>(_ binding: RecordBinding, column name: String, equals value: JSONValue, limit: Int?)
        throws -> [R]
    {
        try state.withLock { () throws -> [R] in
            let t = try boundTable(binding)
            guard let c = t.schema.index(of: name) else {
                throw LineDBError.unknownColumn(
                    table: binding.table, column: name,
                    suggestion: Suggest.closest(name, in: t.schema.columns.map(\.name)))
            }
            let wanted = (try? t.normalize(value, column: c)) ?? value
            let decoder = RowDecoder(binding: binding)
            if t.schema.columns[c].isIndexed && !wanted.isNull {
                guard let slot = t.slot(column: c, equals: wanted), let row = t.slots[slot] else { return [] }
                return [try decoder.decode(row.values, as: R.self)]
            }
            var out: [R] = []
            for row in t.rows where row.values[c] == wanted {
                if let limit, out.count >= limit { break }
                out.append(try decoder.decode(row.values, as: R.self))
            }
            return out
        }
    }

    /// Inserts many records in one transaction, as ``insert(_:records:)`` does, but converting them to dynamic
    /// records a slice at a time (`encode`), so that a million typed values never exist as a million ``Record``s
    /// at once (that costs memory and, through the cache, time). The slice's records are reused: `encode` gets
    /// the record at the same place in the previous slice and its shape (see ``RowEncoder/encode(_:into:shape:)``)
    /// and overwrites it, which saves allocating and freeing one values array per record.
    func insertEncoded<S: Sequence>(
        _ table: String, _ records: S, sliceSize: Int = 65_536,
        encode: (S.Element, inout Record, inout Int) throws -> Void
    ) throws -> [JSONValue] {
        var keys: [JSONValue] = []
        keys.reserveCapacity(records.underestimatedCount)
        var thrown: (any Error)? = nil
        do {
            try write(transaction: true) { (batch) throws(LineDBError) in
                let t = try writableTable(table)
                t.reserve(records.underestimatedCount)
                var slice: [Record] = []
                var shapes: [Int] = []
                slice.reserveCapacity(Swift.min(sliceSize, records.underestimatedCount))
                var used = 0
                for record in records {
                    do {
                        if used == slice.count {
                            slice.append(Record())
                            shapes.append(-1)
                        }
                        try encode(record, &slice[used], &shapes[used])
                    } catch let error as LineDBError {
                        throw error
                    } catch {
                        thrown = error
                        throw LineDBError.invalidInput(reason: "typed insert aborted")
                    }
                    used += 1
                    if used == sliceSize {
                        // (How many more are coming, as far as the sequence tells: see WriteBatch.recordLinesPolicy.)
                        let more = Swift.max(0, records.underestimatedCount - keys.count - used)
                        keys += try batch.insertMany(t, slice, expectedMore: more)
                        used = 0
                    }
                }
                if used > 0 { keys += try batch.insertMany(t, used == slice.count ? slice : Array(slice[..<used])) }
            }
        } catch {
            throw thrown ?? error
        }
        return keys
    }

    /// A consistent view of the table's rows for streaming: taken in O(1) (the rows are shared, copied only if the
    /// table changes while the view lives), read without the lock.
    func rowSnapshot(_ binding: RecordBinding) throws -> RowSnapshot {
        try state.withLock { () throws -> RowSnapshot in RowSnapshot(slots: try boundTable(binding).slots) }
    }

    /// A view of the rows of the table named `table`, for dynamic streaming.
    func rowSnapshot(table name: String) throws(LineDBError) -> (TableSchema, RowSnapshot) {
        try state.withLock { () throws(LineDBError) -> (TableSchema, RowSnapshot) in
            let t = try table(name)
            return (t.schema, RowSnapshot(slots: t.slots))
        }
    }
}

/// Thrown inside ``Database/typedRow(_:key:as:)`` when there is no record with the key.
private struct NoSuchRow: Error {}

/// The rows of a table at one moment, in insertion order; see ``Database/rowSnapshot(_:)``.
struct RowSnapshot: @unchecked Sendable {
    fileprivate let slots: [Row?]
    static let empty = RowSnapshot(slots: [])

    /// Position `i`'s row, or nil for a deleted row; `count` positions.
    var count: Int { slots.count }
    func row(at i: Int) -> Row? { slots[i] }
    /// The live rows, in insertion order.
    var rows: some Sequence<Row> { slots.lazy.compactMap { $0 } }

    /// Calls `visit` with the live rows, in insertion order or sorted by the column at `column`
    /// (``JSONValue/compare(_:_:)``), until it returns `false`: the one loop of `select` and the typed `fetch`.
    func forEachRow(orderBy column: Int?, descending: Bool, _ visit: (Row) throws -> Bool) rethrows {
        guard let column else {
            for row in rows where try !visit(row) { break }
            return
        }
        var sorted = Array(rows)
        sorted.sort { a, b in
            let r = JSONValue.compare(a.values[column], b.values[column])
            return descending ? r > 0 : r < 0
        }
        for row in sorted where try !visit(row) { break }
    }
}

/// How streams turn rows into elements.
enum RowConversion {
    /// A row as a typed record.
    static func typed<R: TableRecord>(_ binding: RecordBinding, _ type: R.Type) -> (Row) throws -> R {
        let decoder = RowDecoder(binding: binding)
        return { row in try decoder.decode(row.values, as: R.self) }
    }

    /// A row as a dynamic record (with the fields the schema does not know, as
    /// ``Database/select(_:where:orderBy:descending:offset:limit:)``
    /// returns them).
    static func dynamic(_ schema: TableSchema) -> (Row) throws -> Record {
        { row in TableState.record(row, schema: schema) }
    }
}

extension RecordBinding {
    /// A ``Record`` (from the dynamic API, or a records file) as values in table column order.
    func values(of record: Record) -> [JSONValue] {
        tableSchema.columns.map { record[$0.name] ?? .null }
    }

    /// A row parsed from a records file, as values in table column order.
    func values(of row: Row) -> [JSONValue] { row.values }
}
