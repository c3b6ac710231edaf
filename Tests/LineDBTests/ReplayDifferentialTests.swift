import Foundation
import Testing
@testable import LineDB

/// The open's replay (``WALReplayScan``: lines decoded ahead on other threads, sealed writes parsed straight into
/// rows) against the sequential reference kept beside it: ``WALScanner`` over ``WALLine/decode`` with
/// ``Replay/apply(_:)`` for every entry, the path every open took before. Random WALs written through the public API
/// (inserts, updates that change the key, deletes, committed and rolled-back transactions, an unfinished one at the
/// end, tables created, dropped and created again with other columns, string keys that differ only in Unicode
/// form) must give the same tables slot for slot, the same counters and flags, the same scan result and warnings,
/// and, when a line is damaged, the same refusal.
@Suite("Replay at open: the fast, threaded path equals the sequential reference")
struct ReplayDifferentialTests {
    /// A database at `dir` with a WAL of about `ops` random writes after a few saves; the last transaction's COMMIT
    /// is cut off, as a crash inside its write leaves it.
    static func makeDatabase(_ dir: String, seed: UInt64, ops: Int) throws {
        var rng = SeededRandom(seed: seed)
        var o = DatabaseOptions()
        o.syncMode = .off
        o.autoCheckpointBytes = nil
        let db = try Database(path: dir, options: o)
        try db.createTable(try TableSchema("t", columns: [
            Column("id", .int, primaryKey: true),
            Column("name", .str, nullable: false),
            Column("email", .str, unique: true),
            Column("n", .int, default: 7),
            Column("tag", .json),
        ]))
        try db.createTable(try TableSchema("s", columns: [Column("code", .str, primaryKey: true), Column("v", .float)]))
        var keys: [Int] = []
        var codes: [String] = []
        var tmpColumns = 1
        var tmpExists = false
        let names = ["Ann", "José", "Zoë \"quoted\"", "tab\there", "K", "\u{212A}", "e\u{301}", "é", "😀", "a\\b"]
        func email() -> JSONValue { Int.random(in: 0..<4, using: &rng) == 0 ? .null : .string("e\(Int.random(in: 0..<400, using: &rng))") }
        func record() -> Record {
            ["name": .string(names.randomElement(using: &rng)!), "email": email(), "n": .int(Int.random(in: -5...5, using: &rng)),
             "tag": Int.random(in: 0..<3, using: &rng) == 0 ? ["a": [1, 2.5, nil], "b": "x"] : .null]
        }
        for step in 0..<ops {
            switch Int.random(in: 0..<100, using: &rng) {
            case 0..<30:
                if let k = try? db.insert("t", record()), case .int(let i) = k { keys.append(i) }
            case 30..<45 where !keys.isEmpty:
                let k = keys.randomElement(using: &rng)!
                _ = try? db.update("t", key: .int(k), set: ["name": .string(names.randomElement(using: &rng)!), "email": email()])
            case 45..<52 where !keys.isEmpty:
                // An update that changes the primary key.
                let i = Int.random(in: 0..<keys.count, using: &rng)
                let new = 10_000 + step
                if (try? db.update("t", key: .int(keys[i]), set: ["id": .int(new)])) != nil { keys[i] = new }
            case 52..<62 where !keys.isEmpty:
                let i = Int.random(in: 0..<keys.count, using: &rng)
                if (try? db.delete("t", key: .int(keys[i]))) != nil { keys.remove(at: i) }
            case 62..<72:
                let code = names.randomElement(using: &rng)! + "\(Int.random(in: 0..<30, using: &rng))"
                if (try? db.insert("s", ["code": .string(code), "v": .double(Double(step) / 8)])) != nil { codes.append(code) }
            case 72..<76 where !codes.isEmpty:
                let i = Int.random(in: 0..<codes.count, using: &rng)
                if (try? db.delete("s", key: .string(codes[i]))) != nil { codes.remove(at: i) }
            case 76..<84:
                // A committed transaction, or one rolled back by an error thrown inside it.
                let rollBack = Int.random(in: 0..<3, using: &rng) == 0
                var added: [Int] = []
                let records = (0..<Int.random(in: 1...5, using: &rng)).map { _ in record() }
                let victim = keys.isEmpty ? nil : keys.randomElement(using: &rng)
                do {
                    try db.transaction { tx in
                        for r in records { if case .int(let i) = try tx.insert("t", r) { added.append(i) } }
                        if let victim { _ = try tx.update("t", key: .int(victim), set: ["n": .int(step)]) }
                        if rollBack { throw CancellationError() }
                    }
                    keys += added
                } catch {}
            case 84..<88:
                if tmpExists {
                    try db.dropTable("tmp")
                    tmpExists = false
                } else {
                    // Created again with other columns: the replay must not reuse the first table's rows.
                    tmpColumns = tmpColumns % 3 + 1
                    try db.createTable(try TableSchema(
                        "tmp", columns: [Column("id", .int, primaryKey: true)]
                            + (0..<tmpColumns).map { Column("c\($0)", .str) }))
                    tmpExists = true
                }
            case 88..<95 where tmpExists:
                _ = try? db.insert("tmp", Record(uniqueKeysWithValues: (0..<tmpColumns).map { ("c\($0)", JSONValue.string("v\(step)")) }))
            case 95..<97:
                _ = try db.save()
            default:
                break
            }
        }
        try db.transaction { tx in
            for i in 0..<3 { _ = try tx.insert("t", ["name": .string("last \(i)"), "email": .string("last\(i)")]) }
        }
        try db.close()
        // Cut the closing COMMIT: the transaction is unfinished, and the replay discards it.
        let wal = dir + "/wal/transaction.log"
        var bytes = Array(FileManager.default.contents(atPath: wal)!)
        let lastStart = (bytes.dropLast().lastIndex(of: 10) ?? -1) + 1
        #expect(String(decoding: bytes[lastStart...], as: UTF8.self).contains("\"COMMIT\""))
        bytes.removeSubrange(lastStart...)
        try Data(bytes).write(to: URL(fileURLWithPath: wal))
    }

    /// The tables as an open loads them before the WAL: schema files, then the records files' rows.
    static func loadTables(_ dir: String) throws -> NameMap<TableState> {
        var tables = NameMap<TableState>()
        let io = RealFileIO()
        for file in try FileManager.default.contentsOfDirectory(atPath: dir + "/schema") where file.hasSuffix(".schema.json") {
            let name = String(file.dropLast(".schema.json".count))
            guard let (t, _) = try Database.loadSchemaFile(dir + "/schema/" + file, table: name, io: io) else { continue }
            if let data = FileManager.default.contents(atPath: dir + "/data/\(name).records") {
                for line in Array(data).split(separator: 10) where !line.isEmpty {
                    let row = try line.withUnsafeBufferPointer { try t.parseStoredLine($0) }
                    t.append(row)
                }
                t.savedSlots = t.slots.count
            }
            tables[name] = t
        }
        return tables
    }

    /// What a replay left, for comparing: every table slot for slot, with its counters and flags.
    struct Outcome: Equatable {
        var tables: [String: [Row?]] = [:]
        var facts: [String: String] = [:]
        var dropped: [String] = []
        var notes: [String] = []
        var scan = ""
    }

    static func outcome(_ replay: inout Replay, scan: WALScanner.Result) -> Outcome {
        var o = Outcome()
        o.notes = replay.finish()
        for (name, t) in replay.tables {
            o.tables[name] = t.slots
            o.facts[name] = "count \(t.count) next \(String(describing: t.nextAutoKey)) rewrite \(t.needsRewrite) "
                + "saved \(t.savedSlots) readOnly \(t.readOnlyReason ?? "-") unique \(String(describing: t.buildUniqueIndexes()))"
        }
        o.dropped = replay.dropped.sorted()
        o.scan = "\(scan.validLines) \(String(describing: scan.lastLSN)) \(scan.validEnd) \(scan.sawSealed) "
            + "\(scan.outcome) \(String(describing: scan.cut))"
        return o
    }

    /// Replays `wal` over freshly loaded tables, the new way (with segments of `segmentBytes`) and the reference way.
    static func bothWays(_ dir: String, wal: [UInt8], segmentBytes: Int) throws -> (new: Result<Outcome, LineDBError>, reference: Result<Outcome, LineDBError>) {
        let path = dir + "/wal/transaction.log"
        let database = Database.inMemory()
        var fast = Replay(database: database, tables: try loadTables(dir), walPath: path)
        let new = wal.withUnsafeBufferPointer { buffer in
            Result { () throws(LineDBError) -> Outcome in
                let scan = try WALReplayScan.scan(buffer, path: path, firstImpliedLSN: 1, replay: &fast, segmentBytes: segmentBytes)
                return outcome(&fast, scan: scan)
            }
        }
        var slow = Replay(database: database, tables: try loadTables(dir), walPath: path)
        let reference = wal.withUnsafeBufferPointer { buffer in
            Result { () throws(LineDBError) -> Outcome in
                do {
                    let scan = try WALScanner.scan(buffer, path: path, firstImpliedLSN: 1) { try slow.apply($0) }
                    return outcome(&slow, scan: scan)
                } catch let error as LineDBError {
                    throw error
                } catch {
                    throw .invalidInput(reason: "\(error)")
                }
            }
        }
        return (new, reference)
    }

    static func same(_ a: Result<Outcome, LineDBError>, _ b: Result<Outcome, LineDBError>) -> Bool {
        switch (a, b) {
        case (.success(let x), .success(let y)): return x == y
        case (.failure(let x), .failure(let y)): return "\(x)" == "\(y)"
        default: return false
        }
    }

    @Test("random WALs replay to the same tables, counters, flags, scan result and warnings on the fast path (threaded, small segments) as on the sequential reference, and the open holds the reference's rows",
        arguments: [(UInt64(1), 1_500), (2, 1_500), (3, 3_000)])
    func randomWALs(seed: UInt64, ops: Int) throws {
        let dir = TempDir("replay-diff")
        try Self.makeDatabase(dir.db, seed: seed, ops: ops)
        let wal = Array(FileManager.default.contents(atPath: dir.db + "/wal/transaction.log")!)
        #expect(wal.count > 4 * 4096)  // several segments, so threads decode ahead
        // Most lines take the fast path (the comparison would prove little if they all fell back to the reference).
        var framed = 0
        var lines = 0
        wal.withUnsafeBufferPointer { buffer in
            JSONLines.forEach(buffer) { line in
                lines += 1
                if WALReplayLine.frame(UnsafeBufferPointer(rebasing: buffer[line.start..<line.end])) != nil { framed += 1 }
                return true
            }
        }
        #expect(framed * 2 > lines, "\(framed) of \(lines) lines framed")
        for segment in [4096, 300, 1 << 20] {
            let (new, reference) = try Self.bothWays(dir.db, wal: wal, segmentBytes: segment)
            guard case .success(let r) = reference else {
                Issue.record("the reference refused the WAL: \(reference)")
                return
            }
            #expect(Self.same(new, reference), "segments of \(segment) bytes")
            #expect(r.notes.contains { $0.contains("discarded 3 entries of 1 transaction") })
            #expect(r.tables["t"].map { $0.compactMap { $0 }.count } ?? 0 > 50)
        }
        // The real open (its own loader, the default segments) holds the reference's live rows.
        let (_, reference) = try Self.bothWays(dir.db, wal: wal, segmentBytes: 4096)
        let expected = try reference.get()
        let db = try Database(path: dir.db)
        defer { try? db.close() }
        for (name, slots) in expected.tables {
            #expect(db.tables[name].map { Array($0.rows) } == slots.compactMap { $0 }, "table \(name)")
        }
        #expect(Set(db.tables.keys) == Set(expected.tables.keys))
    }

    @Test("a damaged line (bit flip, cut, duplicated, removed) anywhere in a random WAL gives the same refusal, torn tail or damage on the fast path as on the reference")
    func damagedWALs() throws {
        let dir = TempDir("replay-diff-damage")
        try Self.makeDatabase(dir.db, seed: 11, ops: 1_200)
        let wal = Array(FileManager.default.contents(atPath: dir.db + "/wal/transaction.log")!)
        var rng = SeededRandom(seed: 99)
        let lineStarts = [0] + wal.indices.filter { wal[$0] == 10 && $0 + 1 < wal.count }.map { $0 + 1 }
        var refusals = 0
        for round in 0..<40 {
            var damaged = wal
            let k = Int.random(in: 1..<lineStarts.count, using: &rng)
            let start = lineStarts[k]
            let end = k + 1 < lineStarts.count ? lineStarts[k + 1] : wal.count
            switch round % 4 {
            case 0: damaged[Int.random(in: start..<(end - 1), using: &rng)] ^= 0x10
            case 1: damaged.removeSubrange(Int.random(in: start..<(end - 1), using: &rng)..<damaged.count)
            case 2: damaged.insert(contentsOf: wal[start..<end], at: end)
            default: damaged.removeSubrange(start..<end)
            }
            let (new, reference) = try Self.bothWays(dir.db, wal: damaged, segmentBytes: 2048)
            #expect(Self.same(new, reference), "round \(round): line \(k + 1)")
            if case .failure = reference { refusals += 1 }
            if case .success(let o) = reference, !o.scan.contains("clean") { refusals += 1 }
        }
        #expect(refusals > 10)  // the damage was seen (refused, or a torn tail cut off)
    }
}
