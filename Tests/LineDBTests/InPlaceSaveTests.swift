import Foundation
import Synchronization
import Testing
@testable import LineDB

/// Saves that cost what changed (issue 16, section 1): updates and deletes are patched into the records file in
/// place through a redo file. After every save the file must hold exactly the current records, one per line, in
/// the table's order, each line valid JSON for LineDB's parser and for Python's `json.loads`.
@Suite("In-place saves: the records file patched where records changed")
struct InPlaceSaveTests {
    static let schema = try! TableSchema("item", columns: [
        Column("id", .int, primaryKey: true),
        Column("name", .str, nullable: false),
        Column("tag", .str, unique: true),
        Column("data", .json),
    ])

    static func record(_ i: Int, name: String? = nil) -> Record {
        [
            "name": .string(name ?? "item number \(i) with some text"),
            "tag": .string("t\(i)"),
            "data": .object(["n": .int(i), "list": .array([.int(i), .string("é\(i)")])]),
        ]
    }

    /// A database with `n` saved records (ids 1...n).
    static func make(_ dir: TempDir, _ n: Int = 200, options: DatabaseOptions = DatabaseOptions(syncMode: .off))
        throws -> Database
    {
        let db = try Database(path: dir.db, options: options)
        try db.createTable(schema)
        _ = try db.insert("item", records: (1...n).map { record($0) })
        try db.save()
        return db
    }

    static func table(_ db: Database) throws -> TableState {
        try db.state.withLock { () throws(LineDBError) in try db.table("item") }
    }

    /// The records file parsed line by line with the engine's parser, each line re-encoded compactly; fails on a
    /// blank line, a line that does not parse, or a last line without a newline.
    static func fileLines(_ dir: TempDir, sourceLocation: SourceLocation = #_sourceLocation) -> [[UInt8]] {
        let bytes = dir.bytes("db/data/item.records")
        #expect(bytes.isEmpty || bytes.last == 10, "the file does not end with a newline", sourceLocation: sourceLocation)
        var out: [[UInt8]] = []
        for (i, line) in bytes.split(separator: 10, omittingEmptySubsequences: false).dropLast().enumerated() {
            let row = Array(line).withUnsafeBufferPointer { buffer -> Row? in try? schema.parseStoredRow(buffer) }
            guard let row else {
                Issue.record("line \(i + 1) does not parse: \(String(decoding: line, as: UTF8.self))", sourceLocation: sourceLocation)
                continue
            }
            var w = JSONWriter()
            schema.encodeRow(row, into: &w)
            out.append(w.bytes)
        }
        return out
    }

    /// The table's live rows in slot order, encoded as the file would hold them.
    static func memoryLines(_ db: Database) throws -> [[UInt8]] {
        let t = try table(db)
        return t.rows.map { row in
            var w = JSONWriter()
            t.encode(row, into: &w)
            return w.bytes
        }
    }

    /// The file holds exactly the table's records, in its order; Python reads every line; a fresh open reads the
    /// same records in the same order.
    static func expectFileMatches(_ db: Database, _ dir: TempDir, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let memory = try memoryLines(db)
        let file = fileLines(dir, sourceLocation: sourceLocation)
        #expect(file == memory, "the records file differs from the table (\(file.count) lines, \(memory.count) records)", sourceLocation: sourceLocation)
        #expect(try table(db).lineSpans?.end == dir.bytes("db/data/item.records").count, "spans out of step with the file", sourceLocation: sourceLocation)
        try expectPythonReads(dir.db + "/data/item.records", count: memory.count, sourceLocation: sourceLocation)
    }

    static func expectPythonReads(_ path: String, count: Int, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let python = try #require(FaultHelpers.which("python3"), "python3 is needed to check the file")
        let script = """
            import json, sys
            n = 0
            with open(sys.argv[1], 'rb') as f:
                for i, line in enumerate(f):
                    assert line.endswith(b'\\n'), 'line %d has no newline' % (i + 1)
                    assert line.strip(), 'line %d is blank' % (i + 1)
                    assert isinstance(json.loads(line.decode('utf-8')), dict), 'line %d is not an object' % (i + 1)
                    n += 1
            print(n)
            """
        let (status, output) = FaultHelpers.run(python, ["-c", script, path])
        #expect(status == 0, "python3 could not read the records file: \(output)", sourceLocation: sourceLocation)
        #expect(output.trimmingCharacters(in: .whitespacesAndNewlines) == "\(count)", sourceLocation: sourceLocation)
    }

    @Test("updating one record patches its line: same size, same order, the file is the table")
    func updateInPlace() throws {
        let dir = TempDir()
        let db = try Self.make(dir)
        let size = dir.bytes("db/data/item.records").count
        _ = try db.update("item", key: 50, set: ["name": "short"])
        let summary = try db.save()
        #expect(summary.patched == ["item": 1])
        #expect(summary.rewritten.isEmpty)
        #expect(dir.bytes("db/data/item.records").count == size)
        try Self.expectFileMatches(db, dir)
        #expect(dir.lines("db/data/item.records")[49].hasSuffix(" }"), "the shorter record is padded inside its object")
        #expect(try Self.table(db).lineSpans!.slack > 0)
        #expect(!dir.list("db/data").contains { $0.hasSuffix(".redo") }, "the redo file survived the save")
        try db.close()
        let again = try Database(path: dir.db)
        #expect(try again.get("item", key: 50)?["name"] == "short")
        try Self.expectFileMatches(again, dir)
        try again.close()
    }

    @Test("deleting the first, a middle and the last record: their bytes become padding, one line per record")
    func deletes() throws {
        let dir = TempDir()
        let db = try Self.make(dir)
        for key in [1, 100, 200] {
            _ = try db.delete("item", key: .int(key))
            let summary = try db.save()
            #expect(summary.patched == ["item": 1], "delete of \(key)")
            try Self.expectFileMatches(db, dir)
        }
        #expect(dir.lines("db/data/item.records").count == 197)
        // Two deletes side by side, and one next to an update, in one save.
        _ = try db.delete("item", key: 2)
        _ = try db.delete("item", key: 3)
        _ = try db.update("item", key: 4, set: ["name": "x"])
        _ = try db.delete("item", key: 5)
        #expect(try db.save().patched == ["item": 4])
        try Self.expectFileMatches(db, dir)
        try db.close()
        let again = try Database(path: dir.db)
        #expect(try again.count("item") == 194)
        try Self.expectFileMatches(again, dir)
        try again.close()
    }

    @Test("a record that grows past its line moves to the end of the file and of the table, after new records")
    func growingUpdateMoves() throws {
        let dir = TempDir()
        let db = try Self.make(dir)
        _ = try db.update("item", key: 10, set: ["name": .string(String(repeating: "long ", count: 40))])
        let newKey = try db.insert("item", Self.record(1000))
        let summary = try db.save()
        #expect(summary.patched == ["item": 1])
        #expect(summary.appended == ["item": 1])
        try Self.expectFileMatches(db, dir)
        let keys = try Self.table(db).rows.map { $0.values[0] }
        #expect(keys.suffix(2) == [newKey, .int(10)], "the grown record goes after the new one")
        try db.close()
        let again = try Database(path: dir.db)
        #expect(try Self.table(again).rows.map { $0.values[0] } == keys, "a fresh open reads the same order")
        try again.close()
    }

    @Test("random updates, deletes and inserts over many saves: after each save the file is the table",
          arguments: [1, 2, 3])
    func randomOperations(seed: UInt64) throws {
        let dir = TempDir()
        let db = try Self.make(dir, 300)
        var rng = SplitMix64(seed: seed)
        var next = 1000
        var inPlace = 0
        for round in 0..<25 {
            for _ in 0..<(1 + Int(rng.next() % 6)) {
                let keys = try Self.table(db).rows.map { $0.values[0].intValue! }
                let key = keys[Int(rng.next() % UInt64(keys.count))]
                switch rng.next() % 4 {
                case 0: _ = try db.delete("item", key: .int(key))
                case 1: _ = try db.insert("item", Self.record(next)); next += 1
                case 2:
                    let length = Int(rng.next() % 60)
                    _ = try db.update("item", key: .int(key), set: ["name": .string("n" + String(repeating: "ü", count: length))])
                default:
                    _ = try db.update("item", key: .int(key), set: ["data": .array([.int(round), .null, .bool(true)])])
                }
            }
            let summary = try db.save()
            if summary.patched["item"] != nil { inPlace += 1 }
            try Self.expectFileMatches(db, dir)
        }
        #expect(inPlace > 10, "most saves must go in place (\(inPlace) of 25)")
        let final = try Self.memoryLines(db)
        try db.close()
        let again = try Database(path: dir.db)
        #expect(try Self.memoryLines(again) == final)
        try again.close()
    }

    @Test("hostile values (escapes, multi-byte, long strings, deep JSON) updated in place read back exactly")
    func hostileValues() throws {
        let python = try #require(FaultHelpers.which("python3"))
        let (status, output) = FaultHelpers.run(python, ["/work/shared/hostile/make.py"])
        try #require(status == 0, "make.py failed: \(output)")
        var values: [JSONValue] = []
        for line in output.split(separator: "\n") {
            guard let object = try? JSONParser.parse(Array(line.utf8)).objectValue,
                let kind = object["kind"]?.stringValue, let text = object["text"]?.stringValue
            else { continue }
            if kind == "str" {
                values.append(.string(text))
            } else if kind == "json", let value = try? JSONParser.parse(Array(text.utf8)), value.storageProblem() == nil {
                values.append(value)
            }
        }
        #expect(values.count > 50)
        let dir = TempDir()
        let db = try Self.make(dir, 400)
        var expected: [Int: (String, JSONValue)] = [:]
        // Each value twice: first over a fresh record, then shrinking back to a short one (in place).
        for (i, value) in values.enumerated() {
            let key = 1 + i % 400
            let name = value.stringValue ?? "json \(i)"
            let data = value.stringValue == nil ? value : JSONValue.string(value.stringValue!)
            do {
                _ = try db.update("item", key: .int(key), set: ["name": .string(name), "data": data])
                expected[key] = (name, data)
            } catch {
                continue  // a value an insert refuses (deeper than the limit) is refused on update too
            }
            if i % 3 == 0 {
                try db.save()
                try Self.expectFileMatches(db, dir)
                _ = try db.update("item", key: .int(key), set: ["name": "s", "data": .null])
                expected[key] = ("s", .null)
            }
        }
        try db.save()
        try Self.expectFileMatches(db, dir)
        try db.close()
        let again = try Database(path: dir.db)
        for (key, (name, data)) in expected {
            let got = try again.get("item", key: .int(key))
            #expect(got?["name"] == .string(name), "name of \(key)")  // JSONValue's == compares exact code points
            #expect(got?["data"] == data, "data of \(key)")
        }
        try again.close()
    }

    @Test("slack past 20% of the file makes the save rewrite it whole, with no padding left")
    func compaction() throws {
        let dir = TempDir()
        let db = try Self.make(dir, 200)
        var rewrote = false
        var key = 1
        while !rewrote && key < 150 {
            _ = try db.delete("item", key: .int(key))
            _ = try db.delete("item", key: .int(key + 1))
            key += 2
            let summary = try db.save()
            try Self.expectFileMatches(db, dir)
            let spans = try Self.table(db).lineSpans!
            if summary.rewritten["item"] != nil {
                rewrote = true
                #expect(spans.slack == 0)
                #expect(!dir.read("db/data/item.records").contains("  "), "a rewrite leaves no padding")
            } else {
                #expect(Double(spans.slack) <= 0.2 * Double(spans.end), "slack passed 20% without a rewrite")
            }
        }
        #expect(rewrote, "deleting 20% of the records never compacted the file")
        #expect(Self.diskStats(db)?["slack_bytes"] == .int(0))
        try db.close()
    }

    /// `stats()["disk"]["tables"]["item"]`.
    static func diskStats(_ db: Database) -> JSONObject? {
        db.stats()["disk"]?.objectValue?["tables"]?.objectValue?["item"]?.objectValue
    }

    @Test("stats show the slack of each table's records file, in bytes and percent")
    func statsShowSlack() throws {
        let dir = TempDir()
        let db = try Self.make(dir, 100)
        _ = try db.delete("item", key: 40)
        try db.save()
        let spans = try Self.table(db).lineSpans!
        let item = Self.diskStats(db)
        #expect(item?["slack_bytes"] == .int(spans.slack))
        #expect(spans.slack > 50)
        #expect((item?["slack_percent"]?.doubleValue ?? 0) > 0)
        try db.close()
        // A fresh open measures the same slack from the file.
        let again = try Database(path: dir.db)
        #expect(Self.diskStats(again)?["slack_bytes"] == .int(spans.slack))
        try again.close()
    }

    @Test("with inPlaceSaves off, an update rewrites the file and every record keeps its place")
    func optionOff() throws {
        let dir = TempDir()
        var options = DatabaseOptions(syncMode: .off)
        options.inPlaceSaves = false
        let db = try Self.make(dir, 100, options: options)
        _ = try db.update("item", key: 10, set: ["name": .string(String(repeating: "long ", count: 40))])
        let summary = try db.save()
        #expect(summary.rewritten["item"] == 100)
        #expect(summary.patched.isEmpty)
        #expect(try Self.table(db).rows.map { $0.values[0] }[9] == .int(10))
        try Self.expectFileMatches(db, dir)
        try db.close()
    }

    // MARK: - The redo file

    /// A saved database and, for it, the redo of an in-place save of one update and one delete, built by hand as
    /// the save builds it: the original file, the file the redo makes, and the redo's bytes.
    static func redoFixture(_ dir: TempDir) throws -> (old: [UInt8], new: [UInt8], redo: [UInt8]) {
        let db = try make(dir, 50)
        _ = try db.checkpoint()  // an empty WAL: only the redo can bring the change below
        try db.close()
        let old = dir.bytes("db/data/item.records")
        // The expected result: the same update made and saved in a copy.
        let copy = TempDir()
        try FileManager.default.copyItem(atPath: dir.db, toPath: copy.db)
        let other = try Database(path: copy.db, options: DatabaseOptions(syncMode: .off))
        _ = try other.update("item", key: 7, set: ["name": "seven"])
        _ = try other.delete("item", key: 30)
        try other.save()
        try other.close()
        let new = copy.bytes("db/data/item.records")
        #expect(new.count == old.count)
        // Patches: every differing run of bytes.
        var patches: [RecordsRedo.Patch] = []
        var i = 0
        while i < old.count {
            if old[i] == new[i] { i += 1; continue }
            var j = i
            while j < old.count && old[j] != new[j] { j += 1 }
            patches.append(RecordsRedo.Patch(offset: i, bytes: Array(new[i..<j])))
            i = j
        }
        #expect(patches.count >= 2)
        let redo = RecordsRedo(sizeBefore: old.count, sizeAfter: new.count, patches: patches).encoded()
        // The WAL must not restore the change by itself: the writes happened only in the copy.
        return (old, new, redo)
    }

    @Test("a redo file cut at every byte is discarded (the file was not touched); a complete one is completed")
    func tornRedo() throws {
        let dir = TempDir()
        let (old, new, redo) = try Self.redoFixture(dir)
        let redoPath = "db/data/.item.records.redo"
        for cut in stride(from: 0, to: redo.count, by: redo.count > 400 ? 3 : 1) {
            try Data(redo[0..<cut]).write(to: URL(fileURLWithPath: dir.path + "/" + redoPath))
            let db = try Database(path: dir.db, options: DatabaseOptions(syncMode: .off))
            #expect(db.warnings.contains { $0.contains("removed the incomplete redo") }, "cut at \(cut)")
            try db.close()
            #expect(!dir.exists(redoPath))
            #expect(dir.bytes("db/data/item.records") == old, "cut at \(cut): the records file changed")
        }
        // One byte flipped: not complete either.
        var flipped = redo
        flipped[redo.count / 2] ^= 0x20
        try Data(flipped).write(to: URL(fileURLWithPath: dir.path + "/" + redoPath))
        try Database(path: dir.db, options: DatabaseOptions(syncMode: .off)).close()
        #expect(dir.bytes("db/data/item.records") == old)
        // Complete, over a file whose patches were torn half way: the open writes them again.
        var torn = old
        let decoded = try #require(RecordsRedo.decode(redo))
        let first = decoded.patches[0]
        for k in 0..<(first.bytes.count / 2) { torn[first.offset + k] = first.bytes[k] }
        try Data(torn).write(to: URL(fileURLWithPath: dir.path + "/db/data/item.records"))
        try Data(redo).write(to: URL(fileURLWithPath: dir.path + "/" + redoPath))
        // A read-only opener changes nothing: the redo and the torn file stay.
        var readOnly = DatabaseOptions(syncMode: .off)
        readOnly.readOnly = true
        let reader = try? Database(path: dir.db, options: readOnly)
        if let reader {
            #expect(reader.warnings.contains { $0.contains("in-place save was interrupted") })
            try reader.close()
        }
        #expect(dir.exists(redoPath))
        #expect(dir.bytes("db/data/item.records") == torn, "a read-only open changed the records file")
        let db = try Database(path: dir.db, options: DatabaseOptions(syncMode: .off))
        #expect(db.warnings.contains { $0.contains("completed an interrupted in-place save") })
        #expect(try db.get("item", key: 7)?["name"] == "seven")
        #expect(try db.get("item", key: 30) == nil)
        try db.close()
        #expect(dir.bytes("db/data/item.records") == new)
        #expect(!dir.exists(redoPath))
        // Completing it again (a crash right after the completion, before the redo was removed) is the same.
        try Data(redo).write(to: URL(fileURLWithPath: dir.path + "/" + redoPath))
        try Database(path: dir.db, options: DatabaseOptions(syncMode: .off)).close()
        #expect(dir.bytes("db/data/item.records") == new)
    }

    @Test("linedb check reports a leftover redo, complete or not, and changes nothing")
    func checkReportsRedo() throws {
        let dir = TempDir()
        let (old, _, redo) = try Self.redoFixture(dir)
        let redoPath = dir.db + "/data/.item.records.redo"
        try Data(redo).write(to: URL(fileURLWithPath: redoPath))
        let report = Database.check(path: dir.db)
        #expect(report.warnings.contains { $0.message.contains("redo of an in-place save (") }, "\(report.findings)")
        try Data(redo.prefix(redo.count - 1)).write(to: URL(fileURLWithPath: redoPath))
        let cut = Database.check(path: dir.db)
        #expect(cut.warnings.contains { $0.message.contains("incomplete redo") }, "\(cut.findings)")
        #expect(dir.bytes("db/data/item.records") == old)
        #expect(dir.exists("db/data/.item.records.redo"))
    }

    @Test("a reader that finds a redo over a torn line waits until a writer has finished it, then reads the result")
    func readerWaitsForRedo() throws {
        let dir = TempDir()
        let (old, new, redo) = try Self.redoFixture(dir)
        let decoded = try #require(RecordsRedo.decode(redo))
        var torn = old
        let first = decoded.patches[0]
        for k in 0..<(first.bytes.count / 2) { torn[first.offset + k] = first.bytes[k] }
        try Data(torn).write(to: URL(fileURLWithPath: dir.db + "/data/item.records"))
        try Data(redo).write(to: URL(fileURLWithPath: dir.db + "/data/.item.records.redo"))
        let seen = Mutex<(name: JSONValue?, gone: Bool, error: String?)?>(nil)
        let finished = DispatchSemaphore(value: 0)
        let path = dir.db
        let reader = Thread {
            var options = DatabaseOptions(syncMode: .off)
            options.readOnly = true
            do {
                let db = try Database(path: path, options: options)
                let found = (try db.get("item", key: 7)?["name"], try db.get("item", key: 30) == nil)
                seen.withLock { $0 = (found.0, found.1, nil) }
                try db.close()
            } catch {
                seen.withLock { $0 = (nil, false, "\(error)") }
            }
            finished.signal()
        }
        reader.start()
        usleep(150_000)
        try Database(path: dir.db, options: DatabaseOptions(syncMode: .off)).close()  // the writer completes it
        #expect(finished.wait(timeout: .now() + 10) == .success)
        let result = try #require(seen.withLock { $0 })
        #expect(result.error == nil)
        #expect(result.name == "seven")
        #expect(result.gone)
        #expect(dir.bytes("db/data/item.records") == new)
    }

    @Test("readers opening while a writer saves in place over and over always read every record, no error")
    func readersDuringSaves() throws {
        let dir = TempDir()
        let db = try Self.make(dir, 3000)
        let path = dir.db
        let stop = Atomic<Bool>(false)
        let failures = Mutex<[String]>([])
        let opens = Atomic<Int>(0)
        let finished = DispatchSemaphore(value: 0)
        let reader = Thread {
            var options = DatabaseOptions(syncMode: .off)
            options.readOnly = true
            while !stop.load(ordering: .acquiring) {
                do {
                    let r = try Database(path: path, options: options)
                    let n = try r.count("item")
                    if n != 3000 { failures.withLock { $0.append("read \(n) records") } }
                    try r.close()
                    opens.add(1, ordering: .relaxed)
                } catch {
                    failures.withLock { $0.append("\(error)") }
                }
            }
            finished.signal()
        }
        reader.start()
        var rng = SplitMix64(seed: 9)
        for round in 0..<60 {
            for _ in 0..<5 {
                let key = 1 + Int(rng.next() % 3000)
                let name = round % 3 == 0 ? String(repeating: "grown ", count: 20) : "r\(round)"
                _ = try db.update("item", key: .int(key), set: ["name": .string(name)])
            }
            try db.save()
        }
        stop.store(true, ordering: .releasing)
        #expect(finished.wait(timeout: .now() + 60) == .success)
        #expect(failures.withLock { $0 } == [])
        #expect(opens.load(ordering: .relaxed) > 0)
        try Self.expectFileMatches(db, dir)
        try db.close()
    }

    @Test("a redo that does not fit the records file refuses the open, naming it, and changes nothing")
    func redoForAnotherFile() throws {
        let dir = TempDir()
        let (old, _, _) = try Self.redoFixture(dir)
        let redo = RecordsRedo(
            sizeBefore: old.count + 100, sizeAfter: old.count + 200,
            patches: [RecordsRedo.Patch(offset: old.count + 100, bytes: Array(repeating: 65, count: 100))])
        try Data(redo.encoded()).write(to: URL(fileURLWithPath: dir.path + "/db/data/.item.records.redo"))
        #expect {
            try Database(path: dir.db, options: DatabaseOptions(syncMode: .off))
        } throws: { error in
            "\(error)".contains(".item.records.redo") && "\(error)".contains("expects")
        }
        #expect(dir.bytes("db/data/item.records") == old)
        #expect(dir.exists("db/data/.item.records.redo"))
    }
}
