import Foundation
import Testing
@testable import LineDB
import LineDBTestSupport

/// Issue 12, items 1, 11 and 12: whatever is acknowledged reads back from every file it is written to (records,
/// WAL, exports), or is refused up front naming table, column and limit.
@Suite("Value limits: nesting depth, non-finite numbers, record size")
struct ValueLimitsTests {
    static let docs = try! TableSchema("docs", columns: [
        Column("id", .int, primaryKey: true), Column("note", .str), Column("doc", .json), Column("x", .float),
    ])

    /// JSON text of a value nesting `depth` levels: arrays and objects alternating, a number inside.
    static func nestedText(_ depth: Int) -> String {
        var open = ""
        var close = ""
        for level in 0..<depth {
            if level % 2 == 0 {
                open += "["
                close = "]" + close
            } else {
                open += "{\"k\":"
                close = "}" + close
            }
        }
        return open + "7" + close
    }

    static func nested(_ depth: Int) -> JSONValue {
        try! JSONParser.parse(nestedText(depth), maxDepth: depth + 1)
    }

    func freshDB(_ dir: TempDir, options: DatabaseOptions = DatabaseOptions()) throws -> Database {
        let db = try Database(path: dir.db, options: options)
        try db.createTable(Self.docs)
        return db
    }

    /// Exports `docs` in every format, imports each export into the `docs` table of a fresh database, and
    /// returns (format, the records imported or why the import was refused).
    func exportAndImport(_ db: Database, _ dir: TempDir) throws -> [(ExportFormat, Result<[Record], any Error>)] {
        var results: [(ExportFormat, Result<[Record], any Error>)] = []
        for (i, format) in [ExportFormat.json, .jsonl, .csv].enumerated() {
            let file = dir.path + "/export-\(i)"
            try db.export("docs", to: file, format: format)
            let copy = try Database(path: dir.path + "/copy\(i)")
            try copy.createTable(Self.docs)
            do {
                try copy.importRecords(into: "docs", from: file, format: format)
                results.append((format, .success(try copy.select("docs"))))
            } catch {
                results.append((format, .failure(error)))
            }
            try copy.close()
        }
        return results
    }

    // MARK: - Item 1: nesting depth

    @Test("a value nested up to the limit (499, 500) is written, reread after reopen and checkpoint, and survives every export; 501 is refused naming table, column and limit",
          arguments: [NestingLimit.value - 1, NestingLimit.value, NestingLimit.value + 1])
    func valueLimit(depth: Int) throws {
        let dir = TempDir()
        let db = try freshDB(dir)
        let value = Self.nested(depth)
        guard depth <= NestingLimit.value else {
            let walBefore = dir.bytes("db/wal/transaction.log")
            #expect {
                try db.insert("docs", ["doc": value])
            } throws: { error in
                let text = "\(error)"
                return text.contains("docs.doc") && text.contains("limit is \(NestingLimit.value)")
            }
            try db.insert("docs", ["id": 5, "doc": 1])
            #expect {
                try db.update("docs", key: 5, set: ["doc": value])
            } throws: { "\($0)".contains("docs.doc") }
            #expect {
                try db.insert("docs", records: [["doc": 1], ["doc": value]])
            } throws: { "\($0)".contains("docs.doc") }
            // The file to import holds it: refused too, nothing imported.
            let file = dir.path + "/deep.jsonl"
            try ("{\"id\":9,\"doc\":" + Self.nestedText(depth) + "}\n").write(toFile: file, atomically: false, encoding: .utf8)
            #expect {
                try db.importRecords(into: "docs", from: file)
            } throws: { "\($0)".contains("limit is \(NestingLimit.value)") }
            #expect(try db.count("docs") == 1)
            try db.close()
            #expect(try Database(path: dir.db).get("docs", key: 5)?["doc"] == 1)
            #expect(dir.bytes("db/wal/transaction.log").count > walBefore.count)  // only the one good insert
            return
        }
        try db.insert("docs", ["id": 1, "doc": value])
        try db.insert("docs", ["id": 2, "doc": value])
        try db.update("docs", key: 2, set: ["note": "changed"])  // an UPDATE line carries it twice
        try db.close()
        // Reopen: the WAL (INSERT and UPDATE lines) replays.
        var again = try Database(path: dir.db)
        #expect(try again.get("docs", key: 1)?["doc"] == value)
        #expect(try again.get("docs", key: 2)?["note"] == "changed")
        try again.checkpoint()
        try again.close()
        // Reopen: the records file holds it.
        again = try Database(path: dir.db)
        #expect(try again.get("docs", key: 2)?["doc"] == value)
        for (format, result) in try exportAndImport(again, dir) {
            #expect(try result.get().map { $0["doc"] } == [value, value], "\(format)")
        }
        try again.delete("docs", key: 1)
        try again.close()
        again = try Database(path: dir.db)
        #expect(try again.get("docs", key: 1) == nil)
        #expect(try again.get("docs", key: 2)?["doc"] == value)
    }

    @Test("a records file written by another program with a value nested 510 or 511 levels (its line 512 deep) loads, and the record stays updatable and deletable across reopens; 512 refuses the open naming the line",
          arguments: [NestingLimit.recordsLine - 2, NestingLimit.recordsLine - 1, NestingLimit.recordsLine])
    func recordsFileLimit(depth: Int) throws {
        let dir = TempDir()
        try freshDB(dir).close()
        let line = "{\"id\":1,\"note\":\"a\",\"doc\":" + Self.nestedText(depth) + ",\"x\":null}"
        dir.write("db/data/docs.records", line + "\n{\"id\":2,\"note\":\"b\",\"doc\":null,\"x\":null}\n")
        guard depth < NestingLimit.recordsLine else {
            let before = dir.snapshot()
            #expect {
                _ = try Database(path: dir.db)
            } throws: { error in
                let text = "\(error)"
                return text.contains("docs.records:1") && text.contains("nesting too deep")
            }
            #expect(dir.snapshot() == before)
            return
        }
        let value = Self.nested(depth)
        var db = try Database(path: dir.db)
        #expect(try db.get("docs", key: 1)?["doc"] == value)
        // Updatable: the UPDATE line holds it in record and old_record, and reads back (WAL line 513 deep).
        try db.update("docs", key: 1, set: ["note": "changed"])
        try db.close()
        db = try Database(path: dir.db)
        #expect(try db.get("docs", key: 1)?["note"] == "changed")
        #expect(try db.get("docs", key: 1)?["doc"] == value)
        // Exports are complete, and their import refuses the too-deep value clearly (not as a parse error).
        for (format, result) in try exportAndImport(db, dir) {
            switch result {
            case .success(let records):
                Issue.record("\(format): imported \(records.count) records holding a value deeper than the limit")
            case .failure(let error):
                #expect("\(error)".contains("docs.doc"), "\(format): \(error)")
                #expect("\(error)".contains("limit is \(NestingLimit.value)"), "\(format): \(error)")
            }
        }
        try db.checkpoint()
        try db.close()
        db = try Database(path: dir.db)
        #expect(try db.get("docs", key: 1)?["doc"] == value)
        // Deletable: the DELETE line (old_record holds it) reads back; it stays deleted.
        try db.delete("docs", key: 1)
        try db.close()
        db = try Database(path: dir.db)
        #expect(try db.get("docs", key: 1) == nil)
        #expect(try db.count("docs") == 1)
        try db.checkpoint()
        try db.close()
        #expect(try Database(path: dir.db).get("docs", key: 1) == nil)
    }

    @Test("readers accept exactly their documented depth: records line 512, WAL line 513, export document 514")
    func readerLimits() throws {
        for (limit, wrap) in [
            (NestingLimit.recordsLine, { (v: String) in "{\"doc\":\(v)}" }),
            (NestingLimit.walLine, { (v: String) in "{\"record\":{\"doc\":\(v)}}" }),
            (NestingLimit.exportDocument, { (v: String) in "{\"table\":\"t\",\"records\":[{\"doc\":\(v)}]}" }),
        ] {
            let wrapperDepth = limit - (NestingLimit.recordsLine - 1)
            for depth in [NestingLimit.recordsLine - 2, NestingLimit.recordsLine - 1] {
                let text = wrap(Self.nestedText(depth))
                #expect(throws: Never.self) { try JSONParser.parse(text, maxDepth: limit) }
                #expect(depth + wrapperDepth <= limit)
            }
            #expect(throws: JSONParseError.self) { try JSONParser.parse(wrap(Self.nestedText(NestingLimit.recordsLine)), maxDepth: limit) }
        }
        // The WAL decoder uses the WAL limit.
        let line = "{\"operation\":\"INSERT\",\"table\":\"t\",\"record\":{\"doc\":\(Self.nestedText(NestingLimit.recordsLine - 1))}}"
        let decoded = Array(line.utf8).withUnsafeBufferPointer {
            WALLine.decode($0, lineNumber: 1, byteOffset: 0, impliedLSN: 1)
        }
        guard case .success = decoded else {
            Issue.record("the WAL reader refused a line 513 deep")
            return
        }
    }

    @Test("a schema default deeper than the value limit, or not finite, is refused")
    func defaults() throws {
        #expect(throws: LineDBError.self) {
            try TableSchema("t", columns: [Column("id", .int, primaryKey: true), Column("d", .json, default: Self.nested(NestingLimit.value + 1))])
        }
        #expect(throws: LineDBError.self) {
            try TableSchema("t", columns: [Column("id", .int, primaryKey: true), Column("d", .json, default: [.double(.nan)])])
        }
        _ = try TableSchema("t", columns: [Column("id", .int, primaryKey: true), Column("d", .json, default: Self.nested(NestingLimit.value))])
    }

    /// The "json" and "raw" cases of the hostile values (deep nesting around every limit, huge numbers, non-JSON
    /// words, broken texts).
    static let hostileTexts: [(String, String)] =
        (HostileValues.jsonTexts + HostileValues.rawTexts).map { ($0.name, $0.text) }

    @Test("hostile json values (as make.py: depths 1…100000 around every limit, huge numbers, NaN, bad texts): each is refused naming the column, or reads back equal after reopen, checkpoint and every export")
    func hostileValues() throws {
        let dir = TempDir()
        let cases = Self.hostileTexts
        #expect(cases.count >= 20)
        let db = try freshDB(dir)
        var accepted: [Int: JSONValue] = [:]
        for (i, (name, text)) in cases.enumerated() {
            // A reader far more generous than LineDB's, bounded so the test itself cannot overflow the stack.
            guard let value = try? JSONParser.parse(text, maxDepth: 1_100) else { continue }
            do {
                try db.insert("docs", ["id": .int(i), "doc": value])
                accepted[i] = value
                #expect(value.storageProblem() == nil, "\(name) was accepted")
            } catch {
                #expect("\(error)".contains("docs.doc"), "\(name): \(error)")
                #expect(value.storageProblem() != nil, "\(name) was refused: \(error)")
            }
        }
        let index = Dictionary(uniqueKeysWithValues: cases.enumerated().map { ($0.element.0, $0.offset) })
        for depth in [1, 64, 255, 256, 257, 500] {
            #expect(accepted[index["array-depth-\(depth)"]!] != nil && accepted[index["object-depth-\(depth)"]!] != nil, "\(depth)")
        }
        for depth in [510, 511, 512, 513, 1000, 100_000] {
            #expect(accepted[index["array-depth-\(depth)"]!] == nil && accepted[index["object-depth-\(depth)"]!] == nil, "\(depth)")
        }
        for name in ["number-overflow", "nan", "infinity", "minus-infinity", "trailing-comma", "truncated", "lone-surrogate"] {
            #expect(accepted[index[name]!] == nil, "\(name)")
        }
        for name in ["int64-max", "int64-min", "beyond-uint64", "tiny-float", "max-float", "negative-zero", "duplicate-keys"] {
            #expect(accepted[index[name]!] != nil, "\(name)")
        }
        try db.close()
        var again = try Database(path: dir.db)
        try again.checkpoint()
        try again.close()
        again = try Database(path: dir.db)
        for (i, value) in accepted { #expect(try again.get("docs", key: .int(i))?["doc"] == value, "\(cases[i].0)") }
        for (format, result) in try exportAndImport(again, dir) {
            let records = try result.get()
            #expect(records.count == accepted.count, "\(format)")
            for record in records { #expect(accepted[record["id"]!.intValue!] == record["doc"], "\(format)") }
        }
    }

    // MARK: - Item 11: non-finite numbers

    @Test("NaN and Infinity are refused in json and float columns, at any depth, naming table and column; nothing is written")
    func nonFiniteRefused() throws {
        let dir = TempDir()
        let db = try freshDB(dir)
        try db.insert("docs", ["id": 1, "doc": 1])
        let before = dir.snapshot()
        for bad: JSONValue in [.double(.nan), .double(.infinity), .double(-.infinity), ["a": [1, .double(.nan)]], [.double(.infinity)]] {
            #expect {
                try db.insert("docs", ["doc": bad])
            } throws: { "\($0)".contains("docs.doc") && "\($0)".contains("not a JSON number") }
            #expect {
                try db.update("docs", key: 1, set: ["doc": bad])
            } throws: { "\($0)".contains("docs.doc") }
            #expect {
                try db.insert("docs", records: [["doc": bad]])
            } throws: { "\($0)".contains("docs.doc") }
        }
        #expect {
            try db.insert("docs", ["x": .double(.nan)])
        } throws: { "\($0)".contains("docs.x") }
        #expect(dir.snapshot() == before)
        #expect(try db.get("docs", key: 1)?["doc"] == 1)
    }

    @Test("the parser refuses NaN, Infinity, -Infinity and numbers beyond a double at their byte offset; the writer never writes them")
    func parserAndWriter() throws {
        for (text, offset) in [("[1, NaN]", 4), ("Infinity", 0), ("{\"a\": -Infinity}", 6), ("[1e400]", 1), ("-1e400", 0),
                               ("1" + String(repeating: "0", count: 400), 0)] {
            #expect(throws: JSONParseError.self) { try JSONParser.parse(text) }
            do {
                _ = try JSONParser.parse(text)
            } catch {
                #expect(error.offset == offset, "\(text): \(error)")
            }
        }
        #expect(try JSONParser.parse("1e-400") == .double(0))
        #expect(try JSONParser.parse("1.7976931348623157e308") == .double(.greatestFiniteMagnitude))
        #expect(JSONWriter.encode([.double(.nan), .double(.infinity), .double(-.infinity), 1.5]) == "[null,null,null,1.5]")
    }

    @Test("a records file or a WAL holding NaN, Infinity or 1e400 refuses the open, naming file, line and byte")
    func nonFiniteInFiles() throws {
        for bad in ["NaN", "Infinity", "-Infinity", "1e400"] {
            let dir = TempDir()
            try freshDB(dir).close()
            dir.write("db/data/docs.records", "{\"id\":1,\"note\":null,\"doc\":[\(bad)],\"x\":null}\n")
            let before = dir.snapshot()
            #expect {
                _ = try Database(path: dir.db)
            } throws: { error in
                "\(error)".contains("docs.records:1") && "\(error)".contains("byte")
            }
            #expect(dir.snapshot() == before)
            // The same value in the middle of a WAL (a seed-style line, then another).
            dir.write("db/data/docs.records", "")
            dir.write("db/wal/transaction.log", """
                {"timestamp":"2026-01-01T00:00:00","operation":"INSERT","table":"docs","record":{"id":1,"doc":\(bad)},"old_record":null}
                {"timestamp":"2026-01-01T00:00:00","operation":"INSERT","table":"docs","record":{"id":2,"doc":1},"old_record":null}

                """)
            let walBefore = dir.snapshot()
            #expect {
                _ = try Database(path: dir.db)
            } throws: { error in
                "\(error)".contains("transaction.log:1")
            }
            #expect(dir.snapshot() == walBefore)
        }
    }

    // MARK: - Item 12: record size

    @Test("one record-size limit at insert, bulk insert, update and import: limit-1 and limit pass, limit+1 is refused naming table and limit",
          arguments: [-1, 0, 1])
    func sizeLimit(delta: Int) throws {
        let dir = TempDir()
        var options = DatabaseOptions()
        options.maxLineBytes = 4_000
        let db = try freshDB(dir, options: options)
        // {"id":N,"note":"…","doc":null,"x":null}
        func record(_ id: Int, size: Int) -> Record {
            let frame = "{\"id\":\(id),\"note\":\"\",\"doc\":null,\"x\":null}".utf8.count
            return ["id": .int(id), "note": .string(String(repeating: "a", count: size - frame)), "doc": nil, "x": nil]
        }
        let size = options.maxLineBytes + delta
        let file = dir.path + "/one.jsonl"
        try (JSONWriter.encode(.object(record(4, size: size))) + "\n").write(toFile: file, atomically: false, encoding: .utf8)
        let expectedRefusal = "a record may be at most \(options.maxLineBytes) bytes"
        if delta <= 0 {
            try db.insert("docs", record(1, size: size))
            try db.insert("docs", records: [record(2, size: size)])
            try db.insert("docs", ["id": 3])
            try db.update("docs", key: 3, set: ["note": record(3, size: size)["note"]!])
            try db.importRecords(into: "docs", from: file)
            #expect(try db.count("docs") == 4)
        } else {
            try db.insert("docs", ["id": 3])
            for attempt in [
                { try db.insert("docs", record(1, size: size)) },
                { try db.insert("docs", records: [record(2, size: size)]) },
                { try db.update("docs", key: 3, set: ["note": record(3, size: size)["note"]!]) },
                { try db.importRecords(into: "docs", from: file) },
            ] as [() throws -> Void] {
                #expect {
                    try attempt()
                } throws: { "\($0)".contains("docs") && "\($0)".contains(expectedRefusal) }
            }
            #expect(try db.count("docs") == 1)
        }
    }

    @Test("a record of more than 16 MiB in a records file loads; it can be deleted (and stays deleted after reopen and checkpoint), updated to a small one, and a larger update is refused naming the limit")
    func hugeRecordInRecordsFile() throws {
        let dir = TempDir()
        try freshDB(dir).close()
        let big = String(repeating: "x", count: 17 << 20)
        let limit = DatabaseOptions().maxLineBytes
        dir.write("db/data/docs.records", """
            {"id":1,"note":"\(big)","doc":null,"x":null}
            {"id":2,"note":"\(big)","doc":null,"x":null}
            {"id":3,"note":"small","doc":null,"x":null}

            """)
        var db = try Database(path: dir.db)
        #expect(try db.count("docs") == 3)
        // Refused clearly: the new record would be over the limit.
        #expect {
            try db.update("docs", key: 2, set: ["x": 1.5])
        } throws: { "\($0)".contains("docs") && "\($0)".contains("at most \(limit) bytes") }
        try db.delete("docs", key: 1)
        try db.update("docs", key: 2, set: ["note": "now small"])
        try db.close()
        // The WAL lines (their old_record over 16 MiB) read back.
        db = try Database(path: dir.db)
        #expect(try db.get("docs", key: 1) == nil)
        #expect(try db.get("docs", key: 2)?["note"] == "now small")
        #expect(try db.count("docs") == 2)
        try db.checkpoint()
        try db.close()
        db = try Database(path: dir.db)
        #expect(try db.get("docs", key: 1) == nil)
        #expect(try db.count("docs") == 2)
        #expect(dir.bytes("db/data/docs.records").count < 1000)
    }
}
