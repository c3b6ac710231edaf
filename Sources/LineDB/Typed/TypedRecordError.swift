/// Failures of the typed API (``TableRecord``, ``RecordTable``) that the engine's ``LineDBError`` does not cover.
/// Engine errors (a duplicate key, a NOT NULL column, I/O) are thrown as ``LineDBError``, unchanged.
///
/// Each case names the table (or type), the column and the value, and ``description`` is a message a user can
/// read as it is.
public enum TypedRecordError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The Swift type cannot describe a table: an option names an unknown column, there are two primary keys or
    /// none, a default does not fit its column, or a property's type cannot be probed.
    case invalidDefinition(type: String, reason: String)
    /// The table's schema file does not match the Swift type. `column` is the column that differs (nil for the
    /// table as a whole), `difference` says how ("the file says str, Student.gpa is Double (float)").
    case schemaMismatch(table: String, path: String?, column: String?, difference: String)
    /// A stored record cannot become the Swift type. `key` is the record's primary key (or its line in a records
    /// file), `value` the stored value, clipped.
    case cannotDecode(table: String, key: String?, column: String?, value: String?, reason: String)
    /// A Swift value cannot become a record (a property the table has no column for, a non-finite Double...).
    case cannotEncode(table: String, column: String?, reason: String)

    /// The message for a user: what failed, naming the table (or type), the column and the value.
    public var description: String {
        switch self {
        case .invalidDefinition(let type, let reason):
            return "\(type) cannot be a table: \(reason)"
        case .schemaMismatch(let table, let path, let column, let difference):
            let place = path.map { "\($0): " } ?? ""
            let what = column.map { "column '\($0)' of table '\(table)'" } ?? "table '\(table)'"
            return "\(place)\(what) does not match the Swift type: \(difference)"
        case .cannotDecode(let table, let key, let column, let value, let reason):
            var s = "cannot decode a record of '\(table)'"
            if let key { s += " (key \(key))" }
            if let column { s += ", column '\(column)'" }
            if let value { s += ", value \(value)" }
            return s + ": \(reason)"
        case .cannotEncode(let table, let column, let reason):
            return "cannot encode a record of '\(table)'" + (column.map { ", column '\($0)'" } ?? "") + ": \(reason)"
        }
    }
}
