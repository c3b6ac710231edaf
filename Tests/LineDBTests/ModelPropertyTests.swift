import Foundation
import Testing
@testable import LineDB

/// Model-based property tests: random sequences of inserts, updates (also of the key), deletes, transactions
/// (committed and aborted), saves, checkpoints and reopens, checked after every step against a plain dictionary.
@Suite("Model-based properties")
struct ModelPropertyTests {
    /// The model: table → key → record.
    typealias Model = [Int: Record]

    struct Aborted: Error {}

    static func state(_ db: Database) throws -> Model {
        var result: Model = [:]
        for r in try db.select("student") { result[r["id"]!.intValue!] = r }
        return result
    }

    static func randomRecord(_ rng: inout SeededRandom, key: Int?) -> Record {
        let names = ["Ann", "Bob", "Zoë", "李雷", "Émile", "O'Brien", "a\"b\\c", "😀 smile", "e\u{301}"]
        var r: Record = [:]
        if let key { r["id"] = .int(key) }
        r["name"] = .string(names[Int.random(in: 0..<names.count, using: &rng)])
        // A small pool of emails makes UNIQUE collisions frequent.
        r["email"] = .string("u\(Int.random(in: 0..<40, using: &rng))@x")
        r["gpa"] = Bool.random(using: &rng) ? .double(Double(Int.random(in: 0...400, using: &rng)) / 100) : .null
        return r
    }

    /// Applies one random write to both the database (directly or in a transaction) and the model, which must
    /// agree on whether it succeeds.
    static func randomWrite(_ rng: inout SeededRandom, write: (Record) throws -> JSONValue,
                            update: (Int, Record) throws -> Void, delete: (Int) throws -> Void,
                            model: inout Model, nextKey: inout Int) throws {
        func emailTaken(_ email: JSONValue?, except key: Int?) -> Bool {
            model.contains { $0.key != key && $0.value["email"] == email }
        }
        switch Int.random(in: 0..<10, using: &rng) {
        case 0..<5:
            let explicit = Int.random(in: 0..<5, using: &rng) == 0
            let key = explicit ? Int.random(in: 1...(nextKey + 5), using: &rng) : nil
            let record = randomRecord(&rng, key: key)
            let expectOK = !emailTaken(record["email"], except: nil) && (key.map { model[$0] == nil } ?? true)
            do {
                let k = try write(record).intValue!
                #expect(expectOK, "insert succeeded but the model expected a violation")
                if key == nil { #expect(k >= nextKey, "auto key \(k) reused (next was \(nextKey))") }
                var stored = record
                stored["id"] = .int(k)
                model[k] = ["id": .int(k), "name": stored["name"]!, "email": stored["email"]!, "gpa": stored["gpa"]!]
                nextKey = max(nextKey, k + 1)
            } catch let error as LineDBError {
                #expect(!expectOK, "insert failed unexpectedly: \(error)")
            }
        case 5..<8:
            guard let key = model.keys.sorted().randomElement(using: &rng) else { return }
            var changes: Record = [:]
            if Bool.random(using: &rng) { changes["email"] = .string("u\(Int.random(in: 0..<40, using: &rng))@x") }
            if Bool.random(using: &rng) { changes["gpa"] = .double(Double(Int.random(in: 0...400, using: &rng)) / 100) }
            var newKey = key
            if Int.random(in: 0..<4, using: &rng) == 0 {
                newKey = Int.random(in: 1...(nextKey + 3), using: &rng)
                changes["id"] = .int(newKey)
            }
            let expectOK = !emailTaken(changes["email"] ?? model[key]!["email"], except: key)
                && (newKey == key || model[newKey] == nil)
            do {
                try update(key, changes)
                #expect(expectOK, "update succeeded but the model expected a violation")
                var r = model.removeValue(forKey: key)!
                for (k, v) in changes { r[k] = v }
                model[newKey] = r
                nextKey = max(nextKey, newKey + 1)
            } catch let error as LineDBError {
                #expect(!expectOK, "update failed unexpectedly: \(error)")
            }
        default:
            guard let key = model.keys.sorted().randomElement(using: &rng) else { return }
            try delete(key)
            model.removeValue(forKey: key)
        }
    }

    @Test("random writes, transactions, saves, checkpoints and reopens always equal the model", arguments: [1, 2, 3, 4, 5, 6, 7, 8])
    func modelEquivalence(seed: Int) throws {
        var rng = SeededRandom(seed: UInt64(seed))
        let dir = TempDir()
        var options = DatabaseOptions()
        options.syncMode = .off  // the property is about logic; durability has its own tests
        options.autoCheckpointBytes = seed % 2 == 0 ? 8_000 : nil  // exercise auto-checkpoint too
        var db = try Database(path: dir.db, options: options)
        try db.createTable(studentSchema)
        var model: Model = [:]
        var nextKey = 1
        for step in 0..<250 {
            let roll = Int.random(in: 0..<100, using: &rng)
            if roll < 70 {
                try Self.randomWrite(&rng, write: { try db.insert("student", $0) },
                                update: { try db.update("student", key: .int($0), set: $1) },
                                delete: { try db.delete("student", key: .int($0)) }, model: &model, nextKey: &nextKey)
            } else if roll < 82 {
                // A transaction of several writes; a third of them abort at the end.
                var txModel = model
                var txNext = nextKey
                let abort = Int.random(in: 0..<3, using: &rng) == 0
                let n = Int.random(in: 1...6, using: &rng)
                do {
                    try db.transaction { tx in
                        for _ in 0..<n {
                            try Self.randomWrite(&rng, write: { try tx.insert("student", $0) },
                                            update: { try tx.update("student", key: .int($0), set: $1) },
                                            delete: { try tx.delete("student", key: .int($0)) }, model: &txModel,
                                            nextKey: &txNext)
                        }
                        if abort { throw Aborted() }
                    }
                    model = txModel
                    nextKey = txNext
                } catch is Aborted {
                    // nothing of it may remain
                }
            } else if roll < 88 {
                try db.save()
                #expect(dir.lines("db/data/student.records").count == model.count, "wc -l after save, step \(step)")
            } else if roll < 92 {
                try db.checkpoint()
            } else {
                try db.close()
                db = try Database(path: dir.db, options: options)
                #expect(db.warnings.isEmpty, "warnings at reopen: \(db.warnings)")
            }
            let actual = try Self.state(db)
            #expect(actual == model, "seed \(seed) step \(step): database differs from the model")
            if actual != model { return }
        }
        try db.close()
        let reopened = try Database(path: dir.db, options: options)
        #expect(try Self.state(reopened) == model)
        // Keys are never reused, even after reopening.
        let k = try reopened.insert("student", ["name": "last", "email": "last@x"]).intValue!
        #expect(k >= nextKey)
    }

    @Test("records saved at any prefix plus the whole WAL replay to the final state; replaying twice equals once",
          arguments: [11, 12, 13])
    func replayFromAnyPrefix(seed: Int) throws {
        var rng = SeededRandom(seed: UInt64(seed))
        let dir = TempDir()
        var options = DatabaseOptions()
        options.syncMode = .off
        options.autoCheckpointBytes = nil
        let db = try Database(path: dir.db, options: options)
        try db.createTable(studentSchema)
        var model: Model = [:]
        var nextKey = 1
        var snapshots: [[UInt8]] = [dir.bytes("db/data/student.records")]
        for _ in 0..<120 {
            try Self.randomWrite(&rng, write: { try db.insert("student", $0) },
                            update: { try db.update("student", key: .int($0), set: $1) },
                            delete: { try db.delete("student", key: .int($0)) }, model: &model, nextKey: &nextKey)
            try db.save()
            snapshots.append(dir.bytes("db/data/student.records"))
        }
        // The transient-UNIQUE case: A moves x -> y, then B takes x. Replaying over a state saved after both
        // passes through a moment where A and B both hold x.
        try db.insert("student", ["id": 900, "name": "A", "email": "x@t"])
        try db.update("student", key: 900, set: ["email": "y@t"])
        try db.insert("student", ["id": 901, "name": "B", "email": "x@t"])
        model[900] = ["id": 900, "name": "A", "email": "y@t", "gpa": 0.0]
        model[901] = ["id": 901, "name": "B", "email": "x@t", "gpa": 0.0]
        try db.save()
        snapshots.append(dir.bytes("db/data/student.records"))
        try db.close()
        let wal = dir.bytes("db/wal/transaction.log")
        let schema = dir.bytes("db/schema/student.schema.json")

        for (k, records) in snapshots.enumerated() {
            let other = TempDir()
            try FileManager.default.createDirectory(atPath: other.db + "/data", withIntermediateDirectories: true)
            try FileManager.default.createDirectory(atPath: other.db + "/schema", withIntermediateDirectories: true)
            try FileManager.default.createDirectory(atPath: other.db + "/wal", withIntermediateDirectories: true)
            _ = FileManager.default.createFile(atPath: other.db + "/data/student.records", contents: Data(records))
            _ = FileManager.default.createFile(atPath: other.db + "/schema/student.schema.json", contents: Data(schema))
            _ = FileManager.default.createFile(atPath: other.db + "/wal/transaction.log", contents: Data(wal))
            let replayed = try Database(path: other.db, options: options)
            let got = try Self.state(replayed)
            #expect(got == model, "prefix \(k) + WAL differs from the final state")
            if got != model {
                for key in Set(got.keys).union(model.keys).sorted() where got[key] != model[key] {
                    print("prefix \(k) key \(key): got \(got[key].map { JSONWriter.encode(.object($0)) } ?? "-") want \(model[key].map { JSONWriter.encode(.object($0)) } ?? "-")")
                }
                return
            }
            // Replay twice: save the replayed state, open again over the same WAL.
            try replayed.save()
            try replayed.close()
            let twice = try Database(path: other.db, options: options)
            #expect(try Self.state(twice) == model, "replaying twice differs (prefix \(k))")
        }
    }

    /// Strings that differ only in Unicode form: `K` and the Kelvin sign; `café` NFC and NFD; `Å` as U+00C5, as
    /// the Angstrom sign and as `A` + a combining ring; `Ω` as omega and as the ohm sign. Swift's `String ==` takes
    /// each group as one string; LineDB, like Python and SQLite, as several.
    static let lookalikes = [
        "K", "\u{212A}", "caf\u{E9}", "cafe\u{301}", "\u{C5}", "\u{212B}", "A\u{30A}", "\u{3A9}", "\u{2126}",
    ]

    struct Word {
        var w: String
        var tag: String
        var n: Int
    }

    static func scalars(_ s: String) -> [UInt32] { s.unicodeScalars.map(\.value) }

    static func tagTaken(_ tag: String, except key: [UInt32]?, in model: [[UInt32]: Word]) -> Bool {
        model.contains { $0.key != key && scalars($0.value.tag) == scalars(tag) }
    }

    /// The model's records as ``FaultHelpers/state(_:)`` shows a table's.
    static func expected(_ model: [[UInt32]: Word]) -> [String] {
        model.values.map { r in
            FaultHelpers.exact(JSONWriter.encode(["w": .string(r.w), "tag": .string(r.tag), "n": .int(r.n)]))
        }.sorted()
    }

    @Test("string keys and UNIQUE values that differ only in Unicode form stay distinct through random inserts, updates, deletes, checkpoints and reopens",
          arguments: [21, 22, 23])
    func lookalikeKeysAndUniqueValues(seed: Int) throws {
        var rng = SeededRandom(seed: UInt64(seed))
        let dir = TempDir()
        var options = DatabaseOptions()
        options.syncMode = .off
        var db = try Database(path: dir.db, options: options)
        try db.createTable(TableSchema("word", columns: [
            Column("w", .str, primaryKey: true), Column("tag", .str, unique: true), Column("n", .int),
        ]))
        /// Exact scalars → the record, the model's only way of comparing strings.
        var model: [[UInt32]: Word] = [:]
        let pool = Self.lookalikes
        for step in 0..<200 {
            let roll = Int.random(in: 0..<100, using: &rng)
            let existing = model.keys.sorted { $0.lexicographicallyPrecedes($1) }
            if roll < 50 {
                let w = pool[Int.random(in: 0..<pool.count, using: &rng)]
                let tag = pool[Int.random(in: 0..<pool.count, using: &rng)] + (Bool.random(using: &rng) ? "" : "1")
                let ok = model[Self.scalars(w)] == nil && !Self.tagTaken(tag, except: nil, in: model)
                do {
                    _ = try db.insert("word", ["w": .string(w), "tag": .string(tag), "n": .int(step)])
                    #expect(ok, "seed \(seed) step \(step): insert succeeded, the model expected a violation")
                    model[Self.scalars(w)] = Word(w: w, tag: tag, n: step)
                } catch {
                    #expect(!ok, "seed \(seed) step \(step): insert of \(Self.scalars(w)) failed: \(error)")
                }
            } else if roll < 70, let key = existing.randomElement(using: &rng) {
                let tag = pool[Int.random(in: 0..<pool.count, using: &rng)] + (Bool.random(using: &rng) ? "" : "1")
                let ok = !Self.tagTaken(tag, except: key, in: model)
                do {
                    _ = try db.update("word", key: .string(model[key]!.w), set: ["tag": .string(tag), "n": .int(step)])
                    #expect(ok, "seed \(seed) step \(step): update succeeded, the model expected a violation")
                    model[key]!.tag = tag
                    model[key]!.n = step
                } catch {
                    #expect(!ok, "seed \(seed) step \(step): update of \(key) failed: \(error)")
                }
            } else if roll < 85, let key = existing.randomElement(using: &rng) {
                let deleted = try db.delete("word", key: .string(model[key]!.w))
                #expect(deleted["w"].flatMap(\.stringValue).map(Self.scalars) == key)
                model[key] = nil
            } else if roll < 90 {
                try db.checkpoint()
            } else {
                try db.close()
                db = try Database(path: dir.db, options: options)
            }
            let actual = try FaultHelpers.state(db)["word"] ?? []
            let wanted = Self.expected(model)
            #expect(actual == wanted, "seed \(seed) step \(step): database differs from the model")
            if actual != wanted { return }
            for (key, r) in model {
                #expect(try db.get("word", key: .string(r.w))?["n"] == .int(r.n), "get \(key) at step \(step)")
            }
        }
        try db.close()
    }
}
