import LineDB

/// Evaluates the filter prompt's SQL expressions (``ViewFilter/expression(_:)``) over rows the browser holds: the
/// rows as the user sees them, pending edits included. The seam between the browser's state and SQLite.
public protocol FilterEvaluator: AnyObject, Sendable {
    /// Compiles `expression` as the `WHERE` clause of a query over the rows of `input` (positions in `rows`, in
    /// order), whose columns are `schema`'s.
    /// - Throws: ``FilterExpressionError`` with SQLite's message when the expression does not compile.
    func scanner(for expression: String, schema: TableSchema, rows: [[JSONValue]], input: [Int]) throws
        -> FilterExpressionScanner
}

/// A compiled filter expression over a list of rows, tested a range of rows at a time (so that a filter over a
/// million rows runs in slices between key reads).
public protocol FilterExpressionScanner: AnyObject {
    /// The indices in `range` (of the scanner's `input`) whose rows pass, ascending.
    /// - Throws: ``FilterExpressionError`` when SQLite fails while evaluating (`json_extract` on malformed JSON).
    func passing(in range: Range<Int>) throws -> [Int]
    /// Stops a ``passing(in:)`` running on another thread (`sqlite3_interrupt`); safe from any thread.
    func interrupt()
}

/// A filter expression SQLite refused: its message, and where in the expression (a character offset), when it
/// says.
public struct FilterExpressionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// SQLite's message (`near "AN": syntax error`, `no such column: dep_dely`).
    public var message: String
    /// The character offset in the expression SQLite points at, if it does.
    public var offset: Int?

    /// An error with SQLite's message and position.
    public init(message: String, offset: Int? = nil) {
        self.message = message
        self.offset = offset
    }

    /// As the status line shows it, the position first (a narrow screen cuts the end):
    /// `SQL error at 16: near "AN": syntax error`, `SQL error: no such column: nme`.
    var shown: String {
        "SQL error" + (offset.map { " at \($0 + 1)" } ?? "") + ": " + message
    }

    /// The message, and the position when SQLite gives one: `near "AN": syntax error (at character 16)`.
    public var description: String {
        message + (offset.map { " (at character \($0 + 1))" } ?? "")
    }
}
