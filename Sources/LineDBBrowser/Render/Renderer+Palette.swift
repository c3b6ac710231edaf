import LineDB

/// The command palette's list, in a box above the key-hint line (where its prompt is typed).
extension Renderer {
    /// Where the palette's list goes on a screen of `rows` x `columns` for `count` matches (the inside of its box),
    /// and the first match shown when `selected` is chosen (the mouse finds its lines with it).
    static func paletteList(count: Int, selected: Int, rows: Int, columns: Int) -> (rect: Rect, first: Int) {
        let height = max(1, min(max(1, count), rows - 5))
        let width = max(10, min(columns - 4, 76))
        // As ``box(_:height:width:in:on:)`` places it.
        let h = min(height + 2, rows - 1)
        let w = min(width + 4, columns)
        let r = Rect(row: max(0, (rows - 1 - h) / 2) + 1, column: max(0, (columns - w) / 2) + 2, height: h - 2,
                     width: w - 4)
        return (r, max(0, min(selected - r.height + 1, count - r.height)))
    }

    static func drawPalette(_ state: BrowserState, _ prompt: Prompt, in layout: Layout, on grid: inout ScreenGrid) {
        let matches = state.paletteMatches(prompt.editor.string)
        let selected = BrowserState.paletteSelection(prompt)
        let width = max(10, min(grid.columns - 4, 76))
        let height = max(1, min(max(1, matches.count), grid.rows - 5))
        let title = matches.isEmpty
            ? "Commands: none match" : "Commands (\(matches.count)): ↑↓ choose, Enter run, Esc close"
        let r = box(title, height: height, width: width, in: layout, on: &grid)
        assert(r == paletteList(count: matches.count, selected: selected, rows: grid.rows, columns: grid.columns).rect,
               "the mouse's idea of the palette's list is where it is drawn")
        guard !matches.isEmpty else {
            field("no command has these letters; Backspace to change", row: r.row, column: r.column,
                  width: r.width, style: .dim, on: &grid)
            return
        }
        let first = paletteList(count: matches.count, selected: selected, rows: grid.rows, columns: grid.columns).first
        let keyWidth = 11
        let nameWidth = min(24, max(8, r.width / 3))
        for (i, item) in matches.enumerated().dropFirst(first).prefix(r.height) {
            let y = r.row + i - first
            let isChosen = i == selected
            let style: CellStyle = isChosen ? .cursor : .normal
            grid.fill(row: y, column: r.column, height: 1, width: r.width, style: style)
            field(state.paletteKeys(item), row: y, column: r.column, width: keyWidth,
                  style: isChosen ? .cursor : .keyHint, on: &grid)
            field(item.name, row: y, column: r.column + keyWidth + 1, width: nameWidth, style: style, on: &grid)
            let x = keyWidth + 1 + nameWidth + 1
            field(item.summary, row: y, column: r.column + x, width: r.width - x, style: isChosen ? .cursor : .dim,
                  on: &grid)
        }
    }
}
