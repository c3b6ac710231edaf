import LineDB

/// The WAL entry view (Enter in the WAL pane), in a box over the panes.
extension Renderer {
    /// The WAL entry view: the entry's lines from its scroll position, in a box over the panes.
    static func drawWALEntry(_ view: WALEntryView, in layout: Layout, on grid: inout ScreenGrid) {
        let op = VisibleText.escaped(view.entry.operation)
        let r = box("WAL entry \(view.position) of \(view.count): \(op) (o open record, a as of this, Esc back)",
                    height: grid.rows - 3, width: grid.columns - 4, in: layout, on: &grid)
        for (i, line) in view.lines.dropFirst(view.scroll).prefix(r.height).enumerated() {
            field(line, row: r.row + i, column: r.column, width: r.width, style: i == 0 && view.scroll == 0 ? .header
                  : .normal, on: &grid)
        }
        if view.lines.count > r.height {
            let where_ = "\(min(view.lines.count, view.scroll + r.height)) of \(view.lines.count) lines"
            field(" " + where_ + " ", row: r.row + r.height, column: r.column + r.width - DisplayWidth.of(where_) - 2,
                  width: DisplayWidth.of(where_) + 2, style: .dim, on: &grid)
        }
    }
}
