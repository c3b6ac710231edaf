import LineDB

/// Going to a place (issue 14 item 15): `#` a row number of the view, `@` a record by its key, Ctrl-D / Ctrl-U half
/// a page down and up.
extension BrowserState {
    /// `#`: asks for a row number (1-based, in the view as shown).
    mutating func beginGoToRow() {
        guard table != nil else { return }
        if view.isEmpty { return say("no rows to go to") }
        mode = .prompt(Prompt(purpose: .goToRow, editor: LineEditor("")))
    }

    /// `@`: asks for a key of the open table (typed as its key column's type reads it).
    mutating func beginGoToKey() {
        guard let table else { return }
        guard let pk = table.keyColumn else { return fail("\(table.name) has no primary key: no key to go to") }
        mode = .prompt(Prompt(purpose: .goToKey(column: pk), editor: LineEditor("")))
    }

    /// The `#` prompt's text: goes to that row, clamped to the first or last with a message.
    mutating func goToRow(_ text: String) {
        let trimmed = text.trimmingCharacters(in: " ")
        guard !trimmed.isEmpty else { return }
        guard let n = Int(trimmed) else {
            return fail("not a row number: \"\(VisibleText.escaped(String(trimmed.prefix(40))))\" (1 to \(view.count))")
        }
        guard !view.isEmpty else { return say("no rows to go to") }
        let target = max(1, min(n, view.count))
        row = target - 1
        if target != n {
            return say("row \(n) is out of range: went to row \(target) of \(view.count)")
        }
        say("row \(target) of \(view.count)")
    }

    /// The `@` prompt's text: parsed with the key column's type (the engine's one parser); goes to that record
    /// in the view, or says that no record has that key, or that the filters hide it.
    mutating func goToKey(_ text: String, column pk: Int) {
        guard let table, pk < table.schema.columns.count, !text.isEmpty else { return }
        let column = table.schema.columns[pk]
        let key: JSONValue
        switch ValueText.parse(text, for: column) {
        case .failure(let error): return fail(error.description)
        case .success(let value): key = value
        }
        let shown = ValueText.display(key, width: 40)
        guard let r = table.rowIndex(forKey: key) else { return fail("no record has \(column.name) \(shown)") }
        // Positions are in key order: with no sort the view is too, and a binary search finds the row.
        let i: Int?
        if sorting.isEmpty {
            var lo = 0, hi = view.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if view[mid] < r { lo = mid + 1 } else { hi = mid }
            }
            i = lo < view.count && view[lo] == r ? lo : nil
        } else {
            i = view.firstIndex(of: r)
        }
        guard let i else {
            let clear = keyMap.names(for: .clearFilter, limit: 1)
            return fail("record \(column.name) \(shown) is hidden by the filter (\(clear) clears it)")
        }
        row = i
        say("record \(column.name) \(shown): row \(i + 1) of \(view.count)")
    }
}
