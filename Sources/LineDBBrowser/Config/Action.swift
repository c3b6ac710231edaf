/// What a key does in the panes (normal mode). Keys are bound to actions by ``KeyMap``, which the config file can
/// change; prompts, the cell editor, the add form and questions keep their fixed keys (Enter, Esc, y/n, …).
public enum Action: String, Sendable, CaseIterable, Hashable {
    case up, down, left, right
    case pageUp = "page-up", pageDown = "page-down"
    case firstRow = "first-row", lastRow = "last-row", firstColumn = "first-column", lastColumn = "last-column"
    case nextPane = "next-pane", previousPane = "previous-pane"
    case open
    case toggleTables = "toggle-tables", toggleSchema = "toggle-schema", toggleWAL = "toggle-wal"
    case search, nextMatch = "next-match", previousMatch = "previous-match", cancel
    case filter, clearFilter = "clear-filter", removeLastFilter = "remove-last-filter"
    case sortAscending = "sort-ascending", sortDescending = "sort-descending"
    case edit, editRecord = "edit-record", add, delete, undo, redo, preview, discard
    case save, checkpoint, export, help, quit
    case frequency, describe, query
    case palette = "command-palette"

    /// The help overlay's groups, in order.
    public enum Group: String, Sendable, CaseIterable {
        case move = "Move", find = "Find", edit = "Edit (pending until saved)", database = "Database"
    }

    public var group: Group {
        switch self {
        case .up, .down, .left, .right, .pageUp, .pageDown, .firstRow, .lastRow, .firstColumn, .lastColumn,
             .nextPane, .previousPane, .open, .toggleTables, .toggleSchema, .toggleWAL:
            return .move
        case .search, .nextMatch, .previousMatch, .cancel, .filter, .clearFilter, .removeLastFilter, .sortAscending,
             .sortDescending, .frequency, .describe, .query:
            return .find
        case .edit, .editRecord, .add, .delete, .undo, .redo, .preview, .discard: return .edit
        case .save, .checkpoint, .export, .help, .quit: return .database
        case .palette: return .database
        }
    }

    /// What the help overlay says it does (at most 26 columns).
    public var summary: String {
        switch self {
        case .up: return "cursor up"
        case .down: return "cursor down"
        case .left: return "cursor left"
        case .right: return "cursor right"
        case .pageUp: return "page up"
        case .pageDown: return "page down"
        case .firstRow: return "first row"
        case .lastRow: return "last row"
        case .firstColumn: return "first column"
        case .lastColumn: return "last column"
        case .nextPane: return "next pane"
        case .previousPane: return "previous pane"
        case .open: return "open table / edit cell"
        case .toggleTables: return "hide/show the tables"
        case .toggleSchema: return "hide/show the schema"
        case .toggleWAL: return "hide/show the WAL"
        case .search: return "search all cells (any case)"
        case .nextMatch: return "next match"
        case .previousMatch: return "previous match"
        case .cancel: return "stop; forget search; close a sheet"
        case .filter: return "filter: = != < > text, or SQL"
        case .clearFilter: return "remove every filter"
        case .removeLastFilter: return "remove the last filter"
        case .sortAscending: return "sort by this column ↑"
        case .sortDescending: return "sort by this column ↓"
        case .edit: return "edit the cell"
        case .editRecord: return "edit the record in $EDITOR"
        case .add: return "add a record"
        case .delete: return "delete the record"
        case .undo: return "undo"
        case .redo: return "redo"
        case .preview: return "preview as WAL entries"
        case .discard: return "discard pending changes"
        case .save: return "save: WAL, then files"
        case .checkpoint: return "checkpoint: archive WAL"
        case .export: return "export JSON / JSONL / CSV"
        case .help: return "this help"
        case .quit: return "quit (asks if unsaved)"
        case .frequency: return "frequency sheet of column"
        case .describe: return "describe sheet: statistics"
        case .query: return "SQL query → sheet"
        case .palette: return "command palette: any action"
        }
    }

    /// Moves that change neither the rows nor the view: allowed while a search, filter or sort runs.
    var isMove: Bool {
        group == .move && ![.open, .toggleTables, .toggleSchema, .toggleWAL].contains(self)
    }
}
