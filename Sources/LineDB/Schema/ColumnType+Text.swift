/// Why a text is not a value of a column's type.
public struct ValueTextError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The text that was read.
    public var text: String
    /// The type it was read as.
    public var type: ColumnType
    /// What the type expects, e.g. `an integer` or `true or false`.
    public var expected: String

    /// `'high' is not a number`: the text (shortened, control characters shown visibly) and what was expected.
    public var description: String {
        let shown = VisibleText.escaped(text)
        let clipped = shown.count > 40 ? String(shown.prefix(37)) + "..." : shown
        return "'\(clipped)' is not \(expected)"
    }
}

extension ColumnType {
    /// Reads a value of this type from text: the one parser behind every place a person or a CSV file gives a
    /// value as text (the command line's KEY, `--set`, `--where` and `default=`, CSV import, the browser's cell
    /// editor and its filters).
    ///
    /// The rules:
    /// - **Whitespace**: surrounding spaces, tabs and line breaks are ignored, except in `str`, whose text is
    ///   taken exactly as written.
    /// - **Null**: the empty text and the word `null` are null, in every type.
    /// - **`str`**: the text as written. A text that is a JSON string literal (it starts and ends with `"`) is
    ///   decoded: `""` is the empty string, `"null"` the word null, `"\u001b"` an ESC.
    /// - **`int`**: an optional sign and decimal digits, within 64 bits (`-12`, `+7`, `007`).
    /// - **`float`**: a decimal number with optional sign, fraction and exponent (`3`, `-2.5`, `.5`, `1e-3`),
    ///   finite; no hexadecimal, `nan` or `inf`. An integer is stored as a float.
    /// - **`bool`**: `true`/`false`, `t`/`f`, `yes`/`no`, `y`/`n`, `1`/`0`, in any case.
    /// - **`date`**, **`datetime`**: ISO 8601, as ``normalize(_:)`` checks it (`2026-01-22`,
    ///   `2026-01-22T20:31:17.592172`).
    /// - **`json`**: JSON text (RFC 8259): `{"a": 1}`, `[1, 2]`, `3`, `"text"`, `true`. Plain text is refused:
    ///   quote it as a JSON string.
    ///
    /// ``text(for:)`` is its inverse: the text it reads back as the same value.
    ///
    /// ```swift
    /// try ColumnType.bool.value(fromText: "Yes")     // .bool(true)
    /// try ColumnType.str.value(fromText: "null")     // .null
    /// try ColumnType.str.value(fromText: "\"null\"") // .string("null")
    /// try ColumnType.int.value(fromText: "3.5")      // throws: '3.5' is not an integer
    /// ```
    ///
    /// - Parameter text: the text.
    /// - Returns: the value, in stored form (``normalize(_:)``).
    /// - Throws: ``ValueTextError`` saying what was expected.
    public func value(fromText text: String) throws(ValueTextError) -> JSONValue {
        if self == .str {
            if text.isEmpty || text == "null" { return .null }
            if text.utf8.count >= 2, text.utf8.first == UInt8(ascii: "\""), text.utf8.last == UInt8(ascii: "\""),
                case .string(let s)? = try? JSONParser.parse(text)
            {
                return .string(s)
            }
            return .string(text)
        }
        // Most fields need no trimming: no copy for them (CSV import reads every field through here).
        // The ends are looked at as bytes: an ASCII byte is whitespace or not at once; only a non-ASCII end asks
        // Unicode (Character.isWhitespace is a table lookup that dominated a large CSV import).
        @inline(__always) func mayBeSpace(_ c: UInt8?) -> Bool {
            guard let c else { return false }
            return c == 0x20 || (c >= 0x09 && c <= 0x0D) || c >= 0x80
        }
        let utf8 = text.utf8
        let trimmed = (mayBeSpace(utf8.first) && text.first?.isWhitespace == true)
            || (mayBeSpace(utf8.last) && text.last?.isWhitespace == true) ? text.trimmingSpaces() : text
        if trimmed.isEmpty || trimmed == "null" { return .null }
        func refused(_ expected: String) -> ValueTextError {
            ValueTextError(text: text, type: self, expected: expected)
        }
        switch self {
        case .int:
            guard let i = Int(trimmed) else { throw refused("an integer") }
            return .int(i)
        case .float:
            let allowed = trimmed.utf8.allSatisfy {
                ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) || $0 == UInt8(ascii: ".")
                    || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "e")
                    || $0 == UInt8(ascii: "E")
            }
            guard allowed, let d = Double(trimmed) else { throw refused("a number") }
            guard d.isFinite else { throw refused("a number a float can hold (it is out of range)") }
            return .double(d)
        case .bool:
            switch trimmed.lowercased() {
            case "true", "t", "yes", "y", "1": return .bool(true)
            case "false", "f", "no", "n", "0": return .bool(false)
            default: throw refused("true or false")
            }
        case .date, .datetime:
            guard let v = normalize(.string(trimmed)) else {
                throw refused("ISO 8601 (e.g. \(self == .date ? "2026-01-22" : "2026-01-22T20:31:17"))")
            }
            return v
        case .json:
            do {
                return try JSONParser.parse(trimmed)
            } catch {
                throw refused("valid JSON (\(error.message); quote text as \"text\")")
            }
        case .str:
            return .string(text)  // handled above
        }
    }

    /// ``value(fromText:)`` for text given as UTF-8 bytes (a CSV field in the file's buffer): the same rules, with
    /// the commonest case, a plain integer (`[+-]?[0-9]+`, nothing around it) for `int`, read straight from the
    /// bytes, without making a `String` (a large CSV import reads millions of them).
    package func value(fromUTF8 bytes: UnsafeBufferPointer<UInt8>) throws(ValueTextError) -> JSONValue {
        switch self {
        case .int:
            if let i = ColumnType.plainInteger(bytes) { return .int(i) }
        case .float:
            // Correctly rounded, as strtod; `-0` is the float -0.0, which Double(0) is not.
            if let i = ColumnType.plainInteger(bytes), i != 0 { return .double(Double(i)) }
            if let d = ColumnType.plainDecimal(bytes) { return .double(d) }
        case .bool:
            // `true` / `false` in any case, nothing around them (what value(fromText:) lowercases and compares).
            if bytes.count == 4 || bytes.count == 5 {
                var folded: UInt64 = 0
                for c in bytes { folded = folded << 8 | UInt64(c | 0x20) }
                if folded == 0x74_72_75_65 { return .bool(true) }  // "true"
                if folded == 0x66_61_6C_73_65 { return .bool(false) }  // "false"
            }
        default:
            break
        }
        return try value(fromText: String(decoding: bytes, as: UTF8.self))
    }

    /// `[+-]?[0-9]*.[0-9]*` with at least one and at most 15 digits, nothing around it, as `Double(_:)` reads it:
    /// the digits make an integer below 2^53 and the divisor a power of ten up to 10^15, both exact as doubles, so
    /// the one correctly rounded division gives the correctly rounded value (Clinger's fast path). `nil` otherwise.
    @inline(__always)
    static func plainDecimal(_ b: UnsafeBufferPointer<UInt8>) -> Double? {
        let n = b.count
        guard n > 1, n <= 17 else { return nil }
        var i = 0
        let negative = b[0] == UInt8(ascii: "-")
        if negative || b[0] == UInt8(ascii: "+") { i = 1 }
        var mantissa = 0
        var digits = 0
        var fraction = -1  // digits after the point; -1 before it
        while i < n {
            let c = b[i]
            if c == UInt8(ascii: ".") {
                guard fraction < 0 else { return nil }
                fraction = 0
            } else {
                let d = Int(c) - 48
                guard d >= 0 && d <= 9 else { return nil }
                mantissa = mantissa * 10 + d
                digits += 1
                if fraction >= 0 { fraction += 1 }
            }
            i += 1
        }
        guard fraction >= 0, digits > 0, digits <= 15 else { return nil }
        let powers: [Double] = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15]
        let value = Double(mantissa) / powers[fraction]
        return negative ? -value : value
    }

    /// `[+-]?[0-9]+` within 64 bits, as `Int(_:)` reads it; `nil` for anything else (including an overflow).
    @inline(__always)
    static func plainInteger(_ b: UnsafeBufferPointer<UInt8>) -> Int? {
        var i = 0
        let n = b.count
        guard n > 0, n <= 20 else { return nil }
        let negative = b[0] == UInt8(ascii: "-")
        if negative || b[0] == UInt8(ascii: "+") { i = 1 }
        guard i < n else { return nil }
        var value = 0  // accumulated negatively, so Int.min fits
        while i < n {
            let d = Int(b[i]) - 48
            guard d >= 0 && d <= 9 else { return nil }
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (v, o2) = m.subtractingReportingOverflow(d)
            if o1 || o2 { return nil }
            value = v
            i += 1
        }
        if negative { return value }
        return value == .min ? nil : -value
    }

    /// The text ``value(fromText:)`` reads back as `value`: `null`; a string as it is, or as a JSON string literal
    /// when it would read back as something else (the empty string, the word `null`, a text in quotes);
    /// numbers and Booleans as JSON; dates and times as they are; a `json` value as compact JSON.
    ///
    /// - Parameter value: a value of this type (or null).
    public func text(for value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .string(let s) where self != .json:
            guard self == .str else { return s }
            let ambiguous = s.isEmpty || s == "null"
                || (s.utf8.count >= 2 && s.utf8.first == UInt8(ascii: "\"") && s.utf8.last == UInt8(ascii: "\""))
            return ambiguous ? JSONWriter.encode(value) : s
        default:
            return JSONWriter.encode(value)
        }
    }
}
