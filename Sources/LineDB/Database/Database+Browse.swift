import Dispatch

/// What the terminal browser reads: a table's rows as plain value arrays, in primary-key order, taken under the
/// state lock in one go (no ``Record`` is built per row).
extension Database {
    /// One table as the browser holds it in memory.
    package struct BrowseSnapshot: Sendable {
        /// The table's schema.
        package var schema: TableSchema
        /// The live rows' values in column order, sorted by primary key (file order when there is none).
        package var rows: [[JSONValue]]
        /// The key the next insert without a key would get (integer primary keys), never reused; `nil` when
        /// automatic keys are exhausted (``TableState/nextAutoKey``).
        package var nextAutoKey: Int?
    }

    /// The rows of `table` in primary-key order, its schema and its next auto key.
    package func browseSnapshot(of table: String) throws(LineDBError) -> BrowseSnapshot {
        let (schema, rows, inOrder, next) = try state.withLock { () throws(LineDBError) in
            try requireOpen()
            let t = try self.table(table)
            let (rows, inOrder) = Self.copyValues(of: t)
            return (t.schema, rows, inOrder, t.nextAutoKey)
        }
        var sorted = rows
        if let pk = schema.primaryKeyIndex, !inOrder { sorted.sort { JSONValue.compare($0[pk], $1[pk]) < 0 } }
        return BrowseSnapshot(schema: schema, rows: sorted, nextAutoKey: next)
    }

    /// The live rows' values in slot order, and whether their keys ascend (always, when there is no key).
    ///
    /// The one pass over a large table that the browser's start waits for: each row is a separate allocation,
    /// so the copy is mostly cache misses (retaining each row's values); a large table without gaps is copied by
    /// two threads into halves of one array, which checks the order in the same pass. 1M rows: 47 ms → 16 ms
    /// (`LINEDB_BENCH_SNAP=1 linedb-bench --open-child DIR`).
    static func copyValues(of t: TableState, parallelFrom: Int = 200_000) -> (rows: [[JSONValue]], keysAscend: Bool) {
        let slots = t.slots
        let pk = t.schema.primaryKeyIndex
        let name = t.schema.name
        let n = t.count
        if n == 0 { return ([], true) }
        let parts = n == slots.count && n >= parallelFrom ? 2 : 1
        let ordered = ThreadSlots(count: parts, initial: true)
        let rows = [[JSONValue]](unsafeUninitializedCapacity: n) { buffer, initialized in
            let base = UncheckedSendable(buffer.baseAddress!)
            @Sendable func copy(part: Int) {
                var out = base.value + (parts == 1 ? 0 : n * part / parts)
                let range = parts == 1 ? 0..<slots.count : (n * part / parts)..<(n * (part + 1) / parts)
                var previous: JSONValue? =
                    part > 0 && range.lowerBound > 0 && pk != nil ? slots[range.lowerBound - 1]!.values[pk!] : nil
                var ascending = true
                for i in range {
                    guard let row = slots[i] else { continue }
                    out.initialize(to: row.values)
                    out += 1
                    if let pk, ascending {
                        let key = row.values[pk]
                        if let p = previous, JSONValue.compare(p, key) >= 0 { ascending = false }
                        previous = key
                    }
                }
                // Exactly this part's rows were written (`count` matches the live slots): anything else would
                // leave part of the array uninitialised or write past it.
                let end = base.value + (parts == 1 ? n : n * (part + 1) / parts)
                precondition(out == end, "\(name): the table's count disagrees with its slots")
                ordered.set(part, ascending)
            }
            if parts == 1 { copy(part: 0) } else { DispatchQueue.concurrentPerform(iterations: parts, execute: copy) }
            initialized = n
        }
        return (rows, ordered.values.allSatisfy { $0 })
    }

    /// Every table's name, record count and primary key column's name, sorted by name, under one lock.
    package var browseTableCounts: [(name: String, count: Int, key: String?)] {
        state.withLockOrHeld {
            tables.sortedKeys.map { ($0, tables[$0]!.count, tables[$0]!.schema.primaryKey?.name) }
        }
    }
}

/// A value handed to the threads of `concurrentPerform` that the caller knows is safe to share (disjoint writes).
private struct UncheckedSendable<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
