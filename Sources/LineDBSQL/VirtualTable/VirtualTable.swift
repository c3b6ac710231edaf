import LineDB

/// One LineDB table (or rows a caller holds) as SQLite sees it: the object behind a `csqlite_vtab`.
final class VirtualTable {
    /// Where the rows come from.
    enum Source {
        /// A table of the database, read live (as the calling thread's transaction sees it).
        case table(Database, name: String)
        /// Rows the caller handed over (``SQLSession/register(view:schema:rows:)``); replaced by registering again.
        case held(HeldRows)
    }

    /// The name SQLite knows the table by.
    let name: String
    var source: Source
    /// The session that owns the SQLite connection (unowned: the session outlives its tables).
    unowned let session: SQLSession
    /// Cached answer of ``RowsView/keysAscendInSlotOrder()`` for the view with this (version, slotCount).
    private var ascendCache: (version: Int, slots: Int, ascend: Bool)?
    /// Writes SQLite made through this table (`xUpdate`): a cursor's view taken before a write is taken again.
    var writes = 0

    init(name: String, schema: TableSchema, source: Source, session: SQLSession) {
        self.name = name
        self.schema = schema
        sqlColumnNames = SQLNames.columns(of: schema.columns.map(\.name), table: name).names
        self.source = source
        self.session = session
    }

    /// The schema, as the table was declared to SQLite.
    var schema: TableSchema {
        didSet { sqlColumnNames = SQLNames.columns(of: schema.columns.map(\.name), table: name).names }
    }
    /// The column names SQLite knows (``SQLNames/columns(of:table:)``), in column order.
    private(set) var sqlColumnNames: [String]

    /// The rows for one scan or one lookup: outside a write, the view the running statement took first (so a
    /// statement that reads a table twice, a self-join, sees one state even if another thread writes meanwhile);
    /// inside a write, the rows now (a statement sees the script's own earlier writes).
    func view() throws(LineDBError) -> any RowsView {
        switch source {
        case .table(let db, let name):
            if let held = session.statementView(of: self) { return held }
            let view = try db.tableView(name)
            session.keepStatementView(view, of: self)
            return view
        case .held(let rows): return rows
        }
    }

    /// The id SQLite's declaration used (`USING linedb(id)`).
    var id = 0

    /// Whether `view`'s rows come out in key order when scanned in position order (cached per table state).
    func keysAscend(_ view: any RowsView) -> Bool {
        guard let v = view as? TableView else { return view.keysAscendInSlotOrder() }
        if let c = ascendCache, c.version == v.version, c.slots == v.slotCount { return c.ascend }
        let ascend = v.keysAscendInSlotOrder()
        ascendCache = (v.version, v.slotCount, ascend)
        return ascend
    }

    /// The `CREATE TABLE` that declares this table's columns to SQLite (`sqlite3_declare_vtab`): names quoted, the
    /// types of ``SQLiteTypeMapping`` (which give SQLite's comparisons the column's affinity). Constraints and
    /// defaults are LineDB's to check and apply (``SQLSession/write(to:arguments:)``).
    /// Column names SQLite would take for another are declared with a suffix (``SQLNames/columns(of:table:)``).
    var declaration: String {
        let columns = zip(sqlColumnNames, schema.columns).map { name, column -> String in
            SQLiteConnection.quote(name) + " " + SQLiteTypeMapping.declaredType(of: column.type)
        }
        return "CREATE TABLE x(" + columns.joined(separator: ", ") + ")"
    }
}

/// How a scan reads its table, as `xBestIndex` chose it and `xFilter` receives it (`idxNum`).
struct ScanPlan: Equatable {
    enum Access: Equatable {
        /// Every row.
        case scan
        /// The row whose position (rowid) equals the argument.
        case rowid
        /// The row whose indexed column equals the argument.
        case lookup(column: Int)
    }

    var access: Access
    /// Rows in primary-key order (`ORDER BY key` needs no sort).
    var keyOrder = false
    /// ... descending.
    var descending = false

    /// The plan packed into `idxNum`: bits 0-1 access, bit 2 key order, bit 3 descending, bits 4... the column.
    var number: Int32 {
        var n: Int32
        switch access {
        case .scan: n = 0
        case .rowid: n = 1
        case .lookup(let c): n = 2 | Int32(c) << 4
        }
        if keyOrder { n |= 4 }
        if descending { n |= 8 }
        return n
    }

    init(access: Access, keyOrder: Bool = false, descending: Bool = false) {
        self.access = access
        self.keyOrder = keyOrder
        self.descending = descending
    }

    init(number n: Int32) {
        switch n & 3 {
        case 1: access = .rowid
        case 2: access = .lookup(column: Int(n >> 4))
        default: access = .scan
        }
        keyOrder = n & 4 != 0
        descending = n & 8 != 0
    }
}

/// One running scan: the view it reads and where it is.
///
/// A cursor lives for one run of a statement (SQLite opens it at the start and closes it at the end) and is
/// started again (`xFilter`) for every row of an outer loop when it is the inner side of a join. It takes its
/// view once and keeps it for the statement (one state for the whole statement, and no view per inner lookup),
/// taking it again only after a write through its table.
final class TableCursor {
    let table: VirtualTable
    private var view: (any RowsView)?
    /// ``VirtualTable/writes`` when `view` was taken.
    private var viewWrites = 0
    /// Positions to visit, when not simply `0..<slotCount` (key order that is not position order).
    private var order: [Int]?
    /// The one position to visit (a lookup), when not `nil`.
    private var single: Int?
    /// The view's rows, read directly per row (through `view` each row went through an existential, and an enum
    /// of the two views copied the view per row): a table's slots, or the rows a caller holds.
    private var tableRows: [Row?] = []
    private var heldRows: [[JSONValue]] = []
    private var readsHeld = false
    private var descending = false
    private var index = 0
    private var end = 0
    /// The current row's position and values.
    private(set) var slot = -1
    private(set) var values: [JSONValue] = []
    private(set) var atEnd = true
    /// The column types, for ``SQLiteTypeMapping/sqliteValue(_:type:)``.
    private(set) var types: [ColumnType] = []

    init(table: VirtualTable) {
        self.table = table
    }

    /// Starts the scan `plan` (with `argument`, the value a lookup compares with).
    func start(_ plan: ScanPlan, argument: SQLiteValue?) throws(LineDBError) {
        let view: any RowsView
        if let v = self.view, viewWrites == table.writes {
            view = v
        } else {
            view = try table.view()
            self.view = view
            viewWrites = table.writes
            types = view.schema.columns.map(\.type)
            if let v = view as? TableView {
                tableRows = v.rowSlots
                readsHeld = false
            } else if let h = view as? HeldRows {
                heldRows = h.rows
                readsHeld = true
            }
        }
        order = nil
        single = nil
        descending = false
        switch plan.access {
        case .rowid:
            if case .integer(let i) = argument, i >= 0, i < view.slotCount, view.values(at: Int(i)) != nil {
                single = Int(i)
            } else {
                order = []
            }
        case .lookup(let column):
            if argument == nil || argument == .null {
                order = []  // `= NULL` is true for no row (a join on a NULL value must not scan the table)
            } else if let key = Self.lookupValue(argument, type: types[column]) {
                if let s = view.slot(column: column, equals: key) { single = s } else { order = [] }
            }
        // A value of another storage class than the column's (`id = '5'`): scan, and SQLite compares each row
        // with the column's affinity (the constraint is never marked omitted, so SQLite always checks it).
        case .scan:
            break
        }
        if order == nil && plan.keyOrder {
            descending = plan.descending
            if !table.keysAscend(view) { order = view.slotsInKeyOrder() }
        }
        index = 0
        end = single != nil ? 1 : order?.count ?? view.slotCount
        if descending { index = end - 1 }
        advance(first: true)
    }

    /// Moves to the next live row.
    func next() { advance(first: false) }

    private func advance(first: Bool) {
        if !first { index += descending ? -1 : 1 }
        while index >= 0 && index < end {
            let s = single ?? order?[index] ?? index
            if let v = rowValues(s) {
                slot = s
                values = v
                atEnd = false
                unreported += 1
                if unreported == 1024 { reportRowsRead() }
                return
            }
            index += descending ? -1 : 1
        }
        atEnd = true
        values = []
        reportRowsRead()
    }

    /// The values at position `s` of the view, `nil` for an empty position (`s` ≥ 0).
    @inline(__always)
    private func rowValues(_ s: Int) -> [JSONValue]? {
        if readsHeld { return s < heldRows.count ? heldRows[s] : nil }
        return s < tableRows.count ? tableRows[s]?.values : nil
    }

    /// Rows delivered and not yet added to the session's counter (an atomic add per row showed in profiles).
    private var unreported = 0

    /// Adds the rows delivered since the last report to ``SQLSession/rowsRead`` (every 1,024 rows, at the end of
    /// the scan and when the cursor closes).
    func reportRowsRead() {
        guard unreported > 0 else { return }
        table.session.noteRowRead(unreported)
        unreported = 0
    }

    /// The LineDB value to look up for a SQLite value compared with a column of `type`, when the value has the
    /// column's own storage class (other values are left to SQLite's comparison).
    static func lookupValue(_ value: SQLiteValue?, type: ColumnType) -> JSONValue? {
        switch (type, value) {
        case (.int, .integer(let i)): return .int(Int(i))
        case (.int, .real(let d)): return Int(exactly: d).map { .int($0) }
        case (.str, .text(let s)), (.date, .text(let s)), (.datetime, .text(let s)): return .string(s)
        default: return nil
        }
    }
}
