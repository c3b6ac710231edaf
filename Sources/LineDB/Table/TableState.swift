/// One table in memory: its rows, its hash indexes and what of it is not yet in its records file.
///
/// Rows live in slots in insertion order (the order of the records file); a deleted row leaves a `nil` slot until
/// the next rewrite compacts them. The primary-key index and one index per UNIQUE column map a value to its slot,
/// so a key lookup and a unique check are O(1). Not thread-safe: the database's state lock guards it.
package final class TableState {
    package let schema: TableSchema
    package private(set) var slots: [Row?] = []
    package private(set) var count = 0
    /// Primary-key value → slot.
    private(set) var keyIndex = KeyIndex()
    /// The UNIQUE columns other than the primary key, and for each (same position) its value → slot index.
    /// Two parallel arrays, mutated by position, so an update never copies an index (a dictionary of
    /// dictionaries iterated while mutated copies the inner one on every write).
    package private(set) var uniqueColumns: [Int] = []
    private(set) var uniqueIndexes: [UniqueIndex] = []
    /// Set when two rows claimed the same UNIQUE value while constraints were not checked (loading, replay):
    /// the indexes may then be wrong, and ``buildUniqueIndexes()`` rebuilds and checks them.
    private var uniqueCollision = false
    /// The next auto-assigned key (integer primary keys only). Never goes down, so no id is reused, and never
    /// wraps: once a record had the key `Int.max` it is `nil`, automatic keys are exhausted, and an insert without
    /// a key is refused (``autoKeysExhausted``) rather than given a negative or already used one.
    package var nextAutoKey: Int? = 1

    /// Moves ``nextAutoKey`` past the integer key `key` (every integer key does, given or assigned).
    @inline(__always)
    package func notice(intKey key: Int) {
        guard let next = nextAutoKey, key >= next else { return }
        nextAutoKey = key == .max ? nil : key + 1
    }

    /// The refusal of an insert without a key once ``nextAutoKey`` is exhausted.
    package var autoKeysExhausted: LineDBError {
        TableState.autoKeysExhausted(table: schema.name, column: schema.primaryKey?.name ?? "id")
    }

    /// The refusal of an insert without a key once automatic keys are exhausted in `table`.
    package static func autoKeysExhausted(table: String, column: String) -> LineDBError {
        .invalidInput(
            reason: "automatic keys are exhausted in table '\(table)': the largest \(column) is \(Int.max); give a key")
    }

    // Persistence state.
    /// Slots `0..<savedSlots` are exactly what the records file holds; later slots are inserts since then.
    package var savedSlots = 0
    /// `true` when the records file no longer matches `slots[0..<savedSlots]` (an update, delete, replay,
    /// torn tail or a file that does not end in a newline): the next save rewrites it.
    package var needsRewrite = false
    /// Saved slots (`< savedSlots`) replaced or removed since the last save: what an in-place save patches
    /// (Database/InPlaceSave.swift). Past a quarter of the table it is emptied and ``changedTooMany`` set.
    package var changedSavedSlots = Set<Int>()
    /// So many saved slots changed since the last save that a rewrite is cheaper than patching them.
    package var changedTooMany = false
    /// Where each saved slot's line lies in the records file, and its padding (RecordsLineSpans.swift); `nil` when
    /// not known (the next save that must patch rewrites the file instead, and learns it).
    package var lineSpans: RecordsLineSpans? = RecordsLineSpans()
    /// Whether the records file is gzipped (`data/<table>.records.gz`, Database+GzipTables.swift).
    package var gzipped = false
    /// Why writes to this table are refused (a seed table without a primary key), if they are.
    package var readOnlyReason: String?

    /// Counts the changes to existing slots (replace, remove, restore, drop, compact): appends only add slots.
    /// A ``PreEncodedLines`` taken at one value is still exact while the value and its slots are unchanged.
    private(set) var version = 0

    /// Records-file lines of slots just appended by a bulk insert, encoded once with their WAL lines, for the
    /// save that an auto-checkpoint or auto-save runs right after (``Database`` drops them when the write call
    /// ends). `nil` when there are none.
    var preEncoded: PreEncodedLines?
    /// How many slices of bulk inserts kept their lines, and how many saves used them (for the tests).
    var preEncodedKept = 0
    var preEncodedUses = 0

    package init(schema: TableSchema) {
        self.schema = schema
        uniqueColumns = schema.uniqueNonKeyColumns
        uniqueIndexes = uniqueColumns.map { _ in UniqueIndex() }
    }

    /// Whether the table has changes its records file does not hold yet.
    package var isDirty: Bool { needsRewrite || slots.count > savedSlots || !changedSavedSlots.isEmpty || changedTooMany }

    /// Whether the next save can append instead of rewriting.
    package var canAppend: Bool { !needsRewrite && changedSavedSlots.isEmpty && !changedTooMany }

    /// Notes that saved slot `slot` no longer matches its line in the records file.
    private func noteChangedSaved(_ slot: Int) {
        guard !changedTooMany else { return }
        if changedSavedSlots.count >= max(1024, savedSlots / 4) {
            changedTooMany = true  // so many changes that a rewrite is cheaper than patches
            changedSavedSlots.removeAll()
        } else {
            changedSavedSlots.insert(slot)
        }
    }

    // MARK: - Lookup

    package func slot(forKey key: JSONValue) -> Int? {
        if let pk = schema.primaryKeyIndex { return keyIndex[normalizedKey(key, pk)] }
        return nil
    }

    package func row(forKey key: JSONValue) -> Row? { slot(forKey: key).flatMap { slots[$0] } }

    /// The slot of the record whose UNIQUE (or key) column `column` equals `value`, found in O(1).
    package func slot(column: Int, equals value: JSONValue) -> Int? {
        if column == schema.primaryKeyIndex { return keyIndex[normalizedKey(value, column)] }
        guard let u = uniqueColumns.firstIndex(of: column) else { return nil }
        return uniqueIndexes[u].slot(for: value) { slots[$0]!.values[column] }
    }

    package func key(of row: Row) -> JSONValue {
        schema.primaryKeyIndex.map { row.values[$0] } ?? .null
    }

    /// Keys compare by their stored form: an int column's key `3.0` finds `3`.
    private func normalizedKey(_ key: JSONValue, _ pk: Int) -> JSONValue {
        if case .double(let d) = key, schema.columns[pk].type == .int, let i = Int(exactly: d) { return .int(i) }
        return key
    }

    // MARK: - Mutation (indexes kept in step)

    /// Appends a row and indexes it. The caller has checked the constraints.
    @discardableResult
    package func append(_ row: Row) -> Int {
        let slot = slots.count
        slots.append(row)
        count += 1
        index(row, at: slot)
        return slot
    }

    /// Replaces the row in `slot`.
    package func replace(slot: Int, with row: Row) {
        guard let old = slots[slot] else { return }
        version &+= 1
        unindex(old, at: slot)
        slots[slot] = row
        index(row, at: slot)
        if slot < savedSlots { noteChangedSaved(slot) }  // a row not yet in the file is simply appended as it is now
    }

    /// Removes the row in `slot`.
    @discardableResult
    package func remove(slot: Int) -> Row? {
        guard let old = slots[slot] else { return nil }
        version &+= 1
        unindex(old, at: slot)
        slots[slot] = nil
        count -= 1
        if slot < savedSlots { noteChangedSaved(slot) }  // a row not yet in the file is simply not appended
        trimTrailingEmptySlots()
        return old
    }

    /// Drops `nil` slots at the end that the file never held, so a table whose unsaved inserts were all deleted
    /// again is clean.
    package func trimTrailingEmptySlots() {
        while slots.count > savedSlots, slots.last == .some(nil) { slots.removeLast() }
    }

    /// Undoes the latest `append` (transaction rollback), restoring the file state too.
    package func removeLast(ifSlot slot: Int) {
        version &+= 1
        guard slot == slots.count - 1, let old = slots[slot] else {
            _ = remove(slot: slot)
            return
        }
        unindex(old, at: slot)
        slots.removeLast()
        count -= 1
    }

    fileprivate func index(_ row: Row, at slot: Int) {
        if let pk = schema.primaryKeyIndex {
            let key = row.values[pk]
            keyIndex[key] = slot
            if case .int(let i) = key { notice(intKey: i) }
        }
        for u in uniqueColumns.indices {
            let c = uniqueColumns[u]
            let v = row.values[c]
            if !v.isNull, let other = uniqueIndexes[u].updateValue(slot, for: v, valueAt: { slots[$0]!.values[c] }),
                other != slot
            {
                uniqueCollision = true
            }
        }
    }

    /// Reads column `c` of `slot`, where `slot` may be the one `pending` is about to take (claims, releases).
    private func value(_ c: Int, _ slot: Int, pending: Row?) -> JSONValue {
        slot < slots.count ? slots[slot]!.values[c] : pending!.values[c]
    }

    fileprivate func unindex(_ row: Row, at slot: Int) {
        if let pk = schema.primaryKeyIndex, keyIndex[row.values[pk]] == slot { keyIndex.removeValue(forKey: row.values[pk]) }
        for u in uniqueColumns.indices {
            let c = uniqueColumns[u]
            let v = row.values[c]
            if !v.isNull { uniqueIndexes[u].remove(v, ifSlot: slot) { value(c, $0, pending: row) } }
        }
    }

    /// Checks the UNIQUE indexes after loading and replay (where constraints are checked once, at the end):
    /// they are kept up to date all along, so only when two rows claimed one value are they rebuilt from the rows
    /// to find a lasting violation. Returns the first violation found: (column, value).
    package func buildUniqueIndexes() -> (column: String, value: JSONValue)? {
        guard uniqueCollision else { return nil }
        uniqueCollision = false
        for u in uniqueColumns.indices {
            let c = uniqueColumns[u]
            var index = UniqueIndex()
            index.reserveCapacity(count)
            for (slot, row) in slots.enumerated() {
                guard let row else { continue }
                let v = row.values[c]
                if v.isNull { continue }
                if index.updateValue(slot, for: v, valueAt: { slots[$0]!.values[c] }) != nil {
                    uniqueIndexes[u] = index
                    return (schema.columns[c].name, v)
                }
            }
            uniqueIndexes[u] = index
        }
        return nil
    }

    /// Drops the `nil` slots (done when the file is rewritten anyway) and re-points the indexes.
    package func compact() {
        guard count < slots.count else { return }
        version &+= 1
        lineSpans = nil  // slot numbers change (a rewrite follows and learns the new lines)
        slots = slots.filter { $0 != nil }
        keyIndex.removeAll(keepingCapacity: true)
        for u in uniqueIndexes.indices { uniqueIndexes[u].removeAll(keepingCapacity: true) }
        for (slot, row) in slots.enumerated() { index(row!, at: slot) }
    }

    /// Reserves room for `n` more rows (bulk loads).
    package func reserve(_ n: Int) {
        slots.reserveCapacity(slots.count + n)
        keyIndex.reserveCapacity(keyIndex.count + n, integers: schema.primaryKey?.type == .int)
        for u in uniqueIndexes.indices { uniqueIndexes[u].reserveCapacity(uniqueIndexes[u].count + n) }
    }

    /// Reserves the next slot's entries in the key and UNIQUE indexes for `row`, or throws the duplicate (having
    /// released what it claimed). Follow with ``appendClaimed(_:)`` or ``releaseClaims(for:)``.
    package func claimIndexes(for row: Row) throws(LineDBError) { try claimIndexes(for: row, tags: [], at: 0) }

    /// ``claimIndexes(for:)`` with the row's UNIQUE tags known: `tags[at...]`, one per entry of
    /// `uniqueColumns` (as ``appendLoaded(_:tags:at:)`` takes them), or `tags` empty to hash here.
    package func claimIndexes(for row: Row, tags: [UInt32], at first: Int) throws(LineDBError) {
        let slot = slots.count
        if let pk = schema.primaryKeyIndex, !keyIndex.claim(row.values[pk], slot: slot) {
            throw .duplicateValue(table: schema.name, column: schema.columns[pk].name, value: row.values[pk].brief)
        }
        for u in uniqueColumns.indices {
            let c = uniqueColumns[u]
            let v = row.values[c]
            if v.isNull { continue }
            let tag = tags.isEmpty ? nil : tags[first + u]
            if !uniqueIndexes[u].insertIfAbsent(slot, for: v, tag: tag, valueAt: { value(c, $0, pending: row) }) {
                for earlier in uniqueColumns.indices[..<u] {
                    let ec = uniqueColumns[earlier]
                    let e = row.values[ec]
                    if !e.isNull { uniqueIndexes[earlier].remove(e, ifSlot: slot) { value(ec, $0, pending: row) } }
                }
                if let pk = schema.primaryKeyIndex { keyIndex.removeValue(forKey: row.values[pk]) }
                throw .duplicateValue(table: schema.name, column: schema.columns[uniqueColumns[u]].name, value: v.brief)
            }
        }
    }

    /// Undoes ``claimIndexes(for:)``.
    package func releaseClaims(for row: Row) {
        let slot = slots.count
        if let pk = schema.primaryKeyIndex, keyIndex[row.values[pk]] == slot { keyIndex.removeValue(forKey: row.values[pk]) }
        for u in uniqueColumns.indices {
            let c = uniqueColumns[u]
            let v = row.values[c]
            if !v.isNull { uniqueIndexes[u].remove(v, ifSlot: slot) { value(c, $0, pending: row) } }
        }
    }

    /// Appends a row whose index entries ``claimIndexes(for:)`` made.
    package func appendClaimed(_ row: Row) -> Int {
        let slot = slots.count
        slots.append(row)
        count += 1
        if let pk = schema.primaryKeyIndex, case .int(let i) = row.values[pk] { notice(intKey: i) }
        return slot
    }

    /// Appends a row read from a records file unless its key is taken (one hash of the key, not two).
    /// `tags[at...]` are the row's UNIQUE columns' ``UniqueIndex/tag(_:)``s, one per entry of `uniqueColumns`
    /// (computed while parsing). Returns `false` for a duplicate key, changing nothing.
    package func appendLoaded(_ row: Row, tags: [UInt32], at first: Int) -> Bool {
        let slot = slots.count
        if let pk = schema.primaryKeyIndex {
            guard keyIndex.claim(row.values[pk], slot: slot) else { return false }
            if case .int(let i) = row.values[pk] { notice(intKey: i) }
        }
        slots.append(row)
        count += 1
        for u in uniqueColumns.indices {
            let c = uniqueColumns[u]
            let v = row.values[c]
            if !v.isNull,
                let other = uniqueIndexes[u].updateValue(slot, for: v, tag: tags[first + u], valueAt: { slots[$0]!.values[c] }),
                other != slot
            {
                uniqueCollision = true
            }
        }
        return true
    }

    /// Hints that a row with these UNIQUE tags (as for ``appendLoaded(_:tags:at:)``) is coming: starts loading
    /// the index buckets it will probe.
    package func prefetchIndexes(tags: [UInt32], at first: Int) {
        for u in uniqueIndexes.indices { uniqueIndexes[u].prefetch(tag: tags[first + u]) }
    }

    /// Live rows in slot order.
    package var rows: some Sequence<Row> { slots.lazy.compactMap { $0 } }
}

extension TableState {
    /// Drops every row from slot `k` on (a torn append found at load, before any index but the key's is built).
    package func dropSlots(from k: Int) {
        version &+= 1
        while slots.count > k {
            if let row = slots[slots.count - 1] {
                unindex(row, at: slots.count - 1)  // before removing it: the index reads the row through its slot
                count -= 1
            }
            slots.removeLast()
        }
        savedSlots = min(savedSlots, k)
        needsRewrite = true
        lineSpans = nil
    }

    /// Puts a removed row back in its slot (transaction rollback).
    package func restore(slot: Int, row: Row) {
        version &+= 1
        while slots.count <= slot { slots.append(nil) }  // the slot may have been trimmed off the end
        guard slots[slot] == nil else { return }
        slots[slot] = row
        count += 1
        index(row, at: slot)
    }
}

/// Records-file lines for the slots `range` of a table, taken at its ``TableState/version`` `version`.
struct PreEncodedLines {
    var range: Range<Int>
    var version: Int
    var chunks: [[UInt8]]

    /// Adds the lines of the slots that follow (the next slice of the same bulk insert).
    mutating func extend(to end: Int, with more: [[UInt8]]) {
        range = range.lowerBound..<end
        chunks += more
    }
}

extension TableState {
    /// Keeps `lines` as the records-file lines of slots `range` (just appended), joining those kept before when
    /// they end where these start.
    func keepPreEncoded(_ lines: [[UInt8]], slots range: Range<Int>) {
        preEncodedKept += 1
        if var kept = preEncoded, kept.version == version, kept.range.upperBound == range.lowerBound {
            kept.extend(to: range.upperBound, with: lines)
            preEncoded = kept
        } else {
            preEncoded = PreEncodedLines(range: range, version: version, chunks: lines)
        }
    }

    /// The records-file lines of every live slot from `start` to the end, encoded, or taken from
    /// ``preEncoded`` for the slots it still holds exactly; and how many rows they are.
    func linesToAppend(from start: Int) -> (chunks: [[UInt8]], rows: Int) {
        var rows = 0
        func encoded(_ range: Range<Int>) -> [[UInt8]] {
            let live = slots[range].compactMap { $0 }
            rows += live.count
            return live.isEmpty ? [] : schema.encodeLines(live)
        }
        if let kept = preEncoded, kept.version == version, kept.range.lowerBound >= start,
            kept.range.upperBound <= slots.count
        {
            preEncodedUses += 1
            rows += kept.range.count  // (no nil slots in it: a remove would have changed the version)
            let chunks =
                encoded(start..<kept.range.lowerBound) + kept.chunks + encoded(kept.range.upperBound..<slots.count)
            return (chunks, rows)
        }
        return (encoded(start..<slots.count), rows)
    }
}
