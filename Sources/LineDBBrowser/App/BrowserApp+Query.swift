import Foundation
import LineDB
import LineDBSQL
import Synchronization

/// The query sheet: running the SQL typed at the `:` prompt.
extension BrowserApp {
    /// Starts `sql` on a thread of its own (``SQLQueryRun``); its result opens as a sheet. A statement that would
    /// write is refused: the prompt asks questions, `linedb sql` writes.
    func runQuery(_ sql: String, on state: inout BrowserState) {
        do {
            let session = try SQLSession(database: database)
            if try session.writes(sql) {
                state.fail("the query prompt only reads (SELECT, WITH, VALUES…): write with linedb sql, or edit "
                           + "in the grid; nothing was run")
                state.reopenQueryPrompt(sql)
                return
            }
            let keys = Dictionary(state.tables.compactMap { t in t.keyColumn.map { (t.name, $0) } }) { a, _ in a }
            state.startQuery(SQLQueryRun(sql: sql, session: session, keys: keys))
        } catch {
            state.fail("query failed: \(error)")
            state.reopenQueryPrompt(sql)
        }
    }
}

/// A query running on its own thread over its own ``SQLSession`` (one per query: a cancelled query's thread may
/// still be finishing when the next starts). The result is read once the thread is done.
final class SQLQueryRun: RunningQuery, @unchecked Sendable {
    let sql: String
    private let session: SQLSession
    private let rowsAtStart: Int
    private let condition = NSCondition()
    /// Set once, by the query's thread, under `condition`.
    private var outcome: Result<QueryResult, QueryFailure>?

    /// Starts `sql` at once. `keys`: each table's primary key column (a result column that reads one opens its record).
    init(sql: String, session: SQLSession, keys: [String: String]) {
        self.sql = sql
        self.session = session
        rowsAtStart = session.rowsRead
        let thread = Thread { [self] in
            let result = SQLQueryRun.run(self.sql, on: self.session, keys: keys)
            condition.lock()
            outcome = result
            condition.broadcast()
            condition.unlock()
        }
        thread.stackSize = 8 << 20  // SQLite's parser recurses on deep expressions
        thread.start()
    }

    var rowsSoFar: Int { session.rowsRead - rowsAtStart }

    var result: Result<QueryResult, QueryFailure>? {
        condition.lock()
        defer { condition.unlock() }
        return outcome
    }

    func wait(until deadline: ContinuousClock.Instant) {
        let left = (deadline - .now).components
        let limit = Date(timeIntervalSinceNow: max(0, Double(left.seconds) + Double(left.attoseconds) / 1e18))
        condition.lock()
        while outcome == nil && condition.wait(until: limit) {}
        condition.unlock()
    }

    func cancel() { session.interrupt() }

    /// Runs the query and converts its result: values as the grid shows them, column types from the values, and
    /// which columns hold a table's key.
    private static func run(
        _ sql: String, on session: SQLSession, keys: [String: String]
    ) -> Result<QueryResult, QueryFailure> {
        do {
            var columns: [String] = []
            var rows: [[JSONValue]] = []
            try session.run(sql, row: { values in rows.append(values.map(SQLQueryRun.value)) },
                            columns: { names in
                                columns = names
                                rows = []
                            })
            let types = QueryResult.inferTypes(of: rows, columns: columns.count)
            // The columns that read a table's primary key (through any alias), as SQLite traces them.
            let origins = session.columnOrigins.map { origin in
                origin.flatMap { o in
                    keys[o.table].map { String.exactlyEqual($0, o.column) } == true
                        ? QueryResult.Origin(table: o.table, column: o.column) : nil
                }
            }
            return .success(QueryResult(columns: columns, origins: origins, types: types, rows: rows))
        } catch {
            return .failure(QueryFailure("\(error)"))
        }
    }

    /// A SQLite value in the grid: integers, reals (not finite ones: as text) and text as they are; a blob as
    /// SQLite's literal (`x'0a1b'`).
    static func value(_ v: SQLiteValue) -> JSONValue {
        switch v {
        case .null: return .null
        case .integer(let i): return .int(Int(i))
        case .real(let d): return d.isFinite ? .double(d) : .string("\(d)")
        case .text(let s): return .string(s)
        case .blob(let bytes):
            let hex = "0123456789abcdef".map { $0 }
            return .string("x'" + String(bytes.flatMap { [hex[Int($0 >> 4)], hex[Int($0 & 15)]] }) + "'")
        }
    }
}
