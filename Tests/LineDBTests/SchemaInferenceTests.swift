import Foundation
import Testing
@testable import LineDB

/// ColumnTypeInference, SchemaInference's name rules, and the CSV byte reader they run on.
@Suite("Schema inference")
struct SchemaInferenceTests {
    private func inferred(_ texts: [String]) -> ColumnTypeInference {
        var inference = ColumnTypeInference()
        for text in texts { inference.add(text: text) }
        return inference
    }

    @Test("text: int, float, bool, str, and what widens what")
    func textTypes() {
        #expect(inferred(["1", "-12", "+7", "007", " 42 "]).type == .int)
        #expect(inferred(["1", "2.5"]).type == .float)
        #expect(inferred(["1e5", ".5", "-3.", "2E-3"]).type == .float)
        #expect(inferred(["true", "FALSE", "True"]).type == .bool)
        #expect(inferred(["true", "1"]).type == .str)  // a Boolean and a number: text
        #expect(inferred(["1", "x"]).type == .str)
        #expect(inferred(["1", "null"]).type == .str)  // the word null is text unless --null null
        #expect(inferred(["1", "1e999"]).type == .str)  // not a finite float
        #expect(inferred(["0x10"]).type == .str)
        #expect(inferred(["1e", "+", ".", "-"]).type == .str)
        #expect(inferred(["2013-01-01"]).type == .str)
    }

    @Test("empty and blank texts are null; a column with no value is str")
    func nulls() {
        #expect(inferred(["", "3", "  "]).type == .int)
        let empty = inferred(["", ""])
        #expect(empty.type == .str)
        #expect(!empty.sawValue)
        #expect(inferred([]).type == .str)
    }

    @Test("an integer beyond 64 bits makes the column str and is remembered for the note")
    func bigIntegers() {
        let max = inferred(["9223372036854775807", "-9223372036854775808"])
        #expect(max.type == .int)
        #expect(max.bigInteger == nil)
        let big = inferred(["1", "9223372036854775808", "2.5"])
        #expect(big.type == .str)
        #expect(big.bigInteger == "9223372036854775808")
        #expect(inferred(["-9223372036854775809"]).type == .str)
        #expect(inferred(["123456789012345678901234567890"]).bigInteger == "123456789012345678901234567890")
    }

    @Test("JSON values: nested is json, a mix of kinds is json, int and double are float")
    func jsonValues() {
        func infer(_ values: [JSONValue]) -> ColumnType {
            var inference = ColumnTypeInference()
            for value in values { inference.add(value) }
            return inference.type
        }
        #expect(infer([.int(1), .null, .int(2)]) == .int)
        #expect(infer([.int(1), .double(2.5)]) == .float)
        #expect(infer([.bool(true), .bool(false)]) == .bool)
        #expect(infer([.string("12"), .string("x")]) == .str)  // a JSON string is text whatever it holds
        #expect(infer([.array([1, 2]), .object(["a": 1])]) == .json)
        #expect(infer([.int(1), .string("x")]) == .json)
        #expect(infer([.bool(true), .int(1)]) == .json)
        #expect(infer([.null]) == .str)
    }

    /// The invariant the importer relies on: whatever the inference accepts as int, float or bool, the one text
    /// parser reads as that type (so converting an inferred column never fails).
    @Test("the classification agrees with ColumnType.value(fromText:) on random texts")
    func agreesWithTheTextParser() throws {
        var random = SplitMix64(seed: 42)
        let alphabet = Array("0123456789+-.eE tTrRuUfFaAlLsS\t9x".unicodeScalars)
        var checked = [ColumnType: Int]()
        for _ in 0..<40_000 {
            let length = Int(random.next() % 8)
            var text = ""
            for _ in 0..<length { text.unicodeScalars.append(alphabet[Int(random.next() % UInt64(alphabet.count))]) }
            var inference = ColumnTypeInference()
            inference.add(text: text)
            guard inference.sawValue else {
                #expect(try ColumnType.int.value(fromText: text) == .null, "\(text.debugDescription) is null")
                continue
            }
            let type = inference.type
            checked[type, default: 0] += 1
            switch type {
            case .int:
                #expect(try ColumnType.int.value(fromText: text) == .int(Int(text.trimmingCharacters(in: .whitespaces))!))
            case .float:
                let value = try ColumnType.float.value(fromText: text)
                #expect(value.doubleValue != nil, "\(text.debugDescription)")
            case .bool:
                let value = try ColumnType.bool.value(fromText: text)
                #expect(value == .bool(text.trimmingCharacters(in: .whitespaces).lowercased() == "true"))
            default:
                #expect(type == .str)
            }
        }
        #expect(checked[.int, default: 0] > 100 && checked[.float, default: 0] > 100 && checked[.str, default: 0] > 100)
    }

    @Test("plain integers read from bytes agree with Int(_:)")
    func plainIntegers() {
        var random = SplitMix64(seed: 7)
        var texts = ["0", "-0", "+0", "9223372036854775807", "-9223372036854775808", "9223372036854775808",
                     "-9223372036854775809", "+", "-", "", "12a", "00000000000000000000001"]
        for _ in 0..<5_000 {
            let n = Int(bitPattern: UInt(random.next())) >> Int(random.next() % 64)
            texts.append(String(n))
            texts.append("+" + String(n.magnitude))
        }
        for text in texts {
            let bytes = Array(text.utf8)
            let fast = bytes.withUnsafeBufferPointer { ColumnType.plainInteger($0) }
            if let fast { #expect(fast == Int(text), "\(text)") }
            if text.count <= 20, Int(text) != nil, !text.isEmpty { #expect(fast == Int(text), "\(text)") }
        }
    }

    @Test("value(fromUTF8:) reads every text as value(fromText:) does, in every type")
    func utf8ReaderAgrees() {
        var random = SplitMix64(seed: 99)
        let alphabet = Array("0123456789+-.eE tTrRuUfFaAlLsS\u{0}\u{5}\u{14}[]{}\"nN".unicodeScalars)
        var texts = ["true", "TRUE", "False", "fAlSe", "t", "yes", "1", "0", " true", "tru\u{5}", "9223372036854775808",
                     "-0", "+5", "2.5", "", "null", "\"x\"", "[1]"]
        for _ in 0..<20_000 {
            var text = ""
            for _ in 0..<Int(random.next() % 7) {
                text.unicodeScalars.append(alphabet[Int(random.next() % UInt64(alphabet.count))])
            }
            texts.append(text)
        }
        // Decimals of every shape the fast path takes, and just beyond it (16 digits).
        for _ in 0..<20_000 {
            let digits = String(random.next() % 10_000_000_000_000_000)
            let point = Int(random.next() % UInt64(digits.count + 1))
            let sign = ["", "-", "+"][Int(random.next() % 3)]
            texts.append(sign + String(digits.prefix(point)) + "." + String(digits.dropFirst(point)))
        }
        texts += ["0.1", "0.3", "-0.0", ".5", "5.", ".", "-.", "1.7976931348623157", "123456789012345.6"]
        for type in ColumnType.allCases {
            for text in texts {
                let slow = Result { () throws(ValueTextError) in try type.value(fromText: text) }
                var copy = text
                let fast = copy.withUTF8 { b in Result { () throws(ValueTextError) in try type.value(fromUTF8: b) } }
                #expect(fast == slow, "\(type) \(text.debugDescription)")
                if type == .float, case .success(.double(let a)) = fast, case .success(.double(let b)) = slow {
                    #expect(a.bitPattern == b.bitPattern, "\(text.debugDescription)")  // -0.0 too
                }
            }
        }
    }

    @Test("column names LineDB cannot take are all listed at once")
    func nameProblems() {
        let kelvin = "\u{212A}"
        let problems = SchemaInference.columnNameProblems(["a", "", "a", "b\u{1B}", "K", kelvin, "ok", "a"])
        #expect(problems.count == 4, "\(problems)")
        #expect(problems.contains("column 2 has no name"))
        #expect(problems.contains("'a' names columns 1 and 3 and 8"))
        #expect(problems.contains { $0.hasPrefix("column 4 'b\\u{1B}' holds a control character") })
        #expect(problems.contains { $0.contains("U+212A") && $0.contains("differ only in their Unicode form") })
        #expect(SchemaInference.columnNameProblems(["id", "name", "dep-delay", "été"]).isEmpty)
        #expect(SchemaInference.columnNameProblems(["a\u{202E}b"]).first?.contains("bidirectional") == true)
    }

    @Test("the automatic key's name does not clash")
    func automaticKey() {
        #expect(SchemaInference.automaticKeyName(avoiding: ["name"]) == "id")
        #expect(SchemaInference.automaticKeyName(avoiding: ["id", "name"]) == "_id")
        #expect(SchemaInference.automaticKeyName(avoiding: ["id", "_id", "id_1"]) == "id_2")
    }

    /// The one CSV reader on awkward text: fields, lines and quoting as RFC 4180 has them (written out by hand).
    @Test("CSVCodec.read splits awkward CSV into the fields, lines and quoting RFC 4180 gives")
    func awkwardCSV() throws {
        typealias Expected = (header: [String], rows: [(line: Int, fields: [String], quoted: [Bool])])
        let cases: [(String, Expected)] = [
            ("a,b\n1,2\n", (["a", "b"], [(2, ["1", "2"], [false, false])])),
            ("a,b\r\n1,\"x\r\ny\"\r\n\r\n3,\"say \"\"hi\"\"\"\r\n",
             (["a", "b"], [(2, ["1", "x\r\ny"], [false, true]), (5, ["3", "say \"hi\""], [false, true])])),
            ("a,b,c\n,,\n\"\",\"\",\"\"\n1,2,",
             (["a", "b", "c"], [(2, ["", "", ""], [false, false, false]), (3, ["", "", ""], [true, true, true]),
                               (4, ["1", "2", ""], [false, false, false])])),
            ("h\n\"multi\nline\nfield\"\nplain\n\n\nlast",
             (["h"], [(2, ["multi\nline\nfield"], [true]), (5, ["plain"], [false]), (8, ["last"], [false])])),
            ("a\rb\rc\r", (["a"], [(2, ["b"], [false]), (3, ["c"], [false])])),
            ("x,y\n\"a,b\",c\"d\n", (["x", "y"], [(2, ["a,b", "c\"d"], [true, false])])),
        ]
        for (text, expected) in cases {
            let got = try CSVCodec.read(utf8: Array(text.utf8))
            #expect(got.header == expected.header, "\(text.debugDescription)")
            #expect(got.rows.map(\.fields) == expected.rows.map(\.fields), "\(text.debugDescription)")
            #expect(got.rows.map(\.line) == expected.rows.map(\.line), "\(text.debugDescription)")
            #expect(got.rows.map(\.quoted) == expected.rows.map(\.quoted), "\(text.debugDescription)")
        }
    }

    @Test("the byte reader refuses broken quoting, naming the line")
    func byteReaderErrors() {
        for (text, line, words) in [
            ("a\n\"open\nstill open", 2, "never closed"), ("a\n1\n\"x\"y\n", 3, "after a closing quote"),
        ] {
            let bytes = Array(text.utf8)
            do {
                try bytes.withUnsafeBufferPointer { (b) throws(CSVCodec.ReadError) in
                    try CSVCodec.forEachRecord(b) { _, _ in true }
                }
                Issue.record("\(text.debugDescription) was accepted")
            } catch {
                #expect(error.line == line)
                #expect(error.message.contains(words))
            }
        }
    }

    @Test("one rule for a CSV field: null texts only unquoted, str as written, others by value(fromText:)")
    func fieldRule() {
        let na = CSVCodec.NullTexts(["NA"])
        func value(_ text: String, quoted: Bool = false, _ type: ColumnType, _ nulls: CSVCodec.NullTexts) -> JSONValue? {
            try? CSVCodec.value(of: text, quoted: quoted, type: type, nullTexts: nulls).get()
        }
        #expect(value("NA", .int, na) == .null)
        #expect(value("NA", quoted: true, .str, na) == .string("NA"))
        #expect(value("", .str, na) == .string(""))
        #expect(value("", .str, CSVCodec.NullTexts([""])) == .null)
        #expect(value("", .int, na) == .null)
        #expect(value("", quoted: true, .float, na) == .null)
        #expect(value("null", .str, na) == .string("null"))
        // LineDB's own export convention (the default of import into an existing table).
        #expect(value("", .str, CSVCodec.exportNullTexts) == .null)
        #expect(value("null", .str, CSVCodec.exportNullTexts) == .null)
        #expect(value("", quoted: true, .str, CSVCodec.exportNullTexts) == .string(""))
        #expect(value(" 12 ", .int, na) == .int(12))
        #expect(value("x", .int, na) == nil)
    }
}
