import LineDB

/// Search, filter and sort.
extension BrowserState {
    /// Starts a search for `text` (case-insensitive substring of any cell): counts the matching rows and moves the
    /// cursor to the first match at or after it.
    mutating func startSearch(_ text: String) {
        guard !text.isEmpty else {
            search = nil
            return
        }
        search = text
        let matcher = TextMatcher(text)
        guard let table else { return }
        searchMatches = view.reduce(0) { n, r in n + (table.rows[r].contains(where: matcher.matches) ? 1 : 0) }
        if searchMatches == 0 {
            fail("no match for \"\(text)\"")
            return
        }
        if !cellMatches(row: row, column: column, matcher) { findNext(forward: true) }
        say("\"\(text)\": \(searchMatches) matching row\(searchMatches == 1 ? "" : "s")")
    }

    private func cellMatches(row r: Int, column c: Int, _ matcher: TextMatcher) -> Bool {
        guard let table, r < view.count else { return false }
        return matcher.matches(table.rows[view[r]][c])
    }

    /// Moves to the next (or previous) matching cell, row by row, wrapping around.
    mutating func findNext(forward: Bool) {
        guard let table, let search else {
            say("no search: press / first")
            return
        }
        let width = table.schema.columns.count
        let total = view.count * width
        guard total > 0 else { return }
        let start = row * width + column
        let matcher = TextMatcher(search)
        let rows = table.rows  // bound once: the loop must not copy the table per cell
        let order = view
        for step in 1...total {
            let p = ((start + (forward ? step : -step)) % total + total) % total
            if matcher.matches(rows[order[p / width]][p % width]) {
                row = p / width
                column = p % width
                say("\"\(search)\": \(searchMatches) matching row\(searchMatches == 1 ? "" : "s")")
                return
            }
        }
        fail("no match for \"\(search)\"")
    }

    /// Applies a filter typed for the current column.
    mutating func applyFilter(_ text: String, column c: Int) {
        guard let table else { return }
        guard !text.isEmpty else {
            clearFilter()
            return
        }
        let f = RowFilter(column: c, text: text)
        filter = f
        recomputeView()
        row = 0
        top = 0
        say("filter \(f.describe(table.schema.columns[c].name)): \(view.count) of \(table.rows.count) rows")
    }

    mutating func clearFilter() {
        guard filter != nil else { return }
        let key = currentKey
        filter = nil
        recomputeView(keeping: key)
        say("filter cleared: \(view.count) rows")
    }

    /// Sorts the rows by the current column; the cursor goes to the first row.
    mutating func sortBy(descending: Bool) {
        guard let table else { return }
        sort = (column, descending)
        recomputeView()
        row = 0
        top = 0
        say("sorted by \(table.schema.columns[column].name) \(descending ? "descending" : "ascending")")
    }
}
