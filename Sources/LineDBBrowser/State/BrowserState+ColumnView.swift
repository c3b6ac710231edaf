import LineDB

/// Columns in the grid (issue 14 item 11): hide (`-`) and show again (`+`), narrow (`<`), widen (`>`), fit to the
/// content (`_`), move left (`H`) and right (`L`). Only the view changes (``ColumnView``), never the data: a save
/// writes the records and the schema as they are.
///
/// The key column stays pinned at the left of the grid while the others scroll. It cannot be moved (it is always
/// first); it can be hidden like any other column, and then nothing is pinned until `+` shows it again.
extension BrowserState {
    /// The narrowest and widest a column can be set by hand.
    static let columnWidthRange = 3...500
    /// How much `<` and `>` change a width.
    static let columnWidthStep = 2
    /// How many rows of the view `_` looks at besides the rows on screen (evenly spread).
    static let fitSample = 200

    /// The key under which the open table's (or sheet's) column view is remembered.
    private var columnViewKey: String? {
        guard let table else { return nil }
        return (sheet == nil ? "table " : "sheet ") + table.name
    }

    /// The open table's column view (its schema's view when none was set or its columns changed).
    public var columnView: ColumnView {
        get {
            guard let table else { return ColumnView(names: []) }
            let names = table.schema.columns.map(\.name)
            if let key = columnViewKey, let v = columnViews[key], v.fits(names) { return v }
            return ColumnView(names: names)
        }
        set {
            guard let key = columnViewKey else { return }
            columnViews[key] = newValue.isDefault ? nil : newValue
        }
    }

    /// The columns the grid shows, in display order: the key column first (pinned) unless hidden.
    public var displayColumns: [Int] {
        columnView.shown(pinned: table?.keyColumn)
    }

    /// The shown columns that scroll (all but the pinned key column): ``left`` indexes them.
    var scrollingColumns: [Int] {
        let pk = table?.keyColumn
        return displayColumns.filter { $0 != pk }
    }

    /// The shown column `step` places from the cursor's (clamped to the first and last); a cursor on a hidden
    /// column goes to the nearest shown one.
    func neighbourColumn(_ step: Int) -> Int {
        let shown = displayColumns
        guard !shown.isEmpty else { return column }
        guard let p = shown.firstIndex(of: column) else { return nearestShownColumn(in: shown) }
        return shown[max(0, min(shown.count - 1, p + step))]
    }

    /// The shown column nearest the cursor's in display order (the next one, or the one before the end).
    private func nearestShownColumn(in shown: [Int]) -> Int {
        let order = columnView.order
        guard let p = order.firstIndex(of: column) else { return shown.first ?? 0 }
        for c in order[p...] where shown.contains(c) { return c }
        for c in order[..<p].reversed() where shown.contains(c) { return c }
        return shown.first ?? 0
    }

    /// Puts the cursor on a shown column when its column is hidden.
    mutating func keepCursorOnShownColumn() {
        guard table != nil else { return }
        let view = columnView
        guard view.hidden.contains(column) else { return }
        column = nearestShownColumn(in: view.shown(pinned: table?.keyColumn))
    }

    /// The name of column `c` of the open table.
    private func columnName(_ c: Int) -> String {
        guard let table, c < table.schema.columns.count else { return "column" }
        return table.schema.columns[c].name
    }

    // MARK: - Hide and show

    /// `-`: hides the cursor's column (never the last one shown); the cursor goes to the next shown column.
    mutating func hideColumn() {
        guard table != nil else { return }
        var view = columnView
        let shown = view.shown(pinned: table?.keyColumn)
        guard shown.contains(column) else { return }
        if shown.count <= 1 { return fail("\(columnName(column)) is the only column shown: it stays") }
        let name = columnName(column)
        view.hidden.insert(column)
        columnView = view
        let p = shown.firstIndex(of: column)!
        column = p + 1 < shown.count ? shown[p + 1] : shown[p - 1]
        let count = view.hidden.count
        let plus = keyMap.names(for: .showColumns, limit: 1)
        say("\(name) hidden (\(count) hidden column\(count == 1 ? "" : "s"); \(plus) shows them)")
    }

    /// `+`: shows every hidden column again.
    mutating func showColumns() {
        guard table != nil else { return }
        var view = columnView
        let count = view.hidden.count
        guard count > 0 else { return say("no hidden columns") }
        view.hidden = []
        columnView = view
        say("\(count) hidden column\(count == 1 ? "" : "s") shown again")
    }

    // MARK: - Widths

    /// `<` and `>`: narrows or widens the cursor's column by ``columnWidthStep``.
    mutating func resizeColumn(by step: Int) {
        guard table != nil else { return }
        let current = columnView.widths[column] ?? GridGeometry.automaticWidth(of: column, state: self)
        let range = BrowserState.columnWidthRange
        let width = max(range.lowerBound, min(range.upperBound, current + step))
        setWidth(width, note: width == current ? (step < 0 ? " (the narrowest)" : " (the widest)") : "")
    }

    /// `_`: fits the cursor's column to its header and the widest value on screen and in a sample of the view,
    /// up to the grid's width; pressed again on a column it fitted (its width unchanged since), gives the column its
    /// automatic width back (as VisiData's `_` toggles).
    mutating func fitColumn() {
        guard let table else { return }
        let cap = max(BrowserState.columnWidthRange.lowerBound, min(BrowserState.columnWidthRange.upperBound,
                                                                    layout.grid.width - 4))
        var width = GridGeometry.headerWidth(table.schema.columns[column]) + DisplayWidth.of(sortMark(column))
        var sample = Array(view[min(top, view.count)..<min(view.count, top + pageSize)])
        if view.count > 0 {
            let step = max(1, view.count / BrowserState.fitSample)
            sample += stride(from: 0, to: view.count, by: step).map { view[$0] }
        }
        for r in sample where width < cap {
            // Measured up to the cap: a long value costs what can show.
            width = max(width, DisplayWidth.of(ValueText.display(table.rows[r][column], width: cap + 1)))
        }
        let fitted = max(BrowserState.columnWidthRange.lowerBound, min(width, cap))
        var columns = columnView
        if columns.widths[column] == fitted {
            columns.widths[column] = nil
            columnView = columns
            return say("\(columnName(column)): automatic width again")
        }
        setWidth(fitted, note: " (fitted; \(keyMap.names(for: .fitColumn, limit: 1)) again: automatic)")
    }

    private mutating func setWidth(_ width: Int, note: String) {
        var view = columnView
        view.widths[column] = width
        columnView = view
        say("\(columnName(column)): \(width) column\(width == 1 ? "" : "s") wide\(note)")
    }

    // MARK: - Order

    /// `H` and `L`: moves the cursor's column one shown column left or right in the view (the cursor stays on it).
    /// The key column stays pinned at the left.
    mutating func moveColumn(by step: Int) {
        guard let table else { return }
        let name = columnName(column)
        if column == table.keyColumn { return fail("\(name) is the key column: it stays pinned at the left") }
        var view = columnView
        let scrolling = view.shown(pinned: table.keyColumn).filter { $0 != table.keyColumn }
        guard let p = scrolling.firstIndex(of: column) else { return }
        let q = p + step
        guard q >= 0 && q < scrolling.count else {
            return say("\(name) is already the \(step < 0 ? "first" : "last") column\(step < 0 && table.keyColumn != nil ? " after the key" : "")")
        }
        // Swapped with its shown neighbour; hidden columns between them keep their places.
        let i = view.order.firstIndex(of: column)!, j = view.order.firstIndex(of: scrolling[q])!
        view.order.swapAt(i, j)
        columnView = view
        say("\(name) moved \(step < 0 ? "left" : "right")")
    }
}
