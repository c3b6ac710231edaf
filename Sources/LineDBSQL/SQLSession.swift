import CSQLite
import LineDB
import Synchronization

/// SQL over a LineDB database: SQLite's query engine reading LineDB's tables in place, through virtual tables.
///
/// ```swift
/// let session = try SQLSession(database: db)
/// let result = try session.query("SELECT origin, count(*) FROM flights GROUP BY origin")
/// ```
///
/// Every table of the database appears under its own name, its columns with the types of SQLite export
/// (`int` INTEGER, `float` REAL, `str` TEXT, `bool` 0/1, `json` TEXT that SQLite's JSON functions read). Nothing
/// is copied: a scan reads the engine's rows as they are at the statement's start. An equality on the primary key
/// or a UNIQUE column is one hash lookup.
///
/// Writes (`INSERT`, `UPDATE`, `DELETE`) go through the engine with all its checks, and one ``run(_:parameters:row:columns:)``
/// that writes is one LineDB transaction: all or nothing, durable when it returns. `CREATE`, `DROP`, `ALTER`,
/// `ATTACH` and `SAVEPOINT` are refused.
///
/// A session is used from one thread at a time; only ``interrupt()`` and ``rowsRead`` may be called from another.
public final class SQLSession {
    /// The database whose tables the session shows (`nil` for a session over held rows only).
    public let database: Database?
    /// The SQLite connection (in memory: it holds no data, only the virtual tables' declarations).
    private var handle: OpaquePointer?
    /// The tables by id (the argument of `USING linedb(N)`).
    private var tables: [VirtualTable] = []
    /// Their ids by the name SQLite knows (exact name).
    private var idsByName: [String: Int] = [:]
    /// Tables SQLite could not take, and why (a name that differs from another only in case, a reserved name).
    public private(set) var warnings: [String] = []
    /// The LineDB transaction of the running write script.
    private var transaction: Transaction?
    /// Set when SQLite rolled the vtabs back (an explicit ROLLBACK, or a failed statement).
    private var rolledBack = false
    /// The engine's refusal of the last failed write.
    private var lastRefusal: LineDBError?
    /// Why the authorizer denied the statement being prepared.
    private var denial: String?
    /// While the session declares its own tables, the authorizer lets CREATE VIRTUAL TABLE through.
    private var declaring = false
    /// Rows the virtual tables have delivered since the session began (progress for long queries).
    private let rowCounter = Atomic<Int>(0)
    /// Why a write is refused when the session has no database (a past state's: ``init(past:)``).
    var readOnlyReason: String?

    /// Opens a session that shows every table of `database`.
    ///
    /// - Throws: ``SQLError`` when SQLite cannot be opened.
    public init(database: Database) throws {
        self.database = database
        try openConnection()
        for name in database.tableNames.sorted() {
            let schema = try database.schema(of: name)
            declare(VirtualTable(name: name, schema: schema, source: .table(database, name: name), session: self))
        }
    }

    /// Opens a session without a database, for rows the caller registers (``register(view:schema:rows:)``).
    public init() throws {
        self.database = nil
        try openConnection()
    }

    deinit {
        if let handle { sqlite3_close_v2(handle) }
    }

    private func openConnection() throws {
        var db: OpaquePointer?
        let rc = sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX, nil)
        handle = db
        guard rc == SQLITE_OK, let db else {
            throw SQLError(kind: .failed, message: "cannot open SQLite (code \(rc))")
        }
        sqlite3_extended_result_codes(db, 1)
        let me = Unmanaged.passUnretained(self).toOpaque()
        sqlite3_create_module_v2(db, "linedb", TableModule.module, me, nil)
        sqlite3_set_authorizer(db, SQLAuthorizer.callback, me)
    }

    // MARK: Tables

    /// Declares `table` to SQLite (or records why SQLite cannot take it).
    func declare(_ table: VirtualTable) {
        var declared: [String: String] = [:]
        for name in idsByName.keys { declared[SQLNames.folded(name)] = name }
        if let problem = SQLNames.tableProblem(table.name, declared: declared) {
            warnings.append(problem)
            return
        }
        warnings += SQLNames.columns(of: table.schema.columns.map(\.name), table: table.name).notes
        let id = tables.count
        table.id = id
        tables.append(table)
        pending = id
        declaring = true
        defer {
            declaring = false
            pending = nil
        }
        let sql = "CREATE VIRTUAL TABLE main.\(SQLiteConnection.quote(table.name)) USING linedb(\(id))"
        if sqlite3_exec(handle, sql, nil, nil, nil) == SQLITE_OK {
            idsByName[table.name] = id
        } else {
            warnings.append("table '\(table.name)' is not visible to SQL: \(lastMessage)")
        }
    }

    private var pending: Int?

    /// The table `CREATE VIRTUAL TABLE ... USING linedb(id)` is declaring (only while the session declares it).
    func pendingTable(_ id: Int) -> VirtualTable? {
        id == pending && id < tables.count ? tables[id] : nil
    }

    /// Shows `rows` (values in `schema`'s column order) as table `name`, or replaces the rows an earlier call
    /// registered under that name (same schema). A row's rowid is its index in `rows`. Read-only.
    ///
    /// The browser registers what it shows (pending edits included) and filters it with
    /// `SELECT rowid FROM name WHERE ...`.
    ///
    /// - Throws: ``SQLError`` when SQLite cannot take the name or the columns.
    public func register(view name: String, schema: TableSchema, rows: [[JSONValue]]) throws {
        if let id = idsByName[name], case .held = tables[id].source,
            tables[id].schema.columns.map(\.name) == schema.columns.map(\.name)
        {
            tables[id].source = .held(HeldRows(schema: schema, rows: rows))
            tables[id].schema = schema
            return
        }
        if idsByName[name] != nil {
            throw SQLError(kind: .invalid, message: "table '\(name)' exists already in this session")
        }
        let before = warnings.count
        declare(VirtualTable(name: name, schema: schema, source: .held(HeldRows(schema: schema, rows: rows)), session: self))
        if warnings.count > before { throw SQLError(kind: .invalid, message: warnings.removeLast()) }
    }

    /// The names SQL can use, sorted.
    public var tableNames: [String] { idsByName.keys.sorted() }

    // MARK: Running SQL

    /// What a ``run(_:parameters:row:columns:)`` did.
    public struct Summary: Sendable {
        /// Statements run.
        public var statements = 0
        /// Rows inserted, updated or deleted (as SQLite counts them).
        public var changes = 0
        /// Whether the script wrote, and its transaction committed.
        public var committed = false
        /// Whether the script ended with its own ROLLBACK (nothing was written).
        public var rolledBack = false
    }

    /// Runs `sql`: one statement, or a script of `;`-separated statements.
    ///
    /// Every statement is compiled first (a syntax error anywhere runs nothing). A script that writes runs as one
    /// LineDB transaction: all or nothing, durable when this returns (under ``SyncMode/full``). An explicit
    /// `BEGIN … COMMIT` is allowed (it changes nothing: the whole call is one transaction); `ROLLBACK` undoes
    /// every write of the call, and statements after it are refused; a `BEGIN` without `COMMIT` writes nothing.
    ///
    /// - Parameters:
    ///   - sql: the SQL text.
    ///   - parameters: values for named parameters (`:name`, `@name`, `$name`; the key is the name without its
    ///     sign) and numbered ones (`?1` or `?`: key `"1"`...).
    ///   - row: called with each result row, as it is computed (nothing is collected).
    ///   - columns: called before the rows of each statement that returns rows, with its column names.
    /// - Returns: what ran.
    /// - Throws: ``SQLError`` (nothing written then), or what `columns` or `row` throw.
    @discardableResult
    public func run(
        _ sql: String, parameters: [String: SQLiteValue] = [:], row: ([SQLiteValue]) throws -> Void = { _ in },
        columns: ([String]) throws -> Void = { _ in }
    ) throws -> Summary {
        let statements = try prepare(sql)
        defer { for s in statements { sqlite3_finalize(s.handle) } }
        for s in statements { try bind(parameters, to: s, in: sql) }
        let writes = statements.contains { !$0.readOnly }
        var summary = Summary()
        rolledBack = false
        lastRefusal = nil
        guard writes else {
            try execute(statements, sql: sql, summary: &summary, columns: columns, row: row)
            return summary
        }
        guard let database else {
            throw SQLError(kind: .readOnly, message: readOnlyReason ?? "these tables are read-only")
        }
        guard !database.isReadOnly else {
            throw SQLError(kind: .readOnly, message: "the database is open read-only, so nothing was written")
        }
        do {
            try database.transaction { tx in
                transaction = tx
                defer { transaction = nil }
                try execute(statements, sql: sql, summary: &summary, columns: columns, row: row)
                if rolledBack { throw ScriptRolledBack() }
                if sqlite3_get_autocommit(handle) == 0 {
                    throw SQLError(
                        kind: .transaction,
                        message: "the script's BEGIN has no COMMIT, so nothing was written (as SQLite does when it "
                            + "closes with a transaction open)")
                }
            }
            summary.committed = true
        } catch is ScriptRolledBack {
            summary.rolledBack = true
        } catch {
            if sqlite3_get_autocommit(handle) == 0 { sqlite3_exec(handle, "ROLLBACK", nil, nil, nil) }
            throw error
        }
        return summary
    }

    /// Runs a query and collects its result (the last statement's, for a script).
    ///
    /// - Returns: the column names and rows.
    /// - Throws: as ``run(_:parameters:row:columns:)``.
    public func query(_ sql: String, parameters: [String: SQLiteValue] = [:]) throws -> (columns: [String], rows: [[SQLiteValue]]) {
        var names: [String] = []
        var rows: [[SQLiteValue]] = []
        try run(sql, parameters: parameters, row: { rows.append($0) }, columns: { names = $0; rows = [] })
        return (names, rows)
    }

    /// Whether `sql` would write (compiles it, runs nothing).
    ///
    /// - Throws: ``SQLError`` when it does not compile.
    public func writes(_ sql: String) throws -> Bool {
        let statements = try prepare(sql)
        defer { for s in statements { sqlite3_finalize(s.handle) } }
        return statements.contains { !$0.readOnly }
    }

    /// Where a result column comes from: a column of a table (through any alias), for a column that is one.
    public struct ColumnOrigin: Sendable, Equatable {
        /// The table's name (as LineDB names it).
        public var table: String
        /// The column's name in that table (as LineDB names it).
        public var column: String
    }

    /// For each column of the result whose names ``run(_:parameters:row:columns:)`` last passed to `columns`: the
    /// table column it reads, or `nil` for an expression (`count(*)`, `a + 1`). Set just before `columns` is called.
    public private(set) var columnOrigins: [ColumnOrigin?] = []

    private func origin(ofColumn i: Int32, in statement: OpaquePointer) -> ColumnOrigin? {
        guard let t = sqlite3_column_table_name(statement, i), let c = sqlite3_column_origin_name(statement, i),
            let id = idsByName[String(cString: t)]
        else { return nil }
        let table = tables[id]
        guard let index = table.sqlColumnNames.firstIndex(of: String(cString: c)) else { return nil }
        return ColumnOrigin(table: table.name, column: table.schema.columns[index].name)
    }

    /// Stops the running statement as soon as possible; it fails with ``SQLError/Kind/interrupted`` and writes
    /// nothing. Safe from any thread (and from a signal handler's thread).
    public func interrupt() {
        if let handle { sqlite3_interrupt(handle) }
    }

    /// Asked every few thousand steps of SQLite's machine while a statement runs; `true` stops the statement as
    /// ``interrupt()`` does (the command line's Ctrl-C handler sets a flag this reads).
    public var shouldStop: (() -> Bool)? {
        didSet {
            let me = Unmanaged.passUnretained(self).toOpaque()
            sqlite3_progress_handler(handle, shouldStop == nil ? 0 : 4096, shouldStop == nil ? nil : { data in
                let session = Unmanaged<SQLSession>.fromOpaque(data!).takeUnretainedValue()
                return session.shouldStop?() == true ? 1 : 0
            }, me)
        }
    }

    /// Rows delivered by the virtual tables since the session began: a query's progress, readable from any thread.
    public var rowsRead: Int { rowCounter.load(ordering: .relaxed) }

    func noteRowRead(_ rows: Int = 1) { rowCounter.add(rows, ordering: .relaxed) }

    func noteRollback() { rolledBack = true }

    /// The views the running statement reads, by table id (only outside a write: see ``VirtualTable/view()``).
    private var statementViews: [Int: any RowsView] = [:]
    /// Whether a read-only statement is running (its views are kept until it ends).
    private var keepingViews = false

    func statementView(of table: VirtualTable) -> (any RowsView)? {
        keepingViews ? statementViews[table.id] : nil
    }

    func keepStatementView(_ view: any RowsView, of table: VirtualTable) {
        if keepingViews { statementViews[table.id] = view }
    }

    // MARK: Statements

    private struct Prepared {
        var handle: OpaquePointer
        /// UTF-8 byte offset of the statement in the script.
        var offset: Int
        var readOnly: Bool
    }

    private func prepare(_ sql: String) throws -> [Prepared] {
        var prepared: [Prepared] = []
        var failure: SQLError?
        let bytes = Array(sql.utf8)
        bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                guard let base = chars.baseAddress else { return }
                var offset = 0
                while offset < chars.count {
                    var statement: OpaquePointer?
                    var tail: UnsafePointer<CChar>?
                    denial = nil
                    let rc = sqlite3_prepare_v2(handle, base + offset, Int32(chars.count - offset), &statement, &tail)
                    if rc != SQLITE_OK {
                        if SQLAuthorizer.startsWithAlter(base + offset, count: chars.count - offset) {
                            denial = SQLAuthorizer.refusal(action: SQLITE_ALTER_TABLE, first: nil, second: nil)
                        }
                        let at = sqlite3_error_offset(handle)
                        failure = error(code: rc, sql: sql, at: at >= 0 ? offset + Int(at) : nil)
                        return
                    }
                    let next = tail.map { $0 - base } ?? chars.count
                    if let statement {
                        prepared.append(Prepared(handle: statement, offset: offset, readOnly: sqlite3_stmt_readonly(statement) != 0))
                    }
                    if next <= offset { break }
                    offset = next
                }
            }
        }
        if let failure {
            for s in prepared { sqlite3_finalize(s.handle) }
            throw failure
        }
        return prepared
    }

    private func bind(_ parameters: [String: SQLiteValue], to s: Prepared, in sql: String) throws {
        let count = sqlite3_bind_parameter_count(s.handle)
        guard count > 0 else { return }
        for i in 1...count {
            let name: String
            if let c = sqlite3_bind_parameter_name(s.handle, i) {
                name = String(String(cString: c).dropFirst())  // ":x", "@x", "$x" → "x"; "?3" → "3"
            } else {
                name = String(i)
            }
            guard let value = parameters[name] else {
                var e = SQLError(
                    kind: .missingParameter, message: "parameter \(name) has no value (give it with --param \(name)=VALUE)")
                if let (p, line) = SQLError.locate(s.offset, in: sql) {
                    e.position = p
                    e.sourceLine = line
                }
                throw e
            }
            let rc = value.bind(to: s.handle, at: i)
            if rc != SQLITE_OK { throw error(code: rc, sql: sql, at: nil) }
        }
    }

    private func execute(
        _ statements: [Prepared], sql: String, summary: inout Summary, columns: ([String]) throws -> Void,
        row: ([SQLiteValue]) throws -> Void
    ) throws {
        for (n, s) in statements.enumerated() {
            if rolledBack {
                throw SQLError(
                    kind: .transaction,
                    message: "statement \(n + 1) comes after ROLLBACK; one linedb sql is one transaction, so nothing "
                        + "after a ROLLBACK is run and nothing was written")
            }
            let count = Int(sqlite3_column_count(s.handle))
            if count > 0 {
                columnOrigins = (0..<count).map { origin(ofColumn: Int32($0), in: s.handle) }
                try columns((0..<count).map { String(cString: sqlite3_column_name(s.handle, Int32($0))) })
            }
            let changesBefore = sqlite3_total_changes64(handle)
            keepingViews = transaction == nil
            defer {
                keepingViews = false
                statementViews = [:]
            }
            while true {
                let rc = sqlite3_step(s.handle)
                if rc == SQLITE_ROW {
                    try row((0..<count).map { SQLiteValue(column: $0, of: s.handle) })
                } else if rc == SQLITE_DONE {
                    break
                } else {
                    let at = sqlite3_error_offset(handle)
                    // A failure while running (a refused write) has no place in the text: in a script, show the
                    // statement that failed.
                    let place = at >= 0 ? s.offset + Int(at) : statements.count > 1 ? Self.start(of: s, in: sql) : nil
                    throw error(code: rc, sql: sql, at: place)
                }
            }
            summary.changes += Int(sqlite3_total_changes64(handle) - changesBefore)
            summary.statements += 1
        }
    }

    /// The UTF-8 offset of the first character of statement `s` in `sql` (after the blanks that follow the
    /// previous statement's `;`).
    private static func start(of s: Prepared, in sql: String) -> Int {
        let bytes = sql.utf8
        var i = bytes.index(bytes.startIndex, offsetBy: s.offset, limitedBy: bytes.endIndex) ?? bytes.endIndex
        var offset = s.offset
        while i < bytes.endIndex, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[i]) {
            i = bytes.index(after: i)
            offset += 1
        }
        return offset
    }

    // MARK: Errors

    private var lastMessage: String { handle.map { String(cString: sqlite3_errmsg($0)) } ?? "SQLite is closed" }

    private func error(code: Int32, sql: String, at offset: Int?) -> SQLError {
        var e: SQLError
        let primary = code & 0xFF
        if let refusal = lastRefusal {
            e = SQLError(kind: .writeRefused, message: lastMessage, lineDBError: refusal)
        } else if let denial, primary == SQLITE_AUTH || primary == SQLITE_ERROR {
            e = SQLError(kind: .refused, message: denial)
        } else if primary == SQLITE_INTERRUPT {
            e = SQLError(kind: .interrupted, message: "interrupted; nothing was written")
        } else if primary == SQLITE_READONLY {
            e = SQLError(kind: .readOnly, message: lastMessage)
        } else {
            e = SQLError(kind: primary == SQLITE_ERROR ? .invalid : .failed, message: lastMessage)
        }
        if let offset, let (p, line) = SQLError.locate(offset, in: sql) {
            e.position = p
            e.sourceLine = line
        }
        return e
    }

    func refuse(_ message: String, code: Int32 = SQLITE_CONSTRAINT, _ error: LineDBError? = nil) -> SQLWriteRefusal {
        lastRefusal = error ?? .invalidInput(reason: message)
        return SQLWriteRefusal(code: code, message: message)
    }

    /// Records why the authorizer denies a statement (``SQLAuthorizer``).
    func deny(_ reason: String) { denial = reason }

    /// Whether the session is declaring its own tables (the authorizer lets that through).
    var isDeclaring: Bool { declaring }

    // MARK: Writes (from xUpdate)

    /// Makes the write `xUpdate` asks for, with `arguments` as SQLite passes them, through the running transaction.
    /// Returns the new row's rowid for an INSERT.
    func write(to table: VirtualTable, arguments a: [SQLiteValue]) throws -> Int? {
        guard let tx = transaction, case .table(let db, let name) = table.source else {
            throw refuse("table '\(table.name)' is read-only here", code: SQLITE_READONLY)
        }
        let schema = table.schema
        func row(_ rowid: SQLiteValue) throws -> [JSONValue] {
            guard case .integer(let slot) = rowid, let values = try db.tableView(name).values(at: Int(slot)) else {
                throw refuse("table '\(name)': no row \(rowid)", code: SQLITE_ERROR)
            }
            return values
        }
        func key(of values: [JSONValue]) throws -> JSONValue {
            guard let pk = schema.primaryKeyIndex else {
                throw refuse("table '\(name)' has no primary key, so its rows cannot be changed", code: SQLITE_READONLY)
            }
            return values[pk]
        }
        do {
            if a.count == 1 {
                let values = try row(a[0])
                try tx.delete(name, key: try key(of: values))
                return nil
            }
            var newValues: [JSONValue] = []
            for (i, column) in schema.columns.enumerated() {
                let value = i + 2 < a.count ? a[i + 2] : .null
                switch SQLiteTypeMapping.lineDBValue(value, type: column.type) {
                case .success(let v): newValues.append(v)
                case .failure(let f):
                    throw refuse(
                        "table '\(name)', column '\(column.name)': \(f.reason)", code: SQLITE_MISMATCH,
                        .typeMismatch(table: name, column: column.name, expected: column.type.rawValue, value: f.reason))
                }
            }
            if a[0] == .null {
                guard a[1] == .null else {
                    throw refuse(
                        "table '\(name)': rowid is a row's position in LineDB and cannot be set; give the key column",
                        code: SQLITE_ERROR)
                }
                var record = Record()
                for (i, column) in schema.columns.enumerated() {
                    // SQLite passes NULL for a column the INSERT leaves out (it does not apply a virtual table's
                    // DEFAULT), so NULL means "left out" where LineDB has something to put instead: an integer key
                    // is assigned, a column with a default gets it.
                    if newValues[i].isNull && ((column.primaryKey && column.type == .int) || column.defaultValue != nil) {
                        continue
                    }
                    record[column.name] = newValues[i]
                }
                // INSERT OR REPLACE onto an existing key replaces that record (SQLite leaves REPLACE to the
                // virtual table). OR IGNORE needs nothing here: the engine refuses before it changes anything, and
                // SQLite then skips the row.
                if sqlite3_vtab_on_conflict(handle) == SQLITE_REPLACE, let pk = schema.primaryKeyIndex,
                    !newValues[pk].isNull, let slot = db.slot(of: name, key: newValues[pk])
                {
                    // As SQLite's REPLACE (delete, then insert): a column left out gets its default, not the old value.
                    var replacement = Record()
                    for column in schema.columns {
                        replacement[column.name] = record[column.name] ?? column.defaultValue ?? .null
                    }
                    try tx.update(name, key: newValues[pk], set: replacement)
                    return slot
                }
                let key = try tx.insert(name, record)
                return db.slot(of: name, key: key)
            }
            guard a[1] == a[0] else {
                throw refuse("table '\(name)': rowid is a row's position in LineDB and cannot be changed", code: SQLITE_ERROR)
            }
            let old = try row(a[0])
            var changes = Record()
            for (i, column) in schema.columns.enumerated() where newValues[i] != old[i] {
                changes[column.name] = newValues[i]
            }
            if !changes.isEmpty {
                let k = try key(of: old)
                do {
                    try tx.update(name, key: k, set: changes)
                } catch {
                    // Which record: the message names the table and column, and now the row the UPDATE was on.
                    throw refuse(
                        error.description + " (updating the record with \(schema.primaryKey?.name ?? "key") "
                            + "\(JSONWriter.encode(k)))", code: Self.code(for: error), error)
                }
            }
            return nil
        } catch let refusal as SQLWriteRefusal {
            throw refusal
        } catch let error as LineDBError {
            throw refuse(error.description, code: Self.code(for: error), error)
        }
    }

    private static func code(for error: LineDBError) -> Int32 {
        switch error {
        case .notNull, .duplicateValue: return SQLITE_CONSTRAINT
        case .typeMismatch: return SQLITE_MISMATCH
        case .readOnly: return SQLITE_READONLY
        default: return SQLITE_ERROR
        }
    }
}

/// Thrown inside the transaction to undo it after the script's own ROLLBACK.
private struct ScriptRolledBack: Error {}

extension SQLiteValue {
    /// Column `i` of the current row of `statement`.
    init(column i: Int, of statement: OpaquePointer) {
        let c = Int32(i)
        switch sqlite3_column_type(statement, c) {
        case SQLITE_INTEGER: self = .integer(sqlite3_column_int64(statement, c))
        case SQLITE_FLOAT: self = .real(sqlite3_column_double(statement, c))
        case SQLITE_TEXT:
            let count = Int(sqlite3_column_bytes(statement, c))
            if let base = sqlite3_column_text(statement, c) {
                self = .text(String(decoding: UnsafeBufferPointer(start: base, count: count), as: UTF8.self))
            } else {
                self = .text("")
            }
        case SQLITE_BLOB:
            let count = Int(sqlite3_column_bytes(statement, c))
            if let base = sqlite3_column_blob(statement, c) {
                self = .blob(Array(UnsafeRawBufferPointer(start: base, count: count)))
            } else {
                self = .blob([])
            }
        default: self = .null
        }
    }

    /// Binds the value to parameter `i` of `statement`; SQLite's result code.
    func bind(to statement: OpaquePointer, at i: Int32) -> Int32 {
        switch self {
        case .null: return sqlite3_bind_null(statement, i)
        case .integer(let n): return sqlite3_bind_int64(statement, i, n)
        case .real(let d): return sqlite3_bind_double(statement, i, d)
        case .text(let s):
            var s = s
            return s.withUTF8 { bytes in
                guard let base = bytes.baseAddress, bytes.count > 0 else {
                    return sqlite3_bind_text(statement, i, "", 0, csqlite_transient())  // "" is not NULL
                }
                return base.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
                    sqlite3_bind_text64(statement, i, $0, UInt64(bytes.count), csqlite_transient(), UInt8(SQLITE_UTF8))
                }
            }
        case .blob(let b):
            if b.isEmpty { return sqlite3_bind_zeroblob(statement, i, 0) }
            return b.withUnsafeBytes { sqlite3_bind_blob64(statement, i, $0.baseAddress, UInt64($0.count), csqlite_transient()) }
        }
    }
}
