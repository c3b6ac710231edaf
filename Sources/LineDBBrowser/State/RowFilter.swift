import LineDB

/// A condition on one column: `= != < > <= >=` or "contains" (the default when no operator is typed).
public struct RowFilter: Sendable, Equatable {
    public enum Operator: String, Sendable, CaseIterable {
        case lessOrEqual = "<=", greaterOrEqual = ">=", notEqual = "!=", equal = "=", less = "<", greater = ">"
        case contains = "contains"
    }

    public var column: Int
    public var op: Operator
    public var operand: String

    /// Parses `"> 3"`, `"= Bob"`, `"contains li"`, `"li"` (contains).
    public init(column: Int, text: String) {
        self.column = column
        var rest = Substring(text.trimmingCharacters(in: " "))
        var found = Operator.contains
        if rest.hasPrefix("contains ") {
            rest = rest.dropFirst("contains ".count)
        } else if rest.hasPrefix("~") {
            rest = rest.dropFirst()
        } else {
            for op in Operator.allCases where op != .contains && rest.hasPrefix(op.rawValue) {
                found = op
                rest = rest.dropFirst(op.rawValue.count)
                break
            }
        }
        op = found
        operand = String(rest).trimmingCharacters(in: " ")
    }

    /// Why the filter cannot apply to a column named `name` of type `type` (a comparison with nothing, or with a
    /// value that is not of the column's type), or nil when it can.
    func problem(column name: String, type: ColumnType) -> String? {
        guard op != .contains else { return nil }
        if operand.isEmpty { return "filter \(name) \(op.rawValue): nothing to compare with (e.g. \(op.rawValue) 3)" }
        if operand == "null" { return nil }
        switch type {
        case .int where Double(operand) == nil, .float where Double(operand) == nil:
            return "filter \(describe(name)): \"\(operand)\" is not a number (\(name) is \(type.rawValue))"
        case .bool where Bool(operand.lowercased()) == nil:
            return "filter \(describe(name)): \"\(operand)\" is not true or false (\(name) is bool)"
        default: return nil
        }
    }

    /// Whether a row passes.
    func matches(_ row: [JSONValue], type: ColumnType) -> Bool {
        compiled(type: type).matches(row[column])
    }

    /// The filter with its operand parsed once, to test many rows.
    func compiled(type: ColumnType) -> CompiledFilter {
        let wanted: JSONValue
        if operand == "null" {
            wanted = .null
        } else if let d = Double(operand), type == .int || type == .float {
            wanted = .double(d)
        } else if type == .bool, let b = Bool(operand.lowercased()) {
            wanted = .bool(b)
        } else {
            wanted = .string(operand)
        }
        return CompiledFilter(column: column, op: op, wanted: wanted, matcher: TextMatcher(operand))
    }

    func describe(_ columnName: String) -> String {
        "\(columnName) \(op.rawValue) \(operand)"
    }
}

/// A ``RowFilter`` ready to test values: the operand parsed for the column's type.
struct CompiledFilter: Sendable {
    let column: Int
    let op: RowFilter.Operator
    let wanted: JSONValue
    let matcher: TextMatcher

    /// Whether a value of the filter's column passes.
    func matches(_ value: JSONValue) -> Bool {
        if op == .contains { return matcher.matches(value) }
        if !wanted.isNull && value.isNull && op != .notEqual { return false }
        let c = JSONValue.compare(value, wanted)
        switch op {
        case .equal: return c == 0
        case .notEqual: return c != 0
        case .less: return c < 0
        case .greater: return c > 0
        case .lessOrEqual: return c <= 0
        case .greaterOrEqual: return c >= 0
        case .contains: return true
        }
    }
}
