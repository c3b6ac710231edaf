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

/// Where each pane goes for a screen size. Panes that do not fit are left out (`nil`), in this order: the
/// Schema pane first (below 120 columns), then the WAL pane (below 20 rows), then the Tables pane (below 60
/// columns); the user can hide any of them too. The grid takes what is left. Panes never overlap: one column
/// of `│` separates them side by side.
public struct Layout: Sendable, Equatable {
    public var tables: Rect?
    public var grid: Rect
    public var schema: Rect?
    public var wal: Rect?
    public var status: Rect
    public var hints: Rect

    public static let schemaMinColumns = 120
    public static let walMinRows = 20
    public static let tablesMinColumns = 60

    /// - Parameter hiding: panes the user hid (`.tables`, `.schema`, `.wal`; the grid is always shown).
    public init(rows: Int, columns: Int, hiding hidden: Set<BrowserState.Focus> = []) {
        let rows = max(3, rows)
        let columns = max(1, columns)
        hints = Rect(row: rows - 1, column: 0, height: 1, width: columns)
        status = Rect(row: rows - 2, column: 0, height: 1, width: columns)
        let main = rows - 2
        var top = main
        if rows >= Layout.walMinRows && !hidden.contains(.wal) {
            let height = min(12, max(6, main / 4))
            wal = Rect(row: main - height, column: 0, height: height, width: columns)
            top = main - height
        }
        var x = 0
        var right = columns
        if columns >= Layout.tablesMinColumns && !hidden.contains(.tables) {
            let width = min(28, max(18, columns / 6))
            tables = Rect(row: 0, column: 0, height: top, width: width)
            x = width + 1
        }
        if columns >= Layout.schemaMinColumns && !hidden.contains(.schema) {
            let width = min(44, max(32, columns / 4))
            schema = Rect(row: 0, column: columns - width, height: top, width: width)
            right = columns - width - 1
        }
        grid = Rect(row: 0, column: x, height: top, width: right - x)
    }
}
