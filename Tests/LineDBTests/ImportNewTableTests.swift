import Foundation
import Testing
@testable import LineDB

/// `Database.importNewTable` / `inferTable` on real files in temporary directories.
@Suite("Import into a new table")
struct ImportNewTableTests {
    /// Every awkward CSV case in one file: BOM, CRLF, quotes, a line break inside a field, NA, empty fields,
    /// an integer beyond 64 bits, ints and floats mixed, Booleans.
    static let awkward = "\u{FEFF}code,name,count,ratio,flag,big,note\r\n"
        + "A1,\"Smith, \"\"Jo\"\"\",3,1,true,1,plain\r\n"
        + "B2,\"two\r\nlines\",NA,2.5,FALSE,99999999999999999999,\r\n"
        + "C3,,,NA,,7,\"\"\r\n"
        + "D4,NA,12,-3e2,True,-5,\"NA\"\r\n"

    private func write(_ dir: TempDir, _ name: String, _ text: String) -> String {
        dir.write(name, text)
        return dir.path + "/" + name
    }

    private func records(_ db: Database, _ table: String) throws -> [Record] { try db.select(table) }

    @Test("CSV: types from all values, nulls, quotes and line breaks, in one transaction")
    func awkwardCSV() throws {
        let dir = TempDir()
        let file = write(dir, "awkward.csv", Self.awkward)
        let db = try Database(path: dir.db)
        let made = try db.importNewTable("things", from: file, options: .init(key: "code", nullTexts: ["NA"]))
        let types = made.schema.columns.map { "\($0.name):\($0.type.rawValue)\($0.primaryKey ? ":pk" : "")" }
        #expect(types == ["code:str:pk", "name:str", "count:int", "ratio:float", "flag:bool", "big:str", "note:str"])
        #expect(made.recordCount == 4)
        #expect(made.automaticKey == nil)
        #expect(made.notes.contains { $0.contains("'big'") && $0.contains("99999999999999999999") })
        let rows = try records(db, "things")
        #expect(rows[0]["name"] == .string("Smith, \"Jo\""))
        #expect(rows[0]["ratio"] == .double(1))  // an int in a float column is stored as a float
        #expect(rows[1]["name"] == .string("two\r\nlines"))
        #expect(rows[1]["count"] == .null)  // NA
        #expect(rows[1]["big"] == .string("99999999999999999999"))  // exact digits
        #expect(rows[1]["note"] == .string(""))  // empty in a str column: ""
        #expect(rows[2]["name"] == .string(""))
        #expect(rows[2]["count"] == .null)  // empty in an int column: null
        #expect(rows[2]["flag"] == .null)
        #expect(rows[2]["note"] == .string(""))
        #expect(rows[3]["name"] == .null)  // NA unquoted
        #expect(rows[3]["note"] == .string("NA"))  // "NA" quoted is text
        #expect(rows[3]["ratio"] == .double(-300))
        #expect(rows[3]["flag"] == .bool(true))
        try db.close()
        // Durable and as typed after a reopen.
        let again = try Database(path: dir.db)
        #expect(try records(again, "things") == rows)
        #expect(try again.schema(of: "things") == made.schema)
    }

    /// The reader converts each field by its column's type so far; a column whose type changes later, or whose
    /// first fields were blank, is converted again by its final type.
    @Test("a column whose type changes late is converted again by its final type")
    func lateTypeChanges() throws {
        let dir = TempDir()
        let file = write(dir, "late.csv", "a,b,c,d,e\n1,,1,x,\n2,,2,,\n3.5,,x,,\n,5,,,hi\n")
        let db = try Database(path: dir.db)
        let made = try db.importNewTable("late", from: file)
        #expect(made.schema.columns.map(\.type) == [.int, .float, .int, .str, .str, .str])
        let rows = try records(db, "late")
        #expect(rows.map { $0["a"] } == [.double(1), .double(2), .double(3.5), .null])
        #expect(rows.map { $0["b"] } == [.null, .null, .null, .int(5)])
        #expect(rows.map { $0["c"] } == [.string("1"), .string("2"), .string("x"), .string("")])
        #expect(rows.map { $0["d"] } == [.string("x"), .string(""), .string(""), .string("")])
        #expect(rows.map { $0["e"] } == [.string(""), .string(""), .string(""), .string("hi")])
    }

    /// Random files against the plain definition: every column typed from all its values, then every field
    /// converted by the one CSV rule with that type (what the one-pass reader must equal).
    @Test("random CSV files import exactly as the two-pass definition says")
    func randomFilesAgreeWithTheDefinition() throws {
        var random = SplitMix64(seed: 2026)
        func pick<T>(_ items: [T]) -> T { items[Int(random.next() % UInt64(items.count))] }
        let pieces = ["1", "-7", "2.5", "1e3", "true", "False", "x", "", " ", "NA", "\"NA\"", "\"\"", "\"a,b\"",
                      "99999999999999999999", "null", "\"q\"\"q\"", "\"two\nlines\""]
        for round in 0..<40 {
            let dir = TempDir()
            let width = 1 + Int(random.next() % 5)
            var text = (0..<width).map { "c\($0)" }.joined(separator: ",") + "\n"
            let count = 1 + Int(random.next() % 30)
            // Each column draws mostly from a few pieces, so that types survive a while and then change.
            let palettes = (0..<width).map { _ in (0..<3).map { _ in pick(pieces) } }
            for _ in 0..<count {
                text += (0..<width).map { c in random.next() % 10 == 0 ? pick(pieces) : pick(palettes[c]) }
                    .joined(separator: ",") + "\n"
            }
            let file = write(dir, "r.csv", text)
            let nulls = round % 2 == 0 ? ["NA"] : ["NA", ""]
            let db = try Database(path: dir.db)
            let made = try db.importNewTable("r", from: file, options: .init(nullTexts: nulls))
            let got = try records(db, "r")
            // The definition.
            let table = try CSVCodec.read(utf8: Array(text.utf8))
            let nullTexts = CSVCodec.NullTexts(nulls)
            var inferences = Array(repeating: ColumnTypeInference(), count: width)
            for row in table.rows {
                for (c, field) in row.fields.enumerated() {
                    let quoted = row.quoted[c]
                    if !quoted && nulls.contains(field) { continue }
                    inferences[c].add(text: field)
                }
            }
            let types = inferences.map(\.type)
            #expect(made.schema.columns.dropFirst().map(\.type) == types, "\(text)")
            for (r, row) in table.rows.enumerated() {
                for (c, field) in row.fields.enumerated() {
                    let expected = try CSVCodec.value(
                        of: field, quoted: row.quoted[c], type: types[c], nullTexts: nullTexts).get()
                    #expect(got[r]["c\(c)"] == expected, "round \(round) row \(r) column \(c) of:\n\(text)")
                }
            }
        }
    }

    @Test("--null \"\" makes empty str fields null too")
    func emptyAsNull() throws {
        let dir = TempDir()
        let file = write(dir, "e.csv", "a,b\nx,1\n,2\n\"\",3\n")
        let db = try Database(path: dir.db)
        try db.importNewTable("t", from: file, options: .init(nullTexts: [""]))
        let rows = try records(db, "t")
        #expect(rows.map { $0["a"] } == [.string("x"), .null, .string("")])  // a quoted "" is never null
    }

    @Test("without --key an automatic integer key numbers the records, under a name that does not clash")
    func automaticKey() throws {
        let dir = TempDir()
        let db = try Database(path: dir.db)
        let plain = try db.importNewTable("p", from: write(dir, "p.csv", "name\nx\ny\n"))
        #expect(plain.automaticKey == "id")
        #expect(plain.schema.columns.map(\.name) == ["id", "name"])
        #expect(try records(db, "p").map { $0["id"] } == [.int(1), .int(2)])
        let clash = try db.importNewTable("q", from: write(dir, "q.csv", "id,_id,v\n7,a,1\n7,b,2\n"))
        #expect(clash.automaticKey == "id_1")
        #expect(try records(db, "q").map { $0["id_1"] } == [.int(1), .int(2)])
        #expect(try db.insert("q", ["v": 3]) == .int(3))  // the counter goes on after the file's records
    }

    @Test("a duplicate key is refused naming the value and both lines; nothing is written")
    func duplicateKey() throws {
        let dir = TempDir()
        let db = try Database(path: dir.db)
        try db.close()
        let file = write(dir, "dup.csv", "faa,name\nJFK,\"John F\nKennedy\"\nLGA,LaGuardia\nJFK,again\n")
        let before = dir.snapshot()
        let reopened = try Database(path: dir.db)
        do {
            try reopened.importNewTable("airports", from: file, options: .init(key: "faa"))
            Issue.record("a duplicate key was accepted")
        } catch {
            #expect(error.description.contains("holds \"JFK\""), "\(error)")
            #expect(error.description.contains("line 2 (record 1)") && error.description.contains("line 5 (record 3)"),
                    "\(error)")
        }
        try reopened.close()
        #expect(dir.snapshot() == before)
        #expect(try Database(path: dir.db).tableNames.isEmpty)
    }

    @Test("refusals leave the database byte-identical: bad names, a null key, a key of the wrong type, a taken name")
    func refusalsChangeNothing() throws {
        let dir = TempDir()
        let db = try Database(path: dir.db)
        try db.createTable(TableSchema("taken", columns: [Column("id", .int, primaryKey: true)]))
        try db.close()
        let cases: [(String, TableImportOptions, String, [String])] = [
            ("a,,a\n1,2,3\n", .init(), "t1", ["column 2 has no name", "'a' names columns 1 and 3", "--header"]),
            ("k,v\n1,x\n,y\n", .init(key: "k"), "t2", ["key column 'k' is empty", "f1.csv:3 (record 2)"]),
            ("k,v\n1.5,x\n", .init(key: "k"), "t3", ["holds float values"]),
            ("k,v\n1,x\n", .init(key: "nope"), "t4", ["--key 'nope' is not a column"]),
            ("k,v\n1,x\n2\n", .init(), "t5", ["f4.csv:3 (record 2)", "1 fields, but the header has 2"]),
            ("k,v\n1,\"x\n", .init(), "t6", ["never closed"]),
            ("k\n1\n", .init(), "taken", ["taken"]),
            ("a,b\n1,2\n", .init(header: ["x"]), "t7", ["--header gives 1 names but the file has 2 columns"]),
            ("", .init(), "t8", ["the file is empty; expected a header row"]),
            ("replaced below", .init(), "t9", ["not valid UTF-8 text (byte 2)"]),
        ]
        for (i, (text, options, table, words)) in cases.enumerated() {
            let file = write(dir, "f\(i).csv", text)
            if i == 9 {  // not UTF-8: a lone continuation byte
                try Data([0x61, 0x0A, 0x80, 0x0A]).write(to: URL(fileURLWithPath: file))
            }
            let before = dir.snapshot()
            let again = try Database(path: dir.db)
            do {
                try again.importNewTable(table, from: file, options: options)
                Issue.record("case \(i) was accepted")
            } catch {
                for word in words { #expect(error.description.contains(word), "case \(i): \(error)") }
            }
            try again.close()
            #expect(dir.snapshot() == before, "case \(i) changed files")
        }
    }

    @Test("a JSON file without any field makes no table")
    func noColumns() throws {
        let dir = TempDir()
        let db = try Database(path: dir.db)
        for (name, text) in [("e.json", "[]"), ("o.jsonl", "{}\n{}\n")] {
            #expect(throws: LineDBError.self) { try db.importNewTable("t", from: write(dir, name, text)) }
        }
        #expect(db.tableNames.isEmpty)
    }

    @Test("--header renames the columns and is checked the same way")
    func header() throws {
        let dir = TempDir()
        let file = write(dir, "h.csv", "a,,a\n1,2,3\n")
        let db = try Database(path: dir.db)
        let made = try db.importNewTable("t", from: file, options: .init(header: ["x", "y", "z"]))
        #expect(made.schema.columns.map(\.name) == ["id", "x", "y", "z"])
        #expect(try records(db, "t") == [["id": 1, "x": 1, "y": 2, "z": 3]])
        #expect(throws: LineDBError.self) {
            try db.importNewTable("u", from: file, options: .init(header: ["x", "x", "z"]))
        }
    }

    @Test("JSON Lines: nested values are json, mixed kinds json, missing keys null, NA texts null")
    func jsonLines() throws {
        let dir = TempDir()
        let file = write(dir, "r.jsonl", """
            {"name": "a", "tags": ["x"], "n": 1, "mixed": 1, "score": 1}
            {"name": "b", "tags": {"k": 2}, "n": null, "mixed": "one", "score": 2.5, "late": true}

            {"name": "NA", "tags": null, "n": 3, "mixed": [1], "score": "NA"}
            """)
        let db = try Database(path: dir.db)
        let made = try db.importNewTable("r", from: file, options: .init(nullTexts: ["NA"]))
        let types = made.schema.columns.map { "\($0.name):\($0.type.rawValue)" }
        #expect(types == ["id:int", "name:str", "tags:json", "n:int", "mixed:json", "score:float", "late:bool"])
        let rows = try records(db, "r")
        #expect(rows[0]["tags"] == .array(["x"]))
        #expect(rows[0]["score"] == .double(1))
        #expect(rows[1]["mixed"] == .string("one"))
        #expect(rows[0]["late"] == .null)
        #expect(rows[2]["name"] == .null)
        #expect(rows[2]["score"] == .null)
        #expect(rows[2]["mixed"] == .array([1]))
    }

    @Test("JSON: an array of objects and the seed's export object; a duplicate key names both records")
    func json() throws {
        let dir = TempDir()
        let db = try Database(path: dir.db)
        let array = write(dir, "a.json", #"[{"k": "x", "v": 1}, {"k": "y", "v": 2.0}]"#)
        let made = try db.importNewTable("a", from: array, options: .init(key: "k"))
        #expect(made.schema.columns.map(\.type) == [.str, .float])
        let dup = write(dir, "d.json", #"{"table": "d", "records": [{"k": 1}, {"k": 2}, {"k": 1}]}"#)
        do {
            try db.importNewTable("d", from: dup, options: .init(key: "k"))
            Issue.record("accepted")
        } catch {
            #expect(error.description.contains("record 1") && error.description.contains("record 3"), "\(error)")
        }
        #expect(db.tableNames == ["a"])
    }

    @Test("inferTable reads and checks everything and writes nothing")
    func dryRun() throws {
        let dir = TempDir()
        try Database(path: dir.db).close()
        let file = write(dir, "a.csv", Self.awkward)
        let before = dir.snapshot()
        let db = try Database(path: dir.db, options: DatabaseOptions(syncMode: .full, readOnly: true))
        let inferred = try db.inferTable("things", from: file, options: .init(nullTexts: ["NA"]))
        #expect(inferred.schema.columns.map(\.type) == [.int, .str, .str, .int, .float, .bool, .str, .str])
        #expect(inferred.recordCount == 4)
        #expect(dir.snapshot() == before)
    }

    /// The creation and the records are one WAL transaction: a crash before its COMMIT reached the disk leaves no
    /// table at all, though the CREATE_TABLE and INSERT lines are there.
    @Test("a reader following the WAL sees the new table with all its records, or nothing")
    func readerFollows() throws {
        let dir = TempDir()
        let writer = try Database(path: dir.db)
        let reader = try Database(path: dir.db, options: DatabaseOptions(syncMode: .full, readOnly: true))
        try writer.importNewTable("t", from: write(dir, "t.csv", "v,w\n1,a\n2,b\n3,c\n"), options: .init(key: "v"))
        try reader.refresh()
        #expect(reader.tableNames == ["t"])
        #expect(try reader.count("t") == 3)
        #expect(try reader.get("t", key: 2)?["w"] == .string("b"))
    }

    @Test("a crash before the COMMIT leaves no table")
    func crashBeforeCommit() throws {
        let dir = TempDir()
        let db = try Database(path: dir.db)
        try db.importNewTable("t", from: write(dir, "t.csv", "v\n1\n2\n3\n"))
        try db.close()
        var wal = dir.lines("db/wal/transaction.log")
        #expect(wal.count == 5)
        #expect(wal.first?.contains("\"CREATE_TABLE\"") == true && wal.first?.contains("\"txn\"") == true)
        #expect(wal.last?.contains("\"COMMIT\"") == true)
        // The state of a crash just before the COMMIT was written: no COMMIT, no schema or records file yet.
        wal.removeLast()
        dir.write("db/wal/transaction.log", wal.joined(separator: "\n") + "\n")
        try FileManager.default.removeItem(atPath: dir.db + "/schema/t.schema.json")
        try FileManager.default.removeItem(atPath: dir.db + "/data/t.records")
        let reopened = try Database(path: dir.db)
        #expect(reopened.tableNames.isEmpty)
        #expect(reopened.warnings.contains { $0.contains("without COMMIT") })
    }

    @Test("a big import passes the auto-checkpoint: the records file is written from the kept lines and reads back")
    func bigImportCheckpoints() throws {
        let dir = TempDir()
        var text = "n,label,x\n"
        for i in 0..<30_000 { text += "\(i),\"label \(i), with a comma\",\(Double(i) / 4)\n" }
        let file = write(dir, "big.csv", text)
        var options = DatabaseOptions()
        options.autoCheckpointBytes = 1 << 20
        let db = try Database(path: dir.db, options: options)
        try db.importNewTable("big", from: file, options: .init(key: "n"))
        #expect(db.unsavedTables.isEmpty)
        try db.close()
        #expect(dir.lines("db/data/big.records").count == 30_000)
        let again = try Database(path: dir.db)
        #expect(try again.get("big", key: 29_999)?["label"] == .string("label 29999, with a comma"))
        #expect(try again.get("big", key: 3)?["x"] == .double(0.75))
    }
}
