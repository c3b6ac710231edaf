import LineDB

/// Undo and redo of value changes in place: putting a cell's old value back costs what the cell costs, where
/// rebuilding the table from its saved rows and the pending list (``BrowserState/undo()``'s general way) costs
/// O(rows) and copies the row list (at 1M rows, tens of milliseconds per `u`).
extension BrowserState {
    /// Undoes (`undoing`) or redoes the changes `moved` (as ``undo()`` and ``redo()`` moved them: the order to apply
    /// them in) in place, when they are all updates of non-key columns of the open table, no filter is set, the
    /// sort is on none of their columns and no pending change renames a key (the marks of a cell then depend on
    /// changes alone). Returns `false`, having changed nothing, otherwise.
    mutating func moveInPlace(_ moved: [Change], undoing: Bool) -> Bool {
        guard let first = moved.first, var data = table, let pk = data.keyColumn, filters.isEmpty else { return false }
        func updatedColumn(_ change: Change) -> Int? {
            guard String.exactlyEqual(change.table, data.name), case .update(_, let c, _, _) = change.kind else {
                return nil
            }
            return c
        }
        for change in moved {
            guard let c = updatedColumn(change), c != pk, sort?.column != c else { return false }
        }
        let renames = pending.contains { change in
            if case .update(_, let c, _, _) = change.kind, c == pk { return String.exactlyEqual(change.table, data.name) }
            return false
        }
        if renames { return false }
        table = nil  // one owner of the rows while they change
        for change in moved {
            guard case .update(let key, let c, let old, _) = change.kind else { continue }
            if undoing {
                data.restore(key: key, column: c, to: old, remaining: pending)
            } else {
                data.apply(change)
            }
        }
        table = data
        // The cursor on the record and column the (last) change touched, as the general way puts it.
        if case .update(let key, let c, _, _) = first.kind {
            column = c
            if currentKey != key, let r = data.rowIndex(forKey: key) {
                if sort == nil, r < view.count, view[r] == r { row = r } else if let i = view.firstIndex(of: r) { row = i }
            }
        }
        clampCursor()
        return true
    }
}

extension TableData {
    /// Puts `value` back in column `c` of the record `key`, and unmarks the cell when no change of `remaining` (the
    /// pending changes left) updates it. Nothing when the record is not there (as replaying would skip it).
    mutating func restore(key: JSONValue, column c: Int, to value: JSONValue, remaining: [Change]) {
        guard let r = rowIndex(forKey: key) else { return }
        rows[r][c] = value
        let stillPending = remaining.contains { change in
            guard String.exactlyEqual(change.table, name), case .update(let k, let column, _, _) = change.kind else {
                return false
            }
            return column == c && k == key
        }
        if !stillPending, var marks = pendingCells[key] {
            marks.remove(c)
            pendingCells[key] = marks.isEmpty ? nil : marks
        }
    }
}
