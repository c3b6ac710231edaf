import LineDB

/// The record view (`v`): in the grid's place, a title line, then the cursor's record one field a line.
extension Renderer {
    static func drawRecordView(_ state: BrowserState, in r: Rect, on grid: inout ScreenGrid) {
        guard let table = state.table, let rv = state.recordView else { return }
        let focused = state.focus == .grid
        guard state.row < state.view.count, let lines = state.recordLines else {
            title("\(table.name): no record (the view is empty)", focused: focused, in: r, on: &grid)
            return
        }
        let position = state.view[state.row]
        var heading = "\(table.name): record \(state.row + 1) of \(state.view.count)"
        if let pk = table.keyColumn {
            heading += ", \(table.schema.columns[pk].name) \(ValueText.display(table.rows[position][pk], width: 24))"
        }
        if table.isDeleted(row: position) { heading += " (deleted, not saved)" }
        let total = lines.lines.count
        // (A wider screen after a resize may need fewer lines than were scrolled past.)
        let top = max(0, min(rv.top, total - (r.height - 1)))
        if total > r.height - 1 {
            heading += " · lines \(top + 1)-\(min(total, top + r.height - 1)) of \(total)"
        }
        title(heading, focused: focused, in: r, on: &grid)
        let values = table.rows[position]
        for i in 0..<max(0, r.height - 1) {
            let k = top + i
            guard k < total else { break }
            let line = lines.lines[k]
            let y = r.row + 1 + i
            let c = line.field
            let isCursor = c == state.column
            if isCursor { grid.fill(row: y, column: r.column, height: 1, width: r.width, style: .selected) }
            if line.isFirst {
                let column = table.schema.columns[c]
                let name = GridGeometry.headerText(column).name
                field(name, row: y, column: r.column + 1, width: lines.nameWidth,
                      style: isCursor ? (focused ? .cursor : .selected) : .header, on: &grid)
                field(column.type.rawValue, row: y, column: r.column + 1 + lines.nameWidth + 2,
                      width: lines.typeWidth, style: isCursor ? .selected : .dim, on: &grid)
            }
            var style: CellStyle = values[c].isNull ? .null : .normal
            if table.isPending(row: position, column: c) { style = .pending }
            if isCursor { style = .selected }
            field(line.text, row: y, column: r.column + lines.valueX, width: min(lines.valueWidth, r.width - lines.valueX),
                  style: style, on: &grid)
        }
    }

    /// The cell editor in the record view: over the value of the field under the cursor, the whole line.
    static func drawRecordEditor(_ state: BrowserState, _ edit: CellEdit, in layout: Layout, on grid: inout ScreenGrid) {
        let r = layout.grid
        guard let lines = state.recordLines, let rv = state.recordView, edit.column < lines.starts.count else { return }
        let top = max(0, min(rv.top, lines.lines.count - (r.height - 1)))
        let y = r.row + 1 + max(0, lines.starts[edit.column] - top)
        guard y < r.row + r.height else { return }
        let x = r.column + lines.valueX
        drawEditorText(edit.editor, row: y, column: x, width: r.column + r.width - x, on: &grid)
        if state.messageIsError && !state.message.isEmpty {
            let below = y + 1 < r.row + r.height ? y + 1 : y - 1
            let text = DisplayWidth.clip(" " + state.message + " ", to: r.width)
            let start = max(r.column, min(x, r.column + r.width - DisplayWidth.of(text)))
            field(text, row: below, column: start, width: min(DisplayWidth.of(text), r.column + r.width - start),
                  style: .error, on: &grid)
        }
    }
}
