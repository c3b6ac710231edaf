import Foundation
import Testing
@testable import LineDB

/// The one parser from text to a column's value (`ColumnType.value(fromText:)`), its inverse (`text(for:)`), and
/// CSV that tells the empty string from null: export then import gives back exactly the same records.
@Suite("value text: one parser, exact round trips")
struct ValueTextTests {
    /// Hostile and ordinary text (after the "str" cases of a hostile-input generator).
    static let texts: [String] = [
        "", " ", "null", "NULL", "NA", "a \"b\", c\nd", "a\r\nb", "\r", "\n", "a\tb", "a\u{0}b", "\u{1B}[2J\u{1B}[H",
        "\u{1B}]0;pwned\u{7}", "\u{9B}31m red", "a\u{7F}b", "abc\u{202E}dcba\u{202C}", "\u{2066}x\u{2069}",
        "\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}", "e" + String(repeating: "\u{301}", count: 50), "\u{E9}",
        "e\u{301}", "K", "\u{212A}", "漢字かなカナ한글", "\u{1F1EF}\u{1F1F5}", "\\ud800", "\u{FFFF}", "\u{FFFD}",
        String(repeating: "ab漢\u{301}\u{1F600}", count: 300), "  padded  ", "00123", "true", "3.5", "\"quoted\"",
        "\"null\"", "\"\"", "\"", "\"a\"b\"", "'single'", ",", "\"\",\"\"", "O'Brien'); DROP TABLE t; --",
        "../../etc/passwd", "%s%n%x", "{\"a\": 1}", "[1, 2]",
    ]

    /// Bytes of a value as the engine writes it: equal bytes, equal values (never canonical equivalence).
    private func bytes(_ value: JSONValue) -> [UInt8] { Array(JSONWriter.encode(value).utf8) }

    @Test("the rules: null spellings, str literals, bool words, numbers, dates and json")
    func rules() throws {
        let accepted: [(ColumnType, String, JSONValue)] = [
            (.str, "", .null), (.str, "null", .null), (.str, "\"null\"", "null"), (.str, "\"\"", ""),
            (.str, " null ", " null "), (.str, "NULL", "NULL"), (.str, "  padded ", "  padded "),
            (.str, "\"a\\u001bb\"", "a\u{1B}b"), (.str, "\"a\"b\"", "\"a\"b\""), (.str, "yes", "yes"),
            (.int, "", .null), (.int, " null ", .null), (.int, "42", 42), (.int, " -7 ", -7), (.int, "+7", 7),
            (.int, "007", 7), (.int, "9223372036854775807", .int(Int.max)),
            (.float, "3", 3.0), (.float, "-2.5", -2.5), (.float, ".5", 0.5), (.float, "1e-3", 0.001),
            (.float, " 1.5E+2 ", 150.0), (.float, "null", .null),
            (.bool, "true", true), (.bool, "FALSE", false), (.bool, "t", true), (.bool, "f", false),
            (.bool, "Yes", true), (.bool, "no", false), (.bool, "y", true), (.bool, "N", false), (.bool, "1", true),
            (.bool, "0", false), (.bool, " true ", true), (.bool, "", .null),
            (.date, "2026-01-22", "2026-01-22"), (.date, " 2024-02-29 ", "2024-02-29"),
            (.datetime, "2026-01-22T20:31:17.592172", "2026-01-22T20:31:17.592172"),
            (.json, "{\"a\": [1, \"x\"]}", ["a": [1, "x"]]), (.json, "\"text\"", "text"), (.json, "3", 3),
            (.json, "true", true), (.json, "null", .null), (.json, "", .null), (.json, "\"\"", ""),
        ]
        for (type, text, expected) in accepted {
            let value = try type.value(fromText: text)
            #expect(bytes(value) == bytes(expected), "\(type) \(text.debugDescription) gave \(value)")
        }
        let refused: [(ColumnType, String, String)] = [
            (.int, "3.5", "'3.5' is not an integer"), (.int, "1e3", "an integer"),
            (.int, "9223372036854775808", "an integer"), (.int, "abc", "'abc' is not an integer"),
            (.float, "abc", "'abc' is not a number"), (.float, "nan", "a number"), (.float, "inf", "a number"),
            (.float, "0x10", "a number"), (.float, "1e400", "out of range"), (.float, "Infinity", "a number"),
            (.bool, "maybe", "'maybe' is not true or false"), (.bool, "2", "true or false"),
            (.date, "2026-02-30", "'2026-02-30' is not ISO 8601 (e.g. 2026-01-22)"),
            (.datetime, "yesterday", "ISO 8601 (e.g. 2026-01-22T20:31:17)"),
            (.json, "{bad", "'{bad' is not valid JSON"), (.json, "plain text", "quote text as \"text\""),
            (.int, "\u{1B}]0;x\u{7}", #"'\u{1B}]0;x\u{7}' is not an integer"#),
        ]
        for (type, text, message) in refused {
            do {
                let value = try type.value(fromText: text)
                Issue.record("\(type) \(text.debugDescription) was read as \(value)")
            } catch {
                #expect(error.description.contains(message), "\(error.description)")
                #expect(error.type == type && error.text == text)
            }
        }
    }

    @Test("text(for:) is the inverse: every value reads back as itself, in every type")
    func inverse() throws {
        var values: [(ColumnType, JSONValue)] = [
            (.int, 0), (.int, -1), (.int, .int(Int.max)), (.int, .int(Int.min)), (.float, 3.0), (.float, -0.0),
            (.float, 1e-05), (.float, 1.7976931348623157e308), (.float, .double(.leastNonzeroMagnitude)), (.float, 0.1),
            (.bool, true), (.bool, false), (.date, "2026-01-22"), (.datetime, "2026-01-22T20:31:17.592172"),
            (.datetime, "2026-01-22 20:31"), (.json, ["a": [1, "x", nil]]), (.json, []), (.json, [:]),
            (.json, 1.5), (.json, true),
        ]
        for type in ColumnType.allCases { values.append((type, .null)) }
        for text in Self.texts {
            values.append((.str, .string(text)))
            values.append((.json, .string(text)))
        }
        for (type, value) in values {
            let text = type.text(for: value)
            let back = try type.value(fromText: text)
            #expect(bytes(back) == bytes(value), "\(type) \(value): text \(text.debugDescription) read back as \(back)")
        }
        // Plain text stays plain: only what would read back as something else is quoted.
        #expect(ColumnType.str.text(for: "Bob") == "Bob")
        #expect(ColumnType.str.text(for: "") == "\"\"")
        #expect(ColumnType.str.text(for: "null") == "\"null\"")
        #expect(ColumnType.json.text(for: "Bob") == "\"Bob\"")
    }

    private static let schema = try! TableSchema("every", columns: [
        Column("id", .int, primaryKey: true), Column("i", .int), Column("f", .float),
        Column("s", .str, nullable: false), Column("sn", .str), Column("b", .bool), Column("dt", .datetime),
        Column("d", .date), Column("j", .json),
    ])

    /// Records covering every type with "", null, whitespace, quotes, commas, line breaks, unicode and hostile text.
    private static var records: [Record] {
        var out: [Record] = []
        func add(_ r: Record) {
            var r = r
            r["id"] = .int(out.count + 1)
            out.append(r)
        }
        for text in texts {
            add(["s": .string(text), "sn": .string(text), "j": .string(text)])
        }
        add(["i": 0, "f": 3.0, "s": "", "sn": nil, "b": true, "dt": "2026-01-22T20:31:17.592172", "d": "2026-01-22",
             "j": nil])
        add(["i": .int(Int.max), "f": -0.0, "s": " ", "sn": "", "b": false, "dt": "2026-01-22 20:31",
             "d": "2024-02-29", "j": ["k": "v\n,\"", "n": [1, 2.5, nil, true]]])
        add(["i": .int(Int.min), "f": 1e-05, "s": "null", "sn": "null", "b": nil, "dt": nil, "d": nil, "j": []])
        add(["i": -1, "f": 1.7976931348623157e308, "s": "\"\"", "sn": "\"null\"", "j": [:]])
        add(["f": .double(.leastNonzeroMagnitude), "s": "x", "j": 1.5])
        add(["s": "y", "j": true])
        add(["s": "z", "j": 0])
        return out
    }

    /// Every record of a table as the engine writes it, by key.
    private func dump(_ db: Database) throws -> [[UInt8]] {
        try db.select("every").map { bytes(.object($0)) }
    }

    @Test("export then import of CSV, JSON and JSON Lines gives back exactly the same records, on every type",
          arguments: [ExportFormat.csv, .json, .jsonl])
    func roundTrip(format: ExportFormat) throws {
        let dir = TempDir()
        let source = try Database(path: dir.path + "/a")
        try source.createTable(Self.schema)
        try source.insert("every", records: Self.records)
        let file = dir.path + "/every.\(format.rawValue)"
        #expect(try source.export("every", to: file, format: format) == Self.records.count)
        let target = try Database(path: dir.path + "/b")
        try target.createTable(Self.schema)
        #expect(try target.importRecords(into: "every", from: file, format: format) == Self.records.count)
        let (a, b) = (try dump(source), try dump(target))
        #expect(a.count == b.count)
        for (x, y) in zip(a, b) where x != y {
            Issue.record("\(format): \(String(decoding: x, as: UTF8.self)) came back as \(String(decoding: y, as: UTF8.self))")
        }
        // And a second time, from the imported copy: the file itself is the same.
        let again = dir.path + "/again.\(format.rawValue)"
        try target.export("every", to: again, format: format)
        if format == .csv || format == .jsonl {
            #expect(try Data(contentsOf: URL(fileURLWithPath: file)) == Data(contentsOf: URL(fileURLWithPath: again)))
        }
    }

    @Test("CSV: null is an empty unquoted field, the empty string \"\"; a NOT NULL str column holding \"\" imports")
    func csvEmptyAndNull() throws {
        let dir = TempDir()
        let db = try Database(path: dir.path + "/a")
        try db.createTable(TableSchema("t", columns: [
            Column("id", .int, primaryKey: true), Column("s", .str, nullable: false), Column("n", .str),
        ]))
        try db.insert("t", records: [["id": 1, "s": "", "n": nil], ["id": 2, "s": "null", "n": ""],
                                     ["id": 3, "s": "x", "n": "null"]])
        let file = dir.path + "/t.csv"
        try db.export("t", to: file, format: .csv)
        #expect(try String(contentsOfFile: file, encoding: .utf8) == "id,s,n\n1,\"\",\n2,\"null\",\"\"\n3,x,\"null\"\n")
        // A hand-written file: unquoted null and empty are null, quoted ones are text.
        try Data("id,s,n\n4,\"\",null\n5,\"null\",\n6, a ,\"\"\n".utf8).write(to: URL(fileURLWithPath: dir.path + "/h.csv"))
        let other = try Database(path: dir.path + "/b")
        try other.createTable(db.schema(of: "t"))
        try other.importRecords(into: "t", from: dir.path + "/h.csv")
        #expect(try other.select("t").map { bytes(.object($0)) } == [
            #"{"id":4,"s":"","n":null}"#, #"{"id":5,"s":"null","n":null}"#, #"{"id":6,"s":" a ","n":""}"#,
        ].map { Array($0.utf8) })
    }

    @Test("fuzz: random text from a hostile alphabet reads back as itself and shows nothing hidden")
    func fuzz() throws {
        let alphabet: [Unicode.Scalar] = [
            "a", " ", "\t", "\n", "\r", "\"", ",", "\\", "n", "u", "l", "0", "-", "{", "}", "\u{0}", "\u{1B}", "\u{7}",
            "\u{7F}", "\u{85}", "\u{9B}", "\u{200E}", "\u{202E}", "\u{2066}", "\u{61C}", "\u{301}", "\u{212A}", "é",
            "漢", "\u{1F600}", "\u{FFFD}", "\u{2028}",
        ]
        var random = SplitMix64(seed: 12)
        var records: [Record] = []
        for i in 0..<2_000 {
            var text = String.UnicodeScalarView()
            for _ in 0..<Int(random.next() % 12) { text.append(alphabet[Int(random.next() % UInt64(alphabet.count))]) }
            let s = String(text)
            for type in [ColumnType.str, .json] {
                let back = try type.value(fromText: type.text(for: .string(s)))
                #expect(bytes(back) == bytes(.string(s)), "\(type) \(s.debugDescription)")
            }
            let shown = VisibleText.escaped(s)
            #expect(!shown.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value)
                || [0x61C, 0x200E, 0x200F].contains($0.value) || (0x202A...0x202E).contains($0.value)
                || (0x2066...0x2069).contains($0.value) }, "\(s.debugDescription) shows as \(shown.debugDescription)")
            records.append(["id": .int(i + 1), "s": .string(s), "sn": i % 3 == 0 ? .null : .string(s), "j": .string(s)])
        }
        // The same texts through a CSV file and back.
        let dir = TempDir()
        let source = try Database(path: dir.path + "/a")
        try source.createTable(Self.schema)
        try source.insert("every", records: records)
        try source.export("every", to: dir.path + "/f.csv", format: .csv)
        let target = try Database(path: dir.path + "/b")
        try target.createTable(Self.schema)
        try target.importRecords(into: "every", from: dir.path + "/f.csv")
        #expect(try dump(source) == dump(target))
    }
}
