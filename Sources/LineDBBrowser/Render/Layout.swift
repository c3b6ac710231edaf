/// A rectangle of the screen, in rows and display columns.
public struct Rect: Sendable, Equatable {
    public var row: Int
    public var column: Int
    public var height: Int
    public var width: Int

    public init(row: Int, column: Int, height: Int, width: Int) {
        self.row = row
        self.column = column
        self.height = max(0, height)
        self.width = max(0, width)
    }
}

/// Where each pane goes for a screen size.
///
/// By default, panes that do not fit are left out (`nil`), in this order: the Schema pane first (below 120
/// columns), then the WAL pane (below 20 rows), then the Tables pane (below 60 columns). The user can hide any of
/// them, and show any of them at any size from 80x24 (`showing`): below 120 columns the Schema pane then takes the
/// Tables pane's place on the left (the one asked for last has the place, see ``BrowserState/toggle(_:)``). The
/// grid takes what is left. Panes never overlap: one column of `│` separates them side by side.
public struct Layout: Sendable, Equatable {
    public var tables: Rect?
    public var grid: Rect
    public var schema: Rect?
    public var wal: Rect?
    /// The status line, and the message's own lines above it when the message does not fit beside it.
    public var status: Rect
    public var hints: Rect

    public static let schemaMinColumns = 120
    public static let walMinRows = 20
    public static let tablesMinColumns = 60

    /// - Parameters:
    ///   - hidden: panes the user hid (`.tables`, `.schema`, `.wal`; the grid is always shown).
    ///   - shown: panes the user asked to see although the size would leave them out.
    ///   - statusLines: the status area's height (1 to 3): a long message takes a line or two of the grid's.
    public init(
        rows: Int, columns: Int, hiding hidden: Set<BrowserState.Focus> = [], showing shown: Set<BrowserState.Focus> = [],
        statusLines: Int = 1
    ) {
        let rows = max(3, rows)
        let columns = max(1, columns)
        // The grid keeps a title, a header and a row: the status area gives up lines before it does.
        let statusHeight = max(1, min(statusLines, 3, rows - 4))
        hints = Rect(row: rows - 1, column: 0, height: 1, width: columns)
        status = Rect(row: rows - 1 - statusHeight, column: 0, height: statusHeight, width: columns)
        let main = rows - 1 - statusHeight
        var top = main
        let wantsWAL = !hidden.contains(.wal) && (rows >= Layout.walMinRows || shown.contains(.wal))
        if wantsWAL {
            let height = rows >= Layout.walMinRows ? min(12, max(6, main / 4)) : max(2, main / 3)
            if main - height >= 3 {
                wal = Rect(row: main - height, column: 0, height: height, width: columns)
                top = main - height
            }
        }
        var x = 0
        var right = columns
        let wide = columns >= Layout.schemaMinColumns
        let schemaOnLeft = !wide && shown.contains(.schema) && !hidden.contains(.schema)
        if schemaOnLeft {
            // Below 120 columns the schema asked for takes the tables' place.
            let width = min(36, max(24, columns * 3 / 7), columns - 21)
            if width >= 12 {
                schema = Rect(row: 0, column: 0, height: top, width: width)
                x = width + 1
            }
        } else if !hidden.contains(.tables) && (columns >= Layout.tablesMinColumns || shown.contains(.tables)) {
            let width = columns >= Layout.tablesMinColumns
                ? min(28, max(18, columns / 6)) : min(columns - 21, max(12, columns / 3))
            if width >= 8 {
                tables = Rect(row: 0, column: 0, height: top, width: width)
                x = width + 1
            }
        }
        if wide && !hidden.contains(.schema) {
            let width = min(44, max(32, columns / 4))
            schema = Rect(row: 0, column: columns - width, height: top, width: width)
            right = columns - width - 1
        }
        grid = Rect(row: 0, column: x, height: top, width: right - x)
    }
}
