/// Infers a column's type from all of its values, as `linedb import --create` does
/// (``Database/importNewTable(_:from:format:options:)``).
///
/// Feed it every value of the column, as text (a CSV field) with ``add(text:)`` or as JSON with ``add(_:)``, then
/// read ``type``:
/// - **`int`** when every non-null value is an integer that fits 64 bits (`-12`, `+7`, `007`);
/// - **`float`** when every one is a number and at least one is not such an integer (`2.5`, `1e-3`; integers and
///   fractions mixed give `float`);
/// - **`bool`** when every one is `true` or `false` (in any case: `TRUE`, `False`);
/// - **`json`** when the values are JSON arrays or objects, or JSON values of different kinds (a number in one
///   record, a string in another): a `json` column keeps each value exactly as it was;
/// - **`str`** otherwise, and for a column with no value at all (all null): text is the type that refuses
///   nothing later.
///
/// An integer beyond 64 bits in text (`18446744073709551616`) makes the column `str`, so its exact digits are
/// kept (a float would round it); ``bigInteger`` holds the first one, for a note. (A JSON parser has already read
/// such a number as a float, so in JSON input it is a float.)
///
/// A text is classified as ``ColumnType/value(fromText:)`` reads it, so the values of an inferred column always
/// convert: surrounding spaces and tabs are ignored around numbers and Booleans; the empty (or blank) text is
/// null (``addNull()`` is the same); the word `null` is text here (a file that means null by it says so with
/// `--null null`, ``TableImportOptions/nullTexts``). Dates stay `str`.
///
/// ```swift
/// var inference = ColumnTypeInference()
/// for text in ["1", "2.5", ""] { inference.add(text: text) }
/// inference.type  // .float
/// ```
public struct ColumnTypeInference: Sendable, Hashable {
    /// What kinds of value were seen, as bits of ``Kind``.
    private var kinds: UInt8 = 0
    /// Whether a value came as JSON (then a mix of kinds is `json`; in text it is `str`).
    private var sawJSON = false
    /// The first integer beyond 64 bits seen in text, when there was one.
    public private(set) var bigInteger: String?

    enum Kind: UInt8 {
        case int = 1, bigInt = 2, float = 4, bool = 8, text = 16, string = 32, nested = 64
    }

    /// An inference that has seen no value (its ``type`` is `str`).
    public init() {}

    /// Adds a null value (it does not change the type).
    public mutating func addNull() {}

    /// Adds a value given as text, e.g. a CSV field (whether it was quoted does not matter).
    ///
    /// - Parameter text: the text; empty or blank is null.
    public mutating func add(text: String) {
        var text = text
        _ = text.withUTF8 { add(utf8: $0) }
    }

    /// Adds a value given as text, as UTF-8 bytes. Returns `false` for a blank text (null), `true` otherwise
    /// (also, unexamined, once the column is text: nothing can change that).
    @discardableResult
    mutating func add(utf8 bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        if kinds & Kind.text.rawValue != 0 && !sawJSON { return true }
        let kind = ColumnTypeInference.classify(bytes)
        guard let kind else { return false }
        if kind == .bigInt && bigInteger == nil { bigInteger = String(decoding: bytes, as: UTF8.self) }
        kinds |= kind.rawValue
        return true
    }

    /// Adds a JSON value: null does not change the type; a number, Boolean or string counts as its kind (a string
    /// is text, whatever it holds: `"12"` is not a number); an array or object asks for `json`.
    ///
    /// - Parameter value: the value.
    public mutating func add(_ value: JSONValue) {
        sawJSON = true
        switch value {
        case .null: return
        case .int: kinds |= Kind.int.rawValue
        case .double: kinds |= Kind.float.rawValue
        case .bool: kinds |= Kind.bool.rawValue
        case .string: kinds |= Kind.string.rawValue
        case .array, .object: kinds |= Kind.nested.rawValue
        }
    }

    /// Whether any non-null value was added.
    public var sawValue: Bool { kinds != 0 }

    /// The inferred type (see ``ColumnTypeInference``).
    public var type: ColumnType {
        let numbers = Kind.int.rawValue | Kind.float.rawValue
        switch kinds {
        case 0: return .str
        case Kind.int.rawValue: return .int
        case _ where kinds & ~numbers == 0: return .float
        case Kind.bool.rawValue: return .bool
        case Kind.string.rawValue, Kind.text.rawValue: return .str
        case Kind.nested.rawValue: return .json
        default: return sawJSON ? .json : .str
        }
    }

    /// What a text is, as ``ColumnType/value(fromText:)`` would read it; `nil` for null (empty or blank).
    static func classify(_ b: UnsafeBufferPointer<UInt8>) -> Kind? {
        @inline(__always) func isSpace(_ c: UInt8) -> Bool { c == 0x20 || (c >= 0x09 && c <= 0x0D) }
        var lo = 0
        var hi = b.count
        while lo < hi && isSpace(b[lo]) { lo += 1 }
        while hi > lo && isSpace(b[hi - 1]) { hi -= 1 }
        if lo == hi { return nil }
        let zero = UInt8(ascii: "0"), nine = UInt8(ascii: "9")
        // An integer: [+-]?[0-9]+, within 64 bits (as Swift's Int(_:) reads it).
        var i = lo
        let negative = b[i] == UInt8(ascii: "-")
        if negative || b[i] == UInt8(ascii: "+") { i += 1 }
        let digitsStart = i
        var magnitude: UInt64 = 0
        var overflow = false
        while i < hi, b[i] >= zero, b[i] <= nine {
            let (m, o1) = magnitude.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.addingReportingOverflow(UInt64(b[i] - zero))
            if o1 || o2 { overflow = true }
            magnitude = s
            i += 1
        }
        let intDigits = i - digitsStart
        if i == hi && intDigits > 0 {
            let limit: UInt64 = negative ? UInt64(Int64.max) + 1 : UInt64(Int64.max)
            return overflow || magnitude > limit ? .bigInt : .int
        }
        // A decimal number: [+-]? digits [. digits] [(e|E) [+-] digits], at least one digit before the exponent,
        // finite (as value(fromText:) reads a float).
        var fractionDigits = 0
        if i < hi && b[i] == UInt8(ascii: ".") {
            i += 1
            while i < hi, b[i] >= zero, b[i] <= nine {
                i += 1
                fractionDigits += 1
            }
        }
        if intDigits + fractionDigits > 0 {
            var exponent = false
            if i < hi && (b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E")) {
                i += 1
                if i < hi && (b[i] == UInt8(ascii: "-") || b[i] == UInt8(ascii: "+")) { i += 1 }
                let start = i
                while i < hi, b[i] >= zero, b[i] <= nine { i += 1 }
                exponent = i > start
                if !exponent { i = -1 }  // "1e": not a number
            }
            if i == hi {
                // Without an exponent a number of fewer than 300 digits is finite; otherwise ask the parser.
                if !exponent && intDigits + fractionDigits < 300 { return .float }
                let d = Double(String(decoding: UnsafeBufferPointer(rebasing: b[lo..<hi]), as: UTF8.self))
                return d?.isFinite == true ? .float : .text
            }
        }
        // true / false, in any case.
        let length = hi - lo
        if length == 4 || length == 5 {
            var lower: [UInt8] = []
            lower.reserveCapacity(5)
            for k in lo..<hi { lower.append(b[k] | 0x20) }
            if lower == Array("true".utf8) || lower == Array("false".utf8) { return .bool }
        }
        return .text
    }
}

/// The rules `linedb import --create` follows to make a table's columns from a file's names, usable by any
/// program that makes a table from foreign data.
public enum SchemaInference {
    /// The names among `names` that LineDB cannot take as the columns of one table, each described with its
    /// position (1-based), all at once: an empty name, a name holding a control or bidirectional formatting
    /// character (``TableSchema/nameProblem``), a name given twice, and two names that differ only in their
    /// Unicode form (an NFC and an NFD `é`, `K` and the Kelvin sign: LineDB's records cannot hold both).
    ///
    /// ```swift
    /// SchemaInference.columnNameProblems(["a", "", "a"])
    /// // ["column 2 has no name", "'a' names columns 1 and 3"]
    /// ```
    ///
    /// - Parameter names: the proposed column names, in order.
    /// - Returns: one description per problem; empty when the names can all be used.
    public static func columnNameProblems(_ names: [String]) -> [String] {
        var problems: [String] = []
        // By Swift's String == (canonical equivalence): exact duplicates and lookalikes both land here.
        var firstByName: [String: Int] = [:]
        var reported = Set<String>()
        for (i, name) in names.enumerated() {
            let position = i + 1
            if name.isEmpty {
                problems.append("column \(position) has no name")
                continue
            }
            if let c = VisibleText.firstHidden(in: name) {
                let kind = VisibleText.isBidiControl(c) ? "a bidirectional formatting character" : "a control character"
                problems.append("column \(position) '\(VisibleText.escaped(name))' holds \(kind) (\(String(c).scalarCodes))")
                continue
            }
            if let first = firstByName[name] {
                let earlier = names[first]
                if String.exactlyEqual(earlier, name) {
                    if reported.insert(name).inserted {
                        let all = names.indices.filter { String.exactlyEqual(names[$0], name) }.map { String($0 + 1) }
                        problems.append("'\(name)' names columns \(all.joined(separator: " and "))")
                    }
                } else {
                    problems.append(
                        "columns \(first + 1) '\(earlier)' (\(earlier.scalarCodes)) and \(position) '\(name)' "
                            + "(\(name.scalarCodes)) differ only in their Unicode form")
                }
                continue
            }
            firstByName[name] = i
        }
        return problems
    }

    /// The name of the automatic integer key added to a table made from a file without `--key`: `id`, or when a
    /// column already has that name (or one Swift takes as equal), `_id`, then `id_1`, `id_2`, ...
    ///
    /// - Parameter names: the file's column names.
    /// - Returns: a name no column has.
    public static func automaticKeyName(avoiding names: [String]) -> String {
        let taken = Set(names)
        for candidate in ["id", "_id"] where !taken.contains(candidate) { return candidate }
        var k = 1
        while taken.contains("id_\(k)") { k += 1 }
        return "id_\(k)"
    }
}
