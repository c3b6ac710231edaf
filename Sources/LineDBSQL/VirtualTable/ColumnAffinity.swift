import CSQLite
import LineDB

/// What a native SQLite table would store for a value written into a column: the value with the column's affinity
/// applied (https://www.sqlite.org/datatype3.html, section 3). SQLite applies it to what INSERT hands a virtual
/// table's `xUpdate`, but not to the values of an UPDATE (`SET n = '5'` arrives as TEXT), so `xUpdate` applies it
/// itself, and both statements store what they would in a native table (or in a STRICT one: a text that is not
/// a number is still refused by the column's type).
enum ColumnAffinity {
    /// `value` (an argument of `xUpdate`) as a column of `type` takes it.
    static func apply(_ value: OpaquePointer, type: ColumnType) -> SQLiteValue {
        switch type {
        case .int, .float, .bool:
            // INTEGER, REAL and NUMERIC affinity: a text that reads as a number becomes that number ('7.0' → 7.0,
            // ' 6 ' → 6), exactly as SQLite reads it.
            if sqlite3_value_type(value) == SQLITE_TEXT { _ = sqlite3_value_numeric_type(value) }
        case .str, .date, .datetime:
            // TEXT affinity: a number becomes its text as SQLite writes it (1e300 → '1.0e+300').
            let storage = sqlite3_value_type(value)
            if storage == SQLITE_INTEGER || storage == SQLITE_FLOAT, let text = sqlite3_value_text(value) {
                let count = Int(sqlite3_value_bytes(value))
                return .text(String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self))
            }
        case .json:
            break  // a number is a JSON number; text is read as JSON
        }
        return SQLiteValue(sqliteValue: value)
    }
}
