import LineDB

/// Something a key asks of the outside world; ``BrowserApp`` carries it out against the database and reports
/// back to the state (``BrowserState/didSave(_:context:)`` and friends).
public enum Effect: Sendable, Equatable {
    /// Leave the browser.
    case quit
    /// Write the pending changes in one transaction, then save the tables; quit afterwards if it worked.
    case save(changes: [Change], thenQuit: Bool)
    /// Save every table and archive the WAL.
    case checkpoint
    /// Export a table to a file (as saved: pending changes are not in it). An existing file is only replaced when
    /// `overwrite` is set; otherwise the browser asks first (``Question/overwriteExport(table:path:format:)``).
    case export(table: String, path: String, format: ExportFormat, overwrite: Bool = false)
    /// Open the record with key `key` of the open table, as `text` (pretty JSON), in `$EDITOR`; the edited text
    /// comes back through ``BrowserState/finishRecordEdit(key:original:edited:)``.
    case editRecord(key: JSONValue, text: String)
    /// Export the rows of a sheet as shown (its sort and filter applied) to a file; as
    /// ``export(table:path:format:overwrite:)``.
    case exportSheet(SheetExport)
    /// Run a SQL query; its result opens as a query sheet.
    case query(sql: String)
    /// Put `text` on the system clipboard (the terminal writes OSC 52, ``Terminal/copyToClipboard(_:)``).
    case copyToClipboard(String)
    /// Become the writer: open the database again with the writer lock (the writer that held it has exited);
    /// ``BrowserState/tookOver(context:)`` or ``BrowserState/takeOverFailed(_:)`` reports back.
    case takeOver
    /// Read the history of the record with key `key` of `table` in the background; the history view opens with it
    /// (``BrowserState/startRecordHistory(_:)``).
    case recordHistory(table: String, key: JSONValue)
    /// Build the database as of a moment off the thread that draws; ``BrowserState/asOfBuilt(_:generation:context:)``
    /// or ``BrowserState/asOfFailed(_:generation:)`` reports back.
    case buildAsOf(HistoryMoment, generation: Int)
}

/// A sheet's rows to write to a file (``Effect/exportSheet(_:)``).
public struct SheetExport: Sendable, Equatable {
    /// The sheet's columns; its name is the table name a JSON export gives.
    public var schema: TableSchema
    /// The rows, in the order shown.
    public var rows: [[JSONValue]]
    /// The file, as typed (relative to the current directory, or absolute).
    public var path: String
    /// The file format.
    public var format: ExportFormat
    /// Replace an existing file (otherwise the browser asks first).
    public var overwrite: Bool
}
