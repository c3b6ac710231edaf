/// A hand-written, byte-level JSON parser.
///
/// Foundation's `JSONSerialization` is several times too slow for LineDB's load path (a million record lines
/// must load in well under a second) and builds `NSDictionary`s we would only convert again, so LineDB reads
/// JSON itself, straight into ``JSONValue``.
///
/// The grammar is exactly RFC 8259. Every input either parses or throws a ``JSONParseError`` that names the byte
/// offset of the problem; no input can make the parser trap or read out of bounds, and nesting is limited (by
/// default to ``JSONParser/maxDepth`` levels, see ``NestingLimit`` for the limit of each kind of file) so deep
/// input cannot overflow the stack.
///
/// Numbers: an integer literal (no fraction, no exponent) that fits in `Int` becomes ``JSONValue/int(_:)``,
/// every other number becomes a correctly rounded ``JSONValue/double(_:)`` (as Python reads them, except that
/// Python keeps huge integers exact). Nothing that is not finite is ever produced: the non-standard words
/// Python's `json.dumps` writes for non-finite floats (`NaN`, `Infinity`, `-Infinity`) are refused, and so is a
/// number beyond the range of a `Double` (`1e400`), each at its byte offset. A number too small for a `Double`
/// (`1e-400`) rounds to zero, as everywhere else.
///
/// Strings: all escapes are decoded, surrogate pairs are combined, and unpaired surrogates, raw control characters
/// and invalid UTF-8 are errors (nothing is silently repaired).

/// Why a JSON text could not be parsed.
package struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The 0-based byte offset in the input where the problem is.
    package var offset: Int
    /// A short, human description, e.g. `expected ':' after object key`.
    package var message: String

    package init(offset: Int, message: String) {
        self.offset = offset
        self.message = message
    }

    package var description: String { "\(message) (at byte \(offset))" }
}

/// A JSON parser over a borrowed byte buffer. The caller keeps the memory alive for the duration of the call.
package struct JSONParser {
    /// The deepest nesting of arrays and objects accepted by default; one more level is an error. This is the limit
    /// of a records-file line (``NestingLimit/recordsLine``).
    package static let maxDepth = NestingLimit.recordsLine

    private let base: UnsafePointer<UInt8>
    /// The number of bytes in the input; every read checks `pos < end` first.
    private let end: Int
    private var pos: Int = 0
    /// The deepest nesting accepted in this document.
    private let depthLimit: Int

    private init(base: UnsafePointer<UInt8>, count: Int, maxDepth: Int) {
        self.base = base
        self.end = count
        self.depthLimit = maxDepth
    }

    // MARK: - Public entry points

    /// Parses one whole JSON document. Whitespace around the value and a leading UTF-8 byte order mark are allowed;
    /// anything else after the value is an error.
    /// `maxDepth`: the deepest nesting of arrays and objects accepted (see ``NestingLimit``).
    package static func parse(
        _ bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int = JSONParser.maxDepth
    ) throws(JSONParseError) -> JSONValue {
        guard let base = bytes.baseAddress, bytes.count > 0 else {
            throw JSONParseError(offset: 0, message: "unexpected end of input")
        }
        var parser = JSONParser(base: base, count: bytes.count, maxDepth: maxDepth)
        parser.skipByteOrderMark()
        let value = try parser.parseValue(depth: 0)
        try parser.expectEndOfInput()
        return value
    }

    /// Parses one whole JSON document held in an array.
    package static func parse(_ bytes: [UInt8], maxDepth: Int = JSONParser.maxDepth) throws(JSONParseError) -> JSONValue {
        try bytes.withUnsafeBufferPointer { (buffer) throws(JSONParseError) -> JSONValue in
            try parse(buffer, maxDepth: maxDepth)
        }
    }

    /// Parses one whole JSON document held in a string.
    package static func parse(_ string: String, maxDepth: Int = JSONParser.maxDepth) throws(JSONParseError) -> JSONValue {
        var string = string
        let result = string.withUTF8 { buffer in
            Result { () throws(JSONParseError) -> JSONValue in try parse(buffer, maxDepth: maxDepth) }
        }
        return try result.get()
    }

    /// Parses a document that must be exactly one JSON object and calls `member` for each key and value, in the
    /// order they appear, without building the object. Duplicate keys are passed through as they come.
    ///
    /// This is the hot path for record lines. Whitespace (including a trailing CR of a CRLF line ending) and a
    /// leading byte order mark are allowed around the object. `maxDepth` counts the object itself as level 1.
    package static func parseObjectMembers(
        _ bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int = JSONParser.maxDepth,
        _ member: (String, JSONValue) throws(JSONParseError) -> Void
    ) throws(JSONParseError) {
        guard let base = bytes.baseAddress, bytes.count > 0 else {
            throw JSONParseError(offset: 0, message: "expected a JSON object")
        }
        var parser = JSONParser(base: base, count: bytes.count, maxDepth: maxDepth)
        parser.skipByteOrderMark()
        parser.skipWhitespace()
        guard parser.pos < parser.end, parser.base[parser.pos] == UInt8(ascii: "{") else {
            throw JSONParseError(offset: parser.pos, message: "expected a JSON object")
        }
        try parser.parseMembers(depth: 1, member)
        try parser.expectEndOfInput()
    }

    // MARK: - Structure

    private mutating func skipByteOrderMark() {
        if end >= 3 && base[0] == 0xEF && base[1] == 0xBB && base[2] == 0xBF { pos = 3 }
    }

    @inline(__always)
    private mutating func skipWhitespace() {
        while pos < end {
            let c = base[pos]
            // JSON whitespace is exactly space, tab, LF and CR.
            guard c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 else { return }
            pos += 1
        }
    }

    private mutating func expectEndOfInput() throws(JSONParseError) {
        skipWhitespace()
        if pos != end { throw JSONParseError(offset: pos, message: "trailing characters after JSON value") }
    }

    /// Parses the value at `pos` (after skipping whitespace). `depth` is the nesting of the enclosing containers.
    private mutating func parseValue(depth: Int) throws(JSONParseError) -> JSONValue {
        skipWhitespace()
        guard pos < end else { throw endOfInput() }
        switch base[pos] {
        case UInt8(ascii: "\""):
            return .string(try parseString())
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"):
            return try parseNumber()
        case UInt8(ascii: "{"):
            var object = JSONObject()
            let start = pos
            try parseMembers(depth: depth + 1) { (key, value) throws(JSONParseError) in
                // Like Python: a repeated key keeps its first position and takes the last value.
                let count = object.count
                object[key] = value
                if object.count == count { try Self.checkExactlyRepeated(key, in: object, objectAt: start) }
            }
            return .object(object)
        case UInt8(ascii: "["):
            return .array(try parseArray(depth: depth + 1))
        case UInt8(ascii: "t"):
            try expectLiteral("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try expectLiteral("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try expectLiteral("null")
            return .null
        case UInt8(ascii: "N") where matches("NaN"), UInt8(ascii: "I") where matches("Infinity"):
            throw nonFinite(at: pos)
        case let c:
            throw JSONParseError(offset: pos, message: "expected a JSON value but found \(Self.describe(c))")
        }
    }

    /// A repeated key must be the same key: two names that Swift's `String ==` takes as equal but that differ
    /// (`"K"` and the Kelvin sign, NFC and NFD forms) are two members in JSON and in Python, which a `JSONObject`
    /// cannot hold both of; refused rather than one silently replacing the other.
    private static func checkExactlyRepeated(_ key: String, in object: JSONObject, objectAt offset: Int)
        throws(JSONParseError)
    {
        guard let i = object.index(forKey: key) else { return }
        let kept = object.keys[i]
        if String.exactlyEqual(kept, key) { return }
        throw JSONParseError(
            offset: offset,
            message: "the object has keys '\(kept)' (\(kept.scalarCodes)) and '\(key)' (\(key.scalarCodes)), "
                + "which differ only in their Unicode form; LineDB cannot hold both")
    }

    /// Parses an object whose `{` is at `pos`, calling `member` for each member in order.
    @inline(__always)
    private mutating func parseMembers(
        depth: Int,
        _ member: (String, JSONValue) throws(JSONParseError) -> Void
    ) throws(JSONParseError) {
        if depth > depthLimit { throw tooDeep() }
        pos += 1  // "{"
        skipWhitespace()
        if pos < end && base[pos] == UInt8(ascii: "}") {
            pos += 1
            return
        }
        while true {
            guard pos < end else { throw endOfInput() }
            guard base[pos] == UInt8(ascii: "\"") else {
                if base[pos] == UInt8(ascii: "}") {
                    throw JSONParseError(offset: pos, message: "trailing comma in object")
                }
                throw JSONParseError(offset: pos, message: "expected '\"' to start an object key")
            }
            let key = try parseString()
            skipWhitespace()
            guard pos < end else { throw endOfInput() }
            guard base[pos] == UInt8(ascii: ":") else {
                throw JSONParseError(offset: pos, message: "expected ':' after object key")
            }
            pos += 1
            let value = try parseValue(depth: depth)
            try member(key, value)
            skipWhitespace()
            guard pos < end else { throw endOfInput() }
            let c = base[pos]
            pos += 1
            if c == UInt8(ascii: ",") {
                skipWhitespace()
                continue
            }
            if c == UInt8(ascii: "}") { return }
            pos -= 1
            throw JSONParseError(offset: pos, message: "expected ',' or '}' after object member")
        }
    }

    /// Parses an array whose `[` is at `pos`.
    private mutating func parseArray(depth: Int) throws(JSONParseError) -> [JSONValue] {
        if depth > depthLimit { throw tooDeep() }
        pos += 1  // "["
        var elements: [JSONValue] = []
        skipWhitespace()
        if pos < end && base[pos] == UInt8(ascii: "]") {
            pos += 1
            return elements
        }
        while true {
            elements.append(try parseValue(depth: depth))
            skipWhitespace()
            guard pos < end else { throw endOfInput() }
            let c = base[pos]
            if c == UInt8(ascii: ",") {
                pos += 1
                skipWhitespace()
                if pos < end && base[pos] == UInt8(ascii: "]") {
                    throw JSONParseError(offset: pos, message: "trailing comma in array")
                }
                continue
            }
            if c == UInt8(ascii: "]") {
                pos += 1
                return elements
            }
            throw JSONParseError(offset: pos, message: "expected ',' or ']' after array element")
        }
    }

    @inline(__always)
    private mutating func expectLiteral(_ literal: StaticString) throws(JSONParseError) {
        let count = literal.utf8CodeUnitCount
        let expected = literal.utf8Start
        guard end - pos >= count else { throw invalidLiteral(literal) }
        for i in 0..<count where base[pos + i] != expected[i] {
            throw invalidLiteral(literal)
        }
        pos += count
    }

    // MARK: - Strings

    /// Parses the string whose opening quote is at `pos` and leaves `pos` after the closing quote.
    ///
    /// One pass finds the closing quote while validating UTF-8, control characters and escapes; a string without
    /// escapes is then created straight from its bytes, one with escapes is decoded by a second pass that cannot fail.
    private mutating func parseString() throws(JSONParseError) -> String {
        let quote = pos
        let start = pos + 1
        var p = start
        var hasEscapes = false
        while true {
            guard p < end else { throw JSONParseError(offset: quote, message: "unterminated string") }
            let c = base[p]
            if c == UInt8(ascii: "\"") { break }
            if c >= 0x20 && c < 0x80 && c != UInt8(ascii: "\\") {
                p += 1
                continue
            }
            if c >= 0x80 {
                p = try skipUTF8Sequence(at: p)
            } else if c == UInt8(ascii: "\\") {
                hasEscapes = true
                p = try skipEscape(at: p, quote: quote)
            } else {
                throw JSONParseError(
                    offset: p, message: "unescaped control character \(Self.hexByte(c)) in string")
            }
        }
        pos = p + 1
        let raw = UnsafeBufferPointer(start: base + start, count: p - start)
        if !hasEscapes {
            // Already validated: decoding cannot repair anything.
            return String(decoding: raw, as: UTF8.self)
        }
        return Self.decodeEscapes(raw)
    }

    /// Validates the multi-byte UTF-8 sequence whose lead byte is at `p` and returns the offset after it.
    private func skipUTF8Sequence(at p: Int) throws(JSONParseError) -> Int {
        @inline(__always) func byte(_ i: Int) -> UInt8 { i < end ? base[i] : 0 }
        @inline(__always) func isContinuation(_ i: Int) -> Bool { byte(i) & 0xC0 == 0x80 }
        let b1 = byte(p + 1)
        switch base[p] {
        case 0xC2...0xDF:
            if isContinuation(p + 1) { return p + 2 }
        case 0xE0:
            if (0xA0...0xBF).contains(b1) && isContinuation(p + 2) { return p + 3 }
        case 0xE1...0xEC, 0xEE...0xEF:
            if isContinuation(p + 1) && isContinuation(p + 2) { return p + 3 }
        case 0xED:  // excludes the UTF-16 surrogates U+D800...U+DFFF
            if (0x80...0x9F).contains(b1) && isContinuation(p + 2) { return p + 3 }
        case 0xF0:
            if (0x90...0xBF).contains(b1) && isContinuation(p + 2) && isContinuation(p + 3) { return p + 4 }
        case 0xF1...0xF3:
            if isContinuation(p + 1) && isContinuation(p + 2) && isContinuation(p + 3) { return p + 4 }
        case 0xF4:
            if (0x80...0x8F).contains(b1) && isContinuation(p + 2) && isContinuation(p + 3) { return p + 4 }
        default:
            break
        }
        throw JSONParseError(offset: p, message: "invalid UTF-8 in string")
    }

    /// Validates the escape whose backslash is at `p` and returns the offset after it.
    private func skipEscape(at p: Int, quote: Int) throws(JSONParseError) -> Int {
        guard p + 1 < end else { throw JSONParseError(offset: quote, message: "unterminated string") }
        switch base[p + 1] {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
            UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            return p + 2
        case UInt8(ascii: "u"):
            let unit = try hex4(at: p)
            switch unit {
            case 0xD800...0xDBFF:
                guard p + 7 < end, base[p + 6] == UInt8(ascii: "\\"), base[p + 7] == UInt8(ascii: "u") else {
                    throw unpairedSurrogate(unit, at: p)
                }
                let low = try hex4(at: p + 6)
                guard (0xDC00...0xDFFF).contains(low) else { throw unpairedSurrogate(unit, at: p) }
                return p + 12
            case 0xDC00...0xDFFF:
                throw unpairedSurrogate(unit, at: p)
            default:
                return p + 6
            }
        case let c:
            let what = (0x21...0x7E).contains(c) ? "'\\\(Character(Unicode.Scalar(c)))'" : Self.hexByte(c)
            throw JSONParseError(offset: p, message: "invalid escape \(what) in string")
        }
    }

    /// Reads the four hex digits of the `\uXXXX` escape whose backslash is at `p`.
    private func hex4(at p: Int) throws(JSONParseError) -> UInt32 {
        guard p + 5 < end else { throw JSONParseError(offset: p, message: "invalid \\u escape") }
        var value: UInt32 = 0
        for i in (p + 2)...(p + 5) {
            let digit = Self.hexValue(base[i])
            if digit > 15 { throw JSONParseError(offset: p, message: "invalid \\u escape") }
            value = value << 4 | digit
        }
        return value
    }

    @inline(__always)
    private static func hexValue(_ c: UInt8) -> UInt32 {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(c &- UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt32(c &- UInt8(ascii: "a") &+ 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return UInt32(c &- UInt8(ascii: "A") &+ 10)
        default: return 0xFF
        }
    }

    /// Decodes a string body whose escapes and UTF-8 have already been validated by `parseString`.
    /// The output is never longer than the input (every escape is at least as long as what it stands for).
    private static func decodeEscapes(_ raw: UnsafeBufferPointer<UInt8>) -> String {
        String(unsafeUninitializedCapacity: raw.count) { out in
            @inline(__always) func unit(at i: Int) -> UInt32 {
                var value: UInt32 = 0
                for j in (i + 2)...(i + 5) { value = value << 4 | hexValue(raw[j]) }
                return value
            }
            var i = 0
            var o = 0
            let n = raw.count
            while i < n {
                let c = raw[i]
                if c != UInt8(ascii: "\\") {
                    out[o] = c
                    o += 1
                    i += 1
                    continue
                }
                let e = raw[i + 1]
                var scalar: UInt32
                switch e {
                case UInt8(ascii: "b"): scalar = 0x08
                case UInt8(ascii: "f"): scalar = 0x0C
                case UInt8(ascii: "n"): scalar = 0x0A
                case UInt8(ascii: "r"): scalar = 0x0D
                case UInt8(ascii: "t"): scalar = 0x09
                case UInt8(ascii: "u"):
                    scalar = unit(at: i)
                    if (0xD800...0xDBFF).contains(scalar) {
                        let low = unit(at: i + 6)
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        i += 6
                    }
                    i += 4
                default: scalar = UInt32(e)  // " \ /
                }
                i += 2
                switch scalar {
                case 0..<0x80:
                    out[o] = UInt8(truncatingIfNeeded: scalar)
                    o += 1
                case 0x80..<0x800:
                    out[o] = UInt8(truncatingIfNeeded: 0xC0 | scalar >> 6)
                    out[o + 1] = UInt8(truncatingIfNeeded: 0x80 | scalar & 0x3F)
                    o += 2
                case 0x800..<0x10000:
                    out[o] = UInt8(truncatingIfNeeded: 0xE0 | scalar >> 12)
                    out[o + 1] = UInt8(truncatingIfNeeded: 0x80 | (scalar >> 6) & 0x3F)
                    out[o + 2] = UInt8(truncatingIfNeeded: 0x80 | scalar & 0x3F)
                    o += 3
                default:
                    out[o] = UInt8(truncatingIfNeeded: 0xF0 | scalar >> 18)
                    out[o + 1] = UInt8(truncatingIfNeeded: 0x80 | (scalar >> 12) & 0x3F)
                    out[o + 2] = UInt8(truncatingIfNeeded: 0x80 | (scalar >> 6) & 0x3F)
                    out[o + 3] = UInt8(truncatingIfNeeded: 0x80 | scalar & 0x3F)
                    o += 4
                }
            }
            return o
        }
    }

    // MARK: - Numbers

    /// Exact powers of ten: every one of them is representable in a `Double`.
    private static let exactPowersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    @inline(__always)
    private static func isDigit(_ c: UInt8) -> Bool { c &- UInt8(ascii: "0") < 10 }

    /// Parses the number (or `-Infinity`) starting at `pos`.
    private mutating func parseNumber() throws(JSONParseError) -> JSONValue {
        let start = pos
        var p = pos
        let negative = base[p] == UInt8(ascii: "-")
        if negative {
            p += 1
            if p < end && base[p] == UInt8(ascii: "I") {
                pos = p
                if matches("Infinity") { throw nonFinite(at: start) }
                throw invalidLiteral("Infinity")
            }
        }
        guard p < end, Self.isDigit(base[p]) else {
            throw JSONParseError(offset: p, message: "expected digit after '-'")
        }
        let integerStart = p
        if base[p] == UInt8(ascii: "0") {
            p += 1
            if p < end && Self.isDigit(base[p]) {
                throw JSONParseError(offset: p - 1, message: "leading zeros are not allowed")
            }
        } else {
            while p < end && Self.isDigit(base[p]) { p += 1 }
        }
        let integerEnd = p
        var fractionEnd = p
        var isInteger = true
        if p < end && base[p] == UInt8(ascii: ".") {
            isInteger = false
            p += 1
            guard p < end, Self.isDigit(base[p]) else {
                throw JSONParseError(offset: p, message: "expected digit after decimal point")
            }
            while p < end && Self.isDigit(base[p]) { p += 1 }
            fractionEnd = p
        }
        var exponent = 0
        var exponentIsSmall = true
        if p < end && (base[p] == UInt8(ascii: "e") || base[p] == UInt8(ascii: "E")) {
            isInteger = false
            p += 1
            var exponentNegative = false
            if p < end && (base[p] == UInt8(ascii: "+") || base[p] == UInt8(ascii: "-")) {
                exponentNegative = base[p] == UInt8(ascii: "-")
                p += 1
            }
            guard p < end, Self.isDigit(base[p]) else {
                throw JSONParseError(offset: p, message: "expected digit in exponent")
            }
            while p < end && Self.isDigit(base[p]) {
                if exponent < 100_000 {
                    exponent = exponent * 10 + Int(base[p] &- UInt8(ascii: "0"))
                } else {
                    exponentIsSmall = false
                }
                p += 1
            }
            if exponentNegative { exponent = -exponent }
        }
        pos = p

        if isInteger {
            let digitCount = integerEnd - integerStart
            if digitCount <= 18 {  // cannot overflow
                var value = 0
                for i in integerStart..<integerEnd { value = value &* 10 &+ Int(base[i] &- UInt8(ascii: "0")) }
                return .int(negative ? -value : value)
            }
            // Accumulate negatively so that Int.min is reachable.
            var value = 0
            var overflow = false
            for i in integerStart..<integerEnd {
                let (shifted, o1) = value.multipliedReportingOverflow(by: 10)
                let (sum, o2) = shifted.subtractingReportingOverflow(Int(base[i] &- UInt8(ascii: "0")))
                if o1 || o2 {
                    overflow = true
                    break
                }
                value = sum
            }
            if !overflow {
                if negative { return .int(value) }
                if value != Int.min { return .int(-value) }
            }
            // Too large for Int: read as a double below, as documented.
        }

        // Fast path (Clinger): at most 15 significant digits and a power of ten up to 1e22 are both exact, so one
        // IEEE multiplication or division gives the correctly rounded result.
        if exponentIsSmall {
            var mantissa: UInt64 = 0
            var significantDigits = 0
            var fits = true
            for i in integerStart..<fractionEnd where i != integerEnd {  // skip the "."
                let digit = UInt64(base[i] &- UInt8(ascii: "0"))
                if significantDigits == 0 && digit == 0 { continue }
                significantDigits += 1
                if significantDigits > 15 {
                    fits = false
                    break
                }
                mantissa = mantissa * 10 + digit
            }
            if fits {
                let fractionDigits = fractionEnd > integerEnd ? fractionEnd - integerEnd - 1 : 0
                let power = exponent - fractionDigits
                let magnitude: Double?
                if mantissa == 0 {
                    magnitude = 0
                } else if power >= 0 && power <= 22 {
                    magnitude = Double(mantissa) * Self.exactPowersOfTen[power]
                } else if power < 0 && power >= -22 {
                    magnitude = Double(mantissa) / Self.exactPowersOfTen[-power]
                } else {
                    magnitude = nil
                }
                if let magnitude { return .double(negative ? -magnitude : magnitude) }
            }
        }

        // General case: the C library's correctly rounded conversion (locale-independent in Swift).
        let text = String(decoding: UnsafeBufferPointer(start: base + start, count: p - start), as: UTF8.self)
        guard let value = Double(text), value.isFinite else {
            throw JSONParseError(
                offset: start, message: "number out of range (beyond ±1.7976931348623157e308, the largest 64-bit float)")
        }
        return .double(value)
    }

    // MARK: - Errors

    private func endOfInput() -> JSONParseError {
        JSONParseError(offset: end, message: "unexpected end of input")
    }

    private func tooDeep() -> JSONParseError {
        JSONParseError(offset: pos, message: "nesting too deep (more than \(depthLimit) levels)")
    }

    /// Whether the input at `pos` starts with `literal`.
    private func matches(_ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard end - pos >= count else { return false }
        let expected = literal.utf8Start
        for i in 0..<count where base[pos + i] != expected[i] { return false }
        return true
    }

    private func nonFinite(at offset: Int) -> JSONParseError {
        JSONParseError(
            offset: offset, message: "NaN and Infinity are not JSON numbers (RFC 8259); write null or a string instead")
    }

    private func invalidLiteral(_ literal: StaticString) -> JSONParseError {
        JSONParseError(offset: pos, message: "invalid literal (expected '\(literal)')")
    }

    private func unpairedSurrogate(_ unit: UInt32, at p: Int) -> JSONParseError {
        var hex = String(unit, radix: 16, uppercase: true)
        while hex.utf8.count < 4 { hex = "0" + hex }
        return JSONParseError(offset: p, message: "unpaired surrogate \\u\(hex)")
    }

    private static func hexByte(_ c: UInt8) -> String {
        let digits = Array("0123456789ABCDEF".utf8)
        return "0x" + String(decoding: [digits[Int(c >> 4)], digits[Int(c & 0xF)]], as: UTF8.self)
    }

    private static func describe(_ c: UInt8) -> String {
        (0x21...0x7E).contains(c) ? "'\(Character(Unicode.Scalar(c)))'" : "byte \(hexByte(c))"
    }
}
