import ArgumentParser
import LineDB
import LineDBSQL

/// `linedb sql DB [QUERY] [--format table|csv|json|jsonl] [--param NAME=VALUE ...]`
struct Sql: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run SQL on the database's tables (SQLite's SQL, on LineDB's rows in place).",
        discussion: """
            Every table appears under its own name (quote names SQL cannot take bare: "dep-delay"), its columns \
            typed int INTEGER, float REAL, str TEXT, bool 0/1, json TEXT (SQLite's json_extract and friends read \
            it). Nothing is copied: SQLite reads LineDB's rows, and an equality on the primary key or a UNIQUE \
            column is one lookup. Without QUERY, the statements are read from standard input (a script, \
            ;-separated).

            Reading opens the database read-only (no lock). A script that writes (INSERT, UPDATE, DELETE) takes \
            the writer lock as insert does and is ONE LineDB transaction: every check of every other write, the \
            same WAL entries, durable before the command returns, all or nothing. BEGIN/COMMIT are allowed; \
            ROLLBACK undoes the whole script. CREATE, DROP, ALTER and ATTACH are refused (tables are made with \
            create-table or import --create). Ctrl-C stops a query and writes nothing.

            With --as-of LSN|TIME the tables are the database as it was then (a table dropped since is there, one \
            created since is not), read-only: a statement that writes is refused and nothing is written.

            Formats: table (default; aligned, numbers right-aligned, NULL for null), csv (empty field for null, "" \
            for the empty string), json (one array per statement), jsonl (one object per row). Rows are printed \
            as they are computed: a result of any size streams in constant memory.

            Exit codes: 0; 1 when a write breaks a constraint (NOT NULL, UNIQUE, a duplicate key); 2 for SQL that \
            does not compile, a refused statement, a value of the wrong type; 130 when interrupted.

            Examples:
              linedb sql uni "SELECT major, count(*), avg(gpa) FROM student GROUP BY major"
              linedb sql uni "SELECT * FROM student WHERE gpa > :g" --param g=3.5 --format csv
              echo "UPDATE student SET gpa = 4.0 WHERE id = 1;" | linedb sql uni
            """
    )

    @OptionGroup var database: DatabaseArgument

    @Argument(help: "The SQL (default: read from standard input).")
    var query: String?

    @Option(help: "Output format: table, csv, json or jsonl.")
    var format: SQLOutputFormat = .table

    @Option(
        name: .customLong("param"),
        help: ArgumentHelp(
            "A value for :NAME (or @NAME, $NAME, ?N with NAME=N): an integer, a real, or else text. Repeatable.",
            valueName: "name=value"))
    var parameters: [String] = []

    @OptionGroup var sync: SyncOptions

    @OptionGroup var asOf: AsOfOption

    func run() throws {
        let sql = try query ?? Self.readStandardInput()
        let values = try Self.parameterValues(parameters)
        Signals.installStopHandlers()
        var db = try database.openForReading()
        var session = try asOf.state(of: db).map { try SQLSession(past: $0) } ?? SQLSession(database: db)
        let writes: Bool
        do {
            writes = try session.writes(sql)
        } catch let error as SQLError {
            throw Self.failure(error)
        }
        if writes && asOf.text == nil {
            // Writing needs the writer lock: open again as the writer (so the script sees every acknowledged write).
            try db.close()
            db = try database.openForWriting(sync: sync.mode)
            session = try SQLSession(database: db)
        }
        session.warnings.forEach(ErrorReporting.printWarning)
        session.shouldStop = { Signals.stopRequested }
        let printer = SQLResultPrinter(format: format)
        do {
            let summary = try session.run(sql, parameters: values, row: printer.row, columns: printer.begin)
            printer.end()
            if summary.statements == 0 { throw UsageError("no SQL statement in the query (only blanks or comments)") }
            if summary.rolledBack {
                ErrorReporting.printWarning("the script rolled back: nothing was written")
            } else if summary.committed {
                ErrorReporting.printNote("\(plural(summary.changes, "row")) changed (durable)")
            }
        } catch let error as SQLError {
            printer.end()
            throw Self.failure(error)
        }
        try db.close()
    }

    /// The exit code and message of a failed run. The message is one line (`linedb: ... (line 2, column 3)`); the
    /// line of SQL and a caret under the place follow it on stderr.
    static func failure(_ error: SQLError) -> Error {
        var error = error
        let source = error.sourceLine.map { line in
            "  " + VisibleText.escaped(line) + "\n  "
                + String(repeating: " ", count: max((error.position?.column ?? 1) - 1, 0)) + "^\n"
        }
        error.sourceLine = nil
        guard let source else { return plainFailure(error) }
        return DetailedError(underlying: plainFailure(error), detail: source)
    }

    private static func plainFailure(_ error: SQLError) -> Error {
        switch error.kind {
        case .writeRefused:
            // A value that does not fit its column's type is the SQL's mistake (2), as it is in `insert`; a
            // constraint (NOT NULL, UNIQUE, a duplicate key) is about the data (1).
            if let e = error.lineDBError, ErrorReporting.userInput(e) is LineDBError,
                ErrorReporting.exitCode(for: e) == ExitStatus.dataProblem
            {
                return DataError(error.description + "; nothing was written")
            }
            return UsageError(error.description + "; nothing was written")
        case .interrupted:
            ErrorReporting.printError(error.message)
            return ExitCode(130)
        case .failed:
            return DataError(error.description)
        default:
            return UsageError(error.description)
        }
    }

    /// `NAME=VALUE` texts as parameter values: an integer, else a finite real, else text.
    static func parameterValues(_ texts: [String]) throws -> [String: SQLiteValue] {
        var values: [String: SQLiteValue] = [:]
        for text in texts {
            guard let eq = text.firstIndex(of: "="), eq != text.startIndex else {
                throw UsageError("--param \(text): expected NAME=VALUE")
            }
            var name = String(text[..<eq])
            if let first = name.first, ":@$?".contains(first) { name.removeFirst() }
            let value = String(text[text.index(after: eq)...])
            if let i = Int64(value) {
                values[name] = .integer(i)
            } else if let d = Double(value), d.isFinite,
                value.allSatisfy({ $0.isASCII && ($0.isNumber || "+-.eE".contains($0)) })
            {
                // Decimal only: Swift's Double also reads "0x10" and "1p3", which SQL would not take as numbers.
                values[name] = .real(d)
            } else {
                values[name] = .text(value)
            }
        }
        return values
    }

    private static func readStandardInput() throws -> String {
        var input = StandardInputLines()
        var bytes: [UInt8] = []
        while let (line, offset) = input.next() {
            if let bad = UTF8Validation.firstInvalidByte(line) {
                throw UsageError("standard input is not valid UTF-8 at byte offset \(offset + bad)")
            }
            bytes += line
            bytes.append(0x0A)
        }
        let sql = String(decoding: bytes, as: UTF8.self)
        if sql.allSatisfy(\.isWhitespace) { throw UsageError("no SQL: give a query, or statements on standard input") }
        return sql
    }
}
