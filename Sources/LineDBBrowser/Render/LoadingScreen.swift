import LineDB

/// Draws a ``LoadingPreview`` like the browser's main view (tables pane, records grid, status and key-hint
/// lines) while the database opens. Pure: the same preview and size give the same grid.
public enum LoadingScreen {
    /// How many records fill the grid of a terminal of `rows` lines (what ``LoadingPreview/read(databasePath:rows:)``
    /// should read).
    public static func recordRows(terminalRows rows: Int) -> Int { max(0, rows - 3) }

    /// The loading screen of `preview` on a terminal of `rows` × `columns`; reads nothing but `preview` (which
    /// ``LoadingPreview/read(databasePath:rows:)`` and ``LoadingPreview/navigate(_:page:keyMap:)`` fill from the files).
    public static func render(_ preview: LoadingPreview, rows: Int, columns: Int) -> ScreenGrid {
        var grid = ScreenGrid(rows: rows, columns: columns)
        guard rows >= 6, columns >= 20 else {
            _ = grid.put("Loading…", row: 0, column: 0, style: .title)
            return grid
        }
        let body = rows - 2
        // Tables pane.
        let longest = preview.tableNames.map(DisplayWidth.of).max() ?? 6
        let tablesWidth = min(max(longest + 2, 14), max(10, columns / 4))
        // No count in the title: the counts come with the open (and "Tables (n)" means the browser is ready).
        Renderer.title("Tables", focused: true,
                       in: Rect(row: 0, column: 0, height: body, width: tablesWidth), on: &grid)
        for (i, name) in preview.tableNames.prefix(body - 1).enumerated() {
            Renderer.field(" " + name, row: 1 + i, column: 0, width: tablesWidth,
                           style: i == 0 ? .cursor : .normal, on: &grid)
        }
        Renderer.drawSeparator(at: tablesWidth, from: 0, height: body, on: &grid)
        // Records grid.
        let left = tablesWidth + 1, width = columns - left
        let title = preview.schema.map { "\($0.name) (loading…)" } ?? "Records"
        Renderer.title(title, focused: false, in: Rect(row: 0, column: left, height: body, width: width), on: &grid)
        if let schema = preview.schema, body >= 3 {
            drawRecords(preview.records, cursor: preview.cursor, schema: schema, top: 1, left: left, width: width,
                        height: body - 1, on: &grid)
        }
        Renderer.field(" " + preview.statusText, row: rows - 2, column: 0, width: columns, style: .title, on: &grid)
        Renderer.field(" q quit · j k PgUp PgDn g G move (the browser starts when the database is open)",
                       row: rows - 1, column: 0,
                       width: columns, style: .keyHint, on: &grid)
        return grid
    }

    private static func drawRecords(
        _ records: [Record], cursor: Int, schema: TableSchema, top: Int, left: Int, width: Int, height: Int,
        on grid: inout ScreenGrid
    ) {
        // The window of records that holds the cursor.
        let visible = max(1, height - 1)
        let first = max(0, min(cursor - visible + 1, records.count - visible))
        let shown = Array(records[min(first, records.count)...].prefix(visible))
        let cursorRow = cursor - first
        if cursorRow >= 0 && cursorRow < shown.count {
            grid.fill(row: top + 1 + cursorRow, column: left, height: 1, width: width, style: .selected)
        }
        var x = left
        for column in schema.columns {
            guard x < left + width else { break }
            let texts = shown.map { ValueText.display($0[column.name] ?? .null, width: 25) }  // a column is ≤ 24
            let natural = ([column.name] + texts).map(DisplayWidth.of).max() ?? 1
            let w = min(min(max(natural, 3), 24), left + width - x)
            Renderer.field(column.name, row: top, column: x, width: w, style: .header, on: &grid)
            for (i, text) in texts.enumerated() {
                let value = shown[i][column.name] ?? .null
                let style: CellStyle = i == cursorRow ? .selected : value == .null ? .null : .normal
                Renderer.field(text, row: top + 1 + i, column: x, width: w, style: style,
                               right: ValueText.isNumber(value), on: &grid)
            }
            x += w + 1
        }
    }
}
