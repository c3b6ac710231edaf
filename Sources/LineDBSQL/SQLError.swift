import CSQLite
import LineDB

/// Why a SQL statement or script failed. Nothing was written when it is thrown.
public struct SQLError: Error, CustomStringConvertible, Sendable {
    /// What kind of failure.
    public enum Kind: Sendable, Equatable {
        /// The text is not SQL SQLite accepts (syntax, an unknown table or column, a wrong argument count...).
        case invalid
        /// A statement LineDB does not let SQL run (CREATE, DROP, ALTER, ATTACH, PRAGMA writes, SAVEPOINT).
        case refused
        /// A write LineDB refused (type, NOT NULL, UNIQUE, primary key); see ``SQLError/lineDBError``.
        case writeRefused
        /// A write on a session whose database is open read-only.
        case readOnly
        /// Stopped by ``SQLSession/interrupt()`` (Ctrl-C, Esc).
        case interrupted
        /// A named parameter without a value.
        case missingParameter
        /// The script left a transaction open (BEGIN without COMMIT) or wrote after ROLLBACK.
        case transaction
        /// Anything else SQLite reported while running.
        case failed
    }

    /// A place in the SQL text: 1-based line and column (in characters).
    public struct Position: Sendable, Equatable {
        /// 1-based line.
        public var line: Int
        /// 1-based column, in characters.
        public var column: Int
    }

    /// What kind of failure.
    public var kind: Kind
    /// The message: SQLite's own, or LineDB's for a refused write.
    public var message: String
    /// Where in the SQL text, when SQLite says.
    public var position: Position?
    /// The line of the SQL text at ``position``, to show under the message.
    public var sourceLine: String?
    /// The engine's error, for a write LineDB refused.
    public var lineDBError: LineDBError?

    /// The message, with the position and the line of SQL marked with a caret under the place.
    public var description: String {
        guard let position else { return message }
        var text = "\(message) (line \(position.line), column \(position.column))"
        if let sourceLine {
            text += "\n  " + sourceLine + "\n  " + String(repeating: " ", count: max(position.column - 1, 0)) + "^"
        }
        return text
    }

    /// The position of UTF-8 byte `offset` in `text`, and that line's text.
    static func locate(_ offset: Int, in text: String) -> (Position, String)? {
        let bytes = Array(text.utf8)
        guard offset >= 0, offset <= bytes.count else { return nil }
        var line = 1
        var lineStart = 0
        for i in 0..<offset where bytes[i] == 0x0A {
            line += 1
            lineStart = i + 1
        }
        var lineEnd = lineStart
        while lineEnd < bytes.count, bytes[lineEnd] != 0x0A { lineEnd += 1 }
        let before = String(decoding: bytes[lineStart..<offset], as: UTF8.self)
        let whole = String(decoding: bytes[lineStart..<lineEnd], as: UTF8.self)
        return (Position(line: line, column: before.count + 1), whole)
    }
}
