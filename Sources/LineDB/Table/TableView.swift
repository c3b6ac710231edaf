/// One table's rows at one moment, with its hash indexes: what readers outside the engine (the SQL module's virtual
/// tables) scan and look up without holding the database's lock.
///
/// Taking a view is O(1): the slots and indexes are shared with the table, and copied only if the table changes
/// while the view lives (Swift's copy-on-write). So a view stays exactly what the table held when it was taken,
/// whatever is written after.
package struct TableView: @unchecked Sendable {
    /// The table's schema.
    package let schema: TableSchema
    private let slots: [Row?]
    private let keyIndex: KeyIndex
    private let uniqueColumns: [Int]
    private let uniqueIndexes: [UniqueIndex]
    /// The table's change counter when the view was taken (``TableState/version``); with ``slotCount`` it tells
    /// whether two views hold the same rows.
    package let version: Int
    /// Live rows.
    package let count: Int

    init(_ t: TableState) {
        schema = t.schema
        slots = t.slots
        keyIndex = t.keyIndex
        uniqueColumns = t.uniqueColumns
        uniqueIndexes = t.uniqueIndexes
        version = t.version
        count = t.count
    }

    /// Positions `0..<slotCount`: insertion order, deleted rows leave empty positions.
    package var slotCount: Int { slots.count }

    /// The rows by slot (`nil`: a deleted row), for a reader that visits every one (a scan reads them directly).
    package var rowSlots: [Row?] { slots }

    /// The values of the row at `slot` in column order, or `nil` for a deleted row or a slot out of range.
    @inline(__always)
    package func values(at slot: Int) -> [JSONValue]? {
        slot >= 0 && slot < slots.count ? slots[slot]?.values : nil
    }

    /// The slot of the row whose column `column` (the primary key or a UNIQUE column) equals `value`, in O(1);
    /// `nil` when there is none or the column has no index.
    package func slot(column: Int, equals value: JSONValue) -> Int? {
        if column == schema.primaryKeyIndex {
            var key = value
            if case .double(let d) = value, schema.columns[column].type == .int, let i = Int(exactly: d) { key = .int(i) }
            return keyIndex[key]
        }
        guard let u = uniqueColumns.firstIndex(of: column), !value.isNull else { return nil }
        let slots = self.slots
        return uniqueIndexes[u].slot(for: value) { slots[$0]!.values[column] }
    }

    /// Whether `column` can be looked up with ``slot(column:equals:)``: the primary key or a UNIQUE column.
    package func isIndexed(_ column: Int) -> Bool {
        column == schema.primaryKeyIndex || uniqueColumns.contains(column)
    }

    /// Whether the live rows' primary keys ascend in slot order (strings by code point), so a scan in slot
    /// order is a scan in key order. O(n); `false` for a table without a primary key.
    package func keysAscendInSlotOrder() -> Bool {
        guard let pk = schema.primaryKeyIndex else { return false }
        var previous: JSONValue? = nil
        for case let row? in slots {
            let key = row.values[pk]
            if let p = previous {
                if case .int(let a) = p, case .int(let b) = key {
                    if a >= b { return false }
                } else if Self.keyOrder(p, key) >= 0 {
                    return false
                }
            }
            previous = key
        }
        return true
    }

    /// The live slots sorted by primary key, strings by code point (for a scan in key order when slot order is not).
    package func slotsInKeyOrder() -> [Int] {
        guard let pk = schema.primaryKeyIndex else { return [] }
        var order = slots.indices.filter { slots[$0] != nil }
        order.sort { Self.keyOrder(slots[$0]!.values[pk], slots[$1]!.values[pk]) < 0 }
        return order
    }

    /// The order of keys for a scan in key order: strings by code point (`String.codePointOrder`, the
    /// order of SQL's BINARY collation), other values as `JSONValue.compare`.
    private static func keyOrder(_ a: JSONValue, _ b: JSONValue) -> Int {
        if case .string(let x) = a, case .string(let y) = b { return String.codePointOrder(x, y) }
        return JSONValue.compare(a, b)
    }
}

extension Database {
    /// A view of table `name` as it is now (as the calling thread's own transaction sees it, when it holds one).
    ///
    /// - Throws: ``LineDBError/tableNotFound(table:suggestion:)``, or when the database is closed.
    package func tableView(_ name: String) throws(LineDBError) -> TableView {
        let result: Result<TableView, LineDBError> = state.withLockOrHeld {
            do throws(LineDBError) {
                try requireOpen()
                return .success(TableView(try table(name)))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// The slot of the row of `table` whose primary key is `key`, now (as ``tableView(_:)`` sees it).
    package func slot(of table: String, key: JSONValue) -> Int? {
        state.withLockOrHeld { try? self.table(table).slot(forKey: key) }
    }
}
