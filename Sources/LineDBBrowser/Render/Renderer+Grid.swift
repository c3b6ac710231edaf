import LineDB

/// The Records grid: a title line, one header line, then the visible rows.
extension Renderer {
    static func drawGrid(_ state: BrowserState, in r: Rect, on grid: inout ScreenGrid) {
        guard let table = state.table else {
            title("No table", focused: state.focus == .grid, in: r, on: &grid)
            return
        }
        let count = table.liveCount
        var heading = "\(table.name): \(count) record\(count == 1 ? "" : "s")"
        if !state.filtersShown.isEmpty { heading = filteredHeading(state, table) }
        if !table.deletedKeys.isEmpty { heading += " (\(table.deletedKeys.count) deleted, not saved)" }
        if !state.selection.isEmpty { heading += ", \(state.selection.count) selected" }
        let names = table.schema.columns.map(\.name)
        if let sheet = state.sheet {
            // A sheet: what it is of, and its row count.
            heading = "\(sheet.title): \(table.rows.count) row\(table.rows.count == 1 ? "" : "s")"
        }
        if let past = state.asOf, state.sheet == nil { heading = "AS OF lsn \(past.lsn): " + heading }
        if !state.sorting.isEmpty { heading += ", by " + state.sortTitle(names: names) }
        heading += filterList(state, names: names, width: r.width - 1 - DisplayWidth.of(heading))
        title(heading, focused: state.focus == .grid, in: r, on: &grid)
        guard r.height > 2 else { return }
        let geometry = GridGeometry(state: state, width: r.width)
        // Header.
        let headerRow = r.row + 1
        // The header's colour ends with the last column: the room left after it is no column of its own.
        let used = geometry.columns.last.map { min(r.width, $0.x + $0.width + 2) } ?? r.width
        grid.fill(row: headerRow, column: r.column, height: 1, width: used, style: .header)
        for placed in geometry.columns {
            let column = table.schema.columns[placed.index]
            var (name, type) = GridGeometry.headerText(column)
            name += state.sortMark(placed.index)
            let x = r.column + placed.x
            let used = grid.put(DisplayWidth.clip(name, to: placed.width), row: headerRow, column: x,
                                width: placed.width, style: .header)
            if used + 1 < placed.width {
                grid.put(DisplayWidth.clip(type, to: placed.width - used - 1), row: headerRow, column: x + used + 1,
                         style: .dim)
            }
            separator(after: placed, in: r, row: headerRow, on: &grid)
        }
        // Rows.
        let height = r.height - 2
        let matcher = state.searchHighlighter
        for i in 0..<height {
            let v = state.top + i
            guard v < state.view.count else { break }
            let y = r.row + 2 + i
            let values = table.rows[state.view[v]]
            let isCursorRow = v == state.row
            if isCursorRow { grid.fill(row: y, column: r.column, height: 1, width: r.width, style: .selected) }
            for placed in geometry.columns {
                let value = values[placed.index]
                var style: CellStyle = value.isNull ? .null : (ValueText.isNumber(value) ? .number : .normal)
                if table.isPending(row: state.view[v], column: placed.index) { style = .pending }
                if table.isDeleted(row: state.view[v]) { style = .error }  // deleted, until the save
                let past = state.pastMark(row: state.view[v], column: placed.index)  // the as-of view: differs from now
                if past != nil { style = .pending }
                if isCursorRow { style = placed.index == state.column && state.focus == .grid ? .cursor : .selected }
                if isCursorRow && placed.index == state.column && state.focus != .grid { style = .selected }
                if let matcher, !(isCursorRow && placed.index == state.column),
                   matcher.pattern.column == nil || matcher.pattern.column == placed.index, matcher.matches(value) {
                    style = .match
                }
                // Only what fits is converted and measured: a 50 MB value costs what its cell shows.
                field(ValueText.display(value, width: placed.width), row: y, column: r.column + placed.x - 1,
                      width: placed.width + 2, style: style, pad: true, right: ValueText.isNumber(value), on: &grid)
                if let past { pastMarker(past, row: y, column: r.column + placed.x - 1, style: style, on: &grid) }
                separator(after: placed, in: r, row: y, on: &grid)
            }
            selectionMark(state, table: table, viewRow: v, at: y, in: r, on: &grid)
        }
    }

    /// A cell: one space either side of its content.
    static func field(
        _ text: String, row: Int, column: Int, width: Int, style: CellStyle, pad: Bool, right: Bool,
        on grid: inout ScreenGrid
    ) {
        grid.fill(row: row, column: column, height: 1, width: width, style: style)
        field(text, row: row, column: column + 1, width: width - 2, style: style, right: right, on: &grid)
    }

    private static func separator(after placed: GridGeometry.Placed, in r: Rect, row: Int, on grid: inout ScreenGrid) {
        let x = r.column + placed.x + placed.width + 1
        // (Not in the grid's last column: beside the next pane's separator it would make `││`.)
        guard x < r.column + r.width - 1 else { return }
        grid.put(placed.isPinned ? "║" : "│", row: row, column: x, style: .border)
    }
}
