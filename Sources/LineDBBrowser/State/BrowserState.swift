import LineDB

/// Everything the browser shows and remembers, as a value: focus, the open table, cursor and scroll, find
/// state, pending edits, the WAL tail, the current prompt or overlay and the last message.
///
/// Keys change it through ``handle(_:context:)``, which is pure apart from reading tables through the
/// ``BrowserDataSource``; writes come back as ``Effect``s. ``Renderer`` draws it.
public struct BrowserState: Sendable {
    /// The panes that can hold the focus.
    public enum Focus: Sendable, Equatable, CaseIterable { case tables, grid, schema, wal }

    /// The database directory's name, for the status line.
    public var databaseName: String
    /// Whether edits are refused (the database was opened read-only).
    public var isReadOnly: Bool
    /// Why, as the refusals say it: another process holds the writer lock, or read-only was asked for.
    public var readOnlyReason = "another process writes it"
    /// The Tables pane: every table and its record count, by name.
    public var tables: [TableSummary] = []
    /// The highlighted line of the Tables pane.
    public var tableCursor = 0
    /// The pane the movement keys act on.
    public var focus: Focus = .tables
    /// The open table (with pending changes applied).
    public internal(set) var table: TableData? {
        didSet {
            // A task or count of the rows it started from is out of date: the count starts again, a task is
            // dropped (the view is rebuilt from the current filter and sort by whoever changed the table).
            viewGeneration &+= 1
            task = nil
        }
    }
    /// Whether the last reading of ``table`` failed (it shows what was read before): opening it reads it again.
    var tableIsStale = false
    /// Positions in `table.rows` of the rows shown, after filter and sort.
    public internal(set) var view: [Int] = [] {
        didSet { viewGeneration &+= 1 }
    }
    /// Changes with every change of ``view`` or ``table`` (a count of search matches in progress starts again).
    var viewGeneration = 0
    /// The search, filter or sort running in slices (``work(until:chunk:)``); Esc cancels it.
    public internal(set) var task: ViewTask?
    /// The count of rows matching the search, running in slices after the first match was shown.
    var counter: MatchCounter?
    /// Cursor: index into ``view`` and column position.
    public internal(set) var row = 0
    public internal(set) var column = 0
    /// First visible row (index into ``view``) and first visible column after the pinned key column.
    public internal(set) var top = 0
    public internal(set) var left = 0
    /// The last search (`/`), and how many rows of the view match it.
    public internal(set) var search: String?
    public internal(set) var searchMatches = 0
    /// How the search matches (regular expression, one column), its "match k of N", the search prompt's toggles.
    public internal(set) var searchInfo = SearchInfo()
    /// The rows selected (`t`, `*`, `~`, `U`), by key: they stay selected through sorts and filters.
    public internal(set) var selection = RowSelection()
    /// Selecting many rows, or a bulk set or delete of the selected rows, running in slices; Esc cancels it.
    public internal(set) var selectionJob: SelectionJob?
    /// Whether the export being asked for is of the view as shown (not the whole table as saved).
    var exportsView = false
    /// The pending changes counted by table, for the Tables pane's frames (``pendingCount(of:)``).
    let pendingCounts = PendingCounts()
    /// The filters (`f`) of the view, oldest first: each narrows the rows the ones before it kept.
    public internal(set) var filters: [ViewFilter] = []
    /// What evaluates the filters' SQL expressions (``ViewFilter/expression(_:)``); without one they are refused.
    public var evaluator: FilterEvaluator?
    /// The sort of the view (`[` `]` one column, `{` `}` add a column), the first column deciding first; empty:
    /// the natural (key) order.
    public internal(set) var sorting: [ViewTask.SortOrder] = []
    /// The first column of the sort, if any.
    public var sort: (column: Int, descending: Bool)? { sorting.first.map { ($0.column, $0.descending) } }
    /// Unsaved changes, oldest first; undone changes wait in ``redoStack``.
    public internal(set) var pending: [Change] = []
    public internal(set) var redoStack: [Change] = []
    /// The save or checkpoint running in the background, or `nil` (BrowserState+Saving.swift). Keys that need the
    /// database wait for it (``savingRefusal(_:)``); everything else works meanwhile.
    public internal(set) var saving: SaveJob?
    /// The last ``Change/group`` number given out.
    var lastChangeGroup = 0
    /// The last message for the status line, and whether it reports a refusal or a failure.
    public var message = ""
    public var messageIsError = false
    /// The latest WAL entries, oldest first (at most ``walLimit``).
    public internal(set) var wal: [WALEntry] = []
    /// Lines scrolled up from the end of the WAL pane.
    public internal(set) var walScroll = 0
    /// The WAL pane's cursor, filter and count of entries not seen yet (``WALPane``).
    public internal(set) var walPane = WALPane()
    /// What the keys drive now.
    public var mode: Mode = .normal
    /// Panes the user hid (`T`, `S`, `W`).
    public internal(set) var hiddenPanes: Set<Focus> = []
    /// Panes the user asked to see although the screen size leaves them out (`S` below 120 columns).
    public internal(set) var shownPanes: Set<Focus> = []
    /// The recent messages, oldest first (Ctrl-P shows them; ``say(_:)`` and ``fail(_:)`` add to it).
    public internal(set) var messageLog: [LoggedMessage] = []
    /// The first line shown of a scrolling overlay (the help, the recent messages).
    public internal(set) var overlayTop = 0
    /// Which action each key does in the panes (the config file's `"keys"` change it).
    public var keyMap = KeyMap.standard
    /// The screen size of the last frame (rows, columns); page sizes and pane visibility follow it.
    public var viewport = (rows: 24, columns: 80)
    /// The sheets open over the table, bottom first (``Sheet``): the grid shows the last one's rows.
    public internal(set) var sheets: [Sheet] = []
    /// Whether the table under the sheets changed while they were shown (it is read again once they are closed).
    var baseIsStale = false
    /// Whether the frequency sheet being counted is of the grid below the sheet shown (Enter on a describe sheet).
    var sheetOpensBelow = false
    /// The query typed at the `:` prompt, running (``RunningQuery``); Esc cancels it.
    public internal(set) var runningQuery: RunningQuery?
    /// How the grid shows each table's columns (order, hidden, widths), remembered for the session; never saved.
    public internal(set) var columnViews: [String: ColumnView] = [:]
    /// The record view (`v`) when it is open in the grid's place.
    public internal(set) var recordView: RecordView?
    /// The history view (`r`) when it is open in the grid's place (over the grid or the record view).
    public internal(set) var recordHistory: RecordHistoryView?
    /// The history being read for the history view (``RunningHistory``); Esc cancels it.
    public internal(set) var runningHistory: RunningHistory?
    /// The SQL queries typed at the query prompt this session, oldest first.
    public internal(set) var queryHistory: [String] = []
    /// The last cell copied with `y`, as the text its column's parser reads back (`P` pastes it).
    public internal(set) var copiedCell: String?
    /// Whether the writer this read-only browser followed has exited (the lock is free): `w` takes over.
    public internal(set) var writerExited = false
    /// A record whose `$EDITOR` edit was refused and then left unchanged: its key and the text, which `E` on the
    /// same record opens again (with the reason at the top) instead of the saved record.
    var refusedRecordText: (key: JSONValue, text: String)?
    /// Keys typed while work runs that wait for it, oldest first (``replayTypeAhead(context:)``).
    public internal(set) var typeAhead = TypeAhead()
    /// The database as of a past moment, when the panes show it (State/BrowserState+AsOf.swift); Esc returns to now.
    public internal(set) var asOf: AsOfView?
    /// The as-of view being built in the background (Esc cancels), and the last build's number.
    public internal(set) var asOfBuild: AsOfBuild?
    var asOfGeneration = 0

    static let walLimit = 1000

    /// A state over `source`: tables listed, the first one open, the Tables pane focused.
    public init(databaseName: String, isReadOnly: Bool, context: BrowserDataSource) {
        self.databaseName = databaseName
        self.isReadOnly = isReadOnly
        evaluator = SQLFilterEvaluator(database: context as? Database)
        tables = context.tableSummaries()
        if let first = tables.first { open(first.name, context: context) }
        focus = .tables
        if isReadOnly { say("read-only: edits are refused; following the writer live") }
    }

    // MARK: - Table and view

    /// Opens a table: rows in primary-key order (pending changes applied), cursor on the first cell.
    ///
    /// The table already open is not read again (it is kept current by ``reload(context:)``): only its view
    /// starts over. Reading it again would hold two copies of its rows at once (15 MB more at 1M rows, the peak of
    /// the first Enter after launch).
    mutating func open(_ name: String, context: BrowserDataSource) {
        if asOf != nil { return openPast(name, context: context) }  // the past: its own rows
        do {
            if !(table.map { String.exactlyEqual($0.name, name) } ?? false) { selection = RowSelection() }
            if !(table.map { String.exactlyEqual($0.name, name) } ?? false) || tableIsStale {
                var data = try context.loadTable(name)
                data.replay(unsavedChanges)
                table = data
                tableIsStale = false
            } else {
                task = nil
                counter = nil
            }
            if let i = tables.firstIndex(where: { String.exactlyEqual($0.name, name) }) { tableCursor = i }
            search = nil
            filters = []
            sorting = []
            recordView = nil
            recordHistory = nil
            row = 0
            column = 0
            top = 0
            left = 0
            recomputeView()
        } catch {
            fail("cannot open \(name): \(error)")
        }
    }

    /// Reads the open table and the table list again (after a save, or when following a writer), keeping the
    /// cursor on the same record when it still exists.
    public mutating func reload(context: BrowserDataSource) {
        if asOf != nil { return asOfNowChanged() }  // the past stays shown; now is read again on return
        tables = context.tableSummaries()
        if !sheets.isEmpty {
            // A sheet is a snapshot: the table under it is read again when the user goes back to it.
            baseIsStale = true
            return
        }
        guard let name = table?.name else {
            if let first = tables.first { open(first.name, context: context) }
            return
        }
        guard tables.contains(where: { String.exactlyEqual($0.name, name) }) else {
            table = nil
            view = []
            if let first = tables.first { open(first.name, context: context) }
            return
        }
        let key = currentKey
        do {
            var data = try context.loadTable(name)
            data.replay(unsavedChanges)
            table = data
            tableIsStale = false
            recomputeView(keeping: key)
        } catch {
            tableIsStale = true  // Enter on it reads it again
            fail("cannot reload \(name): \(error)")
        }
        tableCursor = min(tableCursor, max(0, tables.count - 1))
    }

    /// The key of the record under the cursor.
    var currentKey: JSONValue? {
        guard let table, row < view.count else { return nil }
        return table.key(ofRow: view[row])
    }

    /// The values of the record under the cursor.
    var currentRow: [JSONValue]? {
        guard let table, row < view.count else { return nil }
        return table.rows[view[row]]
    }

    /// Rebuilds ``view`` from the rows, the filter and the sort; puts the cursor back on `key` if given.
    mutating func recomputeView(keeping key: JSONValue? = nil) {
        guard let table else {
            view = []
            return
        }
        view = []  // freed before its successor is built: one view in memory at a time (8 MB at 1M rows)
        var indices = Array(table.rows.indices)
        let goal: ViewTask.Goal? = filters.isEmpty
            ? (sorting.isEmpty ? nil : .sort(sorting)) : .filter(filters, sort: sorting, stack: filters)
        if let goal {
            let types = table.schema.columns.map(\.type)
            var task = ViewTask(goal, rows: table.rows, types: types, keyColumn: table.keyColumn, input: indices,
                                cursor: (0, 0), expressions: expressionContext)
            task.finish()
            if case .view(let v) = task.outcome { indices = v }
            if case .failed(let error) = task.outcome {
                // A filter expression that fails on the changed rows: the filters go, every row shows.
                filters = []
                recomputeView(keeping: key)
                return fail("filters removed: \(error)")
            }
        }
        view = indices
        if let key, let pk = table.keyColumn, let i = view.firstIndex(where: { table.rows[$0][pk] == key }) {
            row = i
        }
        clampCursor()
    }

    mutating func clampCursor() {
        row = max(0, min(row, view.count - 1))
        column = max(0, min(column, (table?.schema.columns.count ?? 1) - 1))
        keepCursorOnShownColumn()
    }

    // MARK: - Messages

    mutating func say(_ text: String) {
        message = text
        messageIsError = false
        log(text, isError: false)
    }

    mutating func fail(_ text: String) {
        message = text
        messageIsError = true
        log(text, isError: true)
    }

    /// How many pending changes concern a table.
    func pendingCount(of table: String) -> Int {
        pendingCounts.count(of: table, in: pending)
    }

    // MARK: - WAL tail

    /// Adds entries the WAL follower read.
    public mutating func appendWAL(_ entries: [WALEntry]) {
        guard !entries.isEmpty else { return }
        wal += entries
        let dropped = max(0, wal.count - BrowserState.walLimit)
        if dropped > 0 { wal.removeFirst(dropped) }
        walPaneAppended(entries, dropped: dropped)
    }

    /// The WAL was rotated (checkpoint): the pane starts over.
    public mutating func walRotated() {
        wal = []
        walScroll = 0
        walPane.rotated()
    }
}
