import LineDB

/// The open table in memory: the rows as saved (``baseRows``, primary-key order) and the rows as the user sees
/// them with the pending changes applied (``rows``).
///
/// The whole table is held (at 1M records the browser peaks at about 360 MiB); `linedb browse` shows a loading
/// screen read straight from the files (``LoadingPreview``) while the database opens, before the first
/// ``TableData`` exists.
public struct TableData: Sendable {
    /// The table's schema.
    public let schema: TableSchema
    /// The rows as saved in the database, in primary-key order.
    public private(set) var baseRows: [[JSONValue]]
    /// The rows with the pending changes applied, in primary-key order.
    public internal(set) var rows: [[JSONValue]]
    /// The next automatically assigned key the engine would give (never reused); `nil` when automatic keys are
    /// exhausted (a record had the largest integer key).
    public let nextAutoKey: Int?
    /// Cells changed by pending updates: key → column positions.
    var pendingCells: [JSONValue: Set<Int>] = [:]
    /// Keys of rows inserted by pending changes.
    var pendingRows: Set<JSONValue> = []
    /// Keys of rows deleted by pending changes: still shown (marked) until the save.
    var deletedKeys: Set<JSONValue> = []

    /// A table with no pending change applied yet.
    public init(schema: TableSchema, rows: [[JSONValue]], nextAutoKey: Int? = 1) {
        self.schema = schema
        self.baseRows = rows
        self.rows = rows
        self.nextAutoKey = nextAutoKey
    }

    public var name: String { schema.name }
    var keyColumn: Int? { schema.primaryKeyIndex }

    func key(ofRow r: Int) -> JSONValue {
        keyColumn.map { rows[r][$0] } ?? .int(r)
    }

    /// The position of the row with this key in ``rows``.
    /// (Binary search: ``rows`` stay in primary-key order through every change.)
    func rowIndex(forKey key: JSONValue) -> Int? {
        guard let pk = keyColumn else { return nil }
        let i = insertionIndex(for: key)
        return i < rows.count && JSONValue.compare(rows[i][pk], key) == 0 ? i : nil
    }

    /// Rebuilds ``rows`` from ``baseRows`` and the pending changes that concern this table.
    mutating func replay(_ changes: [Change]) {
        rows = baseRows
        pendingCells = [:]
        pendingRows = []
        deletedKeys = []
        for change in changes where String.exactlyEqual(change.table, name) { apply(change) }
    }

    /// Applies one change to ``rows`` (and marks what it changed).
    mutating func apply(_ change: Change) {
        guard let pk = keyColumn else { return }
        switch change.kind {
        case .update(let key, let column, _, let new):
            guard let r = rowIndex(forKey: key) else { return }
            rows[r][column] = new
            if column == pk {
                let marks = pendingCells.removeValue(forKey: key)
                if let marks { pendingCells[new] = marks }
                if pendingRows.remove(key) != nil { pendingRows.insert(new) }
                let row = rows.remove(at: r)
                rows.insert(row, at: insertionIndex(for: new))
            }
            pendingCells[column == pk ? new : key, default: []].insert(column)
        case .insert(let row):
            rows.insert(row, at: insertionIndex(for: row[pk]))
            pendingRows.insert(row[pk])
        case .delete(let row):
            pendingCells.removeValue(forKey: row[pk])
            if pendingRows.remove(row[pk]) != nil {
                // An unsaved insert deleted again: it simply goes.
                if let r = rowIndex(forKey: row[pk]) { rows.remove(at: r) }
            } else {
                deletedKeys.insert(row[pk])
            }
        }
    }

    /// Where a row with this key goes to keep primary-key order (binary search).
    func insertionIndex(for key: JSONValue) -> Int {
        guard let pk = keyColumn else { return rows.count }
        var lo = 0
        var hi = rows.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if JSONValue.compare(rows[mid][pk], key) < 0 { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// Whether a cell has a pending change (or its row is a pending insert).
    func isPending(row r: Int, column c: Int) -> Bool {
        guard keyColumn != nil else { return false }
        let key = key(ofRow: r)
        return pendingRows.contains(key) || pendingCells[key]?.contains(c) == true
    }

    /// Whether the row is deleted by a pending change.
    func isDeleted(row r: Int) -> Bool {
        !deletedKeys.isEmpty && keyColumn != nil && deletedKeys.contains(key(ofRow: r))
    }

    /// The number of records once the pending changes are saved.
    var liveCount: Int { rows.count - deletedKeys.count }

    /// The key the next added record gets: past every key the engine gave and every key in the rows; `nil` (the
    /// user gives one) once that would be past the largest integer (keys never wrap).
    var nextKey: JSONValue? {
        guard let pk = keyColumn, schema.columns[pk].type == .int, let next = nextAutoKey else { return nil }
        // Rows are in key order: the largest integer key is the last one.
        if let last = rows.last, case .int(let i) = last[pk], i >= next { return i == .max ? nil : .int(i + 1) }
        return .int(next)
    }
}
