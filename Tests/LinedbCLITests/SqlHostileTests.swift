import Foundation
import Testing

@testable import LineDB

/// The hostile values of the hostile-input generator: its "str" cases (``HostileText``, the copy the tests carry)
/// and its "json" cases (deep nesting, extreme numbers), as (name, kind, text).
private func hostileCases(_ dir: Scratch) throws -> [(name: String, kind: String, text: String)] {
    var cases = HostileText.cases.map { (name: $0.name, kind: "str", text: $0.text) }
    for depth in [1, 64, 255, 256, 257, 500, 1000] {
        cases.append(("array-depth-\(depth)", "json", String(repeating: "[", count: depth) + "0" + String(repeating: "]", count: depth)))
        cases.append(("object-depth-\(depth)", "json", String(repeating: #"{"k":"#, count: depth) + "0" + String(repeating: "}", count: depth)))
    }
    for (name, text) in [
        ("int64-max", "9223372036854775807"), ("int64-min", "-9223372036854775808"), ("beyond-int64", "9223372036854775808"),
        ("beyond-uint64", "18446744073709551616"), ("tiny-float", "5e-324"), ("max-float", "1.7976931348623157e308"),
        ("negative-zero", "-0.0"), ("many-digits", "0.1000000000000000055511151231257827"), ("empty-object", "{}"),
        ("empty-array", "[]"), ("hostile-object", #"{"a\u0000b":"\u001b[2J","\u00e9":1,"e\u0301":2,"":[null,true]}"#),
    ] {
        cases.append((name, "json", text))
    }
    return cases
}

@Suite("linedb sql: hostile names and values")
struct SqlHostileTests {
    @Test("tables and columns whose names need quoting are read and written through quoted names")
    func quotedNames() throws {
        let dir = Scratch()
        do {
            let db = try Database(path: dir.db)
            try db.createTable(TableSchema("dep-delay", columns: [
                Column("id", .int, primaryKey: true), Column("dep delay", .int), Column("a\"b", .str),
                Column("\u{E9}t\u{E9}", .float), Column("select", .str), Column("e\u{301}", .str),
            ]))
            try db.insert("dep-delay", ["dep delay": 5, "a\"b": "x", "\u{E9}t\u{E9}": 1.5, "select": "from", "e\u{301}": "nfd"])
            try db.insert("dep-delay", ["dep delay": -3, "a\"b": "y", "select": "where", "e\u{301}": .null])
            try db.close()
        }
        let read = expectOK(try CLI.run([
            "sql", dir.db,
            #"SELECT "dep delay", "a""b", "été", "select", "e\#u{301}" FROM "dep-delay" WHERE "select" = 'from'"#,
            "--format", "csv",
        ]))
        #expect(read.lines == [#"dep delay,"a""b",été,select,e\#u{301}"#, "5,x,1.5,from,nfd"])
        let header = try #require(read.lines.first)
        #expect(header.unicodeScalars.contains("\u{301}"), "the NFD column name keeps its form")
        expectOK(try CLI.run(["sql", dir.db, #"UPDATE "dep-delay" SET "a""b" = "select" || '!' WHERE "dep delay" < 0"#]))
        let db = try Database(path: dir.db, options: DatabaseOptions(syncMode: .full, readOnly: true))
        #expect(try db.get("dep-delay", key: 2)?["a\"b"] == "where!")
    }

    @Test("two tables whose names differ only in case: the one SQL cannot see is named in a clear warning")
    func namesDifferingInCase() throws {
        let dir = Scratch()
        do {
            let db = try Database(path: dir.db)
            try db.createTable(TableSchema("Flights", columns: [Column("id", .int, primaryKey: true)]))
            try db.createTable(TableSchema("flights", columns: [Column("id", .int, primaryKey: true)]))
            try db.insert("Flights", records: [[:], [:]])
            try db.insert("flights", [:])
            try db.close()
        }
        let r = expectOK(try CLI.run(["sql", dir.db, "SELECT count(*) FROM flights", "--format", "csv"]))
        #expect(r.lines == ["count(*)", "2"], "SQL's flights is the table Flights")
        let warnings = r.stderr.split(separator: "\n").filter { $0.contains("warning") }
        #expect(warnings.count == 1, "\(r.stderr)")
        #expect(warnings.first?.contains("table 'flights' is not visible to SQL") == true, "\(r.stderr)")
        #expect(warnings.first?.contains("'Flights'") == true && warnings.first?.contains("case") == true, "\(r.stderr)")
    }

    @Test("control characters in values are escaped in table output; every hostile value in csv/json stays parseable")
    func controlCharactersInTableOutput() throws {
        let dir = Scratch()
        let cases = try hostileCases(dir).filter { $0.kind == "str" && $0.text.utf8.count < 20_000 }
        do {
            let db = try Database(path: dir.db)
            try db.createTable(TableSchema("h", columns: [
                Column("id", .int, primaryKey: true), Column("name", .str), Column("v", .str),
            ]))
            try db.insert("h", records: cases.map { ["name": .string($0.name), "v": .string($0.text)] })
            try db.close()
        }
        let table = expectOK(try CLI.run(["sql", dir.db, "SELECT name, v FROM h ORDER BY id"]))
        for byte: UInt8 in [0x00, 0x07, 0x1B, 0x7F] {
            #expect(!table.stdoutBytes.contains(byte), "raw byte \(byte) in table output")
        }
        #expect(!table.stdout.unicodeScalars.contains { (0x80...0x9F).contains($0.value) || $0 == "\u{202E}" })
        #expect(table.lines.count == cases.count + 2, "one line per value: newlines are escaped")
        let jsonl = expectOK(try CLI.run(["sql", dir.db, "SELECT name, v FROM h ORDER BY id", "--format", "jsonl"]))
        let values = try jsonl.lines.map { try #require((try foundationJSON($0) as? [String: Any])?["v"] as? String) }
        #expect(values.count == cases.count)
        for (value, c) in zip(values, cases) {
            #expect(Array(value.unicodeScalars) == Array(c.text.unicodeScalars), "\(c.name)")
        }
    }

    @Test("hostile values go through INSERT ... SELECT and UPDATE unchanged, byte for byte")
    func hostileValuesRoundTrip() throws {
        let dir = Scratch()
        let cases = try hostileCases(dir)
        var expectedText: [String: String] = [:]
        var expectedJSON: [String: JSONValue] = [:]
        do {
            let db = try Database(path: dir.db, options: DatabaseOptions(syncMode: .off))
            for table in ["h", "h2"] {
                try db.createTable(TableSchema(table, columns: [
                    Column("id", .int, primaryKey: true), Column("name", .str), Column("v", .str), Column("j", .json),
                ]))
            }
            for c in cases where c.kind != "raw" {
                var record: Record = ["name": .string(c.name)]
                if c.kind == "str" {
                    record["v"] = .string(c.text)
                } else {
                    guard let value = try? JSONParser.parse(c.text) else { continue }  // deeper than LineDB takes
                    record["j"] = value
                }
                guard (try? db.insert("h", record)) != nil else { continue }  // refused by the engine: not ours
                if c.kind == "str" { expectedText[c.name] = c.text } else { expectedJSON[c.name] = record["j"] }
            }
            try db.save()
            try db.close()
        }
        #expect(expectedText.count >= 30 && expectedJSON.count >= 10)
        let r = try CLI.run(["sql", dir.db], stdin: """
            INSERT INTO h2 (name, v, j) SELECT name, v, j FROM h;
            UPDATE h SET name = name || '!', v = v, j = j;
            UPDATE h2 SET v = (SELECT v FROM h WHERE h.id = h2.id), j = (SELECT j FROM h WHERE h.id = h2.id) || '';
            """)
        #expect(r.status == 0, "\(r)")
        let db = try Database(path: dir.db, options: DatabaseOptions(syncMode: .full, readOnly: true))
        for table in ["h", "h2"] {
            let rows = try db.select(table)
            #expect(rows.count == expectedText.count + expectedJSON.count, "\(table)")
            for row in rows {
                guard case .string(var name)? = row["name"] else {
                    Issue.record("\(table): no name in \(row)")
                    continue
                }
                if table == "h" { name = String(name.dropLast()) }
                if let text = expectedText[name] {
                    guard case .string(let v)? = row["v"] else {
                        Issue.record("\(table) \(name): v is \(String(describing: row["v"]))")
                        continue
                    }
                    #expect(Array(v.utf8) == Array(text.utf8), "\(table) \(name)")
                } else if let json = expectedJSON[name] {
                    #expect(row["j"] == json, "\(table) \(name)")
                    if let j = row["j"] {
                        #expect(JSONWriter.encode(j) == JSONWriter.encode(json), "\(table) \(name)")
                    }
                } else {
                    Issue.record("\(table): unexpected row \(name)")
                }
            }
        }
    }
}
