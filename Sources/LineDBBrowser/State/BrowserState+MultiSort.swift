import LineDB

/// Sorting by several columns (issue 14 item 12): `{` and `}` add the cursor's column to the sort (ascending,
/// descending) after the columns already in it; `[` and `]` sort by the cursor's column only; `\` goes back to the
/// natural (key) order. Every sort is one ``ViewTask`` over the current view (sliced, Esc cancels), stable: rows
/// equal in every sort column keep their natural order.
extension BrowserState {
    /// `{` / `}`: the cursor's column joins the sort after the others; a column already in it changes direction in
    /// place.
    mutating func addToSort(descending: Bool) {
        guard table != nil else { return }
        var orders = sorting
        if let i = orders.firstIndex(where: { $0.column == column }) {
            orders[i].descending = descending
        } else {
            orders.append(ViewTask.SortOrder(column: column, descending: descending))
        }
        start(.sort(orders))
    }

    /// `\`: back to the natural (key) order, the cursor on the same record.
    mutating func naturalOrder() {
        guard table != nil else { return }
        if sorting.isEmpty { return say("already in natural (key) order") }
        start(.sort([]))
    }

    /// A sort task finished: its view shows. A sort goes to the first row; the natural order keeps the cursor's
    /// record.
    mutating func finishSort(_ orders: [ViewTask.SortOrder], view v: [Int], names: [String]) {
        let key = currentKey
        sorting = orders
        view = v
        if orders.isEmpty {
            if let key, let table, let pk = table.keyColumn,
               let i = view.firstIndex(where: { table.rows[$0][pk] == key }) {
                row = i
            }
            clampCursor()
            return say("natural (key) order")
        }
        row = 0
        top = 0
        if orders.count == 1 {
            return say("sorted by \(names[orders[0].column]) \(orders[0].descending ? "descending" : "ascending")")
        }
        say("sorted by " + orders.map { "\(names[$0.column]) \($0.descending ? "↓" : "↑")" }.joined(separator: ", "))
    }

    /// The mark of column `c` in the grid's header: its direction in the sort, with its place when the sort has
    /// several columns (`↑`, `↓2`); empty when it is not in the sort.
    func sortMark(_ c: Int) -> String {
        guard let i = sorting.firstIndex(where: { $0.column == c }) else { return "" }
        let arrow = sorting[i].descending ? "↓" : "↑"
        return sorting.count > 1 ? "\(arrow)\(i + 1)" : arrow
    }

    /// The sort as the grid's title says it: `name↑1 gpa↓2` (`name ↑` for one column); empty for the natural order.
    func sortTitle(names: [String]) -> String {
        if sorting.count == 1 { return "\(names[sorting[0].column]) \(sortMark(sorting[0].column))" }
        return sorting.map { names[$0.column] + sortMark($0.column) }.joined(separator: " ")
    }
}
