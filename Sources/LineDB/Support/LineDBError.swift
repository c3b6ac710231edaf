#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Every failure the engine reports. Each case names what went wrong and where, so a message can be shown
/// to a user as it is (``description``), and a program can match on the case.
public enum LineDBError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No table of that name. `suggestion` is a close existing name, if any.
    case tableNotFound(table: String, suggestion: String?)
    /// A table of that name already exists.
    case tableExists(table: String)
    /// A record names a column the table does not have.
    case unknownColumn(table: String, column: String, suggestion: String?)
    /// A value does not have the column's type.
    case typeMismatch(table: String, column: String, expected: String, value: String)
    /// A NOT NULL column (or the primary key) got `null` or no value.
    case notNull(table: String, column: String)
    /// A primary key or UNIQUE value is already taken by another record.
    case duplicateValue(table: String, column: String, value: String)
    /// No record with that primary key.
    case recordNotFound(table: String, key: String)
    /// A schema is not acceptable (for example two primary keys). `path` is the file, if it came from one.
    case invalidSchema(path: String?, reason: String)
    /// Some input (an import file, a command argument, a record) is not acceptable.
    case invalidInput(reason: String)
    /// Another process holds the writer lock.
    case locked(path: String, pid: Int?, host: String?)
    /// The database (or the table) was opened read-only, or cannot be written.
    case readOnly(reason: String)
    /// A system call failed. `errno` is the C error number.
    case io(operation: String, path: String, errno: Int32)
    /// A file holds data that cannot be trusted; the database refuses to open and changes nothing.
    case corrupt(path: String, line: Int?, column: Int?, byteOffset: Int?, reason: String, hint: String?)
    /// An earlier `fsync` failed: what is on disk is unknown, so the handle refuses further work until reopened.
    case needsReopen(reason: String)
    /// The database was closed.
    case closed
    /// The thread that holds the database (running a ``Database/transaction(_:)``'s closure, or the records of a
    /// typed bulk insert, or a ``DatabaseOptions/loadProgress`` callback during ``Database/load()``) called it
    /// again: that call would wait for itself for ever, so it fails instead. Inside a transaction, use the
    /// ``Transaction``'s own methods.
    case reentrantCall

    /// The message for a user: what went wrong and where, in one line, e.g.
    /// `student.email: the value "bob@u.edu" is already used by another record`.
    public var description: String {
        switch self {
        case .tableNotFound(let table, let suggestion):
            return "no table named '\(table)'" + (suggestion.map { " (did you mean '\($0)'?)" } ?? "")
        case .tableExists(let table):
            return "table '\(table)' already exists"
        case .unknownColumn(let table, let column, let suggestion):
            return "table '\(table)' has no column '\(column)'" + (suggestion.map { " (did you mean '\($0)'?)" } ?? "")
        case .typeMismatch(let table, let column, let expected, let value):
            return "\(table).\(column): expected \(expected), got \(value)"
        case .notNull(let table, let column):
            return "\(table).\(column) may not be null"
        case .duplicateValue(let table, let column, let value):
            return "\(table).\(column): the value \(value) is already used by another record"
        case .recordNotFound(let table, let key):
            return "table '\(table)' has no record with key \(key)"
        case .invalidSchema(let path, let reason):
            return (path.map { "\($0): " } ?? "") + "invalid schema: \(reason)"
        case .invalidInput(let reason):
            return reason
        case .locked(let path, let pid, let host):
            var s = "\(path) is locked by another writer"
            if let pid { s += " (pid \(pid)" + (host.map { " on \($0)" } ?? "") + ")" }
            return s + "; open it read-only, or stop that process"
        case .readOnly(let reason):
            return "read-only: \(reason)"
        case .io(let operation, let path, let code):
            return "\(operation) \(path): \(LineDBError.describe(errno: code))"
        case .corrupt(let path, let line, let column, let byteOffset, let reason, let hint):
            var place = path
            if let line { place += ":\(line)" }
            if let column { place += ":\(column)" }
            if let byteOffset { place += " (byte \(byteOffset))" }
            return "\(place): \(reason)" + (hint.map { "; \($0)" } ?? "")
        case .needsReopen(let reason):
            return "the database must be reopened: \(reason)"
        case .closed:
            return "the database is closed"
        case .reentrantCall:
            return "Database methods are not reentrant: this thread holds the database (inside transaction { }, "
                + "a typed bulk insert's records or a load progress callback) and called it again, which would wait "
                + "for ever; inside a transaction use its own methods (tx.get, tx.insert, tx.update, tx.delete), "
                + "or call the database after the transaction returns"
        }
    }

    /// The refusal of a database file that is a symbolic link: LineDB never writes through one, since the link
    /// could make it change a file outside the database (a database directory unpacked from elsewhere).
    ///
    /// - Parameter hint: what to do; by default, for a file of the database: replace the link with a copy.
    static func symbolicLink(path: String, target: String?, hint: String? = nil) -> LineDBError {
        .corrupt(
            path: path, line: nil, column: nil, byteOffset: nil,
            reason: "is a symbolic link" + (target.map { " (to \($0))" } ?? "")
                + "; LineDB does not write through symbolic links, which could change a file outside the database",
            hint: hint
                ?? "replace the link with a copy of the file it points to (cp --remove-destination \"$(readlink -f LINK)\" LINK), or open the database read-only; LineDB changed nothing")
    }

    /// A human text for an errno value, with plain words for the cases users meet.
    static func describe(errno code: Int32) -> String {
        let text = String(cString: strerror(code))
        switch code {
        case ENOSPC: return "disk full (\(text))"
        case EFBIG: return "file too large (\(text))"
        case EDQUOT: return "disk quota exceeded (\(text))"
        default: return text
        }
    }
}

extension JSONValue {
    /// A short rendering for error messages: the JSON text, clipped.
    var brief: String {
        let text = JSONWriter.encode(self)
        if text.count > 60 { return String(text.prefix(57)) + "..." }
        return text
    }
}
