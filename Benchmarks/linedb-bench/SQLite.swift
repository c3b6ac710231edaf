import CSQLite
import LineDB

/// A failed SQLite call, with SQLite's message.
struct SQLiteError: Error, CustomStringConvertible {
    let description: String
}

/// A minimal libsqlite3 connection: exec, prepared statements. Enough for the comparison, nothing more.
final class SQLiteDB {
    private var handle: OpaquePointer?
    let path: String

    init(path: String) throws {
        self.path = path
        let rc = sqlite3_open_v2(path, &handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nil)
        guard rc == SQLITE_OK else { throw SQLiteError(description: "open \(path): \(message)") }
    }

    deinit { close() }

    func close() {
        if let handle { sqlite3_close_v2(handle) }
        handle = nil
    }

    var message: String { handle.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) } ?? "no connection" }

    /// Runs SQL that returns no rows (or ignores them).
    func exec(_ sql: String) throws {
        var error: UnsafeMutablePointer<CChar>? = nil
        let rc = sqlite3_exec(handle, sql, nil, nil, &error)
        if rc != SQLITE_OK {
            let text = error.map { String(cString: $0) } ?? message
            sqlite3_free(error)
            throw SQLiteError(description: "\(sql): \(text)")
        }
    }

    /// The first column of the first row of a query, as text.
    func scalar(_ sql: String) throws -> String? {
        let s = try prepare(sql)
        defer { s.finalize() }
        guard try s.step() else { return nil }
        return s.text(0)
    }

    func prepare(_ sql: String) throws -> SQLiteStatement {
        var stmt: OpaquePointer? = nil
        guard sqlite3_prepare_v2(handle, sql, -1, &stmt, nil) == SQLITE_OK, let stmt else {
            throw SQLiteError(description: "prepare \(sql): \(message)")
        }
        return SQLiteStatement(stmt, db: self)
    }
}

/// A prepared statement.
final class SQLiteStatement {
    private(set) var stmt: OpaquePointer?
    private unowned let db: SQLiteDB

    init(_ stmt: OpaquePointer, db: SQLiteDB) {
        self.stmt = stmt
        self.db = db
    }

    deinit { finalize() }

    func finalize() {
        if let stmt { sqlite3_finalize(stmt) }
        stmt = nil
    }

    /// Binds a JSON value to parameter `i` (1-based).
    func bind(_ i: Int32, _ value: JSONValue) {
        switch value {
        case .null: sqlite3_bind_null(stmt, i)
        case .bool(let b): sqlite3_bind_int64(stmt, i, b ? 1 : 0)
        case .int(let n): sqlite3_bind_int64(stmt, i, Int64(n))
        case .double(let d): sqlite3_bind_double(stmt, i, d)
        case .string(let s): sqlite3_bind_text(stmt, i, s, -1, csqlite_transient())
        default: sqlite3_bind_null(stmt, i)
        }
    }

    /// Steps once: `true` for a row, `false` when done.
    @discardableResult
    func step() throws -> Bool {
        let rc = sqlite3_step(stmt)
        if rc == SQLITE_ROW { return true }
        if rc == SQLITE_DONE { return false }
        throw SQLiteError(description: "step: \(db.message)")
    }

    func reset() {
        sqlite3_reset(stmt)
        sqlite3_clear_bindings(stmt)
    }

    func int(_ c: Int32) -> Int { Int(sqlite3_column_int64(stmt, c)) }
    func double(_ c: Int32) -> Double { sqlite3_column_double(stmt, c) }
    func text(_ c: Int32) -> String? { sqlite3_column_text(stmt, c).map { String(cString: $0) } }

    /// The current row of `SELECT id, name, email, gpa, active, enrolled`, as the same ordered record LineDB
    /// returns (so both sides of a lookup build a comparable value).
    func studentRecord() -> Record {
        var r = Record(minimumCapacity: 6)
        r["id"] = .int(int(0))
        r["name"] = text(1).map(JSONValue.string) ?? .null
        r["email"] = text(2).map(JSONValue.string) ?? .null
        r["gpa"] = .double(double(3))
        r["active"] = .bool(int(4) != 0)
        r["enrolled"] = text(5).map(JSONValue.string) ?? .null
        return r
    }
}
