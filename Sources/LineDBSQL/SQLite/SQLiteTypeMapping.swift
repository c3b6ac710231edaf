import Foundation
import LineDB

/// How LineDB column types and values become SQLite ones, and back.
///
/// | LineDB | SQLite declared type | stored as |
/// |---|---|---|
/// | int | INTEGER | INTEGER |
/// | float | REAL | REAL |
/// | str | TEXT | TEXT |
/// | bool | BOOLEAN, CHECK (c IN (0, 1)) | INTEGER 0/1 |
/// | datetime | DATETIME | TEXT, ISO 8601 |
/// | date | DATE | TEXT, ISO 8601 |
/// | json | TEXT, CHECK (c IS NULL OR json_valid(c)) | TEXT holding the JSON |
///
/// The declared names are the ones Django and SQLAlchemy write, so their tools (and pgloader, on the way to
/// PostgreSQL) read them back as booleans, timestamps and dates. Reading back, a `json_valid` CHECK on a TEXT
/// column marks it json (as Django's introspection does); other declared types follow SQLite's affinity rules.
package enum SQLiteTypeMapping {
    /// The declared SQLite type of a LineDB column type.
    package static func declaredType(of type: ColumnType) -> String {
        switch type {
        case .int: return "INTEGER"
        case .float: return "REAL"
        case .str: return "TEXT"
        case .bool: return "BOOLEAN"
        case .datetime: return "DATETIME"
        case .date: return "DATE"
        case .json: return "TEXT"
        }
    }

    /// The CHECK constraint a column of this type gets, if any (`quoted` is the quoted column name).
    package static func check(of type: ColumnType, quoted: String) -> String? {
        switch type {
        case .bool: return "CHECK (\(quoted) IN (0, 1))"
        case .json: return "CHECK (\(quoted) IS NULL OR json_valid(\(quoted)))"  // json_valid(NULL) is 0
        default: return nil
        }
    }

    /// The LineDB type of a SQLite declared type: the names LineDB writes first, then SQLite's affinity rules
    /// (section 3.1 of https://www.sqlite.org/datatype3.html): INT → int; CHAR, CLOB, TEXT → str; REAL, FLOA,
    /// DOUB → float; BLOB or no type → json (any value); everything else (NUMERIC affinity) → float.
    package static func columnType(declared: String, hasJSONCheck: Bool) -> ColumnType {
        let upper = declared.uppercased()
        let base = upper.split(whereSeparator: { $0 == "(" || $0 == " " }).first.map(String.init) ?? ""
        switch base {
        case "BOOLEAN", "BOOL": return .bool
        case "DATETIME", "TIMESTAMP", "TIMESTAMPTZ": return .datetime
        case "DATE": return .date
        case "JSON", "JSONB": return .json
        default: break
        }
        if upper.contains("INT") { return .int }
        if upper.contains("CHAR") || upper.contains("CLOB") || upper.contains("TEXT") {
            return hasJSONCheck ? .json : .str
        }
        if upper.isEmpty || upper.contains("BLOB") { return .json }
        if upper.contains("REAL") || upper.contains("FLOA") || upper.contains("DOUB") { return .float }
        return .float
    }

    /// Whether TEXT in a json column holds JSON (declared JSON, or checked with `json_valid`) rather than being a
    /// plain string (a column without a declared type, or BLOB, which LineDB also reads as json).
    package static func textHoldsJSON(declared: String, hasJSONCheck: Bool) -> Bool {
        let base = declared.uppercased().split(whereSeparator: { $0 == "(" || $0 == " " }).first ?? ""
        return hasJSONCheck || base == "JSON" || base == "JSONB"
    }

    // MARK: Values

    /// A LineDB value (already of the column's type) as SQLite stores it.
    package static func sqliteValue(_ value: JSONValue, type: ColumnType) -> SQLiteValue {
        store(value, type: type, in: ValueBuilder())
    }

    /// How a LineDB value (already of the column's type) is stored in SQLite, handed to `sink`: the one definition
    /// behind ``sqliteValue(_:type:)`` and the virtual tables' `xColumn`, which sets SQLite's result straight from
    /// it rather than building a ``SQLiteValue`` per value.
    @inline(__always)
    static func store<Sink: SQLiteStorageSink>(_ value: JSONValue, type: ColumnType, in sink: Sink) -> Sink.Output {
        switch (type, value) {
        case (_, .null): return sink.null()
        case (.int, .int(let i)): return sink.integer(Int64(i))
        case (.float, .double(let d)): return sink.real(d)
        case (.float, .int(let i)): return sink.real(Double(i))
        case (.str, .string(let s)), (.datetime, .string(let s)), (.date, .string(let s)): return sink.text(s)
        case (.bool, .bool(let b)): return sink.integer(b ? 1 : 0)
        default: return sink.text(JSONWriter.encode(value))  // json, and anything a hand-edited file slipped in
        }
    }

    /// The sink of ``sqliteValue(_:type:)``: builds the value.
    private struct ValueBuilder: SQLiteStorageSink {
        func null() -> SQLiteValue { .null }
        func integer(_ i: Int64) -> SQLiteValue { .integer(i) }
        func real(_ d: Double) -> SQLiteValue { .real(d) }
        func text(_ s: String) -> SQLiteValue { .text(s) }
    }

    /// A value read from SQLite as a value of a LineDB column, or a reason why it cannot be one.
    /// In a json column, TEXT is parsed as JSON when `textIsJSON`, else kept as a string.
    package static func lineDBValue(_ value: SQLiteValue, type: ColumnType, textIsJSON: Bool = true)
        -> Result<JSONValue, ConversionFailure>
    {
        switch (type, value) {
        case (_, .null): return .success(.null)
        case (.int, .integer(let i)): return .success(.int(Int(i)))
        case (.int, .real(let d)) where d == d.rounded() && abs(d) < 9.2e18: return .success(.int(Int(d)))
        case (.float, .integer(let i)): return .success(.double(Double(i)))
        case (.float, .real(let d)) where d.isFinite: return .success(.double(d))
        case (.str, .text(let s)), (.datetime, .text(let s)), (.date, .text(let s)): return .success(.string(s))
        case (.str, .integer(let i)): return .success(.string(String(i)))
        case (.str, .real(let d)): return .success(.string(String(d)))
        case (.bool, .integer(let i)) where i == 0 || i == 1: return .success(.bool(i == 1))
        case (.bool, .text(let s)) where ["true", "false"].contains(s.lowercased()):
            return .success(.bool(s.lowercased() == "true"))
        case (.json, .integer(let i)): return .success(.int(Int(i)))
        case (.json, .real(let d)) where d.isFinite: return .success(.double(d))
        case (.json, .text(let s)) where !textIsJSON: return .success(.string(s))
        case (.json, .text(let s)):
            if let parsed = try? JSONParser.parse(s) { return .success(parsed) }
            return .failure(ConversionFailure(reason: "TEXT \(brief(s)) is not valid JSON"))
        case (_, .blob(let bytes)) where type == .str || type == .json:
            // No JSON form for bytes: they come in as base64 text (a note says so).
            return .success(.string(Data(bytes).base64EncodedString()))
        default:
            return .failure(ConversionFailure(reason: "\(describe(value)) is not \(expectation(type))"))
        }
    }

    /// Why a SQLite value does not fit a LineDB column.
    package struct ConversionFailure: Error {
        package var reason: String
    }

    private static func describe(_ value: SQLiteValue) -> String {
        switch value {
        case .null: return "NULL"
        case .integer(let i): return "INTEGER \(i)"
        case .real(let d): return "REAL \(d)"
        case .text(let s): return "TEXT \(brief(s))"
        case .blob(let b): return "a BLOB of \(b.count) bytes"
        }
    }

    private static func expectation(_ type: ColumnType) -> String {
        switch type {
        case .int: return "an integer"
        case .float: return "a number"
        case .str: return "text"
        case .bool: return "a boolean (0 or 1)"
        case .datetime: return "a datetime (ISO 8601 text)"
        case .date: return "a date (ISO 8601 text)"
        case .json: return "JSON"
        }
    }

    private static func brief(_ s: String) -> String {
        let clipped = s.count > 40 ? String(s.prefix(37)) + "..." : s
        return "'" + clipped + "'"
    }

    // MARK: Defaults

    /// A column default as a SQL literal (`DEFAULT 0.0`, `DEFAULT 'x'`), or `nil` for none.
    package static func defaultLiteral(_ value: JSONValue?, type: ColumnType) -> String? {
        guard let value, !value.isNull else { return nil }
        switch sqliteValue(value, type: type) {
        case .null: return nil
        case .integer(let i): return String(i)
        case .real(let d): return "\(d)"  // Swift writes the shortest text that reads back exactly: 0.0, 3.8, 1e+20
        case .text(let s): return SQLiteConnection.literal(s)
        case .blob: return nil
        }
    }

    /// A column default read from `PRAGMA table_info` (SQL text) as a LineDB value, or `nil` when it is no plain
    /// literal (an expression such as `CURRENT_TIMESTAMP` is not carried over).
    package static func defaultValue(sql: String, type: ColumnType) -> JSONValue? {
        let text = sql.trimmingCharacters(in: .whitespaces)
        let literal: SQLiteValue
        if text.uppercased() == "NULL" {
            return nil
        } else if text.uppercased() == "TRUE" || text.uppercased() == "FALSE" {
            literal = .integer(text.uppercased() == "TRUE" ? 1 : 0)
        } else if text.hasPrefix("'") && text.hasSuffix("'") && text.count >= 2 {
            literal = .text(String(text.dropFirst().dropLast()).replacingOccurrences(of: "''", with: "'"))
        } else if let i = Int64(text.hasPrefix("+") ? String(text.dropFirst()) : text) {
            literal = .integer(i)
        } else if let d = Double(text), d.isFinite {
            literal = .real(d)
        } else {
            return nil
        }
        return try? lineDBValue(literal, type: type).get()
    }
}

/// Receives a value in one of SQLite's storage classes, from ``SQLiteTypeMapping/store(_:type:in:)``.
protocol SQLiteStorageSink {
    associatedtype Output
    func null() -> Output
    func integer(_ i: Int64) -> Output
    func real(_ d: Double) -> Output
    func text(_ s: String) -> Output
}
