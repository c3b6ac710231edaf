/// The type of a column, with the seed's names.
///
/// | Type | Values | Written as |
/// |---|---|---|
/// | `int` | integers | JSON number without fraction |
/// | `float` | numbers (an `int` is accepted and stored as a float) | JSON number |
/// | `str` | text | JSON string |
/// | `bool` | `true` / `false` | JSON Boolean |
/// | `datetime` | ISO 8601 date and time, e.g. `2026-01-22T20:31:17.592172` | JSON string |
/// | `date` | ISO 8601 date, e.g. `2026-01-22` | JSON string |
/// | `json` | any JSON value | JSON |
public enum ColumnType: String, Sendable, Hashable, CaseIterable {
    /// Integers (`Int`).
    case int
    /// Numbers; an `int` value is accepted and stored as a float.
    case float
    /// Text.
    case str
    /// `true` or `false`.
    case bool
    /// An ISO 8601 date and time as a JSON string, such as `2026-01-22T20:31:17.592172`.
    case datetime
    /// An ISO 8601 date as a JSON string, such as `2026-01-22`.
    case date
    /// Any JSON value: a number, string, Boolean, array or object.
    case json

    /// Reads a type name as written in a schema file: the seed's names, common aliases (`string`, `integer`,
    /// `double`, `boolean`, `text`, ...), Python's (`dict`, `list`, `Optional[int]`). Returns `nil` for an
    /// unknown name (the loader then uses ``json`` and warns).
    ///
    /// - Parameter typeName: the name, in any case, with surrounding spaces allowed.
    public init?(typeName: String) {
        var name = typeName.trimmingSpaces().lowercased()
        // Python annotations: Optional[X], typing.Optional[X], X | None
        for prefix in ["typing.optional[", "optional["] where name.hasPrefix(prefix) && name.hasSuffix("]") {
            name = String(name.dropFirst(prefix.count).dropLast())
        }
        if name.hasSuffix("| none") { name = String(name.dropLast(6)).trimmingSpaces() }
        if name.hasPrefix("none |") { name = String(name.dropFirst(6)).trimmingSpaces() }
        switch name {
        case "int", "integer", "int64", "int32", "bigint", "smallint", "long": self = .int
        case "float", "double", "real", "number", "decimal", "numeric", "float64": self = .float
        case "str", "string", "text", "varchar", "char": self = .str
        case "bool", "boolean": self = .bool
        case "datetime", "datetime.datetime", "timestamp", "date-time": self = .datetime
        case "date", "datetime.date": self = .date
        case "json", "dict", "list", "object", "array", "any", "typing.any", "jsonb": self = .json
        default:
            if name.hasPrefix("dict[") || name.hasPrefix("list[") || name.hasPrefix("typing.dict")
                || name.hasPrefix("typing.list")
            {
                self = .json
            } else {
                return nil
            }
        }
    }

    /// Checks `value` against this type and returns it in stored form (an `int` in a `float` column becomes a
    /// float). Returns `nil` when the value does not have this type. `null` is handled by the caller.
    ///
    /// ```swift
    /// ColumnType.float.normalize(3)          // .double(3.0)
    /// ColumnType.date.normalize("2026-13-01") // nil
    /// ```
    ///
    /// - Parameter value: a value for a column of this type.
    public func normalize(_ value: JSONValue) -> JSONValue? {
        switch (self, value) {
        case (.int, .int): return value
        case (.float, .double(let d)): return d.isFinite ? value : .none
        case (.float, .int(let i)): return .double(Double(i))
        case (.str, .string): return value
        case (.bool, .bool): return value
        case (.datetime, .string(let s)): return ISO8601Check.isDateTime(s) ? value : .none
        case (.date, .string(let s)): return ISO8601Check.isDate(s) ? value : .none
        case (.json, _): return value
        default: return nil
        }
    }

    /// What a value of this type looks like, for error messages.
    var expectation: String {
        switch self {
        case .int: return "an int"
        case .float: return "a float"
        case .str: return "a str"
        case .bool: return "a bool"
        case .datetime: return "a datetime (ISO 8601, e.g. 2026-01-22T20:31:17)"
        case .date: return "a date (ISO 8601, e.g. 2026-01-22)"
        case .json: return "JSON"
        }
    }
}

/// Validation of the ISO 8601 strings stored in `date` and `datetime` columns.
enum ISO8601Check {
    /// `YYYY-MM-DD`.
    static func isDate(_ s: String) -> Bool {
        let b = Array(s.utf8)
        return b.count == 10 && checkDate(b)
    }

    /// `YYYY-MM-DD[T ]HH:MM[:SS[.f{1,9}]][Z|±HH:MM|±HHMM]` (what Python's `isoformat()` writes and
    /// `fromisoformat()` reads), or a bare date.
    static func isDateTime(_ s: String) -> Bool {
        let b = Array(s.utf8)
        guard b.count >= 10, checkDate(b) else { return false }
        if b.count == 10 { return true }
        guard b.count >= 16, b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: " ") || b[10] == UInt8(ascii: "t")
        else { return false }
        guard let hh = num(b, 11, 2), b[13] == UInt8(ascii: ":"), let mm = num(b, 14, 2), hh < 24, mm < 60 else {
            return false
        }
        var i = 16
        if i < b.count && b[i] == UInt8(ascii: ":") {
            guard let ss = num(b, i + 1, 2), ss < 61 else { return false }
            i += 3
            if i < b.count && (b[i] == UInt8(ascii: ".") || b[i] == UInt8(ascii: ",")) {
                var digits = 0
                i += 1
                while i < b.count && b[i] >= 48 && b[i] <= 57 { i += 1; digits += 1 }
                guard digits >= 1 && digits <= 9 else { return false }
            }
        }
        if i == b.count { return true }
        if b[i] == UInt8(ascii: "Z") || b[i] == UInt8(ascii: "z") { return i + 1 == b.count }
        guard b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") else { return false }
        i += 1
        guard let th = num(b, i, 2), th < 24 else { return false }
        i += 2
        if i == b.count { return true }
        if b[i] == UInt8(ascii: ":") { i += 1 }
        guard let tm = num(b, i, 2), tm < 60 else { return false }
        return i + 2 == b.count
    }

    private static func checkDate(_ b: [UInt8]) -> Bool {
        guard let y = num(b, 0, 4), b[4] == UInt8(ascii: "-"), let m = num(b, 5, 2), b[7] == UInt8(ascii: "-"),
            let d = num(b, 8, 2)
        else { return false }
        guard y >= 1, (1...12).contains(m), d >= 1 else { return false }
        let days = [31, (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return d <= days[m - 1]
    }

    private static func num(_ b: [UInt8], _ at: Int, _ width: Int) -> Int? {
        guard at + width <= b.count else { return nil }
        var v = 0
        for i in at..<at + width {
            guard b[i] >= 48 && b[i] <= 57 else { return nil }
            v = v * 10 + Int(b[i] - 48)
        }
        return v
    }
}

extension String {
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }
}
