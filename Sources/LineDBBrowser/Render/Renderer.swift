import LineDB

/// Draws a ``BrowserState`` into a ``ScreenGrid`` of the state's viewport size: the panes of its ``Layout``,
/// the status and key-hint lines, then any overlay. Pure: the same state gives the same grid.
public enum Renderer {
    public static func render(_ state: BrowserState) -> ScreenGrid {
        var grid = ScreenGrid(rows: state.viewport.rows, columns: state.viewport.columns)
        guard state.viewport.rows >= 6, state.viewport.columns >= 20 else {
            grid.put("Terminal too small", row: 0, column: 0, style: .error)
            return grid
        }
        let layout = state.layout
        if let r = layout.tables {
            drawTables(state, in: r, on: &grid)
            drawSeparator(at: r.column + r.width, from: r.row, height: r.height, on: &grid)
        }
        if state.recordHistory != nil {
            drawRecordHistory(state, in: layout.grid, on: &grid)
        } else if state.recordView != nil { drawRecordView(state, in: layout.grid, on: &grid) } else {
            drawGrid(state, in: layout.grid, on: &grid)
        }
        if let r = layout.schema {
            // On the right, or (below 120 columns) in the tables' place on the left.
            drawSeparator(at: r.column == 0 ? r.width : r.column - 1, from: r.row, height: r.height, on: &grid)
            drawSchema(state, in: r, on: &grid)
        }
        if let r = layout.wal { drawWAL(state, in: r, on: &grid) }
        drawStatus(state, in: layout.status, on: &grid)
        drawHints(state, in: layout.hints, on: &grid)
        switch state.mode {
        case .help: drawHelp(state, on: &grid)
        case .messages: drawMessages(state, on: &grid)
        case .preview: drawPreview(state, in: layout, on: &grid)
        case .form(let form): drawForm(state, form, in: layout, on: &grid)
        case .edit(let edit) where state.recordView != nil: drawRecordEditor(state, edit, in: layout, on: &grid)
        case .edit(let edit): drawEditor(state, edit, in: layout, on: &grid)
        case .prompt(let prompt) where prompt.isPalette: drawPalette(state, prompt, in: layout, on: &grid)
        case .walEntry(let view): drawWALEntry(view, in: layout, on: &grid)
        default: break
        }
        return grid
    }

    // MARK: - Helpers

    /// Writes `text` in a field of `width` columns filled with `style`, left- or right-aligned, clipped with an
    /// ellipsis.
    static func field(
        _ text: String, row: Int, column: Int, width: Int, style: CellStyle, right: Bool = false,
        on grid: inout ScreenGrid
    ) {
        guard width > 0 else { return }
        grid.fill(row: row, column: column, height: 1, width: width, style: style)
        let clipped = DisplayWidth.clip(text, to: width)
        let offset = right ? width - DisplayWidth.of(clipped) : 0
        grid.put(clipped, row: row, column: column + offset, width: width - offset, style: style)
    }

    static func drawSeparator(at column: Int, from row: Int, height: Int, on grid: inout ScreenGrid) {
        for r in row..<row + height { grid.put("│", row: r, column: column, style: .border) }
    }

    /// A pane's title line. The focused pane's stands out without colour too: it starts with ``focusMarker``.
    static func title(_ text: String, focused: Bool, in r: Rect, on grid: inout ScreenGrid) {
        field((focused ? focusMarker : " ") + text, row: r.row, column: r.column, width: r.width,
              style: focused ? .focusBorder : .title, on: &grid)
    }

    /// What starts the title of the pane that has the focus.
    static let focusMarker = "▶ "

    static func shortTime(_ timestamp: String) -> String {
        // "2026-01-22T20:31:17.592172" → "20:31:17"
        let parts = timestamp.split(separator: "T")
        guard parts.count == 2 else { return String(timestamp.prefix(8)) }
        return String(parts[1].prefix(8))
    }
}
