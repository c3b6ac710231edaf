import CSQLite

/// A failure reported by libsqlite3, with the statement or file it concerns.
package struct SQLiteError: Error, CustomStringConvertible {
    /// The SQLite result code (`SQLITE_NOTADB`, `SQLITE_CONSTRAINT`, ...).
    package var code: Int32
    /// What failed, and SQLite's own message.
    package var description: String
}

/// A value as SQLite stores it: one of its five storage classes.
public enum SQLiteValue: Hashable, Sendable {
    /// NULL.
    case null
    /// A 64-bit signed integer.
    case integer(Int64)
    /// A double.
    case real(Double)
    /// UTF-8 text.
    case text(String)
    /// Bytes.
    case blob([UInt8])

    /// The storage class's name, for error messages.
    package var storageClass: String {
        switch self {
        case .null: return "NULL"
        case .integer: return "INTEGER"
        case .real: return "REAL"
        case .text: return "TEXT"
        case .blob: return "BLOB"
        }
    }
}

/// A thin owner of one `sqlite3*` handle: open, run SQL, prepare statements, close.
package final class SQLiteConnection {
    package private(set) var handle: OpaquePointer?
    /// The file as error messages name it.
    package let path: String

    /// Opens (with `create`, creates) a database file. `label` names it in error messages (default: `path`).
    package init(path: String, label: String? = nil, readOnly: Bool = false, create: Bool = false) throws {
        self.path = label ?? path
        var flags = readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE
        if create && !readOnly { flags |= SQLITE_OPEN_CREATE }
        var db: OpaquePointer?
        let rc = sqlite3_open_v2(path, &db, flags | SQLITE_OPEN_NOMUTEX, nil)
        handle = db
        if rc != SQLITE_OK {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close_v2(db)
            handle = nil
            throw SQLiteError(code: rc, description: "\(self.path): cannot open: \(message)")
        }
        sqlite3_extended_result_codes(db, 1)
    }

    deinit { close() }

    /// Closes the handle (statements must be finalized first; ``SQLiteStatement`` finalizes on deinit).
    package func close() {
        if let handle { sqlite3_close_v2(handle) }
        handle = nil
    }

    /// Runs one or more statements that return no rows we need.
    package func execute(_ sql: String) throws {
        var message: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &message)
        if rc != SQLITE_OK {
            let text = message.map { String(cString: $0) } ?? lastMessage
            sqlite3_free(message)
            throw SQLiteError(code: rc, description: "\(path): \(text) (in: \(Self.clip(sql)))")
        }
    }

    /// Compiles one statement.
    package func prepare(_ sql: String) throws -> SQLiteStatement {
        var statement: OpaquePointer?
        let rc = sqlite3_prepare_v2(handle, sql, -1, &statement, nil)
        guard rc == SQLITE_OK, let statement else {
            throw SQLiteError(code: rc, description: "\(path): \(lastMessage) (in: \(Self.clip(sql)))")
        }
        return SQLiteStatement(statement, connection: self, sql: sql)
    }

    /// All rows of a query, as arrays of values.
    package func rows(_ sql: String, _ arguments: [SQLiteValue] = []) throws -> [[SQLiteValue]] {
        let statement = try prepare(sql)
        for (i, value) in arguments.enumerated() { try statement.bind(value, at: i + 1) }
        var result: [[SQLiteValue]] = []
        while try statement.step() {
            result.append((0..<statement.columnCount).map(statement.value))
        }
        return result
    }

    /// SQLite's message for the last failure on this connection.
    package var lastMessage: String { handle.map { String(cString: sqlite3_errmsg($0)) } ?? "not open" }

    /// A double-quoted SQL identifier (`"a""b"` for `a"b`).
    package static func quote(_ identifier: String) -> String {
        "\"" + identifier.replacingAll("\"", with: "\"\"") + "\""
    }

    /// A single-quoted SQL string literal.
    package static func literal(_ text: String) -> String {
        "'" + text.replacingAll("'", with: "''") + "'"
    }

    private static func clip(_ sql: String) -> String {
        sql.count > 80 ? String(sql.prefix(77)) + "..." : sql
    }
}

/// One prepared statement: bind, step, read columns, reset. Finalized when released.
package final class SQLiteStatement {
    private let statement: OpaquePointer
    private let connection: SQLiteConnection
    private let sql: String

    package init(_ statement: OpaquePointer, connection: SQLiteConnection, sql: String) {
        self.statement = statement
        self.connection = connection
        self.sql = sql
    }

    deinit { sqlite3_finalize(statement) }

    /// Binds a value to parameter `index` (1-based).
    package func bind(_ value: SQLiteValue, at index: Int) throws {
        let i = Int32(index)
        let rc: Int32
        switch value {
        case .null: rc = sqlite3_bind_null(statement, i)
        case .integer(let n): rc = sqlite3_bind_int64(statement, i, n)
        case .real(let d): rc = sqlite3_bind_double(statement, i, d)
        case .text(let s):
            var s = s
            rc = s.withUTF8 { bytes -> Int32 in
                // A nil pointer would bind NULL, so the empty string gets a real (empty) one.
                guard let base = bytes.baseAddress, bytes.count > 0 else {
                    return sqlite3_bind_text(statement, i, "", 0, csqlite_transient())
                }
                return base.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
                    sqlite3_bind_text(statement, i, $0, Int32(bytes.count), csqlite_transient())
                }
            }
        case .blob(let b):
            rc = b.withUnsafeBytes { raw in
                sqlite3_bind_blob(statement, i, raw.baseAddress, Int32(raw.count), csqlite_transient())
            }
        }
        if rc != SQLITE_OK { throw failure(rc) }
    }

    /// Runs the statement one step: `true` when a row is ready, `false` when done.
    @discardableResult
    package func step() throws -> Bool {
        let rc = sqlite3_step(statement)
        switch rc {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default: throw failure(rc)
        }
    }

    /// Makes the statement ready to run again (bindings are kept until rebound).
    package func reset() {
        sqlite3_reset(statement)
    }

    /// The number of result columns.
    package var columnCount: Int { Int(sqlite3_column_count(statement)) }

    /// The value of result column `index` (0-based) in the current row.
    package func value(_ index: Int) -> SQLiteValue {
        let i = Int32(index)
        switch sqlite3_column_type(statement, i) {
        case SQLITE_INTEGER: return .integer(sqlite3_column_int64(statement, i))
        case SQLITE_FLOAT: return .real(sqlite3_column_double(statement, i))
        case SQLITE_TEXT:
            let count = Int(sqlite3_column_bytes(statement, i))
            guard let base = sqlite3_column_text(statement, i) else { return .text("") }
            return .text(String(decoding: UnsafeBufferPointer(start: base, count: count), as: UTF8.self))
        case SQLITE_BLOB:
            let count = Int(sqlite3_column_bytes(statement, i))
            guard let base = sqlite3_column_blob(statement, i) else { return .blob([]) }
            return .blob(Array(UnsafeRawBufferPointer(start: base, count: count)))
        default: return .null
        }
    }

    private func failure(_ rc: Int32) -> SQLiteError {
        SQLiteError(code: rc, description: "\(connection.path): \(connection.lastMessage)")
    }
}

extension String {
    /// Every occurrence of `target` replaced (without Foundation).
    package func replacingAll(_ target: Character, with replacement: String) -> String {
        guard contains(target) else { return self }
        var out = ""
        out.reserveCapacity(utf8.count + 8)
        for c in self { if c == target { out += replacement } else { out.append(c) } }
        return out
    }
}
