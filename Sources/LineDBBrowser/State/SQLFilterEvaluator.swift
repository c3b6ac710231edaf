import LineDB
import LineDBSQL

/// Evaluates the filter prompt's SQL expressions with SQLite (``SQLSession``), over the rows the browser holds:
/// each range of rows is registered as a view (``SQLSession/register(view:schema:rows:)``, rowid = position in the
/// range) and `SELECT rowid FROM view AS "table" WHERE (expression)` gives the rows that pass. The other tables of
/// the database are there too, under their names, as saved (`origin IN (SELECT faa FROM airports)`).
///
/// The session is opened at the first expression (opening declares every table of the database to SQLite).
/// Used from the browser's one thread.
public final class SQLFilterEvaluator: FilterEvaluator, @unchecked Sendable {
    private let database: Database?
    private var session: SQLSession?
    /// The view name each table's rows are registered under (one per table: its columns are declared once).
    private var viewNames: [String: String] = [:]

    /// An evaluator whose expressions can also read `database`'s tables (`nil`: only the filtered rows).
    public init(database: Database?) {
        self.database = database
    }

    /// Compiles `expression` over the rows of `input` (positions in `rows`) as the `WHERE` of a query on a view of
    /// them named as the table; refuses anything that would write.
    /// - Throws: ``FilterExpressionError`` with SQLite's message and its place in the expression.
    public func scanner(for expression: String, schema: TableSchema, rows: [[JSONValue]], input: [Int]) throws
        -> FilterExpressionScanner
    {
        let session = try openSession()
        let view = try viewName(for: schema, in: session)
        let scanner = SQLFilterScanner(session: session, view: view, schema: schema, expression: expression,
                                       rows: rows, input: input)
        // Compiled now, so that a mistake is reported before anything runs; a filter only reads (a `;` cannot
        // smuggle a write into the database's tables).
        do {
            if try session.writes(scanner.sql) {
                throw FilterExpressionError(message: "a filter only reads: one expression, no other statement")
            }
        } catch let error as SQLError {
            throw scanner.filterError(error)
        }
        _ = try scanner.passing(in: 0..<0)
        return scanner
    }

    private func openSession() throws -> SQLSession {
        if let session { return session }
        do {
            let opened = try database.map { try SQLSession(database: $0) } ?? SQLSession()
            session = opened
            return opened
        } catch {
            throw FilterExpressionError(message: "SQL cannot start: \(error)")
        }
    }

    /// A name for `schema`'s rows that no table of the session has.
    private func viewName(for schema: TableSchema, in session: SQLSession) throws -> String {
        if let name = viewNames[schema.name] { return name }
        let taken = Set(session.tableNames.map { $0.lowercased() })
        var name = "linedb_browser_rows"
        var n = 1
        while taken.contains(name.lowercased()) {
            n += 1
            name = "linedb_browser_rows_\(n)"
        }
        do {
            try session.register(view: name, schema: schema, rows: [])
        } catch {
            throw FilterExpressionError(message: "\(error)")
        }
        viewNames[schema.name] = name
        return name
    }
}

/// One filter expression over a list of rows, a range at a time.
final class SQLFilterScanner: FilterExpressionScanner {
    private let session: SQLSession
    private let view: String
    private let schema: TableSchema
    private let expression: String
    private let rows: [[JSONValue]]
    private let input: [Int]
    /// The query: the expression alone on the second line, so that SQLite's position (line, column) is a place
    /// in the expression.
    let sql: String

    init(session: SQLSession, view: String, schema: TableSchema, expression: String, rows: [[JSONValue]],
         input: [Int]) {
        self.session = session
        self.view = view
        self.schema = schema
        self.expression = expression
        self.rows = rows
        self.input = input
        sql = "SELECT rowid FROM \(SQLFilterScanner.quote(view)) AS \(SQLFilterScanner.quote(schema.name)) WHERE (\n"
            + expression + "\n)"
    }

    func passing(in range: Range<Int>) throws -> [Int] {
        var passed: [Int] = []
        var statements = 0
        do {
            try session.register(view: view, schema: schema, rows: input[range].map { rows[$0] })
            try session.run(sql, row: { row in
                if case .integer(let rowid)? = row.first { passed.append(range.lowerBound + Int(rowid)) }
            }, columns: { _ in
                statements += 1
                if statements > 1 {
                    throw FilterExpressionError(message: "a filter is one expression, not several statements")
                }
            })
        } catch let error as SQLError {
            throw filterError(error)
        }
        return passed
    }

    /// SQLite's message, and its place in the expression.
    func filterError(_ error: SQLError) -> FilterExpressionError {
        FilterExpressionError(message: error.message, offset: offset(of: error.position))
    }

    func interrupt() {
        session.interrupt()
    }

    /// The character offset in the expression of SQLite's position in ``sql`` (its line 2 is the expression's
    /// first line); the end of the expression for a place after it.
    private func offset(of position: SQLError.Position?) -> Int? {
        guard let position else { return nil }
        if position.line < 2 { return 0 }
        let lines = expression.split(separator: "\n", omittingEmptySubsequences: false)
        let k = position.line - 2
        guard k < lines.count else { return expression.count }
        let before = lines[..<k].reduce(0) { $0 + $1.count + 1 }
        return min(expression.count, before + max(0, position.column - 1))
    }

    /// A double-quoted SQL name.
    static func quote(_ name: String) -> String {
        SQLiteConnection.quote(name)
    }
}
