import Foundation
import Testing

@testable import LineDB

// MARK: - Helpers

private func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }

private func parseError(_ input: [UInt8]) -> JSONParseError? {
    do {
        _ = try JSONParser.parse(input)
        return nil
    } catch {
        return error
    }
}

private func members(_ input: [UInt8]) throws(JSONParseError) -> [(String, JSONValue)] {
    var result: [(String, JSONValue)] = []
    try input.withUnsafeBufferPointer { (buffer) throws(JSONParseError) in
        try JSONParser.parseObjectMembers(buffer) { key, value in result.append((key, value)) }
    }
    return result
}

private func membersError(_ input: [UInt8]) -> JSONParseError? {
    do {
        _ = try members(input)
        return nil
    } catch {
        return error
    }
}

/// Structural equality where NaN equals NaN and 0.0 differs from -0.0 (so round trips are checked bit for bit).
private func same(_ a: JSONValue, _ b: JSONValue) -> Bool {
    switch (a, b) {
    case (.null, .null): return true
    case (.bool(let x), .bool(let y)): return x == y
    case (.int(let x), .int(let y)): return x == y
    case (.double(let x), .double(let y)): return (x.isNaN && y.isNaN) || x.bitPattern == y.bitPattern
    case (.string(let x), .string(let y)): return x == y
    case (.array(let x), .array(let y)):
        return x.count == y.count && zip(x, y).allSatisfy { same($0, $1) }
    case (.object(let x), .object(let y)):
        return x.keys.elementsEqual(y.keys) && zip(x.values, y.values).allSatisfy { same($0, $1) }
    default: return false
    }
}

/// A value that exercises every kind, escapes and number spellings.
private let sampleValue: JSONValue = [
    "null": nil,
    "true": true,
    "false": false,
    "ints": [0, 1, -1, 42, 1_000_000, .int(Int.max), .int(Int.min)],
    "doubles": [0.0, -0.0, 3.85, 1.0, 100.0, 1e-05, 1e16, 1.5e-07, 0.1, .double(.leastNonzeroMagnitude), 1.7976931348623157e308, -2.5],
    "strings": ["", "plain", "é ü ñ 中文", "😀 𝄞", "quote\" backslash\\ slash/", "\n\r\t\u{08}\u{0C}\u{01}\u{1F}\u{7F}",
                "\u{2028}\u{2029}\u{2027}", "nul\u{0}byte"],
    "nested": ["a": [[], [:], [[1, [2, [3]]]]], "b": ["c": ["d": "e"]]],
    "empty array": [],
    "empty object": [:],
    "": "empty key",
]

// MARK: - Parsing values

@Suite struct JSONParserTests {
    @Test func parsesEveryKind() throws {
        let text = #" { "n" : null , "t":true,"f":false,"i":-12,"d":3.85,"s":"hi","a":[1,2.5,"x",[]],"o":{"k":{}} } "#
        let value = try JSONParser.parse(text)
        let expected: JSONValue = [
            "n": nil, "t": true, "f": false, "i": -12, "d": 3.85, "s": "hi", "a": [1, 2.5, "x", []], "o": ["k": [:]],
        ]
        #expect(same(value, expected))
        #expect(value.objectValue?.keys.elementsEqual(["n", "t", "f", "i", "d", "s", "a", "o"]) == true)
    }

    @Test func integersAndDoublesAreDistinct() throws {
        #expect(try JSONParser.parse("3") == .int(3))
        #expect(try JSONParser.parse("3.0") == .double(3))
        #expect(try JSONParser.parse("1e2") == .double(100))
        #expect(try JSONParser.parse("1E+2") == .double(100))
        #expect(try JSONParser.parse("-0") == .int(0))
        #expect(try JSONParser.parse("0") == .int(0))
        #expect(try JSONParser.parse("-7") == .int(-7))
        #expect(try JSONParser.parse("9223372036854775807") == .int(Int.max))
        #expect(try JSONParser.parse("-9223372036854775808") == .int(Int.min))
        #expect(try JSONParser.parse("123456789012345678") == .int(123_456_789_012_345_678))
        // Too large for Int: a double.
        #expect(try JSONParser.parse("9223372036854775808") == .double(9_223_372_036_854_775_808.0))
        #expect(try JSONParser.parse("-9223372036854775809") == .double(-9_223_372_036_854_775_809.0))
        #expect(try JSONParser.parse("123456789012345678901234567890") == .double(1.2345678901234568e29))
        let negativeZero = try JSONParser.parse("-0.0")
        #expect(negativeZero.doubleValue?.sign == .minus)
    }

    @Test func doublesAreCorrectlyRounded() throws {
        let literals = [
            "0.1", "0.2", "0.30000000000000004", "3.85", "2.2250738585072014e-308", "2.2250738585072011e-308",
            "1.7976931348623157e308", "4.9e-324", "5e-324", "1e-400", "1e23", "8.98846567431158e307",
            "9007199254740993", "9007199254740993.0", "0.000001", "123456.789e3", "1.00000000000000011102230246251565",
            "2.4703282292062328e-324", "7.2057594037927933e16", "1e22", "1e-22", "123456789012345.6",
            "1234567890123456.7", "0.1e-21", "100000000000000000000000e-10",
        ]
        for literal in literals {
            let parsed = try JSONParser.parse(literal)
            #expect(parsed.doubleValue == Double(literal)!, "\(literal)")
        }
        // Random decimals: the fast path must agree with the C library's correctly rounded conversion.
        var rng = SplitMix64(state: 12345)
        for _ in 0..<5_000 {
            let digits = String(UInt64.random(in: 0...UInt64.max, using: &rng) >> UInt64.random(in: 0...63, using: &rng))
            let point = Int.random(in: 0...digits.count, using: &rng)
            var literal = digits
            if point < digits.count {
                literal.insert(".", at: literal.index(literal.startIndex, offsetBy: point))
                if point == 0 { literal = "0" + literal }
            }
            if Bool.random(using: &rng) { literal += "e\(Int.random(in: -30...30, using: &rng))" }
            if literal.hasPrefix("0") && literal.count > 1 && !literal.hasPrefix("0.") && !literal.hasPrefix("0e") {
                continue  // a leading zero: not JSON
            }
            guard case .double(let value) = try JSONParser.parse(literal) else {
                #expect(!literal.contains(".") && !literal.contains("e"), "\(literal)")
                continue
            }
            #expect(value == Double(literal)!, "\(literal)")
        }
    }

    @Test func largeExponents() throws {
        // Beyond a Double: refused at the number's offset (never read as Infinity, which JSON cannot express).
        #expect(throws: JSONParseError(offset: 1, message: "number out of range (beyond ±1.7976931348623157e308, the largest 64-bit float)")) {
            try JSONParser.parse("[1e400]")
        }
        #expect(throws: JSONParseError.self) { try JSONParser.parse("-1e400") }
        #expect(try JSONParser.parse("1e-99999999999999999999") == .double(0))
        #expect(try JSONParser.parse("0e99999999999999999999") == .double(0))
    }

    @Test func stringEscapes() throws {
        #expect(try JSONParser.parse(#""\"\\\/\b\f\n\r\t""#) == .string("\"\\/\u{08}\u{0C}\n\r\t"))
        #expect(try JSONParser.parse(#""\u0041\u00e9\u20AC\u0000""#) == .string("Aé€\u{0}"))
        #expect(try JSONParser.parse(#""x\uD83D\uDE00y""#) == .string("x😀y"))
        #expect(try JSONParser.parse(#""\ud834\udd1e""#) == .string("𝄞"))
        #expect(try JSONParser.parse(#""é😀 raw""#) == .string("é😀 raw"))
        #expect(try JSONParser.parse(#""a\"b""#) == .string("a\"b"))
        #expect(try JSONParser.parse(#""""#) == .string(""))
        // Long strings with and without escapes, ASCII and not.
        let long = String(repeating: "abcdéfgh😀", count: 200)
        #expect(try JSONParser.parse("\"\(long)\"") == .string(long))
        #expect(try JSONParser.parse("\"\(long)\\n\(long)\"") == .string(long + "\n" + long))
    }

    @Test func pythonNonFiniteLiteralsAreRefused() throws {
        // Python's json.dumps writes them, but they are not JSON (RFC 8259): refused, at their offset.
        let message = "NaN and Infinity are not JSON numbers (RFC 8259); write null or a string instead"
        #expect(throws: JSONParseError(offset: 1, message: message)) { try JSONParser.parse("[NaN, 1]") }
        #expect(throws: JSONParseError(offset: 4, message: message)) { try JSONParser.parse("[1, Infinity]") }
        #expect(throws: JSONParseError(offset: 5, message: message)) { try JSONParser.parse(#"{"a":-Infinity}"#) }
        // The writer, last guard, never writes them.
        #expect(JSONWriter.encode([.double(.nan), .double(.infinity), .double(-.infinity)]) == "[null,null,null]")
    }

    @Test func byteOrderMarkAndWhitespace() throws {
        #expect(try JSONParser.parse([0xEF, 0xBB, 0xBF] + bytes(#"{"a":1}"#)) == ["a": 1])
        #expect(try JSONParser.parse("\u{FEFF} \t\r\n[1]\r\n") == [1])
        #expect(try JSONParser.parse("[1]\r") == [1])
        #expect(try members([0xEF, 0xBB, 0xBF] + bytes(#"{"a":1}"#)).map(\.0) == ["a"])
        #expect(try members(bytes("{\"a\":1}\r")).map(\.0) == ["a"])
        #expect(try members(bytes(" {\"a\":1}\r\n")).map(\.0) == ["a"])
        // Only one BOM, and only at the start.
        #expect(parseError([0xEF, 0xBB, 0xBF, 0xEF, 0xBB, 0xBF] + bytes("1")) ==
            JSONParseError(offset: 3, message: "expected a JSON value but found byte 0xEF"))
        #expect(parseError(bytes("1") + [0xEF, 0xBB, 0xBF]) ==
            JSONParseError(offset: 1, message: "trailing characters after JSON value"))
        #expect(parseError([0xEF, 0xBB, 0xBF]) == JSONParseError(offset: 3, message: "unexpected end of input"))
    }

    @Test func duplicateKeys() throws {
        let input = bytes(#"{"b":1,"a":2,"b":3}"#)
        let passedThrough = try members(input)
        #expect(passedThrough.map(\.0) == ["b", "a", "b"])
        #expect(passedThrough.map(\.1) == [1, 2, 3])
        // Building an object: first position, last value (as Python's dict does).
        let object = try JSONParser.parse(input).objectValue
        #expect(object?.keys.elementsEqual(["b", "a"]) == true)
        #expect(object?["b"] == 3)
    }

    @Test func objectMembersInOrder() throws {
        let line = bytes(#"{"id": 123456, "name": "Alice Johnson", "email": "alice123456@university.edu", "gpa": 3.85, "active": true, "enrolled": "2024-09-01T10:00:00", "tags": ["x"], "meta": {"k": null}}"#)
        let result = try members(line)
        #expect(result.map(\.0) == ["id", "name", "email", "gpa", "active", "enrolled", "tags", "meta"])
        #expect(result.map(\.1) == [
            123_456, "Alice Johnson", "alice123456@university.edu", 3.85, true, "2024-09-01T10:00:00", ["x"], ["k": nil],
        ])
        #expect(try members(bytes("{}")).isEmpty)
    }

    @Test func objectMembersRejectsNonObjects() {
        #expect(membersError(bytes("[1]")) == JSONParseError(offset: 0, message: "expected a JSON object"))
        #expect(membersError(bytes("  5")) == JSONParseError(offset: 2, message: "expected a JSON object"))
        #expect(membersError(bytes("")) == JSONParseError(offset: 0, message: "expected a JSON object"))
        #expect(membersError(bytes("  ")) == JSONParseError(offset: 2, message: "expected a JSON object"))
        #expect(membersError(bytes(#""a""#)) == JSONParseError(offset: 0, message: "expected a JSON object"))
        #expect(membersError(bytes(#"{"a":1}{"#)) ==
            JSONParseError(offset: 7, message: "trailing characters after JSON value"))
        #expect(membersError(bytes(#"{"a":1"#)) == JSONParseError(offset: 6, message: "unexpected end of input"))
    }

    @Test func objectMembersPropagatesCallerErrors() {
        let stop = JSONParseError(offset: 99, message: "duplicate key")
        var seen: [String] = []
        do {
            try bytes(#"{"a":1,"b":2,"c":3}"#).withUnsafeBufferPointer { (buffer) throws(JSONParseError) in
                try JSONParser.parseObjectMembers(buffer) { (key, _) throws(JSONParseError) in
                    seen.append(key)
                    if key == "b" { throw stop }
                }
            }
            Issue.record("no error")
        } catch {
            #expect(error == stop)
        }
        #expect(seen == ["a", "b"])
    }

    @Test func emptyBuffers() {
        #expect(throws: JSONParseError(offset: 0, message: "unexpected end of input")) {
            try JSONParser.parse(UnsafeBufferPointer<UInt8>(start: nil, count: 0))
        }
        #expect(throws: JSONParseError(offset: 0, message: "expected a JSON object")) {
            try JSONParser.parseObjectMembers(UnsafeBufferPointer<UInt8>(start: nil, count: 0)) { _, _ in }
        }
        #expect(throws: JSONParseError(offset: 0, message: "unexpected end of input")) {
            try JSONParser.parse("")
        }
    }
}

// MARK: - Parse errors

struct ErrorCase: Sendable, CustomTestStringConvertible {
    var input: [UInt8]
    var offset: Int
    var message: String
    init(_ input: String, _ offset: Int, _ message: String) {
        self.init(Array(input.utf8), offset, message)
    }
    init(_ input: [UInt8], _ offset: Int, _ message: String) {
        self.input = input
        self.offset = offset
        self.message = message
    }
    var testDescription: String { String(decoding: input, as: UTF8.self).debugDescription }
}

private let errorCases: [ErrorCase] = [
    ErrorCase("", 0, "unexpected end of input"),
    ErrorCase("   ", 3, "unexpected end of input"),
    ErrorCase(#"{"a" 1}"#, 5, "expected ':' after object key"),
    ErrorCase(#"{"a"}"#, 4, "expected ':' after object key"),
    ErrorCase(#"{"a":1,}"#, 7, "trailing comma in object"),
    ErrorCase(#"{"a":1 "b":2}"#, 7, "expected ',' or '}' after object member"),
    ErrorCase(#"{1:2}"#, 1, "expected '\"' to start an object key"),
    ErrorCase(#"{'a':2}"#, 1, "expected '\"' to start an object key"),
    ErrorCase(#"{"a":}"#, 5, "expected a JSON value but found '}'"),
    ErrorCase(#"{"a":1"#, 6, "unexpected end of input"),
    ErrorCase(#"{"#, 1, "unexpected end of input"),
    ErrorCase(#"[1,]"#, 3, "trailing comma in array"),
    ErrorCase(#"[1 2]"#, 3, "expected ',' or ']' after array element"),
    ErrorCase(#"[1,2"#, 4, "unexpected end of input"),
    ErrorCase(#"[,1]"#, 1, "expected a JSON value but found ','"),
    ErrorCase(#"]"#, 0, "expected a JSON value but found ']'"),
    ErrorCase(#""abc"#, 0, "unterminated string"),
    ErrorCase(#"["abc\"#, 1, "unterminated string"),
    ErrorCase(#""a\u12""#, 2, "invalid \\u escape"),
    ErrorCase(#""a\u12"#, 2, "invalid \\u escape"),
    ErrorCase(#""\uZZZZ""#, 1, "invalid \\u escape"),
    ErrorCase(#""\uD83D""#, 1, "unpaired surrogate \\uD83D"),
    ErrorCase(#""\uD83Dx""#, 1, "unpaired surrogate \\uD83D"),
    ErrorCase(#""\uD83D\u0041""#, 1, "unpaired surrogate \\uD83D"),
    ErrorCase(#""\uD83D\uD83D""#, 1, "unpaired surrogate \\uD83D"),
    ErrorCase(#""\uD83D\u12""#, 7, "invalid \\u escape"),
    ErrorCase(#""ab\uDE00""#, 3, "unpaired surrogate \\uDE00"),
    ErrorCase(#""\ud83d""#, 1, "unpaired surrogate \\uD83D"),
    ErrorCase(#""\x""#, 1, "invalid escape '\\x' in string"),
    ErrorCase(#""\'""#, 1, "invalid escape '\\'' in string"),
    ErrorCase("\"a\tb\"", 2, "unescaped control character 0x09 in string"),
    ErrorCase("\"a\nb\"", 2, "unescaped control character 0x0A in string"),
    ErrorCase("\"\u{0}\"", 1, "unescaped control character 0x00 in string"),
    ErrorCase(Array(#"{"a":""#.utf8) + [0xC3] + Array(#"("}"#.utf8), 6, "invalid UTF-8 in string"),
    ErrorCase([0x22, 0xED, 0xA0, 0x80, 0x22], 1, "invalid UTF-8 in string"),  // encoded surrogate
    ErrorCase([0x22, 0xC0, 0xAF, 0x22], 1, "invalid UTF-8 in string"),  // overlong
    ErrorCase([0x22, 0xE0, 0x80, 0xAF, 0x22], 1, "invalid UTF-8 in string"),  // overlong
    ErrorCase([0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], 1, "invalid UTF-8 in string"),  // above U+10FFFF
    ErrorCase([0x22, 0x61, 0xE2, 0x82, 0x22], 2, "invalid UTF-8 in string"),  // truncated
    ErrorCase([0x22, 0x80, 0x22], 1, "invalid UTF-8 in string"),  // lone continuation
    ErrorCase([0x22, 0xFF, 0x22], 1, "invalid UTF-8 in string"),
    ErrorCase([0x22, 0xF0, 0x9F, 0x98], 1, "invalid UTF-8 in string"),  // truncated at end of input
    ErrorCase([0xFF], 0, "expected a JSON value but found byte 0xFF"),
    ErrorCase([0x0B, 0x31], 0, "expected a JSON value but found byte 0x0B"),  // vertical tab is not whitespace
    ErrorCase("01", 0, "leading zeros are not allowed"),
    ErrorCase("-012", 1, "leading zeros are not allowed"),
    ErrorCase("-", 1, "expected digit after '-'"),
    ErrorCase("-a", 1, "expected digit after '-'"),
    ErrorCase("-NaN", 1, "expected digit after '-'"),
    ErrorCase("+1", 0, "expected a JSON value but found '+'"),
    ErrorCase(".5", 0, "expected a JSON value but found '.'"),
    ErrorCase("1.", 2, "expected digit after decimal point"),
    ErrorCase("1.e5", 2, "expected digit after decimal point"),
    ErrorCase("1e", 2, "expected digit in exponent"),
    ErrorCase("1e+", 3, "expected digit in exponent"),
    ErrorCase("1ex", 2, "expected digit in exponent"),
    ErrorCase("0x10", 1, "trailing characters after JSON value"),
    ErrorCase("1 2", 2, "trailing characters after JSON value"),
    ErrorCase("{}x", 2, "trailing characters after JSON value"),
    ErrorCase("[1]]", 3, "trailing characters after JSON value"),
    ErrorCase("tru", 0, "invalid literal (expected 'true')"),
    ErrorCase("trUe", 0, "invalid literal (expected 'true')"),
    ErrorCase("[fals]", 1, "invalid literal (expected 'false')"),
    ErrorCase("nul", 0, "invalid literal (expected 'null')"),
    ErrorCase("nan", 0, "invalid literal (expected 'null')"),
    ErrorCase("NAN", 0, "expected a JSON value but found 'N'"),
    ErrorCase("Infinit", 0, "expected a JSON value but found 'I'"),
    ErrorCase("NaN", 0, "NaN and Infinity are not JSON numbers (RFC 8259); write null or a string instead"),
    ErrorCase("-Infinity", 0, "NaN and Infinity are not JSON numbers (RFC 8259); write null or a string instead"),
    ErrorCase("1e400", 0, "number out of range (beyond ±1.7976931348623157e308, the largest 64-bit float)"),
    ErrorCase("-Inf", 1, "invalid literal (expected 'Infinity')"),
    ErrorCase("True", 0, "expected a JSON value but found 'T'"),
    ErrorCase("trues", 4, "trailing characters after JSON value"),
]

@Suite struct JSONParseErrorTests {
    @Test(arguments: errorCases)
    func reportsOffsetAndMessage(_ errorCase: ErrorCase) {
        let error = parseError(errorCase.input)
        #expect(error == JSONParseError(offset: errorCase.offset, message: errorCase.message))
    }

    @Test func objectMembersReportsTheSameErrors() {
        for errorCase in errorCases where errorCase.input.first == UInt8(ascii: "{") {
            #expect(membersError(errorCase.input) == parseError(errorCase.input), "\(errorCase.testDescription)")
        }
    }

    @Test func nestingDepthLimit() throws {
        let limit = JSONParser.maxDepth
        #expect(limit == 512)
        let deepest = String(repeating: "[", count: limit) + String(repeating: "]", count: limit)
        #expect(throws: Never.self) { try JSONParser.parse(deepest) }
        let tooDeep = String(repeating: "[", count: limit + 1) + String(repeating: "]", count: limit + 1)
        #expect(throws: JSONParseError(offset: limit, message: "nesting too deep (more than 512 levels)")) {
            try JSONParser.parse(tooDeep)
        }
        // Objects count too, and a huge depth is an error rather than a stack overflow.
        let objects = String(repeating: #"{"a":"#, count: limit + 1) + "1" + String(repeating: "}", count: limit + 1)
        #expect(throws: JSONParseError(offset: 5 * limit, message: "nesting too deep (more than 512 levels)")) {
            try JSONParser.parse(objects)
        }
        let huge = String(repeating: "[{\"k\":", count: 100_000)
        #expect(parseError(bytes(huge))?.message == "nesting too deep (more than 512 levels)")
        // parseObjectMembers: the line's own object is level 1.
        let line = "{\"a\":" + String(repeating: "[", count: limit - 1) + String(repeating: "]", count: limit - 1) + "}"
        #expect(try members(bytes(line)).count == 1)
        let deeperLine = "{\"a\":" + String(repeating: "[", count: limit) + String(repeating: "]", count: limit) + "}"
        #expect(membersError(bytes(deeperLine)) ==
            JSONParseError(offset: 5 + limit - 1, message: "nesting too deep (more than 512 levels)"))
    }

    @Test func errorDescription() {
        let error = JSONParseError(offset: 5, message: "expected ':' after object key")
        #expect(error.description == "expected ':' after object key (at byte 5)")
    }
}

// MARK: - Writing

@Suite struct JSONWriterTests {
    @Test func compactEncoding() {
        #expect(JSONWriter.encode(["a": 1, "b": "x\ny\"z", "c": 1.0]) == #"{"a":1,"b":"x\ny\"z","c":1.0}"#)
        #expect(JSONWriter.encode(["a": 1, "b": [true, nil]]) == #"{"a":1,"b":[true,null]}"#)
        #expect(JSONWriter.encode(["z": 1, "a": 2, "m": 3]) == #"{"z":1,"a":2,"m":3}"#)
        #expect(JSONWriter.encode([]) == "[]")
        #expect(JSONWriter.encode([:]) == "{}")
        #expect(JSONWriter.encode([[], [:], [[]]]) == "[[],{},[[]]]")
        #expect(JSONWriter.encode(nil) == "null")
        #expect(JSONWriter.encode(false) == "false")
        #expect(JSONWriter.encode("") == #""""#)
    }

    @Test func stringEscaping() {
        #expect(JSONWriter.encode(.string("\"\\/")) == #""\"\\/""#)
        #expect(JSONWriter.encode(.string("\n\r\t\u{08}\u{0C}")) == #""\n\r\t\b\f""#)
        #expect(JSONWriter.encode(.string("\u{0}\u{01}\u{0B}\u{1A}\u{1F} \u{7F}")) ==
            #""\u0000\u0001\u000b\u001a\u001f \u007f""#)
        #expect(JSONWriter.encode(.string("a\u{2028}b\u{2029}c")) == #""a\u2028b\u2029c""#)
        // Other non-ASCII is raw UTF-8, including neighbours of U+2028 that share its lead byte.
        #expect(JSONWriter.encode(.string("é€\u{2027}\u{202A}😀中")) == "\"é€\u{2027}\u{202A}😀中\"")
        #expect(JSONWriter.encode(["ké\n": "v"]) == #"{"ké\n":"v"}"#)
        // Escape at the very start and end, and runs between.
        #expect(JSONWriter.encode(.string("\"abc\"")) == #""\"abc\"""#)
        #expect(JSONWriter.encode(.string("\u{E2}")) == "\"\u{E2}\"")  // U+00E2 is not the byte 0xE2
    }

    @Test func encodedValuesNeverContainLineBreaks() {
        let text = JSONWriter.encode(sampleValue)
        #expect(!text.utf8.contains(0x0A))
        #expect(!text.utf8.contains(0x0D))
        #expect(!text.contains("\u{2028}") && !text.contains("\u{2029}"))
    }

    @Test func integers() {
        let cases: [(Int, String)] = [
            (0, "0"), (7, "7"), (10, "10"), (-1, "-1"), (-10, "-10"), (123_456, "123456"),
            (Int.max, "9223372036854775807"), (Int.min, "-9223372036854775808"),
        ]
        for (value, text) in cases {
            var writer = JSONWriter(reservingCapacity: 0)
            writer.writeInt(value)
            #expect(String(decoding: writer.bytes, as: UTF8.self) == text)
            #expect(JSONWriter.encode(.int(value)) == text)
        }
    }

    @Test func doublesMatchPythonRepr() {
        let cases: [(Double, String)] = [
            (3.8, "3.8"), (3.85, "3.85"), (100.0, "100.0"), (1.0, "1.0"), (0.0, "0.0"), (-0.0, "-0.0"),
            (1e-05, "1e-05"), (0.0001, "0.0001"), (1e16, "1e+16"), (1e15, "1000000000000000.0"),
            (1.5e-07, "1.5e-07"), (0.1 + 0.2, "0.30000000000000004"), (.leastNonzeroMagnitude, "5e-324"),
            (1.7976931348623157e308, "1.7976931348623157e+308"), (123_456_789.0, "123456789.0"),
            (1e22, "1e+22"), (-2.5, "-2.5"), (9_007_199_254_740_992.0, "9007199254740992.0"),
            (1.2345678901234568e+17, "1.2345678901234568e+17"), (1234567890123456.8, "1234567890123456.8"),
            // Not JSON: the writer writes null (the engine refuses them before they get here).
            (.nan, "null"), (.infinity, "null"), (-.infinity, "null"),
        ]
        for (value, text) in cases {
            var writer = JSONWriter(reservingCapacity: 0)
            writer.writeDouble(value)
            #expect(String(decoding: writer.bytes, as: UTF8.self) == text)
        }
    }

    @Test func rawWrites() {
        var writer = JSONWriter(reservingCapacity: 16)
        writer.writeRaw("{\"k\":")
        writer.writeRaw(String("é\n"))
        writer.writeString("q\"")
        writer.writeRaw("}")
        #expect(String(decoding: writer.bytes, as: UTF8.self) == "{\"k\":é\n\"q\\\"\"}")
    }

    @Test func roundTripsEveryKind() throws {
        let values: [JSONValue] = [
            nil, true, false, 0, -1, .int(Int.max), .int(Int.min), 0.0, -0.0, 3.85, 1e-05, 1e16, .double(.leastNonzeroMagnitude),
            "", "x\ny\"z\\", "😀\u{2028}\u{7F}\u{0}",
            [], [:], [1, "a", nil, [true]], ["k": ["n": [1.5]]], sampleValue,
        ]
        for value in values {
            let text = JSONWriter.encode(value)
            let back = try JSONParser.parse(text)
            #expect(same(back, value), "\(text)")
            // And through the writer's byte buffer directly.
            var writer = JSONWriter(reservingCapacity: 8)
            writer.write(value)
            #expect(same(try JSONParser.parse(writer.bytes), value))
            // Pretty output reads back to the same value too.
            #expect(same(try JSONParser.parse(JSONWriter.encodePretty(value)), value))
        }
    }

    @Test func integralDoublesReadBackAsDoubles() throws {
        for d in [1.0, -3.0, 100.0, 1e15, 1e16, 1e300, 0.0] {
            #expect(try JSONParser.parse(JSONWriter.encode(.double(d))) == .double(d))
        }
    }

    @Test func prettyMatchesPythonIndent2() {
        let value: JSONValue = [
            "name": "Widget",
            "tags": ["a", "b"],
            "empty_obj": [:],
            "empty_arr": [],
            "n": 1,
            "x": 2.5,
            "big": 1e16,
            "nested": ["k": nil, "t": true, "l": [[], [:], [1, [2]]]],
            "u": "é\u{2028}\u{7F}\n\u{01}\"\\/",
        ]
        // Output of: print(json.dumps(v, indent=2, ensure_ascii=False)) in Python 3 (which leaves DEL and
        // U+2028 unescaped).
        let expected = """
            {
              "name": "Widget",
              "tags": [
                "a",
                "b"
              ],
              "empty_obj": {},
              "empty_arr": [],
              "n": 1,
              "x": 2.5,
              "big": 1e+16,
              "nested": {
                "k": null,
                "t": true,
                "l": [
                  [],
                  {},
                  [
                    1,
                    [
                      2
                    ]
                  ]
                ]
              },
              "u": "é\u{2028}\u{7F}\\n\\u0001\\"\\\\/"
            }
            """
        #expect(JSONWriter.encodePretty(value) == expected)
        #expect(JSONWriter.encodePretty([]) == "[]")
        #expect(JSONWriter.encodePretty([:]) == "{}")
        #expect(JSONWriter.encodePretty(3) == "3")
        #expect(JSONWriter.encodePretty("a\nb") == #""a\nb""#)
        #expect(JSONWriter.encodePretty([1]) == "[\n  1\n]")
    }

    @Test(.enabled(if: python3Path != nil, "python3 is not installed"))
    func prettyAndCompactMatchPythonItself() throws {
        let script = """
            import json, sys
            v = json.loads(sys.stdin.read())
            sys.stdout.write(json.dumps(v, indent=2, ensure_ascii=False))
            sys.stdout.write("\\n--\\n")
            sys.stdout.write(json.dumps(v, separators=(",", ":"), ensure_ascii=False))
            """
        // Without DEL and U+2028/U+2029, which only the compact writer escapes (Python leaves them raw).
        let value: JSONValue = [
            "name": "Widget ü 😀", "tags": ["a", "b"], "empty": [:], "none": [], "n": -12, "x": 2.5, "big": 1e16,
            "small": 1.5e-07, "one": 1.0, "weird": "\u{0}\u{1F}\"\\\n\t/", "nested": ["k": nil, "t": true, "f": false],
            "nonfinite": [.double(.nan), .double(.infinity), .double(-.infinity)], "maxint": .int(Int.max),
        ]
        let output = try runPython(script, input: JSONWriter.encode(value))
        #expect(output == JSONWriter.encodePretty(value) + "\n--\n" + JSONWriter.encode(value))
    }
}

private let python3Path: String? = {
    for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
        let candidate = "\(directory)/python3"
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    return nil
}()

private func runPython(_ script: String, input: String) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: python3Path ?? "/usr/bin/python3")
    process.arguments = ["-c", script]
    var environment = ProcessInfo.processInfo.environment
    environment["PYTHONIOENCODING"] = "utf-8"
    process.environment = environment
    let stdin = Pipe()
    let stdout = Pipe()
    process.standardInput = stdin
    process.standardOutput = stdout
    try process.run()
    stdin.fileHandleForWriting.write(Data(input.utf8))
    try stdin.fileHandleForWriting.close()
    let data = stdout.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
}

// MARK: - Fuzzing

@Suite struct JSONFuzzTests {
    private static let seeds: [String] = [
        #"{"id": 123456, "name": "Alice Johnson", "email": "alice123456@university.edu", "gpa": 3.85, "active": true, "enrolled": "2024-09-01T10:00:00"}"#,
        #"{"a":[1,-2.5e-3,true,false,null,{"b":"c\"d\\e\u00e9\uD83D\uDE00"}],"n":NaN,"i":Infinity,"m":-Infinity}"#,
        #"[0, -0, 1e10, 1E-10, 0.5, 12345678901234567890, "é€😀", "\n\t\r\b\f\/", [], {}]"#,
        #"  {"nested": {"deeper": [[[{"x": "y"}]]]}, "": ""}  "#,
        #""just a string with \u2028 and \"quotes\"""#,
        "{\"k\u{e9}y\": \"v\u{1F600}lue\", \"n\": -9223372036854775808}\r\n",
        "\u{FEFF}[1, 2, 3]",
        JSONWriter.encode(sampleValue),
    ]

    private static let interestingBytes: [UInt8] = Array(#""\{}[],:0-+.eEuDd8 tnfNI/"#.utf8)
        + [0x00, 0x0A, 0x0D, 0x1F, 0x7F, 0x80, 0xBF, 0xC3, 0xE2, 0xED, 0xEF, 0xF0, 0xF4, 0xFF]

    @Test func mutatedDocumentsNeverTrapAndRoundTrip() throws {
        var rng = SplitMix64(state: 0x5EED_1234)
        var successes = 0
        let seeds = Self.seeds.map { Array($0.utf8) }
        for iteration in 0..<5_000 {
            var input = seeds[iteration % seeds.count]
            for _ in 0..<Int.random(in: 1...3, using: &rng) {
                let byte = Bool.random(using: &rng)
                    ? Self.interestingBytes.randomElement(using: &rng)!
                    : UInt8.random(in: 0...255, using: &rng)
                switch Int.random(in: 0..<5, using: &rng) {
                case 0 where !input.isEmpty:
                    input[Int.random(in: 0..<input.count, using: &rng)] = byte
                case 1:
                    input.insert(byte, at: Int.random(in: 0...input.count, using: &rng))
                case 2 where !input.isEmpty:
                    input.remove(at: Int.random(in: 0..<input.count, using: &rng))
                case 3 where !input.isEmpty:
                    input.removeLast(Int.random(in: 0...input.count, using: &rng))
                case 4 where !input.isEmpty:
                    let start = Int.random(in: 0..<input.count, using: &rng)
                    let end = Int.random(in: start...min(input.count, start + 16), using: &rng)
                    input.insert(contentsOf: input[start..<end], at: Int.random(in: 0...input.count, using: &rng))
                default:
                    input.append(byte)
                }
            }
            try check(input, &successes)
        }
        // The mutations are mild enough that a fair share still parses.
        #expect(successes > 500)
    }

    private func check(_ input: [UInt8], _ successes: inout Int) throws {
        let description = String(decoding: input, as: UTF8.self).debugDescription
        var startsWithBrace = false
        if let first = input.dropFirst(input.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0)
            .first(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) })
        {
            startsWithBrace = first == UInt8(ascii: "{")
        }
        let memberResult = Result { () throws(JSONParseError) in try members(input) }
        do {
            let value = try JSONParser.parse(input)
            successes += 1
            let text = JSONWriter.encode(value)
            #expect(!text.utf8.contains(0x0A) && !text.utf8.contains(0x0D), "\(description)")
            let again = try JSONParser.parse(text)
            #expect(same(again, value), "\(description) -> \(text)")
            #expect(same(try JSONParser.parse(JSONWriter.encodePretty(value)), value), "\(description)")
            // parseObjectMembers agrees with parse.
            if case .object(let object) = value {
                var rebuilt = JSONObject()
                for (key, member) in try memberResult.get() { rebuilt[key] = member }
                #expect(same(.object(rebuilt), .object(object)), "\(description)")
            } else {
                #expect(throws: JSONParseError.self, "\(description)") { try memberResult.get() }
            }
        } catch {
            #expect(error.offset >= 0 && error.offset <= input.count, "\(description): \(error)")
            #expect(!error.message.isEmpty)
            if startsWithBrace {
                #expect(throws: error, "\(description)") { try memberResult.get() }
            } else {
                #expect(throws: JSONParseError.self, "\(description)") { try memberResult.get() }
            }
        }
    }

    @Test func randomBytesNeverTrap() throws {
        var rng = SplitMix64(state: 42)
        var successes = 0
        for _ in 0..<2_000 {
            let count = Int.random(in: 0...12, using: &rng)
            let input = (0..<count).map { _ in
                Bool.random(using: &rng)
                    ? Self.interestingBytes.randomElement(using: &rng)!
                    : UInt8.random(in: 0...255, using: &rng)
            }
            try check(input, &successes)
        }
    }
}
