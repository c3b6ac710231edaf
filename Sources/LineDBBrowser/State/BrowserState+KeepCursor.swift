/// Keeping the cursor on its record when the view is rebuilt from the same rows (a filter removed or cleared): by
/// the record's position in the table's rows, which such a change keeps, so that it works for a table without a
/// primary key too (there, a record's "key" is its position in the view it was read from, not a value in it).
extension BrowserState {
    /// The position in `table.rows` of the record under the cursor.
    var tableRowUnderCursor: Int? { row >= 0 && row < view.count ? view[row] : nil }

    /// Puts the cursor on the record at `tableRow` of `table.rows` when the view shows it (otherwise it stays on the
    /// same line, clamped).
    mutating func placeCursor(onTableRow tableRow: Int?) {
        if let tableRow, let i = view.firstIndex(of: tableRow) { row = i }
        clampCursor()
    }
}
