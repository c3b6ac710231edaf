import LineDB

extension Renderer {
    /// The as-of view's mark of a cell, in its left margin (a mark, not only a colour: it shows with `NO_COLOR`):
    /// `*` differs from now, `×` the record does not exist now.
    static func pastMarker(_ mark: BrowserState.PastMark, row: Int, column: Int, style: CellStyle,
                           on grid: inout ScreenGrid) {
        grid.put(mark == .goneNow ? "×" : "*", row: row, column: column, style: style)
    }
}
