import LineDB

/// The result of a SQL query, as the query sheet shows it.
public struct QueryResult: Sendable, Equatable {
    /// Where a result column comes from when it is a table's column as it is (`SELECT id, name FROM student`);
    /// an expression (`count(*)`, `a + 1`) comes from nowhere.
    public struct Origin: Sendable, Equatable {
        /// The table's name.
        public var table: String
        /// The column's name in that table.
        public var column: String

        /// The origin `table`.`column`.
        public init(table: String, column: String) {
            self.table = table
            self.column = column
        }
    }

    /// The result's column names, as SQLite gives them (they may repeat: `SELECT a.id, b.id`).
    public var columns: [String]
    /// Each column's origin, or nil.
    public var origins: [Origin?]
    /// The column types the sheet gives the columns (``inferTypes(of:columns:)``).
    public var types: [ColumnType]
    /// The rows, one value per column.
    public var rows: [[JSONValue]]

    /// A result of `rows` under `columns`, their `origins` and `types` (one of each per column).
    public init(columns: [String], origins: [Origin?], types: [ColumnType], rows: [[JSONValue]]) {
        self.columns = columns
        self.origins = origins
        self.types = types
        self.rows = rows
    }

    /// The type of each of `columns` columns over `rows`, from the values it holds (SQLite's are per value):
    /// `int` when every non-null value is an integer, `float` when every one is a number, `str` when every one is
    /// text, otherwise (mixed, or none at all) `json`.
    public static func inferTypes(of rows: [[JSONValue]], columns: Int) -> [ColumnType] {
        (0..<columns).map { c in
            var ints = false, doubles = false, strings = false, others = false
            for row in rows where c < row.count {
                switch row[c] {
                case .null: continue
                case .int: ints = true
                case .double: doubles = true
                case .string: strings = true
                default: others = true
                }
                if others || (strings && (ints || doubles)) { return .json }
            }
            if strings { return .str }
            if doubles { return .float }
            if ints { return .int }
            return .json
        }
    }
}

/// Why a query failed: SQLite's message (with the position in the query it names), or that it was interrupted.
public struct QueryFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, as the status line says it.
    public var message: String

    /// A failure saying `message`.
    public init(_ message: String) { self.message = message }

    /// The message.
    public var description: String { message }
}

/// A SQL query running on a thread of its own (SQLite cannot be run in slices): the browser looks at it between
/// key reads, waiting for it at most a slice at a time, and shows its result as a sheet; Esc cancels it
/// (``cancel()``, SQLite's interrupt). ``BrowserApp`` creates it from the SQL typed at the `:` prompt.
public protocol RunningQuery: AnyObject, Sendable {
    /// The SQL.
    var sql: String { get }
    /// The rows read so far (for the status line).
    var rowsSoFar: Int { get }
    /// The result once the query is over; nil while it runs.
    var result: Result<QueryResult, QueryFailure>? { get }
    /// Waits until the query is over or `deadline` has passed.
    func wait(until deadline: ContinuousClock.Instant)
    /// Stops the query (from any thread); its result is then a failure, which nobody reads.
    func cancel()
}
