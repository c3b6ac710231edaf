import LineDB

/// How the grid marks selected rows: a `•` in the margin left of the first column (a mark, not only a colour, so
/// that it shows with `NO_COLOR` too).
extension Renderer {
    static let selectionMarker = "•"

    static func selectionMark(_ state: BrowserState, table: TableData, viewRow v: Int, at y: Int, in r: Rect,
                              on grid: inout ScreenGrid) {
        guard !state.selection.isEmpty, state.selection.contains(table.key(ofRow: state.view[v])) else { return }
        grid.put(selectionMarker, row: y, column: r.column, style: .header)
    }
}
