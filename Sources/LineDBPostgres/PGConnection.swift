#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CLibPQ

/// What PostgreSQL (or the way to it) answered when it did not do what was asked.
public struct PGError: Error, CustomStringConvertible, Sendable {
    /// PostgreSQL's message (its primary text, with DETAIL and CONTEXT when it sent them).
    public var message: String
    /// The SQLSTATE code (`23505` for a unique violation, `22021` for a byte sequence the encoding refuses), when
    /// the server sent one.
    public var sqlState: String?
    /// Whether the connection is gone (server restarted or unreachable): the work can be retried on a new
    /// connection. `false` when the server refused the statement itself.
    public var connectionLost: Bool
    /// The server's CONTEXT field (for COPY: `COPY student, line 5, column name: "…"`).
    public var context: String?

    /// The message, as printed.
    public var description: String { message }
}

/// One connection to a PostgreSQL server through libpq (a thin layer: statements with text parameters, prepared
/// statements, `COPY … FROM STDIN`). Not thread-safe.
public final class PGConnection {
    private let conn: OpaquePointer
    /// Prepared statements by SQL text: their names on this connection.
    private var prepared: [String: String] = [:]

    /// Connects with a libpq connection string (`postgresql://user@host:port/db`, or `key=value` pairs).
    ///
    /// - Parameter url: the connection string, as libpq takes it.
    /// - Throws: ``PGError`` with libpq's message (the password, if the string holds one, is not repeated).
    public init(url: String) throws(PGError) {
        guard let c = PQconnectdb(url) else {
            throw PGError(message: "libpq could not allocate a connection", sqlState: nil, connectionLost: true)
        }
        if PQstatus(c) != CONNECTION_OK {
            let message = String(cString: PQerrorMessage(c)).trimmingTrailingNewlines()
            PQfinish(c)
            throw PGError(
                message: "cannot connect to \(PGConnection.redacted(url)): \(message)", sqlState: nil,
                connectionLost: true)
        }
        conn = c
        // Notices (e.g. "relation already exists, skipping") would go to stderr through libpq's default processor.
        PQsetNoticeProcessor(c, { _, _ in }, nil)
    }

    deinit { PQfinish(conn) }

    /// Whether the connection is still up.
    public var isOK: Bool { PQstatus(conn) == CONNECTION_OK }

    /// The server's version number (`150014` for 15.14).
    public var serverVersion: Int { Int(PQserverVersion(conn)) }

    /// Runs one or more statements without parameters.
    ///
    /// - Parameter sql: the statements.
    public func execute(_ sql: String) throws(PGError) {
        let result = PQexec(conn, sql)
        defer { PQclear(result) }
        try check(result)
    }

    /// Runs a query and returns its rows as text (`nil` for SQL NULL).
    ///
    /// - Parameters:
    ///   - sql: the query, with `$1`, `$2`… for `parameters`.
    ///   - parameters: text values (`nil`: NULL).
    public func query(_ sql: String, _ parameters: [String?] = []) throws(PGError) -> [[String?]] {
        let result = try withParameters(parameters) { values, count in
            PQexecParams(conn, sql, count, nil, values, nil, nil, 0)
        }
        defer { PQclear(result) }
        try check(result)
        return rows(of: result)
    }

    /// Runs a statement through a prepared statement (prepared at its first use on this connection) and returns
    /// how many rows it changed.
    ///
    /// - Parameters:
    ///   - sql: the statement, with `$1`, `$2`… for `parameters`.
    ///   - parameters: text values (`nil`: NULL). A value holding the NUL character cannot be sent (libpq's text
    ///     parameters end at it): callers check for it first.
    @discardableResult
    public func run(_ sql: String, _ parameters: [String?]) throws(PGError) -> Int {
        let name: String
        if let known = prepared[sql] {
            name = known
        } else {
            name = "linedb_\(prepared.count + 1)"
            let result = PQprepare(conn, name, sql, Int32(parameters.count), nil)
            defer { PQclear(result) }
            try check(result)
            prepared[sql] = name
        }
        let result = try withParameters(parameters) { values, count in
            PQexecPrepared(conn, name, count, values, nil, nil, 0)
        }
        defer { PQclear(result) }
        try check(result)
        return Int(String(cString: PQcmdTuples(result))) ?? 0
    }

    /// Forgets the prepared statements (after a `ROLLBACK` they are still there; after a new connection they are
    /// not: this is for a connection object that is reused).
    func forgetPrepared() { prepared.removeAll() }

    /// Runs `COPY … FROM STDIN` and feeds it through `produce`, which appends rows (in COPY's text format) to the
    /// buffer it is given and returns `false` when there are no more; the buffer is sent whenever it holds 1 MiB.
    ///
    /// - Parameters:
    ///   - sql: the `COPY … FROM STDIN` statement.
    ///   - produce: called until it returns `false`.
    /// - Returns: the number of rows copied, as the server counted them.
    public func copyIn(_ sql: String, produce: (inout [UInt8]) throws -> Bool) throws -> Int {
        let start = PQexec(conn, sql)
        let status = PQresultStatus(start)
        if status != PGRES_COPY_IN {
            defer { PQclear(start) }
            try check(start)
            throw PGError(message: "COPY did not start", sqlState: nil, connectionLost: !isOK)
        }
        PQclear(start)
        var buffer: [UInt8] = []
        buffer.reserveCapacity(1 << 21)
        var failure: Error?
        do {
            while try produce(&buffer) {
                if buffer.count >= 1 << 20 {
                    try send(buffer)
                    buffer.removeAll(keepingCapacity: true)
                }
            }
            if !buffer.isEmpty { try send(buffer) }
        } catch {
            failure = error
        }
        if PQputCopyEnd(conn, failure == nil ? nil : "linedb stopped the copy") != 1 {
            throw lastError()
        }
        var copied = 0
        var serverError: PGError?
        while let result = PQgetResult(conn) {
            if PQresultStatus(result) == PGRES_COMMAND_OK {
                copied = Int(String(cString: PQcmdTuples(result))) ?? 0
            } else if serverError == nil {
                serverError = error(of: result)
            }
            PQclear(result)
        }
        if let failure { throw failure }
        if let serverError { throw serverError }
        return copied
    }

    private func send(_ bytes: [UInt8]) throws(PGError) {
        let ok = bytes.withUnsafeBufferPointer { b in
            b.withMemoryRebound(to: CChar.self) { PQputCopyData(conn, $0.baseAddress, Int32($0.count)) }
        }
        if ok != 1 { throw lastError() }
    }

    // MARK: - Results

    private func withParameters(
        _ parameters: [String?], _ body: (UnsafePointer<UnsafePointer<CChar>?>?, Int32) -> OpaquePointer?
    ) throws(PGError) -> OpaquePointer? {
        let copies: [UnsafeMutablePointer<CChar>?] = parameters.map { $0.map { strdup($0) } ?? nil }
        defer { copies.forEach { free($0) } }
        let pointers: [UnsafePointer<CChar>?] = copies.map { $0.map { UnsafePointer($0) } }
        let result = pointers.withUnsafeBufferPointer { body($0.baseAddress, Int32(parameters.count)) }
        guard let result else { throw lastError() }
        return result
    }

    private func check(_ result: OpaquePointer?) throws(PGError) {
        guard let result else { throw lastError() }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY: return
        default: throw error(of: result)
        }
    }

    private func rows(of result: OpaquePointer?) -> [[String?]] {
        let n = PQntuples(result)
        let m = PQnfields(result)
        var out: [[String?]] = []
        out.reserveCapacity(Int(n))
        for i in 0..<n {
            var row: [String?] = []
            for j in 0..<m {
                row.append(PQgetisnull(result, i, j) == 1 ? nil : String(cString: PQgetvalue(result, i, j)))
            }
            out.append(row)
        }
        return out
    }

    private func error(of result: OpaquePointer?) -> PGError {
        // The PG_DIAG_* codes are character-literal macros, which Swift does not import (postgres_ext.h).
        let PG_DIAG_MESSAGE_PRIMARY = Int32(UInt8(ascii: "M")), PG_DIAG_MESSAGE_DETAIL = Int32(UInt8(ascii: "D"))
        let PG_DIAG_SQLSTATE = Int32(UInt8(ascii: "C")), PG_DIAG_CONTEXT = Int32(UInt8(ascii: "W"))
        func field(_ code: Int32) -> String? {
            guard let p = PQresultErrorField(result, code) else { return nil }
            return String(cString: p)
        }
        var message = field(PG_DIAG_MESSAGE_PRIMARY) ?? String(cString: PQresultErrorMessage(result))
        if let detail = field(PG_DIAG_MESSAGE_DETAIL) { message += " (\(detail))" }
        let state = field(PG_DIAG_SQLSTATE)
        // Lost: libpq says so, or the error is libpq's own (no SQLSTATE: "server closed the connection
        // unexpectedly" can leave the status OK until the next call), a connection exception (class 08), or the
        // server shutting down or restarting (57P01-57P03).
        let lost = !isOK || state == nil || state!.hasPrefix("08") || ["57P01", "57P02", "57P03"].contains(state!)
        if message.isEmpty { message = String(cString: PQerrorMessage(conn)) }
        return PGError(
            message: message.trimmingTrailingNewlines(), sqlState: state, connectionLost: lost,
            context: field(PG_DIAG_CONTEXT))
    }

    private func lastError() -> PGError {
        PGError(
            message: String(cString: PQerrorMessage(conn)).trimmingTrailingNewlines(), sqlState: nil,
            connectionLost: !isOK)
    }

    /// A connection string with its password (`:secret@` in a URL, `password=…` in key/value form) replaced by `***`.
    ///
    /// - Parameter url: the connection string.
    public static func redacted(_ url: String) -> String {
        var out = url
        if let scheme = out.range(of: "://"), let at = out[scheme.upperBound...].firstIndex(of: "@"),
            let colon = out[scheme.upperBound..<at].firstIndex(of: ":")
        {
            out.replaceSubrange(out.index(after: colon)..<at, with: "***")
        }
        if let range = out.range(of: "password=") {
            let end = out[range.upperBound...].firstIndex(where: { $0 == " " || $0 == "&" }) ?? out.endIndex
            out.replaceSubrange(range.upperBound..<end, with: "***")
        }
        return out
    }
}

extension String {
    func trimmingTrailingNewlines() -> String {
        var s = self
        while s.last == "\n" || s.last == " " { s.removeLast() }
        return s
    }
}
