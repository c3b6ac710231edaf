import LineDB

/// Which columns of the open table are on screen, where, and how wide: the key column pinned at the left, then
/// the shown columns (``BrowserState/displayColumns``, in the view's order) from `state.left` on while they fit.
/// Widths are the ones set by hand (``ColumnView/widths``), or fit the header and the values of the visible rows.
struct GridGeometry {
    struct Placed {
        /// Column position in the schema.
        var index: Int
        /// Display column of the cell's content, relative to the grid's left edge.
        var x: Int
        /// Content width.
        var width: Int
        /// Whether the column is shown whole (the last one may be cut at the edge).
        var fits: Bool
        var isPinned: Bool
    }

    static let maxColumnWidth = 40
    var columns: [Placed] = []

    init(state: BrowserState, width: Int) {
        guard let table = state.table else { return }
        let view = state.columnView
        func contentWidth(_ c: Int) -> Int {
            view.widths[c] ?? GridGeometry.automaticWidth(of: c, state: state)
        }
        var x = 0
        var order: [Int] = []
        let shown = view.shown(pinned: table.keyColumn)
        if let pk = table.keyColumn, shown.first == pk { order.append(pk) }
        let scrolling = shown.filter { $0 != table.keyColumn }
        order += scrolling[min(max(0, state.left), scrolling.count)...]
        for c in order {
            // Each column: a space, its content, a space, then a separator.
            let room = width - x - 2
            if room < 1 { break }
            let w = contentWidth(c)
            if w > room && room < min(w, 6) && !columns.isEmpty { break }  // no sliver of a column at the edge
            columns.append(Placed(
                index: c, x: x + 1, width: min(w, room), fits: w <= room, isPinned: c == table.keyColumn))
            x += w + 3
        }
        // A sliver left at the right edge (less than a column needs) goes to the last column: no empty stub
        // column after it, and no separator of its own beside the next pane's (`││`).
        if let last = columns.last, last.fits {
            // Blank columns after the last column's separator.
            let room = width - last.x - 1
            let gap = room - last.width - 1
            if gap >= 0 && gap <= GridGeometry.sliver { columns[columns.count - 1].width = room }
        }
    }

    /// The width column `c` gets when none was set by hand: its header (up to 16 columns; its sort mark too) and the
    /// values of the rows on screen, at least 4 and at most ``maxColumnWidth``.
    static func automaticWidth(of c: Int, state: BrowserState) -> Int {
        guard let table = state.table else { return 4 }
        let height = max(1, state.layout.grid.height - 2)
        let visible = state.view[min(state.top, state.view.count)..<min(state.view.count, state.top + height)]
        let header = min(GridGeometry.headerWidth(table.schema.columns[c]), 16) + DisplayWidth.of(state.sortMark(c))
        var w = max(header, 4)
        for r in visible {
            // Measured only up to one column past the widest a column gets: a long value costs no more.
            let text = ValueText.display(table.rows[r][c], width: GridGeometry.maxColumnWidth + 1)
            w = max(w, DisplayWidth.of(text))
            if w >= GridGeometry.maxColumnWidth { return GridGeometry.maxColumnWidth }
        }
        return w
    }

    /// The most blank columns at the right edge that are given to the last column rather than left empty.
    static let sliver = 8

    /// `name* type` for the primary key, `name type` otherwise.
    static func headerText(_ column: Column) -> (name: String, type: String) {
        (column.name + (column.primaryKey ? "*" : ""), column.type.rawValue)
    }

    static func headerWidth(_ column: Column) -> Int {
        let (name, type) = headerText(column)
        return DisplayWidth.of(name) + 1 + DisplayWidth.of(type)
    }
}
