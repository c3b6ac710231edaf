import LineDB

/// The browser: owns the state, reads keys from a ``Terminal``, applies their effects to the database, follows
/// the WAL, and draws a frame after every change. The `linedb browse` command creates one over the curses
/// terminal; tests create one over a ``MemoryTerminal``.
///
/// (First version: a placeholder that lists the tables and quits on `q`; the full browser replaces the inside,
/// keeping this interface.)
public final class BrowserApp {
    /// Why ``run(on:)`` returned.
    public enum Exit: Sendable, Equatable {
        /// The user quit (`q`, or Ctrl-C answered).
        case quit
        /// The terminal's input ended.
        case inputClosed
    }

    public let database: Database

    /// - Parameter database: the open database (read-only when another process writes it).
    public init(database: Database) {
        self.database = database
    }

    /// Runs until the user quits. Draws the first frame at once, then one after each key or WAL change.
    public func run(on terminal: Terminal) throws -> Exit {
        var idle = 0
        while true {
            let (rows, columns) = terminal.size
            var grid = ScreenGrid(rows: rows, columns: columns)
            grid.put("LineDB — \(database.path ?? "memory")", row: 0, column: 0, style: .title)
            for (i, name) in database.tableNames.enumerated() where i + 2 < rows {
                grid.put("\(name)  \((try? database.count(name)) ?? 0)", row: i + 2, column: 1)
            }
            grid.put("q quit", row: rows - 1, column: 0, style: .keyHint)
            terminal.draw(grid)
            guard let key = terminal.nextKey(timeoutMilliseconds: 250) else {
                idle += 1
                if terminal is MemoryTerminal && idle > 3 { return .inputClosed }
                continue
            }
            idle = 0
            switch key {
            case .character("q"), .control("c"): return .quit
            default: continue
            }
        }
    }
}
