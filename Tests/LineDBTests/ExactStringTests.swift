import Foundation
import Testing
@testable import LineDB

/// Issue 12 item 3: strings are compared by their exact Unicode scalars, as the seed's Python and SQLite compare
/// them, never by Swift's canonical equivalence. `K` (U+004B) and the Kelvin sign `K` (U+212A), or `é` as U+00E9
/// (NFC) and as `e` + U+0301 (NFD), are two table names, two keys, two UNIQUE values.
@Suite("Exact string comparison")
struct ExactStringTests {
    static let latinK = "K"
    static let kelvin = "\u{212A}"
    static let nfc = "caf\u{E9}"
    static let nfd = "cafe\u{301}"
    /// Ω as U+03A9 GREEK CAPITAL LETTER OMEGA and as U+2126 OHM SIGN: both valid table names (an NFD name, with its
    /// combining mark, is not one).
    static let omega = "\u{3A9}"
    static let ohm = "\u{2126}"

    /// A schema file as the seed's Python writes it (`json.dump(indent=2)`, `ensure_ascii` escapes).
    static func seedSchema(_ table: String, columns: [(String, String, primary: Bool, unique: Bool)]) -> String {
        let body = columns.map { c in
            """
                \(jsonString(c.0)): {
                  "type": "\(c.1)",
                  "primary_key": \(c.primary),
                  "nullable": \(!c.primary),
                  "unique": \(c.unique)
                }
            """
        }.joined(separator: ",\n")
        return """
            {
              "table_name": \(jsonString(table)),
              "schema": {
            \(body)
              },
              "created_at": "2026-01-22T20:31:17.592172"
            }
            """
    }

    /// A JSON string with every non-ASCII scalar escaped, as Python's `json.dumps` writes it.
    static func jsonString(_ s: String) -> String {
        "\"" + s.unicodeScalars.map { $0.isASCII ? String($0) : String(format: "\\u%04x", $0.value) }.joined() + "\""
    }

    @Test("the two strings of each pair are equal to Swift but differ as JSONValues, hashes and names")
    func pairsDifferExactly() {
        #expect(Self.latinK == Self.kelvin && Self.nfc == Self.nfd)  // the premise: Swift takes them as equal
        for (a, b) in [(Self.latinK, Self.kelvin), (Self.nfc, Self.nfd)] {
            #expect(JSONValue.string(a) != JSONValue.string(b))
            #expect(Set([JSONValue.string(a), .string(b)]).count == 2)
            #expect(JSONValue.object([a: 1]) != JSONValue.object([b: 1]))
            #expect(JSONValue.string(a) == JSONValue.string(String(a.unicodeScalars)))
            #expect(ExactName(a) != ExactName(b) && Set([ExactName(a), ExactName(b)]).count == 2)
            #expect(JSONValue.compare(.string(a), .string(b)) == -JSONValue.compare(.string(b), .string(a)))
            #expect(JSONValue.compare(.string(a), .string(b)) != 0)
            #expect(UniqueIndex.tag(.string(a)) == UniqueIndex.tag(.string(String(a.unicodeScalars))))
        }
    }

    @Test("tables K and K (Kelvin sign) written by another program each keep their own records through open, insert and checkpoint")
    func kelvinAndLatinKTables() throws {
        let dir = TempDir()
        for (name, who) in [(Self.latinK, "latin"), (Self.kelvin, "kelvin")] {
            dir.write("db/schema/\(name).schema.json", Self.seedSchema(name, columns: [
                ("id", "int", primary: true, unique: false), ("who", "str", primary: false, unique: false),
            ]))
            dir.write("db/data/\(name).records", #"{"id": 1, "who": "\#(who)"}"# + "\n")
        }
        do {
            let db = try Database(path: dir.db)
            #expect(db.tableNames.count == 2)
            #expect(try db.get(Self.latinK, key: 1)?["who"] == "latin")
            #expect(try db.get(Self.kelvin, key: 1)?["who"] == "kelvin")
            #expect(try db.insert(Self.latinK, ["who": "latin 2"]) == 2)
            #expect(try db.insert(Self.kelvin, ["who": "kelvin 2"]) == 2)
            _ = try db.checkpoint()
            try db.close()
        }
        #expect(dir.lines("db/data/\(Self.latinK).records") == [
            #"{"id": 1, "who": "latin"}"#, #"{"id":2,"who":"latin 2"}"#,
        ])
        #expect(dir.lines("db/data/\(Self.kelvin).records") == [
            #"{"id": 1, "who": "kelvin"}"#, #"{"id":2,"who":"kelvin 2"}"#,
        ])
        let db = try Database(path: dir.db)
        #expect(try db.count(Self.latinK) == 2 && db.count(Self.kelvin) == 2)
        #expect(try db.get(Self.kelvin, key: 2)?["who"] == "kelvin 2")
        try db.close()
    }

    @Test("creating table K (Kelvin sign) next to K, and Ω (ohm sign) next to Ω (omega), succeeds; a second exact name is refused")
    func createTableNextToEquivalentName() throws {
        let dir = TempDir()
        do {
            let db = try Database(path: dir.db)
            for name in [Self.latinK, Self.kelvin, Self.omega, Self.ohm] {
                _ = try db.createTable(TableSchema(name, columns: [Column("id", .int, primaryKey: true)]))
                _ = try db.insert(name, [:])
            }
            #expect(throws: LineDBError.self) {
                _ = try db.createTable(TableSchema(Self.kelvin, columns: [Column("id", .int, primaryKey: true)]))
            }
            #expect(db.tableNames.count == 4)
            try db.close()
        }
        for name in [Self.latinK, Self.kelvin, Self.omega, Self.ohm] {
            #expect(dir.exists("db/schema/\(name).schema.json"))
        }
        let db = try Database(path: dir.db)
        #expect(db.tableNames.count == 4)
        for name in [Self.latinK, Self.kelvin, Self.omega, Self.ohm] { #expect(try db.count(name) == 1) }
        try db.close()
    }

    @Test("NFC and NFD primary keys in a records file open as two records; each is fetched, updated and deleted by its exact key")
    func nfcAndNfdPrimaryKeys() throws {
        let dir = TempDir()
        dir.write("db/schema/word.schema.json", Self.seedSchema("word", columns: [
            ("w", "str", primary: true, unique: false), ("n", "int", primary: false, unique: false),
        ]))
        dir.write("db/data/word.records",
            "{\"w\": \(Self.jsonString(Self.nfc)), \"n\": 1}\n{\"w\": \(Self.jsonString(Self.nfd)), \"n\": 2}\n")
        do {
            let db = try Database(path: dir.db)
            #expect(try db.count("word") == 2)
            #expect(try db.get("word", key: .string(Self.nfc))?["n"] == 1)
            #expect(try db.get("word", key: .string(Self.nfd))?["n"] == 2)
            #expect(try db.get("word", key: .string(Self.nfd))?["w"] == .string(Self.nfd))
            _ = try db.update("word", key: .string(Self.nfd), set: ["n": 20])
            #expect(try db.get("word", key: .string(Self.nfc))?["n"] == 1)
            _ = try db.delete("word", key: .string(Self.nfc))
            #expect(try db.get("word", key: .string(Self.nfc)) == nil)
            #expect(try db.get("word", key: .string(Self.nfd))?["n"] == 20)
            _ = try db.insert("word", ["w": .string(Self.nfc), "n": 10])
            #expect(throws: LineDBError.self) { _ = try db.insert("word", ["w": .string(Self.nfd), "n": 3]) }
            try db.close()  // reopen through the WAL
        }
        do {
            let db = try Database(path: dir.db)
            #expect(try db.get("word", key: .string(Self.nfc))?["n"] == 10)
            #expect(try db.get("word", key: .string(Self.nfd))?["n"] == 20)
            _ = try db.checkpoint()
            try db.close()
        }
        let db = try Database(path: dir.db)
        #expect(try db.count("word") == 2)
        #expect(try db.get("word", key: .string(Self.nfc))?["n"] == 10)
        #expect(try db.get("word", key: .string(Self.nfd))?["n"] == 20)
        try db.close()
    }

    @Test("a UNIQUE column holds NFC and NFD forms (from a file and by insert) and refuses only an exact duplicate")
    func uniqueNfcAndNfd() throws {
        let dir = TempDir()
        dir.write("db/schema/tag.schema.json", Self.seedSchema("tag", columns: [
            ("id", "int", primary: true, unique: false), ("label", "str", primary: false, unique: true),
        ]))
        dir.write("db/data/tag.records",
            "{\"id\": 1, \"label\": \(Self.jsonString(Self.nfc))}\n{\"id\": 2, \"label\": \(Self.jsonString(Self.nfd))}\n")
        do {
            let db = try Database(path: dir.db)
            #expect(try db.count("tag") == 2)
            _ = try db.insert("tag", ["label": .string(Self.latinK)])
            _ = try db.insert("tag", ["label": .string(Self.kelvin)])
            #expect(throws: LineDBError.self) { _ = try db.insert("tag", ["label": .string(Self.kelvin)]) }
            #expect(throws: LineDBError.self) { _ = try db.insert("tag", ["label": .string(Self.nfd)]) }
            _ = try db.update("tag", key: 1, set: ["label": "plain"])
            _ = try db.insert("tag", ["label": .string(Self.nfc)])  // free again
            try db.close()
        }
        let db = try Database(path: dir.db)
        #expect(try db.count("tag") == 5)
        try db.close()
    }

    @Test("a schema with columns K and K (Kelvin sign) is refused, naming both columns and the file")
    func equivalentColumnNamesRefused() throws {
        #expect {
            _ = try TableSchema("t", columns: [
                Column("id", .int, primaryKey: true), Column(Self.latinK, .str), Column(Self.kelvin, .str),
            ])
        } throws: { error in
            "\(error)".contains("U+004B") && "\(error)".contains("U+212A")
        }
        let dir = TempDir()
        dir.write("db/schema/t.schema.json", Self.seedSchema("t", columns: [
            ("id", "int", primary: true, unique: false), (Self.nfc, "str", primary: false, unique: false),
            (Self.nfd, "str", primary: false, unique: false),
        ]))
        #expect {
            _ = try Database(path: dir.db)
        } throws: { error in
            let text = "\(error)"
            return text.contains("t.schema.json") && text.contains(Self.nfc) && text.contains("U+0065 U+0301")
        }
    }

    @Test("a record field named K (Kelvin sign) in a table whose column is K is refused at open, naming file, line and both names, not read as the column")
    func fieldOnlyEquivalentToAColumnRefused() throws {
        let dir = TempDir()
        dir.write("db/schema/t.schema.json", Self.seedSchema("t", columns: [
            ("id", "int", primary: true, unique: false), (Self.latinK, "int", primary: false, unique: false),
        ]))
        dir.write("db/data/t.records", "{\"id\": 1, \"K\": 1}\n{\"id\": 2, \"K\": 1, \"\\u212a\": 2}\n")
        let before = dir.bytes("db/data/t.records")
        #expect {
            _ = try Database(path: dir.db)
        } throws: { error in
            let text = "\(error)"
            return text.contains("t.records:2") && text.contains("U+212A") && text.contains("U+004B")
        }
        #expect(dir.bytes("db/data/t.records") == before)
    }

    @Test("a json value whose object has keys K and K (Kelvin sign) is refused at open, naming the file and line, not merged into one key")
    func jsonObjectWithEquivalentKeysRefused() throws {
        let dir = TempDir()
        dir.write("db/schema/t.schema.json", Self.seedSchema("t", columns: [
            ("id", "int", primary: true, unique: false), ("doc", "json", primary: false, unique: false),
        ]))
        dir.write("db/data/t.records", "{\"id\": 1, \"doc\": {}}\n{\"id\": 2, \"doc\": {\"K\": 1, \"\\u212a\": 2}}\n")
        let before = dir.bytes("db/data/t.records")
        #expect {
            _ = try Database(path: dir.db)
        } throws: { error in
            let text = "\(error)"
            return text.contains("t.records") && text.contains(":2") && text.contains("U+212A")
        }
        #expect(dir.bytes("db/data/t.records") == before)
        #expect(throws: (any Error).self) { _ = try JSONParser.parse(#"{"a": {"K": 1, "\u212a": 2}}"#) }
        #expect(try JSONParser.parse(#"{"K": 1, "K": 2}"#) == ["K": 2])  // a true repeat: the last value, as Python
    }
}
