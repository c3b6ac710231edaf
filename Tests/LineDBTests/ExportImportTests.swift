import Testing
import Foundation
@testable import LineDB
import LineDBTestSupport

/// A table with one column of every type.
private let personSchema = try! TableSchema("person", columns: [
    Column("id", .int, primaryKey: true),
    Column("name", .str, nullable: false),
    Column("email", .str, unique: true),
    Column("score", .float),
    Column("born", .datetime),
    Column("day", .date),
    Column("active", .bool),
    Column("meta", .json),
])

/// Records that exercise unicode, nulls, JSON values, floats like 3.0 and quoting.
private let people: [Record] = [
    ["id": 1, "name": "Zoë \"Z\" Ångström 😀", "email": "zoe@u.edu", "score": 3.0,
     "born": "2001-02-03T04:05:06.789012", "day": "2001-02-03", "active": true, "meta": ["tags": ["a", "b"], "n": 1.5, "x": nil]],
    ["id": 2, "name": "Bob, Jr.\nsecond line", "email": nil, "score": nil, "born": nil, "day": nil, "active": false,
     "meta": nil],
    ["id": 3, "name": " padded ", "email": "c@u.edu", "score": 1e-05, "born": "2026-01-22T20:31:17", "day": nil,
     "active": nil, "meta": "just text"],
]

private func makeDB(
    _ dir: TempDir, _ sub: String = "db", options: DatabaseOptions = DatabaseOptions()
) throws -> Database {
    try Database(path: dir.path + "/" + sub, options: options)
}

private func seeded(_ dir: TempDir) throws -> Database {
    let db = try makeDB(dir)
    try db.createTable(personSchema)
    try db.insert("person", records: people)
    return db
}

/// Expects a LineDB error whose message contains every one of `parts`.
private func expectError(
    _ parts: [String], sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void
) {
    do {
        try body()
        Issue.record("expected an error containing \(parts)", sourceLocation: sourceLocation)
    } catch {
        let message = "\(error)"
        for part in parts where !message.contains(part) {
            Issue.record("error \"\(message)\" does not contain \"\(part)\"", sourceLocation: sourceLocation)
        }
    }
}

@Suite("Export and import")
struct ExportImportTests {
    // MARK: - Export: exact content

    @Test("JSON export is the seed's pretty object: table, records in column order, count, exported_at, final newline")
    func exportJSONExact() throws {
        let dir = TempDir()
        let db = try seeded(dir)
        try FileManager.default.createDirectory(atPath: dir.path + "/out", withIntermediateDirectories: true)
        let n = try db.exportTable("person", dir.path + "/out/people.json")
        #expect(n == 3)
        let text = dir.read("out/people.json")
        let stamp = try #require(text.firstMatch(of: /"exported_at": "(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6})"/)?.1)
        let expected = """
            {
              "table": "person",
              "records": [
                {
                  "id": 1,
                  "name": "Zoë \\"Z\\" Ångström 😀",
                  "email": "zoe@u.edu",
                  "score": 3.0,
                  "born": "2001-02-03T04:05:06.789012",
                  "day": "2001-02-03",
                  "active": true,
                  "meta": {
                    "tags": [
                      "a",
                      "b"
                    ],
                    "n": 1.5,
                    "x": null
                  }
                },
                {
                  "id": 2,
                  "name": "Bob, Jr.\\nsecond line",
                  "email": null,
                  "score": null,
                  "born": null,
                  "day": null,
                  "active": false,
                  "meta": null
                },
                {
                  "id": 3,
                  "name": " padded ",
                  "email": "c@u.edu",
                  "score": 1e-05,
                  "born": "2026-01-22T20:31:17",
                  "day": null,
                  "active": null,
                  "meta": "just text"
                }
              ],
              "count": 3,
              "exported_at": "\(stamp)"
            }

            """
        #expect(text == expected)
        // And it is plain JSON to any reader.
        let parsed = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        #expect(parsed?["count"] as? Int == 3)
    }

    @Test("JSON export of an empty table writes an empty records array")
    func exportJSONEmpty() throws {
        let dir = TempDir()
        let db = try makeDB(dir)
        try db.createTable(personSchema)
        try db.export("person", to: dir.path + "/e.json")
        let text = dir.read("e.json")
        #expect(text.hasPrefix("{\n  \"table\": \"person\",\n  \"records\": [],\n  \"count\": 0,\n"))
        #expect(text.contains("\n  \"exported_at\": \""))
        #expect(text.hasSuffix("\"\n}\n"))
    }

    @Test("JSON Lines export writes each record exactly as a records file line")
    func exportJSONLinesExact() throws {
        let dir = TempDir()
        let db = try seeded(dir)
        try db.export("person", to: dir.path + "/people.jsonl", format: .jsonl)
        let expected = [
            #"{"id":1,"name":"Zoë \"Z\" Ångström 😀","email":"zoe@u.edu","score":3.0,"born":"2001-02-03T04:05:06.789012","day":"2001-02-03","active":true,"meta":{"tags":["a","b"],"n":1.5,"x":null}}"#,
            #"{"id":2,"name":"Bob, Jr.\nsecond line","email":null,"score":null,"born":null,"day":null,"active":false,"meta":null}"#,
            #"{"id":3,"name":" padded ","email":"c@u.edu","score":1e-05,"born":"2026-01-22T20:31:17","day":null,"active":null,"meta":"just text"}"#,
        ]
        #expect(dir.read("people.jsonl") == expected.joined(separator: "\n") + "\n")
        try db.save()
        #expect(dir.read("people.jsonl") == dir.read("db/data/person.records"))
    }

    @Test("CSV export: header, RFC 4180 quoting, empty fields for null, JSON text for json columns")
    func exportCSVExact() throws {
        let dir = TempDir()
        let db = try seeded(dir)
        try db.insert("person", ["id": 4, "name": "", "meta": 7])
        try db.export("person", to: dir.path + "/people.csv", format: .csv)
        let expected = #"""
            id,name,email,score,born,day,active,meta
            1,"Zoë ""Z"" Ångström 😀",zoe@u.edu,3.0,2001-02-03T04:05:06.789012,2001-02-03,true,"{""tags"":[""a"",""b""],""n"":1.5,""x"":null}"
            2,"Bob, Jr.
            second line",,,,,false,
            3," padded ",c@u.edu,1e-05,2026-01-22T20:31:17,,,"""just text"""
            4,"",,,,,,7

            """#
        #expect(dir.read("people.csv") == expected)
    }

    // MARK: - Export: files

    @Test("export never creates directories: a missing one is an error naming it (issue 12, item 6)")
    func exportRefusesMissingDirectories() throws {
        let dir = TempDir()
        let db = try seeded(dir)
        expectError(["the directory \(dir.path)/exports/deep/er does not exist"]) {
            try db.export("person", to: dir.path + "/exports/deep/er/people.jsonl", format: .jsonl)
        }
        #expect(!dir.exists("exports"))
    }

    @Test("export over an existing file replaces it completely and leaves no temporary file")
    func exportReplaces() throws {
        let dir = TempDir()
        let db = try seeded(dir)
        dir.write("out/people.jsonl", String(repeating: "old content that is longer than the export\n", count: 500))
        try db.export("person", to: dir.path + "/out/people.jsonl", format: .jsonl)
        let lines = dir.lines("out/people.jsonl")
        #expect(lines.count == 3)
        #expect(!dir.read("out/people.jsonl").contains("old content"))
        #expect(dir.list("out") == ["people.jsonl"])
    }

    @Test("a failed export leaves the existing file as it was")
    func exportFailureKeepsOldFile() throws {
        let dir = TempDir()
        let db = try seeded(dir)
        dir.write("out/people.json", "old\n")
        #expect(throws: LineDBError.self) { try db.export("nobody", to: dir.path + "/out/people.json") }
        // The target is a directory: the rename fails after the temp file was written.
        try FileManager.default.createDirectory(atPath: dir.path + "/out/x.json", withIntermediateDirectories: true)
        dir.write("out/x.json/keep", "k")
        expectError(["x.json"]) { try db.export("person", to: dir.path + "/out/x.json") }
        #expect(dir.read("out/people.json") == "old\n")
        #expect(dir.list("out") == ["people.json", "x.json"])
    }

    @Test("export works on a read-only database")
    func exportReadOnly() throws {
        let dir = TempDir()
        try seeded(dir).close()
        let ro = try Database(path: dir.db, options: DatabaseOptions(syncMode: .full, readOnly: true))
        #expect(try ro.export("person", to: dir.path + "/ro.jsonl", format: .jsonl) == 3)
        #expect(dir.lines("ro.jsonl").count == 3)
        #expect(throws: LineDBError.self) { try ro.importRecords(into: "person", from: dir.path + "/ro.jsonl") }
    }

    // MARK: - Round trips

    @Test(
        "export then import into a fresh database gives equal records, for every format import reads",
        arguments: ExportFormat.allCases.filter(\.isImportable))
    func roundTrip(format: ExportFormat) throws {
        let dir = TempDir()
        let source = try seeded(dir)
        let file = dir.path + "/people.\(format.rawValue)"
        try source.export("person", to: file, format: format)
        let target = try makeDB(dir, "copy")
        try target.createTable(personSchema)
        #expect(try target.importRecords(into: "person", from: file) == 3)
        let expected = try source.select("person")
        let got = try target.select("person")
        #expect(got == expected)
        #expect(got[0]["score"] == .double(3.0))
        #expect(got[2]["meta"] == .string("just text"))
        // The import continues the key counter.
        #expect(try target.insert("person", ["name": "next"]) == 4)
    }

    @Test("import reads the seed's own export file")
    func importSeedFormat() throws {
        let dir = TempDir()
        let db = try makeDB(dir)
        try db.createTable(try TableSchema("student", columns: [
            Column("id", .int, primaryKey: true),
            Column("name", .str, nullable: false),
            Column("email", .str, unique: true),
            Column("gpa", .float, default: 0.0),
        ]))
        dir.write("exports/students.json", """
            {
              "table": "student",
              "records": [
                {
                  "id": 1,
                  "name": "Alice",
                  "email": "alice@university.edu",
                  "gpa": 3.8
                },
                {
                  "id": 2,
                  "name": "Bob",
                  "email": "bob@university.edu",
                  "gpa": 3.5
                }
              ],
              "count": 2,
              "exported_at": "2026-01-22T20:31:17.594614"
            }
            """)
        #expect(try db.importRecords(into: "student", from: dir.path + "/exports/students.json") == 2)
        #expect(try db.get("student", key: 2) == ["id": 2, "name": "Bob", "email": "bob@university.edu", "gpa": 3.5])
        // A bare array of objects is accepted too; keys are assigned when absent.
        dir.write("more.json", #"[{"name": "Carol", "email": "c@u"}, {"name": "Dan", "gpa": 2}]"#)
        #expect(try db.importRecords(into: "student", from: dir.path + "/more.json") == 2)
        #expect(try db.get("student", key: 4)?["gpa"] == .double(2.0))
    }

    // MARK: - D6: bad import files change nothing

    @Test("D6: wrong table, records not an array, count mismatch, bad records: rejected, files byte-identical")
    func rejectBadJSON() throws {
        let dir = TempDir()
        let db = try seeded(dir)
        let before = dir.snapshot()
        let cases: [(String, [String])] = [
            (#"{"table": "course", "records": []}"#, ["bad.json", "'course'", "'person'"]),
            (#"{"table": "person", "records": {"id": 9}}"#, ["bad.json", "\"records\"", "array"]),
            (#"{"table": "person", "records": [{"id": 9, "name": "x"}], "count": 2}"#, ["bad.json", "count", "1"]),
            (#"{"table": "person"}"#, ["bad.json", "records"]),
            (#"[{"id": 9, "name": "x"}, 5]"#, ["bad.json: record 2", "expected an object"]),
            (#"[{"id": 9, "name": "x"}, {"id": 9, "name": "y"}]"#,
             ["bad.json: record 2", "person.id", "9", "record 1"]),
            (#"[{"id": 10, "name": "x", "email": "zoe@u.edu"}]"#, ["record 1", "person.email", "zoe@u.edu", "table"]),
            (#"[{"id": 1, "name": "dup"}]"#, ["record 1", "person.id", "already used"]),
            (#"[{"id": 10, "name": "x"}, {"id": 11, "nmae": "y"}]"#, ["record 2", "nmae", "did you mean 'name'"]),
            (#"[{"id": 10, "name": "x", "score": "high"}]"#, ["record 1", "person.score", "float"]),
            (#"[{"id": 10, "name": "x", "born": "yesterday"}]"#, ["record 1", "person.born", "datetime"]),
            ("{\n  \"table\": \"person\",\n  \"records\": [,]\n}", ["bad.json:3:"]),
        ]
        for (text, parts) in cases {
            dir.write("bad.json", text)
            let snapshot = dir.snapshot()
            expectError(parts + ["nothing was imported"]) {
                try db.importRecords(into: "person", from: dir.path + "/bad.json")
            }
            let same = dir.snapshot() == snapshot
            #expect(same, "files changed after importing \(text)")
        }
        #expect(try db.select("person") == people)
        #expect(dir.snapshot().filter { $0.key.hasPrefix("db/") } == before.filter { $0.key.hasPrefix("db/") })
    }

    @Test("D6: a NOT NULL violation at line 90,001 of a 100,000-line file rejects all; then a good import is durable")
    func rejectLateViolation() throws {
        let dir = TempDir()
        let schema = try TableSchema(
            "item", columns: [Column("id", .int, primaryKey: true), Column("n", .str, nullable: false)])
        do {
            let io = FaultyFileIO()  // no faults: it counts the calls
            var options = DatabaseOptions()
            options.fileIO = io
            let db = try makeDB(dir, options: options)
            try db.createTable(schema)
            try db.insert("item", ["id": 0, "n": "existing"])
            var lines = (1...100_000).map { #"{"id":\#($0),"n":"x"}"# }
            lines[90_000] = #"{"id":90001,"n":null}"#
            dir.write("big.jsonl", lines.joined(separator: "\n") + "\n")
            let before = dir.snapshot()
            let calls = FaultyFileIO.Operation.allCases.map { ($0, io.count($0)) }
            expectError(["big.jsonl:90001:", "item.n", "null", "nothing was imported"]) {
                try db.importRecords(into: "item", from: dir.path + "/big.jsonl")
            }
            let unchanged = dir.snapshot() == before
            #expect(unchanged)
            #expect(try db.count("item") == 1)
            // Validated before the first WAL byte: no write (15 MB would have been flushed in chunks), no truncate.
            for (op, n) in calls where op != .open && op != .read && op != .close {
                #expect(io.count(op) == n, "\(op) was called during a rejected import")
            }
            lines[90_000] = #"{"id":90001,"n":"fixed"}"#
            dir.write("big.jsonl", lines.joined(separator: "\n") + "\n")
            let syncs = io.count(.fdatasync) + io.count(.fsync)
            let writes = io.count(.write)
            #expect(try db.importRecords(into: "item", from: dir.path + "/big.jsonl") == 100_000)
            #expect(io.count(.fdatasync) + io.count(.fsync) == syncs + 1)
            #expect(io.count(.write) - writes < 10)  // about 17 MB in chunks of 4 MiB, not one write per record
            // One transaction: 100,000 INSERT lines tagged with the same txn, then one COMMIT.
            let wal = dir.lines("db/wal/transaction.log")
            #expect(wal.count == 2 + 100_001)
            let firstImport = try #require(wal[2].firstMatch(of: /"lsn":(\d+)/)?.1)
            #expect(wal[2].contains(#""txn":\#(firstImport)"#))
            #expect(wal.last?.contains(#""operation":"COMMIT""#) == true)
            #expect(wal.last?.contains(#""txn":\#(firstImport)"#) == true)
            try db.close()  // no save: the rows live only in the WAL
        }
        let db = try makeDB(dir)
        #expect(try db.count("item") == 100_001)
        #expect(try db.get("item", key: 90001)?["n"] == "fixed")
    }

    @Test("D6: a duplicate key deep inside a JSON Lines file names both lines")
    func rejectDuplicateInJSONLines() throws {
        let dir = TempDir()
        let db = try seeded(dir)
        dir.write("dup.jsonl", "{\"id\":10,\"name\":\"a\"}\n\n{\"id\":11,\"name\":\"b\"}\n{\"id\":10,\"name\":\"c\"}\n")
        let before = dir.snapshot()
        expectError(["dup.jsonl:4:", "person.id", "10", "line 1"]) {
            try db.importRecords(into: "person", from: dir.path + "/dup.jsonl")
        }
        dir.write("bad.jsonl", "{\"id\":10,\"name\":\"a\"}\n{\"id\":11,\"name\" \"b\"}\n")
        expectError(["bad.jsonl:2:17:", "invalid JSON"]) {
            try db.importRecords(into: "person", from: dir.path + "/bad.jsonl")
        }
        dir.write("arr.jsonl", "[1]\n")
        expectError(["arr.jsonl:1:", "expected an object"]) {
            try db.importRecords(into: "person", from: dir.path + "/arr.jsonl")
        }
        #expect(dir.snapshot().filter { $0.key.hasPrefix("db/") } == before.filter { $0.key.hasPrefix("db/") })
        #expect(try db.count("person") == 3)
    }

    @Test("records without a key get keys from the counter, and later explicit keys collide with them")
    func autoKeysAreChecked() throws {
        let dir = TempDir()
        let db = try seeded(dir)
        // Auto keys 4 and 5; then an explicit 5 collides with the second auto key.
        dir.write("auto.jsonl", "{\"name\":\"a\"}\n{\"name\":\"b\"}\n{\"id\":5,\"name\":\"c\"}\n")
        expectError(["auto.jsonl:3:", "person.id", "5", "line 2"]) {
            try db.importRecords(into: "person", from: dir.path + "/auto.jsonl")
        }
        dir.write("auto.jsonl", "{\"name\":\"a\"}\n{\"id\":9,\"name\":\"b\"}\n{\"name\":\"c\"}\n")
        #expect(try db.importRecords(into: "person", from: dir.path + "/auto.jsonl") == 3)
        #expect(try db.select("person").map { $0["id"]! } == [1, 2, 3, 4, 9, 10])
    }

    // MARK: - CSV input

    @Test("CSV import: quoted commas, quotes and line breaks; columns in any order; missing columns get defaults")
    func importCSVQuoting() throws {
        let dir = TempDir()
        let db = try makeDB(dir)
        try db.createTable(personSchema)
        dir.write("in.csv", "\u{FEFF}name,id,meta,active,score\r\n"
            + "\"Smith, John\",1,\"{\"\"a\"\":[1,2]}\",TRUE,2\r\n"
            + "\"two\nlines \"\"quoted\"\"\",2,,0,\r\n"
            + "\r\n"
            + "plain,3,\"\"\"s\"\"\",,-1.5e3")
        #expect(try db.importRecords(into: "person", from: dir.path + "/in.csv") == 3)
        let rows = try db.select("person")
        #expect(rows[0] == ["id": 1, "name": "Smith, John", "email": nil, "score": 2.0, "born": nil, "day": nil,
                            "active": true, "meta": ["a": [1, 2]]])
        #expect(rows[1]["name"] == "two\nlines \"quoted\"")
        #expect(rows[1]["active"] == false)
        #expect(rows[1]["score"] == .null)
        #expect(rows[2]["meta"] == "s")
        #expect(rows[2]["score"] == .double(-1500))
    }

    @Test("CSV import errors name the file, the line and the column; nothing is written")
    func importCSVErrors() throws {
        let dir = TempDir()
        let db = try seeded(dir)
        let cases: [(String, [String])] = [
            ("id,nmae\n9,x\n", ["bad.csv", "'nmae'", "did you mean 'name'"]),
            ("id,name,id\n9,x,9\n", ["bad.csv", "'id' twice"]),
            ("id,name,score\n9,x,1\n10,\"y\nz\",abc\n", ["bad.csv:3 (record 2)", "column 'score'", "'abc'"]),
            ("id,name\n9.5,x\n", ["bad.csv:2 (record 1)", "column 'id'", "int"]),
            ("id,name,active\n9,x,maybe\n", ["bad.csv:2", "column 'active'", "bool"]),
            ("id,name,meta\n9,x,{oops\n", ["bad.csv:2", "column 'meta'", "JSON"]),
            ("id,name\n9,x,extra\n", ["bad.csv:2", "3 fields", "2"]),
            ("id,name\n9\n", ["bad.csv:2", "1 fields"]),
            ("id,name\n9,\"x\"y\n", ["bad.csv:2", "closing quote"]),
            ("id,name\n9,x\n10,\"never closed\n", ["bad.csv:3", "never closed"]),
            ("id,name\n9,\n", ["bad.csv:2", "person.name may not be null"]),
            ("id,name\n9,x\n10,x\n1,z\n", ["bad.csv:4 (record 3)", "person.id", "already used"]),
            ("", ["bad.csv", "empty"]),
        ]
        let before = dir.snapshot()
        for (text, parts) in cases {
            dir.write("bad.csv", text)
            expectError(parts + ["nothing was imported"]) {
                try db.importRecords(into: "person", from: dir.path + "/bad.csv")
            }
        }
        #expect(dir.snapshot().filter { $0.key.hasPrefix("db/") } == before.filter { $0.key.hasPrefix("db/") })
        #expect(try db.select("person") == people)
    }

    @Test("import needs a known format and an existing file")
    func importFormatAndMissingFile() throws {
        let dir = TempDir()
        let db = try seeded(dir)
        expectError(["x.txt", "format"]) { try db.importRecords(into: "person", from: dir.path + "/x.txt") }
        expectError(["nope.json", "No such file"]) {
            try db.importRecords(into: "person", from: dir.path + "/nope.json")
        }
        dir.write("x.txt", "{\"id\":7,\"name\":\"t\"}\n")
        #expect(try db.importRecords(into: "person", from: dir.path + "/x.txt", format: .jsonl) == 1)
        expectError(["no table named 'persons'", "person"]) {
            try db.importRecords(into: "persons", from: dir.path + "/x.txt", format: .jsonl)
        }
    }
}
