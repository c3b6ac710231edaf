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
        switch (type, operandValue(type: type)) {
        case (.int, .failure(let error)), (.float, .failure(let error)), (.bool, .failure(let error)):
            return "filter \(describe(name)): \(error.description) (\(name) is \(type.rawValue))"
        default: return nil
        }
    }

    /// The operand read by the engine's one parser (``ColumnType/value(fromText:)``) for the column's type; an
    /// `int` column is compared with any number, so its operand is read as a float.
    func operandValue(type: ColumnType) -> Result<JSONValue, ValueTextError> {
        do {
            return .success(try (type == .int ? ColumnType.float : type).value(fromText: operand))
        } catch {
            return .failure(error)
        }
    }

    /// Whether a row passes.
    func matches(_ row: [JSONValue], type: ColumnType) -> Bool {
        compiled(type: type).matches(row[column])
    }

    /// The filter with its operand parsed once, to test many rows. An operand that is not of the column's type
    /// (`> 2024` on a date, plain text on a json column) is compared as text.
    func compiled(type: ColumnType) -> CompiledFilter {
        let wanted: JSONValue
        switch operandValue(type: type) {
        case .success(let value): wanted = value
        case .failure: wanted = .string(operand)
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
