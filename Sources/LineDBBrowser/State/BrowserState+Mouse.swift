import LineDB

/// The mouse: a click gives a pane the focus and puts its cursor where the click was (a cell of the grid, a table,
/// a schema line, a WAL entry); a click on the line the cursor is already on in the tables pane opens that table
/// (so does a double click), in the WAL pane opens the entry; the wheel moves the cursor of the pane under the
/// pointer. Off with `"mouse": false` in the config file (the terminal then reports nothing).
extension BrowserState {
    /// Lines the wheel moves per turn in the grid and the WAL pane.
    static let wheelStep = 3

    mutating func handleMouse(_ event: MouseEvent, context: BrowserDataSource) -> [Effect] {
        if case .walEntry(var view) = mode {
            // The entry view: the wheel scrolls it.
            let step = event.kind == .wheelUp ? -Self.wheelStep : event.kind == .wheelDown ? Self.wheelStep : 0
            view.scroll = max(0, min(view.scroll + step, view.lines.count - walEntryHeight))
            mode = .walEntry(view)
            return []
        }
        if case .prompt(let prompt) = mode, prompt.isPalette { return paletteMouse(event, prompt, context: context) }
        // Prompts, editors, questions and overlays keep their keys: a click there does nothing.
        guard mode == .normal else { return [] }
        let layout = layout
        func inside(_ r: Rect?) -> Rect? {
            guard let r, event.row >= r.row, event.row < r.row + r.height, event.column >= r.column,
                  event.column < r.column + r.width else { return nil }
            return r
        }
        let wheel: Int? = event.kind == .wheelUp ? -1 : event.kind == .wheelDown ? 1 : nil
        guard wheel != nil || event.kind == .press(button: 0) else { return [] }
        if let r = inside(layout.tables) {
            return clickTables(event, in: r, wheel: wheel, context: context)
        } else if let r = inside(layout.wal) {
            clickWAL(event, in: r, wheel: wheel)
        } else if let r = inside(layout.schema) {
            focus = .schema
            if let wheel {
                moveGridCursor(wheel < 0 ? .left : .right)
            } else if let columns = table?.schema.columns.count, event.row - r.row - 1 < columns,
                      event.row > r.row {
                column = event.row - r.row - 1
            }
        } else if let r = inside(layout.grid) {
            clickGrid(event, in: r, wheel: wheel)
        }
        return []
    }

    /// In the command palette: the wheel chooses, a click on a line runs it, a click outside the list closes it.
    private mutating func paletteMouse(_ event: MouseEvent, _ prompt: Prompt, context: BrowserDataSource) -> [Effect] {
        switch event.kind {
        case .wheelUp: return handlePalette(prompt, key: .up, context: context)
        case .wheelDown: return handlePalette(prompt, key: .down, context: context)
        case .press(button: 0): break
        default: return []
        }
        let count = paletteMatches(prompt.editor.string).count
        let (r, first) = Renderer.paletteList(count: count, selected: Self.paletteSelection(prompt),
                                              rows: viewport.rows, columns: viewport.columns)
        let line = event.row - r.row
        guard event.row >= r.row, line < r.height, event.column >= r.column, event.column < r.column + r.width,
              first + line < count else {
            if event.row == layout.hints.row { return [] }  // on its text: nothing to do
            mode = .normal
            return []
        }
        var chosen = prompt
        chosen.purpose = .palette(selected: first + line, query: prompt.editor.string)
        return handlePalette(chosen, key: .enter, context: context)
    }

    private mutating func clickTables(
        _ event: MouseEvent, in r: Rect, wheel: Int?, context: BrowserDataSource
    ) -> [Effect] {
        guard !tables.isEmpty else {
            focus = .tables
            return []
        }
        if let wheel {
            tableCursor = max(0, min(tableCursor + wheel, tables.count - 1))
            return []
        }
        // The first table shown, as ``Renderer/drawTables`` places them.
        let height = r.height - 1
        let first = max(0, min(tableCursor - height + 1, tables.count - height))
        let line = event.row - r.row - 1
        guard line >= 0, first + line < tables.count else {
            focus = .tables
            return []
        }
        let i = first + line
        if i == tableCursor && focus == .tables {
            // A second click on the highlighted table (or a double click) opens it, as Enter does.
            return handleNormal(.enter, context: context, as: .open)
        }
        tableCursor = i
        focus = .tables
        return []
    }

    private mutating func clickWAL(_ event: MouseEvent, in r: Rect, wheel: Int?) {
        if let wheel {
            moveWALCursor(wheel < 0 ? .up : .down, by: Self.wheelStep)
            return
        }
        let wasFocused = focus == .wal
        focus = .wal
        let shown = walShown
        let height = walPaneHeight
        guard let (p, top) = walWindow(shown, height: height) else { return }
        let line = event.row - r.row - 1
        guard line >= 0, top + line < shown.count else { return }
        if top + line == p && wasFocused {
            openWALEntry()  // a second click on the entry under the cursor opens it, as Enter does
            return
        }
        setWALCursor(top + line, shown: shown, top: top, height: height)
    }

    private mutating func clickGrid(_ event: MouseEvent, in r: Rect, wheel: Int?) {
        focus = .grid
        guard table != nil else { return }
        if let wheel {
            // The view scrolls with the cursor, by a few rows.
            row += wheel * Self.wheelStep
            top += wheel * Self.wheelStep
            clampCursor()
            top = max(0, min(top, max(0, view.count - pageSize)))
            return
        }
        // The title line, the header line, then the rows from `top`.
        let line = event.row - r.row - 2
        if line >= 0 && top + line < view.count { row = top + line }
        let x = event.column - r.column
        let placed = GridGeometry(state: self, width: r.width).columns
        // A column's cell runs from the space before its text to its separator.
        if let hit = placed.first(where: { x >= $0.x - 1 && x <= $0.x + $0.width + 1 }) { column = hit.index }
    }
}
