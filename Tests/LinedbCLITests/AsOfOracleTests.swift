import Foundation
import LineDB
import Testing

/// `--as-of` checked against exports taken at the time: a random workload (inserts, updates, key changes, deletes,
/// transactions committed and rolled back, saves, checkpoints, a table dropped) runs through the engine; after
/// every K LSNs a full export of each table is taken (`--format jsonl`, sorted by key). At the end the real
/// `linedb export --as-of LSN` must reproduce each of them byte for byte, and `linedb sql --as-of LSN` must count
/// and sum what they hold.
@Suite("linedb --as-of against exports taken at the time")
struct AsOfOracleTests {
    /// SplitMix64: each seed replays the same workload.
    struct Random: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// One export taken during the workload: the LSN, the table, its jsonl lines sorted by key.
    struct Snapshot {
        var lsn: Int
        var table: String
        var lines: [String]
        var keys: [Int]
    }

    static let itemSchema = try! TableSchema("item", columns: [
        Column("id", .int, primaryKey: true), Column("name", .str), Column("score", .int), Column("price", .float),
        Column("tags", .json), Column("flag", .bool),
    ])
    static let extraSchema = try! TableSchema("extra", columns: [
        Column("id", .int, primaryKey: true), Column("v", .str),
    ])

    static func latestLSN(_ db: Database) throws -> Int { try db.historyFiles().reach.latestLSN }

    /// A record of `item` with random values, some hostile (control characters, quotes, line breaks, emoji).
    static func itemValues(_ rng: inout Random) -> Record {
        let texts = HostileText.cases.map(\.text) + ["Ann", "Bob", "K", "\u{212A}", "é", "e\u{301}"]
        var r: Record = [:]
        r["name"] = Int.random(in: 0..<8, using: &rng) == 0 ? .null : .string(texts.randomElement(using: &rng)!)
        r["score"] = .int(Int.random(in: -1000...1000, using: &rng))
        r["price"] = Int.random(in: 0..<6, using: &rng) == 0 ? .null : .double(Double(Int.random(in: 0...100_000, using: &rng)) / 100)
        r["tags"] = Int.random(in: 0..<2, using: &rng) == 0 ? .null : .array([.string("t\(Int.random(in: 0..<5, using: &rng))"), .int(1)])
        r["flag"] = .bool(Bool.random(using: &rng))
        return r
    }

    /// One random write through `insert`/`update`/`delete` (of the database or of a transaction); `keys` are the
    /// keys live as far as the writer knows.
    static func randomWrite(
        _ rng: inout Random, keys: inout [Int], nextKey: inout Int,
        insert: (Record) throws -> Void, update: (Int, Record) throws -> Void, delete: (Int) throws -> Void
    ) throws {
        let roll = Int.random(in: 0..<100, using: &rng)
        if keys.isEmpty || roll < 40 {
            var r = itemValues(&rng)
            r["id"] = .int(nextKey)
            try insert(r)
            keys.append(nextKey)
            nextKey += Int.random(in: 1...3, using: &rng)
        } else if roll < 70 {
            let k = keys.randomElement(using: &rng)!
            var changes = itemValues(&rng)
            for name in changes.keys where Bool.random(using: &rng) { changes[name] = nil }
            if changes.isEmpty { changes["score"] = .int(0) }
            try update(k, changes)
        } else if roll < 82 {
            // A key change: the record moves to a new key (above or below the old one).
            let i = Int.random(in: 0..<keys.count, using: &rng)
            let new = Bool.random(using: &rng) ? nextKey : -nextKey
            nextKey += 1
            try update(keys[i], ["id": .int(new)])
            keys[i] = new
        } else {
            let i = Int.random(in: 0..<keys.count, using: &rng)
            try delete(keys[i])
            keys.remove(at: i)
        }
    }

    /// A full export of `table` through the engine, its lines sorted by key (the table's file order is not history).
    static func export(_ db: Database, _ table: String, lsn: Int, dir: Scratch) throws -> Snapshot {
        let path = dir.path + "/snapshot.jsonl"
        try db.export(table, to: path, format: .jsonl)
        let lines = dir.lines("snapshot.jsonl")
        let keyed = try lines.map { line -> (Int, String) in
            let o = try #require(try foundationJSON(line) as? [String: Any])
            return (try #require(o["id"] as? Int), line)
        }.sorted { $0.0 < $1.0 }
        return Snapshot(lsn: lsn, table: table, lines: keyed.map(\.1), keys: keyed.map(\.0))
    }

    /// Runs the workload; returns the snapshots taken, oldest first.
    static func workload(seed: UInt64, steps: Int, every k: Int, dir: Scratch) throws -> [Snapshot] {
        var rng = Random(state: seed)
        var options = DatabaseOptions(syncMode: .off)
        options.autoCheckpointBytes = nil
        let db = try Database(path: dir.db, options: options)
        try db.createTable(itemSchema)
        try db.createTable(extraSchema)
        var keys: [Int] = []
        var nextKey = 1
        var snapshots: [Snapshot] = []
        var extraLive = true
        var lastSnapshot = -k
        for step in 0..<steps {
            let roll = Int.random(in: 0..<100, using: &rng)
            if roll < 60 {
                try randomWrite(
                    &rng, keys: &keys, nextKey: &nextKey, insert: { try db.insert("item", $0) },
                    update: { try db.update("item", key: .int($0), set: $1) },
                    delete: { try db.delete("item", key: .int($0)) })
            } else if roll < 80 {
                var txKeys = keys
                var txNext = nextKey
                let rollBack = Int.random(in: 0..<3, using: &rng) == 0
                let n = Int.random(in: 1...5, using: &rng)
                struct RolledBack: Error {}
                do {
                    try db.transaction { tx in
                        for _ in 0..<n {
                            try randomWrite(
                                &rng, keys: &txKeys, nextKey: &txNext, insert: { try tx.insert("item", $0) },
                                update: { try tx.update("item", key: .int($0), set: $1) },
                                delete: { try tx.delete("item", key: .int($0)) })
                        }
                        if rollBack { throw RolledBack() }
                    }
                    keys = txKeys
                    nextKey = txNext
                } catch is RolledBack {}
            } else if roll < 88 {
                if extraLive {
                    try db.insert("extra", ["id": .int(step), "v": .string("step \(step)")])
                }
            } else if roll < 93 {
                try db.save()
            } else {
                try db.checkpoint()
            }
            if extraLive && step == steps * 2 / 3 {
                try db.dropTable("extra")
                extraLive = false
            }
            let lsn = try latestLSN(db)
            if lsn - lastSnapshot >= k {
                snapshots.append(try export(db, "item", lsn: lsn, dir: dir))
                if extraLive { snapshots.append(try export(db, "extra", lsn: lsn, dir: dir)) }
                lastSnapshot = lsn
            }
        }
        try db.close()
        return snapshots
    }

    /// Every file of the database and its bytes (to check that reading history changes nothing).
    static func contents(_ dir: Scratch) -> [String: Data] {
        var out: [String: Data] = [:]
        let fm = FileManager.default
        for sub in fm.enumerator(atPath: dir.db)?.compactMap({ $0 as? String }) ?? [] {
            let path = dir.db + "/" + sub
            var isDir: ObjCBool = false
            if fm.fileExists(atPath: path, isDirectory: &isDir), !isDir.boolValue {
                out[sub] = fm.contents(atPath: path)
            }
        }
        return out
    }

    @Test("export --as-of every LSN a snapshot was taken at reproduces it byte for byte; sql --as-of counts and sums it",
          arguments: [UInt64(1), 2, 3])
    func exportsReproduced(seed: UInt64) throws {
        let dir = Scratch()
        try expectOK(CLI.run(["init", dir.db]))
        let snapshots = try Self.workload(seed: seed, steps: 260, every: 9, dir: dir)
        let archives = dir.list("db/wal").filter { $0 != "transaction.log" }
        #expect(archives.count >= 3, "the workload was meant to leave archives: \(archives)")
        #expect(snapshots.contains { $0.table == "extra" }, "the dropped table was meant to be exported before the drop")
        let before = Self.contents(dir)
        for s in snapshots {
            let out = dir.path + "/asof.jsonl"
            let r = try CLI.run(["export", dir.db, s.table, out, "--as-of", "\(s.lsn)", "--format", "jsonl"])
            #expect(r.status == 0, "seed \(seed), \(s.table) as of lsn \(s.lsn): \(r)")
            #expect(r.stdout.contains("as of lsn \(s.lsn)"), "\(r)")
            let expected = Data(s.lines.map { $0 + "\n" }.joined().utf8)
            let got = FileManager.default.contents(atPath: out) ?? Data()
            #expect(got == expected, "seed \(seed), \(s.table) as of lsn \(s.lsn): the export differs from the one taken then")
            if got != expected { return }
            guard s.table == "item" else { continue }
            // SQL over the same past: count(*) and sum(score) as the export holds them.
            var sum = 0
            for line in s.lines {
                let o = try #require(try foundationJSON(line) as? [String: Any])
                sum += o["score"] as? Int ?? 0
            }
            let q = try CLI.run([
                "sql", dir.db, "--as-of", "\(s.lsn)", "--format", "csv",
                "SELECT count(*), coalesce(sum(score), 0), coalesce(min(id), 0), coalesce(max(id), 0) FROM item",
            ])
            let want = "\(s.keys.count),\(sum),\(s.keys.first ?? 0),\(s.keys.last ?? 0)"
            #expect(q.status == 0 && q.lines.last == want, "seed \(seed), sql as of lsn \(s.lsn): want \(want)\n\(q)")
        }
        #expect(Self.contents(dir) == before, "reading history changed a file of the database")
    }

    @Test("select --as-of prints the records then, in key order, with --where and --limit; lookups and ORDER BY the key in sql")
    func selectAndSQLLookups() throws {
        let dir = Scratch()
        try expectOK(CLI.run(["init", dir.db]))
        let db = try Database(path: dir.db, options: DatabaseOptions(syncMode: .off))
        try db.createTable(Self.extraSchema)
        for i in [5, 3, 9, 1] { try db.insert("extra", ["id": .int(i), "v": .string("v\(i)")]) }
        let then = try Self.latestLSN(db)
        try db.checkpoint()
        try db.update("extra", key: 3, set: ["v": "changed"])
        try db.update("extra", key: 9, set: ["id": 0])
        try db.delete("extra", key: 5)
        try db.insert("extra", ["id": 7, "v": "new"])
        try db.close()

        let all = expectOK(try CLI.run(["select", dir.db, "extra", "--as-of", "\(then)"]))
        #expect(all.lines == [
            #"{"id":1,"v":"v1"}"#, #"{"id":3,"v":"v3"}"#, #"{"id":5,"v":"v5"}"#, #"{"id":9,"v":"v9"}"#,
        ])
        let now = expectOK(try CLI.run(["select", dir.db, "extra"]))
        #expect(now.lines.count == 4 && now.stdout.contains("changed") && !now.stdout.contains("v5"))
        let some = expectOK(try CLI.run(["select", dir.db, "extra", "--as-of", "\(then)", "--where", "v=v5"]))
        #expect(some.lines == [#"{"id":5,"v":"v5"}"#])
        let first = expectOK(try CLI.run(["select", dir.db, "extra", "--as-of", "\(then)", "--limit", "2", "--format", "csv"]))
        #expect(first.lines == ["id,v", "1,v1", "3,v3"])

        let key = expectOK(try CLI.run(["sql", dir.db, "--as-of", "\(then)", "--format", "csv", "SELECT v FROM extra WHERE id = 9"]))
        #expect(key.lines == ["v", "v9"])
        let missing = expectOK(try CLI.run(["sql", dir.db, "--as-of", "\(then)", "--format", "csv", "SELECT v FROM extra WHERE id = 7"]))
        #expect(missing.lines == ["v"])
        let desc = expectOK(try CLI.run([
            "sql", dir.db, "--as-of", "\(then)", "--format", "csv", "SELECT id FROM extra ORDER BY id DESC",
        ]))
        #expect(desc.lines == ["id", "9", "5", "3", "1"])
        let join = expectOK(try CLI.run([
            "sql", dir.db, "--as-of", "\(then)", "--format", "csv",
            "SELECT a.id, b.id FROM extra a JOIN extra b ON b.id = a.id + 2 ORDER BY a.id",
        ]))
        #expect(join.lines == ["id,id", "1,3", "3,5"])
    }

    @Test("sql --as-of refuses a write, names the moment, and changes no file")
    func sqlWriteRefused() throws {
        let dir = try Scratch().studentDatabase(count: 3)
        let before = Self.contents(dir)
        let r = try CLI.run(["sql", dir.db, "--as-of", "2", "UPDATE student SET gpa = 4.0"])
        #expect(r.status == 2, "\(r)")
        #expect(r.stderr.contains("as of lsn 2 is read-only") && r.stderr.contains("nothing was written"), "\(r)")
        #expect(Self.contents(dir) == before)
        let read = expectOK(try CLI.run(["sql", dir.db, "--as-of", "2", "--format", "csv", "SELECT name FROM student"]))
        #expect(read.lines == ["name", "Alice"])
    }

    @Test("stats --as-of names the moment (lsn and time) and counts each table's records then; --json too")
    func stats() throws {
        let dir = try Scratch().studentDatabase(count: 4)
        let db = try Database(path: dir.db, options: DatabaseOptions(syncMode: .off))
        let entries = try db.walEntries()
        try db.close()
        let third = try #require(entries.first { $0.operationKind == .insert && $0.lsn >= 3 })
        let r = expectOK(try CLI.run(["stats", dir.db, "--as-of", "\(third.lsn)"]))
        #expect(r.stdout.contains("as of lsn \(third.lsn) (\(third.timestamp))"), "\(r)")
        let inserted = entries.filter { $0.operationKind == .insert && $0.lsn <= third.lsn }.count
        #expect(r.lines.contains { $0.split(separator: " ", omittingEmptySubsequences: true) == ["student", "\(inserted)", "4"] }, "\(r)")
        let j = expectOK(try CLI.run(["stats", dir.db, "--as-of", "\(third.lsn)", "--json"]))
        let o = try #require(try foundationJSON(j.stdout) as? [String: Any])
        let asOf = try #require(o["as_of"] as? [String: Any])
        #expect(asOf["lsn"] as? Int == third.lsn && asOf["time"] as? String == third.timestamp)
        let tables = try #require(o["tables"] as? [String: Any])
        #expect((tables["student"] as? [String: Any])?["records"] as? Int == inserted)
    }

    @Test("times: an entry's own timestamp, the same instant in UTC with Z, and relative forms give that moment")
    func times() throws {
        let dir = try Scratch().studentDatabase(count: 3)
        let db = try Database(path: dir.db, options: DatabaseOptions(syncMode: .off))
        let entries = try db.walEntries()
        try db.close()
        let second = try #require(entries.filter { $0.operationKind == .insert }.dropFirst().first)
        let byLSN = expectOK(try CLI.run(["select", dir.db, "student", "--as-of", "\(second.lsn)"]))
        #expect(byLSN.lines.count == 2)
        let byTime = expectOK(try CLI.run(["select", dir.db, "student", "--as-of", second.timestamp]))
        #expect(byTime.stdout == byLSN.stdout, "\(byTime)")
        // The same instant in UTC: the local time minus the zone's offset then.
        let local = try #require(Self.epoch(local: second.timestamp))
        var t = time_t(local.seconds)
        var utc = tm()
        gmtime_r(&t, &utc)
        let z = String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", Int(utc.tm_year) + 1900, Int(utc.tm_mon) + 1,
                       Int(utc.tm_mday), Int(utc.tm_hour), Int(utc.tm_min), Int(utc.tm_sec), local.micros)
        let byUTC = expectOK(try CLI.run(["select", dir.db, "student", "--as-of", z]))
        #expect(byUTC.stdout == byLSN.stdout, "\(z): \(byUTC)")
        // Relative (to the second): a week ago is before the table was created; once the clock has passed the last
        // write, -0s is now. A value after `--as-of` that starts with '-' is read as the moment.
        let weekAgo = try CLI.run(["select", dir.db, "student", "--as-of", "-1w"])
        #expect(weekAgo.status != 0 && weekAgo.stderr.contains("table 'student' did not exist as of lsn 0"), "\(weekAgo)")
        let noTables = expectOK(try CLI.run(["stats", dir.db, "--as-of=-1w"]))
        #expect(noTables.lines.last == "no tables", "\(noTables)")
        usleep(1_100_000)
        let now = expectOK(try CLI.run(["select", dir.db, "student", "--as-of", "-0s"]))
        #expect(now.lines.count == 3, "\(now)")
        let bad = try CLI.run(["select", dir.db, "student", "--as-of", "yesterday"])
        #expect(bad.status != 0 && bad.stderr.contains("'yesterday' is not a moment"), "\(bad)")
    }

    /// Seconds since 1970 and microseconds of a local `YYYY-MM-DDTHH:MM:SS.ffffff`.
    static func epoch(local stamp: String) -> (seconds: Int, micros: Int)? {
        let parts = stamp.split(whereSeparator: { "-T:.".contains($0) }).compactMap { Int($0) }
        guard parts.count == 7 else { return nil }
        var t = tm()
        t.tm_year = Int32(parts[0] - 1900)
        t.tm_mon = Int32(parts[1] - 1)
        t.tm_mday = Int32(parts[2])
        t.tm_hour = Int32(parts[3])
        t.tm_min = Int32(parts[4])
        t.tm_sec = Int32(parts[5])
        t.tm_isdst = -1
        return (Int(mktime(&t)), parts[6])
    }

    @Test("a moment before the history's reach is refused naming the earliest LSN and time; after the last too")
    func beforeReach() throws {
        let dir = Scratch()
        try expectOK(CLI.run(["init", dir.db]))
        let db = try Database(path: dir.db, options: DatabaseOptions(syncMode: .off))
        try db.createTable(Self.extraSchema)
        try db.insert("extra", ["id": 1, "v": "a"])
        try db.checkpoint()
        try db.insert("extra", ["id": 2, "v": "b"])
        try db.checkpoint()
        try db.insert("extra", ["id": 3, "v": "c"])
        let (files, _) = try db.historyFiles()
        let last = try Self.latestLSN(db)
        try db.close()
        // The oldest archive removed (as retention does): the history now starts after it.
        let oldest = try #require(files.first { !$0.isLive })
        try FileManager.default.removeItem(atPath: dir.db + "/wal/" + oldest.name)
        let reach = try Database(path: dir.db, options: DatabaseOptions(syncMode: .full, readOnly: true)).historyFiles().reach
        #expect(reach.earliestLSN > 1)
        for command in [["select", dir.db, "extra"], ["export", dir.db, "extra", dir.path + "/x.jsonl"], ["stats", dir.db],
                        ["sql", dir.db, "SELECT 1"]] {
            let r = try CLI.run(command + ["--as-of", "1"])
            #expect(r.status != 0, "\(command[0]): \(r)")
            #expect(r.stderr.contains("lsn 1 is before the earliest moment the history reaches, lsn \(reach.earliestLSN)"), "\(r)")
            if let time = reach.earliestTime { #expect(r.stderr.contains(time), "\(r)") }
        }
        #expect(!dir.exists("x.jsonl"))
        let after = try CLI.run(["select", dir.db, "extra", "--as-of", "\(last + 5)"])
        #expect(after.status != 0 && after.stderr.contains("after the last entry (lsn \(last))"), "\(after)")
        let fine = expectOK(try CLI.run(["select", dir.db, "extra", "--as-of", "\(reach.earliestLSN)"]))
        #expect(fine.lines.count >= 1)
    }
}
