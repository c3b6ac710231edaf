import OrderedCollections

/// A JSON object whose members keep the order in which they were read or inserted.
///
/// LineDB writes record keys in column order and keeps unknown keys in the order it found them,
/// so objects are ordered everywhere in the engine (never a `Dictionary`).
public typealias JSONObject = OrderedDictionary<String, JSONValue>

/// One JSON value, as stored in records, schema files and WAL lines.
///
/// Integers and floating-point numbers are distinct: `3` is an ``int(_:)`` and `3.0` a ``double(_:)``,
/// as Python's `json` module reads them. A number too large for `Int` is read as a `double`.
///
/// Strings compare and hash by their exact Unicode scalars (see `==`), as in Python and SQLite: `"K"` and the
/// Kelvin sign `"K"` are two primary keys, two UNIQUE values.
public enum JSONValue: Hashable, Sendable {
    /// JSON `null`: an absent value in a nullable column.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// A number written without a fraction or exponent that fits in `Int`, such as `3` or `-12`.
    case int(Int)
    /// Any other number, such as `3.0`, `1e3` or an integer too large for `Int`.
    case double(Double)
    /// A string.
    case string(String)
    /// An array, in order.
    case array([JSONValue])
    /// An object, its members in the order they were read or inserted.
    case object(JSONObject)
}

extension JSONValue {
    /// `true` for ``null``.
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// The string, if this is a string.
    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// The integer, if this is an integer.
    public var intValue: Int? {
        if case .int(let i) = self { return i }
        return nil
    }

    /// The number as a `Double`, if this is an integer or a floating-point number.
    public var doubleValue: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .double(let d): return d
        default: return nil
        }
    }

    /// The Boolean, if this is a Boolean.
    public var boolValue: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    /// The object, if this is an object.
    public var objectValue: JSONObject? {
        if case .object(let o) = self { return o }
        return nil
    }

    /// The array, if this is an array.
    public var arrayValue: [JSONValue]? {
        if case .array(let a) = self { return a }
        return nil
    }

    /// A short name of the JSON kind (`"null"`, `"bool"`, `"int"`, `"float"`, `"str"`, `"array"`, `"object"`),
    /// used in error messages.
    public var kindName: String {
        switch self {
        case .null: return "null"
        case .bool: return "bool"
        case .int: return "int"
        case .double: return "float"
        case .string: return "str"
        case .array: return "array"
        case .object: return "object"
        }
    }
}

extension JSONValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral,
    ExpressibleByDictionaryLiteral
{
    /// `nil` written where a `JSONValue` is expected: ``null``.
    public init(nilLiteral: ()) { self = .null }
    /// `true` or `false` written where a `JSONValue` is expected: ``bool(_:)``.
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    /// An integer literal such as `3`: ``int(_:)``.
    public init(integerLiteral value: Int) { self = .int(value) }
    /// A floating-point literal such as `3.8`: ``double(_:)``.
    public init(floatLiteral value: Double) { self = .double(value) }
    /// A string literal: ``string(_:)``.
    public init(stringLiteral value: String) { self = .string(value) }
    /// An array literal such as `[1, "two", nil]`: ``array(_:)``.
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    /// A dictionary literal such as `["name": "Alice", "gpa": 3.8]`: an ``object(_:)`` whose members keep the order
    /// written (a later duplicate key replaces the earlier value in place).
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        var object = JSONObject()
        for (key, value) in elements { object[key] = value }
        self = .object(object)
    }
}
