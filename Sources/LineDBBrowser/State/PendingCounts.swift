import LineDB

/// How many pending changes concern each table, counted once per pending list rather than at every frame: the
/// Tables pane asks for every table at every frame, and after a bulk edit the list holds a million changes.
///
/// The counts are kept for the last list seen, known by its length and its first and last change: the list only
/// grows or shrinks at its end (an edit, undo, redo) or is replaced (save, discard), so a list with the same length
/// and ends is the same list. One per state (copies of the state share it, as a cache; the browser runs on one
/// thread).
final class PendingCounts: @unchecked Sendable {
    private var count = -1
    private var first: Change?
    private var last: Change?
    private var byTable: [(name: String, count: Int)] = []

    /// The number of changes of `pending` whose table is `table` (names compared exactly).
    func count(of table: String, in pending: [Change]) -> Int {
        if pending.isEmpty { return 0 }
        if pending.count < 1_000 {
            return pending.reduce(0) { $0 + (String.exactlyEqual($1.table, table) ? 1 : 0) }
        }
        if count != pending.count || first != pending.first || last != pending.last {
            var counted: [(name: String, count: Int)] = []
            for change in pending {
                // (A few distinct tables, compared by their exact bytes.)
                if let i = counted.firstIndex(where: { String.exactlyEqual($0.name, change.table) }) {
                    counted[i].count += 1
                } else {
                    counted.append((change.table, 1))
                }
            }
            count = pending.count
            first = pending.first
            last = pending.last
            byTable = counted
        }
        return byTable.first { String.exactlyEqual($0.name, table) }?.count ?? 0
    }
}
