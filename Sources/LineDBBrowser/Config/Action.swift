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
    case messages
    /// Editing (issue 14 items 7, 8, 16): null, take over as writer, duplicate, copy and paste.
    case setNull = "set-null", takeOver = "take-over", duplicate, copyCell = "copy-cell",
         copyRecord = "copy-record", paste
    // The view: record view, columns, multi-column sort, go to (State/BrowserState+ColumnView.swift and neighbours).
    case recordView = "record-view", nextRecord = "next-record", previousRecord = "previous-record"
    case hideColumn = "hide-column", showColumns = "show-columns", fitColumn = "fit-column"
    case narrowColumn = "narrow-column", widenColumn = "widen-column"
    case moveColumnLeft = "move-column-left", moveColumnRight = "move-column-right"
    case sortAddAscending = "sort-add-ascending", sortAddDescending = "sort-add-descending"
    case naturalOrder = "natural-order"
    case goToRow = "go-to-row", goToKey = "go-to-key", halfPageDown = "half-page-down", halfPageUp = "half-page-up"
    case toggleSelect = "select-row", selectMatching = "select-matching", invertSelection = "invert-selection"
    case clearSelection = "clear-selection", setSelected = "set-selected"
    case palette = "command-palette"
    /// Time travel (issue 15): the history of the record under the cursor (State/BrowserState+RecordHistory.swift).
    case recordHistory = "record-history"
    /// Time travel (issue 15): the database as of a moment (State/BrowserState+AsOf.swift).
    case asOf = "as-of", asOfPrevious = "as-of-previous", asOfNext = "as-of-next", asOfDiff = "as-of-diff"

    /// The help overlay's groups, in order.
    public enum Group: String, Sendable, CaseIterable {
        case move = "Move", find = "Find", edit = "Edit (pending until saved)", database = "Database"
        case view = "View (never saved)"
    }

    public var group: Group {
        switch self {
        case .up, .down, .left, .right, .pageUp, .pageDown, .firstRow, .lastRow, .firstColumn, .lastColumn,
             .nextPane, .previousPane, .open, .toggleTables, .toggleSchema, .toggleWAL,
             .goToRow, .goToKey, .halfPageDown, .halfPageUp, .nextRecord, .previousRecord:
            return .move
        case .search, .nextMatch, .previousMatch, .cancel, .filter, .clearFilter, .removeLastFilter, .sortAscending,
             .sortDescending, .frequency, .describe, .query, .sortAddAscending, .sortAddDescending, .naturalOrder,
             .toggleSelect, .selectMatching, .invertSelection, .clearSelection:
            return .find
        case .asOf, .asOfPrevious, .asOfNext, .asOfDiff: return .view
        case .recordView, .recordHistory, .hideColumn, .showColumns, .fitColumn, .narrowColumn, .widenColumn, .moveColumnLeft,
             .moveColumnRight:
            return .view
        case .setSelected: return .edit
        case .edit, .editRecord, .add, .delete, .undo, .redo, .preview, .discard: return .edit
        case .setNull, .duplicate, .copyCell, .copyRecord, .paste: return .edit
        case .save, .checkpoint, .export, .help, .quit, .messages, .takeOver, .palette: return .database
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
        case .delete: return "delete record / selected"
        case .undo: return "undo"
        case .redo: return "redo"
        case .preview: return "preview as WAL entries"
        case .discard: return "discard pending changes"
        case .save: return "save: WAL, then files"
        case .checkpoint: return "checkpoint: archive WAL"
        case .export: return "export table or view"
        case .help: return "this help"
        case .quit: return "quit (asks if unsaved)"
        case .frequency: return "frequency sheet of column"
        case .describe: return "describe sheet: statistics"
        case .query: return "SQL query → sheet"
        case .messages: return "recent messages"
        case .setNull: return "set the cell to null (∅)"
        case .takeOver: return "take over as the writer"
        case .duplicate: return "duplicate the record"
        case .copyCell: return "copy the cell (clipboard)"
        case .copyRecord: return "copy the record as JSON"
        case .paste: return "paste into the cell"
        case .recordView: return "record view, field by line"
        case .recordHistory: return "history of the record"
        case .nextRecord: return "next record"
        case .previousRecord: return "previous record"
        case .hideColumn: return "hide the column"
        case .showColumns: return "show hidden columns"
        case .fitColumn: return "fit column to content"
        case .narrowColumn: return "narrow the column"
        case .widenColumn: return "widen the column"
        case .moveColumnLeft: return "move column left"
        case .moveColumnRight: return "move column right"
        case .sortAddAscending: return "add column to sort ↑"
        case .sortAddDescending: return "add column to sort ↓"
        case .naturalOrder: return "natural (key) order"
        case .goToRow: return "go to row number"
        case .goToKey: return "go to key"
        case .halfPageDown: return "half page down"
        case .halfPageUp: return "half page up"
        case .toggleSelect: return "select/unselect the row"
        case .selectMatching: return "select matches (or all)"
        case .invertSelection: return "invert the selection"
        case .clearSelection: return "clear the selection"
        case .setSelected: return "set column of selected"
        case .palette: return "command palette: any action"
        case .asOf: return "as of…: view the past"
        case .asOfPrevious: return "past view: previous entry"
        case .asOfNext: return "past view: next entry"
        case .asOfDiff: return "past view: diff to now"
        }
    }

    /// Moves that change neither the rows nor the view: allowed while a search, filter or sort runs.
    var isMove: Bool {
        group == .move && ![.open, .toggleTables, .toggleSchema, .toggleWAL, .goToRow, .goToKey].contains(self)
    }
}
