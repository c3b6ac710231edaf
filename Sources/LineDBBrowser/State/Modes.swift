import LineDB

/// What the keys currently drive: the panes, or an overlay, prompt, editor or question.
public enum Mode: Sendable, Equatable {
    case normal
    /// The `?` overlay listing every key.
    case help
    /// The `p` overlay: the pending changes as the WAL entries they will become.
    case preview
    /// The Ctrl-P overlay: the recent messages, the newest last.
    case messages
    /// A one-line prompt on the key-hint line.
    case prompt(Prompt)
    /// The in-place cell editor.
    case edit(CellEdit)
    /// The add-a-record form.
    case form(RecordForm)
    /// A question answered with one key.
    case confirm(Question)
    /// One WAL entry, whole (Enter in the WAL pane).
    case walEntry(WALEntryView)
}

/// A prompt: what it asks for, and the text typed so far.
public struct Prompt: Sendable, Equatable {
    public enum Purpose: Sendable, Equatable {
        case search
        case filter(column: Int)
        case exportPath(format: ExportFormat)
        /// A SQL query whose result opens as a sheet; `history`: the position in
        /// ``BrowserState/queryHistory`` shown (its count for a new query).
        case query(history: Int)
        /// A row number of the view to go to (`#`).
        case goToRow
        /// A key of the open table to go to (`@`); `column`: the key column, whose type reads it.
        case goToKey(column: Int)
        /// The value to give column `column` in every selected row (`b`).
        case setSelected(column: Int)
        /// The command palette (Space): `selected` is the chosen line of the matches for the text `query` (the
        /// first line once the text changes).
        case palette(selected: Int, query: String)
        /// The WAL pane's filter (`f` in the WAL pane).
        case walFilter
        /// The moment to view the database as of (the palette's `as-of`): an LSN, a time, `-2h`.
        case asOf
    }

    public var purpose: Purpose
    public var editor: LineEditor

    /// Whether this is the command palette's prompt.
    var isPalette: Bool {
        if case .palette = purpose { return true }
        return false
    }

    var label: String {
        switch purpose {
        case .search: return "Search: "
        case .filter: return "Filter: "  // with the column, or WHERE: BrowserState.label(of:)
        case .exportPath(let format): return "Export as \(format.rawValue) to: "
        case .query: return "SQL (↑↓ history): "
        case .goToRow: return "Go to row number: "
        case .goToKey: return "Go to key: "
        case .setSelected: return "Set in the selected rows: "  // with the column: BrowserState.label(of:)
        case .palette: return "Command: "
        case .walFilter: return "WAL filter (table, op=, key=): "
        case .asOf: return "As of (lsn, time, -2h): "
        }
    }
}

/// Editing one cell of the record with key `key`.
public struct CellEdit: Sendable, Equatable {
    public var key: JSONValue
    public var column: Int
    public var editor: LineEditor
    /// Why the text was refused at the last Enter (the editor stays open with it), or `nil`.
    public var refusal: String? = nil
}

/// The add form: one editor per column.
public struct RecordForm: Sendable, Equatable {
    public var fields: [LineEditor]
    public var active: Int
    /// The box's title when it is not the add form's own (`A`: "Duplicate record 3 of student").
    public var title: String? = nil
}

/// The questions the browser asks before doing something that cannot be taken back.
public enum Question: Sendable, Equatable {
    /// Quit with unsaved changes: save / discard / cancel.
    case quit
    /// Delete the record with this key.
    case delete(key: JSONValue)
    /// Throw away every pending change.
    case discard
    /// Checkpoint the database.
    case checkpoint
    /// Export the current table: which format.
    case exportFormat
    /// The export's file exists (`path`, absolute): replace it?
    case overwriteExport(table: String, path: String, format: ExportFormat)
    /// Delete every selected record (`d` with rows selected).
    case deleteSelected
}
