/// A table as it was at a moment of its history (``Database/state(asOf:tables:)``).
///
/// Its records are in primary-key order: a table's file order is not part of its history (a save may rewrite
/// it), so the past is given in the one order that does not depend on when the files were last saved.
public struct PastTable: Sendable {
    /// The table's schema at that moment.
    public let schema: TableSchema
    /// The rows, in key order.
    package var rows: [Row]

    package init(schema: TableSchema, rows: [Row]) {
        self.schema = schema
        self.rows = rows
    }

    /// The number of records.
    public var count: Int { rows.count }

    /// The record at `index` (0-based, key order).
    public func record(at index: Int) -> Record { TableState.record(rows[index], schema: schema) }

    /// Every record, in key order.
    public var records: [Record] { rows.map { TableState.record($0, schema: schema) } }

    /// The position of the record with `key`, if the table held it.
    public func index(ofKey key: JSONValue) -> Int? {
        guard let pk = schema.primaryKeyIndex else { return nil }
        var lo = 0, hi = rows.count
        while lo < hi {
            let mid = (lo + hi) / 2
            let c = JSONValue.compare(rows[mid].values[pk], key)
            if c == 0 { return rows[mid].values[pk] == key ? mid : nil }
            if c < 0 { lo = mid + 1 } else { hi = mid }
        }
        return nil
    }

    /// Sets or removes the record with `key`, keeping key order (the browser steps an as-of view one entry at a
    /// time with this).
    package mutating func set(key: JSONValue, to row: Row?) {
        guard let pk = schema.primaryKeyIndex else { return }
        var lo = 0, hi = rows.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if JSONValue.compare(rows[mid].values[pk], key) < 0 { lo = mid + 1 } else { hi = mid }
        }
        let found = lo < rows.count && rows[lo].values[pk] == key
        switch (found, row) {
        case (true, let r?): rows[lo] = r
        case (true, nil): rows.remove(at: lo)
        case (false, let r?): rows.insert(r, at: lo)
        case (false, nil): break
        }
    }
}

/// The database as it was just after one LSN.
public struct PastState: Sendable {
    /// The LSN the state is taken just after (0: before the first entry).
    public let lsn: Int
    /// The timestamp of the entry at ``lsn``, when it is known.
    public let timestamp: String?
    /// The tables that existed then (of those asked for), by name in sorted order.
    public var tables: [PastTable]
    /// What a reader should know: tables whose past could not be built and why.
    public var notes: [String]

    /// The table named `name`, if it existed then.
    public func table(_ name: String) -> PastTable? { tables.first { $0.schema.name == name } }
}
