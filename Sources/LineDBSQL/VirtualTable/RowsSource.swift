import LineDB

/// What one virtual table reads: the rows of a table at one moment, by position, with O(1) lookups where the
/// table has an index.
///
/// A scan takes one view when it starts (``VirtualTable/view()``) and reads only it, so a statement sees one state
/// whatever is written meanwhile.
protocol RowsView {
    /// The table's schema.
    var schema: TableSchema { get }
    /// Positions `0..<slotCount`; some may be empty (deleted rows).
    var slotCount: Int { get }
    /// Live rows.
    var count: Int { get }
    /// The values at `slot` in column order, or `nil` for an empty position.
    func values(at slot: Int) -> [JSONValue]?
    /// The position of the row whose indexed column `column` equals `value`.
    func slot(column: Int, equals value: JSONValue) -> Int?
    /// Whether `column` has an index (``slot(column:equals:)`` answers for it).
    func isIndexed(_ column: Int) -> Bool
    /// Whether a scan in position order is a scan in primary-key order.
    func keysAscendInSlotOrder() -> Bool
    /// The live positions in primary-key order.
    func slotsInKeyOrder() -> [Int]
}

extension TableView: RowsView {}

/// Rows a caller holds (the browser's view of a table, pending edits included): position = index in `rows`. No
/// index: every lookup is a scan; except for rows in primary-key order with a way to find a key (a past table,
/// ``SQLSession/init(past:)``): a key lookup is that, and a scan is in key order.
struct HeldRows: RowsView {
    let schema: TableSchema
    let rows: [[JSONValue]]
    /// For rows in key order: the position of the row with a primary key.
    var keyLookup: ((JSONValue) -> Int?)? = nil

    var slotCount: Int { rows.count }
    var count: Int { rows.count }
    func values(at slot: Int) -> [JSONValue]? { slot >= 0 && slot < rows.count ? rows[slot] : nil }
    func slot(column: Int, equals value: JSONValue) -> Int? {
        column == schema.primaryKeyIndex ? keyLookup?(value) : nil
    }
    func isIndexed(_ column: Int) -> Bool { keyLookup != nil && column == schema.primaryKeyIndex }
    func keysAscendInSlotOrder() -> Bool { keyLookup != nil }
    func slotsInKeyOrder() -> [Int] {
        if keyLookup != nil { return Array(rows.indices) }
        // Rows in no known order (a view the browser registers): sorted by key here, or an ORDER BY the key that
        // the scan consumed would return no rows at all.
        guard let pk = schema.primaryKeyIndex else { return Array(rows.indices) }
        return rows.indices.sorted { JSONValue.compare(rows[$0][pk], rows[$1][pk]) < 0 }
    }
}
