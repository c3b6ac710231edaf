import CSQLite
import LineDB

/// The `sqlite3_module` through which SQLite reads and writes LineDB tables: C callbacks that find the Swift object
/// behind each `csqlite_vtab` / `csqlite_vtab_cursor` (`owner`) and call it.
///
/// A virtual table is created with `CREATE VIRTUAL TABLE "name" USING linedb(N)`, N being the index of the
/// ``VirtualTable`` the session prepared (``SQLSession/pendingTable(_:)``); the module's client data is the session.
enum TableModule {
    /// The module, allocated once and never freed (SQLite keeps a pointer to it for every connection).
    nonisolated(unsafe) static let module: UnsafeMutablePointer<sqlite3_module> = {
        let m = UnsafeMutablePointer<sqlite3_module>.allocate(capacity: 1)
        m.initialize(to: sqlite3_module())
        m.pointee.iVersion = 1
        m.pointee.xCreate = connect
        m.pointee.xConnect = connect
        m.pointee.xBestIndex = bestIndex
        m.pointee.xDisconnect = disconnect
        m.pointee.xDestroy = disconnect
        m.pointee.xOpen = open
        m.pointee.xClose = close
        m.pointee.xFilter = filter
        m.pointee.xNext = next
        m.pointee.xEof = eof
        m.pointee.xColumn = column
        m.pointee.xRowid = rowid
        m.pointee.xUpdate = update
        m.pointee.xBegin = { _ in SQLITE_OK }
        m.pointee.xSync = { _ in SQLITE_OK }
        m.pointee.xCommit = { _ in SQLITE_OK }
        m.pointee.xRollback = { vtab in
            table(vtab).session.noteRollback()
            return SQLITE_OK
        }
        return m
    }()

    // MARK: Finding the Swift objects

    private static func table(_ vtab: UnsafeMutablePointer<sqlite3_vtab>?) -> VirtualTable {
        vtab!.withMemoryRebound(to: csqlite_vtab.self, capacity: 1) {
            Unmanaged<VirtualTable>.fromOpaque($0.pointee.owner).takeUnretainedValue()
        }
    }

    private static func cursor(_ c: UnsafeMutablePointer<sqlite3_vtab_cursor>?) -> TableCursor {
        c!.withMemoryRebound(to: csqlite_vtab_cursor.self, capacity: 1) {
            Unmanaged<TableCursor>.fromOpaque($0.pointee.owner).takeUnretainedValue()
        }
    }

    /// Sets the table's error message (SQLite reports and frees it).
    static func setError(_ vtab: UnsafeMutablePointer<sqlite3_vtab>?, _ message: String) {
        guard let vtab else { return }
        sqlite3_free(vtab.pointee.zErrMsg)
        vtab.pointee.zErrMsg = sqliteCopy(message)
    }

    /// `text` in memory from `sqlite3_malloc`, as SQLite wants error messages.
    static func sqliteCopy(_ text: String) -> UnsafeMutablePointer<CChar>? {
        let bytes = Array(text.utf8)
        guard let p = sqlite3_malloc64(UInt64(bytes.count + 1))?.assumingMemoryBound(to: CChar.self) else { return nil }
        bytes.withUnsafeBufferPointer { b in
            for i in 0..<b.count { p[i] = CChar(bitPattern: b[i]) }
        }
        p[bytes.count] = 0
        return p
    }

    // MARK: Tables

    private static let connect:
        @convention(c) (
            OpaquePointer?, UnsafeMutableRawPointer?, Int32, UnsafePointer<UnsafePointer<CChar>?>?,
            UnsafeMutablePointer<UnsafeMutablePointer<sqlite3_vtab>?>?, UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
        ) -> Int32 = { db, aux, argc, argv, vtabOut, errorOut in
            let session = Unmanaged<SQLSession>.fromOpaque(aux!).takeUnretainedValue()
            guard argc >= 4, let text = argv?[3], let id = Int(String(cString: text)),
                let table = session.pendingTable(id)
            else {
                errorOut?.pointee = sqliteCopy("tables are made with linedb create-table or import --create")
                return SQLITE_ERROR
            }
            let rc = sqlite3_declare_vtab(db, table.declaration)
            guard rc == SQLITE_OK else {
                errorOut?.pointee = sqliteCopy("cannot declare table '\(table.name)' to SQLite")
                return rc
            }
            _ = csqlite_vtab_constraint_support(db)
            let vtab = UnsafeMutablePointer<csqlite_vtab>.allocate(capacity: 1)
            vtab.initialize(to: csqlite_vtab())
            vtab.pointee.owner = Unmanaged.passRetained(table).toOpaque()
            vtabOut?.pointee = UnsafeMutableRawPointer(vtab).assumingMemoryBound(to: sqlite3_vtab.self)
            return SQLITE_OK
        }

    private static let disconnect: @convention(c) (UnsafeMutablePointer<sqlite3_vtab>?) -> Int32 = { vtab in
        guard let vtab else { return SQLITE_OK }
        let own = UnsafeMutableRawPointer(vtab).assumingMemoryBound(to: csqlite_vtab.self)
        Unmanaged<VirtualTable>.fromOpaque(own.pointee.owner).release()
        sqlite3_free(own.pointee.base.zErrMsg)
        own.deinitialize(count: 1)
        own.deallocate()
        return SQLITE_OK
    }

    /// Chooses how to read the table for one use in a query (see ``ScanPlan``): an equality on the rowid, the
    /// primary key or a UNIQUE column (binary collation) is one lookup; anything else a scan, in key order when
    /// the query asks for that order and the table can give it.
    private static let bestIndex:
        @convention(c) (UnsafeMutablePointer<sqlite3_vtab>?, UnsafeMutablePointer<sqlite3_index_info>?) -> Int32 = {
            vtab, infoPointer in
            guard let info = infoPointer else { return SQLITE_ERROR }
            let table = table(vtab)
            let view: any RowsView
            do { view = try table.view() } catch {
                setError(vtab, "\(error)")
                return SQLITE_ERROR
            }
            var chosen: (constraint: Int, access: ScanPlan.Access)? = nil
            for i in 0..<Int(info.pointee.nConstraint) {
                let c = info.pointee.aConstraint[i]
                guard c.usable != 0, Int32(c.op) == SQLITE_INDEX_CONSTRAINT_EQ else { continue }
                if c.iColumn < 0 {
                    chosen = (i, .rowid)
                    break
                }
                let column = Int(c.iColumn)
                guard view.isIndexed(column) else { continue }
                if let collation = sqlite3_vtab_collation(info, Int32(i)),
                    String(cString: collation).uppercased() != "BINARY"
                {
                    continue
                }
                if chosen == nil || column == view.schema.primaryKeyIndex { chosen = (i, .lookup(column: column)) }
            }
            var plan = ScanPlan(access: .scan)
            if let chosen {
                plan.access = chosen.access
                info.pointee.aConstraintUsage[chosen.constraint].argvIndex = 1
                info.pointee.aConstraintUsage[chosen.constraint].omit = 0
                info.pointee.estimatedCost = 1
                info.pointee.estimatedRows = 1
                info.pointee.idxFlags = SQLITE_INDEX_SCAN_UNIQUE
                info.pointee.orderByConsumed = 1  // one row at most: any order is the order asked for
            } else {
                let n = max(view.count, 1)
                info.pointee.estimatedCost = Double(n) * 2
                info.pointee.estimatedRows = Int64(n)
                if info.pointee.nOrderBy == 1, let pk = view.schema.primaryKeyIndex {
                    let order = info.pointee.aOrderBy[0]
                    if order.iColumn == Int32(pk) {
                        plan.keyOrder = true
                        plan.descending = order.desc != 0
                        info.pointee.orderByConsumed = 1
                        // A sort the scan does itself (keys out of position order) costs more than a plain scan.
                        if !table.keysAscend(view) { info.pointee.estimatedCost += Double(n) }
                    }
                }
            }
            info.pointee.idxNum = plan.number
            return SQLITE_OK
        }

    // MARK: Cursors

    private static let open:
        @convention(c) (UnsafeMutablePointer<sqlite3_vtab>?, UnsafeMutablePointer<UnsafeMutablePointer<sqlite3_vtab_cursor>?>?)
            -> Int32 = { vtab, cursorOut in
                let c = UnsafeMutablePointer<csqlite_vtab_cursor>.allocate(capacity: 1)
                c.initialize(to: csqlite_vtab_cursor())
                c.pointee.owner = Unmanaged.passRetained(TableCursor(table: table(vtab))).toOpaque()
                cursorOut?.pointee = UnsafeMutableRawPointer(c).assumingMemoryBound(to: sqlite3_vtab_cursor.self)
                return SQLITE_OK
            }

    private static let close: @convention(c) (UnsafeMutablePointer<sqlite3_vtab_cursor>?) -> Int32 = { c in
        guard let c else { return SQLITE_OK }
        let own = UnsafeMutableRawPointer(c).assumingMemoryBound(to: csqlite_vtab_cursor.self)
        Unmanaged<TableCursor>.fromOpaque(own.pointee.owner).takeUnretainedValue().reportRowsRead()
        Unmanaged<TableCursor>.fromOpaque(own.pointee.owner).release()
        own.deinitialize(count: 1)
        own.deallocate()
        return SQLITE_OK
    }

    private static let filter:
        @convention(c) (
            UnsafeMutablePointer<sqlite3_vtab_cursor>?, Int32, UnsafePointer<CChar>?, Int32,
            UnsafeMutablePointer<OpaquePointer?>?
        ) -> Int32 = { c, idxNum, _, argc, argv in
            let cur = cursor(c)
            let argument = argc > 0 ? argv?[0].map(SQLiteValue.init(sqliteValue:)) : nil
            do {
                try cur.start(ScanPlan(number: idxNum), argument: argument)
            } catch {
                setError(c?.pointee.pVtab, "\(error)")
                return SQLITE_ERROR
            }
            return SQLITE_OK
        }

    private static let next: @convention(c) (UnsafeMutablePointer<sqlite3_vtab_cursor>?) -> Int32 = { c in
        cursor(c).next()
        return SQLITE_OK
    }

    private static let eof: @convention(c) (UnsafeMutablePointer<sqlite3_vtab_cursor>?) -> Int32 = { c in
        cursor(c).atEnd ? 1 : 0
    }

    private static let column:
        @convention(c) (UnsafeMutablePointer<sqlite3_vtab_cursor>?, OpaquePointer?, Int32) -> Int32 = { c, context, i in
            let cur = cursor(c)
            let index = Int(i)
            guard index >= 0, index < cur.values.count else {
                sqlite3_result_null(context)
                return SQLITE_OK
            }
            SQLiteTypeMapping.store(cur.values[index], type: cur.types[index], in: ResultSink(context: context))
            return SQLITE_OK
        }

    private static let rowid:
        @convention(c) (UnsafeMutablePointer<sqlite3_vtab_cursor>?, UnsafeMutablePointer<sqlite3_int64>?) -> Int32 = {
            c, out in
            out?.pointee = sqlite3_int64(cursor(c).slot)
            return SQLITE_OK
        }

    // MARK: Writes

    /// INSERT (`argv[0]` NULL), DELETE (one argument: the rowid) and UPDATE (old rowid, new rowid, the new values),
    /// made through the session's LineDB transaction.
    private static let update:
        @convention(c) (
            UnsafeMutablePointer<sqlite3_vtab>?, Int32, UnsafeMutablePointer<OpaquePointer?>?,
            UnsafeMutablePointer<sqlite3_int64>?
        ) -> Int32 = { vtab, argc, argv, rowidOut in
            let table = table(vtab)
            let columns = table.schema.columns
            let values = (0..<Int(argc)).map { i in
                i >= 2 && i - 2 < columns.count
                    ? ColumnAffinity.apply(argv![i]!, type: columns[i - 2].type) : SQLiteValue(sqliteValue: argv![i]!)
            }
            table.writes += 1  // the table's open cursors take a new view at their next start
            do {
                if let slot = try table.session.write(to: table, arguments: values) { rowidOut?.pointee = sqlite3_int64(slot) }
                return SQLITE_OK
            } catch let refusal as SQLWriteRefusal {
                setError(vtab, refusal.message)
                return refusal.code
            } catch {
                setError(vtab, "\(error)")
                return SQLITE_ERROR
            }
        }
}

extension SQLiteValue {
    /// The value of a `sqlite3_value` (an argument of a callback).
    init(sqliteValue v: OpaquePointer) {
        switch sqlite3_value_type(v) {
        case SQLITE_INTEGER: self = .integer(sqlite3_value_int64(v))
        case SQLITE_FLOAT: self = .real(sqlite3_value_double(v))
        case SQLITE_TEXT:
            let count = Int(sqlite3_value_bytes(v))
            if let base = sqlite3_value_text(v) {
                self = .text(String(decoding: UnsafeBufferPointer(start: base, count: count), as: UTF8.self))
            } else {
                self = .text("")
            }
        case SQLITE_BLOB:
            let count = Int(sqlite3_value_bytes(v))
            if let base = sqlite3_value_blob(v) {
                self = .blob(Array(UnsafeRawBufferPointer(start: base, count: count)))
            } else {
                self = .blob([])
            }
        default: self = .null
        }
    }

    /// Sets this value as the result of a function or column callback (text and blobs are copied by SQLite).
    func setResult(_ context: OpaquePointer?) {
        switch self {
        case .null: sqlite3_result_null(context)
        case .integer(let i): sqlite3_result_int64(context, i)
        case .real(let d): sqlite3_result_double(context, d)
        case .text(let s): Self.setTextResult(s, context)
        case .blob(let b):
            if b.isEmpty {
                sqlite3_result_zeroblob(context, 0)
            } else {
                b.withUnsafeBytes { sqlite3_result_blob64(context, $0.baseAddress, UInt64($0.count), csqlite_transient()) }
            }
        }
    }
}

extension SQLiteValue {
    /// Sets `s` as the result of a function or column callback (SQLite copies it).
    @inline(__always)
    static func setTextResult(_ s: String, _ context: OpaquePointer?) {
        var s = s
        s.withUTF8 { bytes in
            guard let base = bytes.baseAddress, bytes.count > 0 else {
                // A nil pointer would be NULL, so the empty string gets a real (empty) one.
                sqlite3_result_text(context, "", 0, csqlite_transient())
                return
            }
            base.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
                sqlite3_result_text64(context, $0, UInt64(bytes.count), csqlite_transient(), UInt8(SQLITE_UTF8))
            }
        }
    }
}

/// The sink of `xColumn`: sets SQLite's result for the column straight from the LineDB value.
private struct ResultSink: SQLiteStorageSink {
    let context: OpaquePointer?
    func null() { sqlite3_result_null(context) }
    func integer(_ i: Int64) { sqlite3_result_int64(context, i) }
    func real(_ d: Double) { sqlite3_result_double(context, d) }
    func text(_ s: String) { SQLiteValue.setTextResult(s, context) }
}

/// A write SQLite asked for that LineDB refuses: the SQLite result code and the message.
struct SQLWriteRefusal: Error {
    var code: Int32
    var message: String
}
