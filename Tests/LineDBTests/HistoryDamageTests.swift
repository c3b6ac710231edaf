import Foundation
import Testing
@testable import LineDB
import LineDBTestSupport

/// Time travel over damaged history (issue 15, "Bad input"): a torn archive, a bit flipped in an archive, a missing
/// middle archive, an archive of another database, clocks that go backwards, the seed's entries without LSN, an
/// empty, a symlinked or an unreadable archive, a huge line, NUL bytes; a table dropped and re-created, a table
/// without a primary key. For each: `history`, `state(asOf:)` and `diff` on both sides of the damage. What does not
/// need the damaged part works and is right; what does is refused naming the file, line and byte; and reading
/// history never changes a byte of the database's files.
@Suite("Time travel over damaged history")
struct HistoryDamageTests {
    /// A database with three archives and a live WAL, and the table's records (key order) at the end of each.
    struct Fixture {
        let dir = ScratchDir("history-damage")
        /// The archives, oldest first.
        var archives: [String] = []
        /// The LSN at the end of each phase (A1, A2, A3, live) and the records then.
        var ends: [(lsn: Int, records: [Record])] = []

        var wal: String { dir.db + "/wal" }

        /// `clock`: where the WAL's timestamps come from (the system's by default).
        init(clock: (any DatabaseClock)? = nil) throws {
            var o = DatabaseOptions()
            o.gzipArchives = false  // these tests damage archive lines in place: plain archives
            o.syncMode = .off
            o.autoCheckpointBytes = nil
            if let clock { o.clock = clock }
            let db = try Database(path: dir.db, options: o)
            try db.createTable(studentSchema)
            func end() throws {
                ends.append((try db.historyFiles().reach.latestLSN, try Self.records(db)))
            }
            // A1: the table and four students.
            for i in 1...4 { try db.insert("student", ["id": .int(i), "name": .string("S\(i)"), "email": .string("s\(i)@x")]) }
            try end()
            try db.checkpoint()
            // A2: updates, a delete, an insert.
            try db.update("student", key: 1, set: ["name": "Ann"])
            try db.update("student", key: 2, set: ["gpa": 3.5])
            try db.delete("student", key: 3)
            try db.insert("student", ["id": 5, "name": "Eve", "email": "e@x"])
            try db.update("student", key: 1, set: ["gpa": 2.5])
            try end()
            try db.checkpoint()
            // A3: more, and a key change.
            try db.update("student", key: 1, set: ["name": "Anna"])
            try db.update("student", key: 5, set: ["id": 50])
            try db.insert("student", ["id": 6, "name": "Finn", "email": "f@x"])
            try end()
            try db.checkpoint()
            // The live WAL.
            try db.update("student", key: 1, set: ["gpa": 4.0])
            try db.delete("student", key: 2)
            try db.insert("student", ["id": 7, "name": "Gus", "email": "g@x"])
            try end()
            try db.close()
            archives = FaultHelpers.list(wal).filter { $0 != "transaction.log" && !$0.hasSuffix(".idx") }
            precondition(archives.count == 3, "expected 3 archives: \(archives)")
        }

        static func records(_ db: Database) throws -> [Record] {
            try db.select("student").sorted { JSONValue.compare($0["id"]!, $1["id"]!) < 0 }
        }

        func open(readOnly: Bool = false) throws -> Database {
            var o = DatabaseOptions(syncMode: .off, readOnly: readOnly)
            o.gzipArchives = false  // these tests damage archive lines in place: plain archives
            o.autoCheckpointBytes = nil
            return try Database(path: dir.db, options: o)
        }

        /// The lines of archive `i` (0-based), without their newlines.
        func lines(_ i: Int) -> [[UInt8]] { FaultHelpers.splitLines(dir.bytes("db/wal/" + archives[i])) }

        func write(_ i: Int, _ bytes: [UInt8]) { FaultHelpers.write(wal + "/" + archives[i], bytes) }

        /// The byte offset of line `n` (1-based) of archive `i`.
        func offset(_ i: Int, line n: Int) -> Int { lines(i).prefix(n - 1).reduce(0) { $0 + $1.count + 1 } }
    }

    /// The records of the past state's student table.
    static func past(_ db: Database, _ lsn: Int) throws -> [Record]? {
        try db.state(asOf: .lsn(lsn)).table("student")?.records
    }

    static func text(_ body: () throws -> Any) -> String? {
        do {
            _ = try body()
            return nil
        } catch {
            return FaultHelpers.text(error)
        }
    }

    /// Runs `body` on the database and checks that no file under it changed.
    static func unchanged(_ f: Fixture, readOnly: Bool = false, _ body: (Database) throws -> Void) throws {
        let db = try f.open(readOnly: readOnly)
        defer { try? db.close() }
        let before = FaultHelpers.snapshot(f.dir.db)
        try body(db)
        #expect(FaultHelpers.snapshot(f.dir.db) == before, "reading history changed a file")
    }

    // MARK: - The fixture itself

    @Test("undamaged: every phase's end is reproduced, and the history of a key spans the three archives")
    func undamaged() throws {
        let f = try Fixture()
        try Self.unchanged(f) { (db: Database) throws in
            for end in f.ends { #expect(try Self.past(db, end.lsn) == end.records, "as of lsn \(end.lsn)") }
            let versions = try db.history(of: "student", key: 1)
            #expect(Set(versions.map(\.file)).count == 4, "versions from A1, A2, A3 and the live WAL")
        }
    }

    // MARK: - A bit flipped in the middle of an archive

    @Test("a bit flipped in the middle of the middle archive: moments after it work; those that need it are refused naming file, line and byte")
    func bitFlip() throws {
        let f = try Fixture()
        var lines = f.lines(1)
        let n = 3  // the middle of A2 (a CHECKPOINT, then five entries)
        let at = lines[n - 1].count / 2
        lines[n - 1][at] ^= 0x04
        f.write(1, FaultHelpers.joinLines(lines))
        let byte = f.offset(1, line: n)
        try Self.unchanged(f) { (db: Database) throws in
            // After the damage: the ends of A2 and A3 and now.
            for end in f.ends.dropFirst() { #expect(try Self.past(db, end.lsn) == end.records, "as of lsn \(end.lsn)") }
            #expect(try db.diff(from: .lsn(f.ends[1].lsn)).tables.first?.updated.isEmpty == false)
            #expect(try db.history(of: "student", key: 1, limit: 2).count == 2, "the 2 newest versions are after the damage")
            // Before it: refused, naming the archive, the line and the byte.
            let place = "\(f.archives[1]):\(n) (byte \(byte))"
            for message in [
                Self.text { try db.state(asOf: .lsn(f.ends[0].lsn)) },
                Self.text { try db.diff(from: .lsn(f.ends[0].lsn), to: .lsn(f.ends[2].lsn)) },
                Self.text { try db.history(of: "student", key: 1) },
            ] {
                #expect(message?.contains(place) == true, "\(message ?? "no error")")
                #expect(message?.contains("unaffected") == true, "says what is unaffected: \(message ?? "")")
            }
        }
    }

    // MARK: - A torn archive

    @Test("an archive cut in the middle of its last line: the reach starts after it, and the refusal names the file, line and byte of the tear")
    func tornArchive() throws {
        let f = try Fixture()
        var bytes = f.dir.bytes("db/wal/" + f.archives[1])
        let lines = f.lines(1)
        bytes.removeLast(lines.last!.count / 2 + 1)
        f.write(1, bytes)
        let byte = f.offset(1, line: lines.count)
        try Self.unchanged(f) { (db: Database) throws in
            let reach = try db.historyFiles().reach
            #expect(reach.earliestLSN == f.ends[1].lsn, "the history after the torn entry is whole")
            #expect(reach.limits.joined().contains("\(f.archives[1]):\(lines.count) (byte \(byte))"), "\(reach.limits)")
            for end in f.ends.dropFirst() { #expect(try Self.past(db, end.lsn) == end.records, "as of lsn \(end.lsn)") }
            let refused = Self.text { try db.state(asOf: .lsn(f.ends[0].lsn)) }
            #expect(refused?.contains("\(f.archives[1]):\(lines.count) (byte \(byte))") == true, "\(refused ?? "no error")")
            #expect(refused?.contains("lsn \(f.ends[1].lsn)") == true, "names the earliest moment: \(refused ?? "")")
            #expect(Self.text { try db.diff(from: .lsn(f.ends[0].lsn)) } != nil)
            #expect(try db.diff(from: .lsn(f.ends[1].lsn)).toLSN == f.ends[3].lsn)
            // A record's history is not silently cut at the tear.
            let history = Self.text { try db.history(of: "student", key: 1) }
            #expect(history?.contains(f.archives[1]) == true && history?.contains("byte \(byte)") == true, "\(history ?? "no error")")
            #expect(try db.history(of: "student", key: 1, limit: 2).count == 2)
        }
    }

    // MARK: - A missing middle archive

    @Test("a missing middle archive: the reach starts after the gap, naming both files and the LSNs missing")
    func missingArchive() throws {
        let f = try Fixture()
        let first = f.lines(1).count
        _ = first
        unlink(f.wal + "/" + f.archives[1])
        try Self.unchanged(f) { (db: Database) throws in
            let reach = try db.historyFiles().reach
            #expect(reach.earliestLSN == f.ends[1].lsn)
            let limits = reach.limits.joined()
            #expect(limits.contains(f.archives[0]) && limits.contains(f.archives[2]) && limits.contains("missing"), "\(limits)")
            for end in f.ends.dropFirst() { #expect(try Self.past(db, end.lsn) == end.records, "as of lsn \(end.lsn)") }
            let refused = Self.text { try db.state(asOf: .lsn(f.ends[0].lsn)) }
            #expect(refused?.contains("lsn \(f.ends[1].lsn)") == true && refused?.contains("missing") == true, "\(refused ?? "")")
            #expect(Self.text { try db.diff(from: .lsn(f.ends[0].lsn)) }?.contains("missing") == true)
            #expect(try db.diff(from: .lsn(f.ends[1].lsn)).tables.isEmpty == false)
        }
    }

    // MARK: - An archive of another database

    @Test("an archive of another database copied into wal/ (sorting last, or first): left out by the chain of CHECKPOINTs, with a note; the history is whole", arguments: ["transaction.29991231_235959.log", "transaction.20000101_000000.log"])
    func foreignArchive(name: String) throws {
        let f = try Fixture()
        let other = try Fixture()
        FaultHelpers.write(f.wal + "/" + name, other.dir.bytes("db/wal/" + other.archives[1]))
        try Self.unchanged(f) { (db: Database) throws in
            let (files, reach) = try db.historyFiles()
            #expect(!files.map(\.name).contains(name), "the foreign archive is not part of the history")
            #expect(reach.earliestLSN == 0, "\(reach.limits)")
            for end in f.ends { #expect(try Self.past(db, end.lsn) == end.records, "as of lsn \(end.lsn)") }
            let clean = try Self.cleanHistoryCount(key: 1)
            #expect(try db.history(of: "student", key: 1).count == clean)
            let notes = try db.state(asOf: .lsn(f.ends[0].lsn)).notes.joined()
            #expect(notes.contains(name), "a note names the archive left out: \(notes)")
        }
    }

    static func cleanHistoryCount(key: Int) throws -> Int {
        let g = try Fixture()
        let db = try g.open()
        defer { try? db.close() }
        return try db.history(of: "student", key: .int(key)).count
    }

    @Test("an archive of another database whose LSNs overlap, where no CHECKPOINT names the archives: the reach starts after it, naming both files")
    func overlappingWithoutChain() throws {
        let f = try Fixture()
        let other = try Fixture()
        // The live WAL's CHECKPOINT is the only link from now; without it (the seed's checkpoint writes none) only
        // the LSNs can tell.
        let foreign = "transaction.29991231_235959.log"
        FaultHelpers.write(f.wal + "/" + foreign, other.dir.bytes("db/wal/" + other.archives[0]))
        var live = FaultHelpers.splitLines(f.dir.bytes("db/wal/transaction.log"))
        live.removeFirst()  // the CHECKPOINT
        FaultHelpers.write(f.wal + "/transaction.log", FaultHelpers.joinLines(live))
        try Self.unchanged(f) { (db: Database) throws in
            let reach = try db.historyFiles().reach
            let limits = reach.limits.joined()
            #expect(limits.contains(foreign), "\(limits)")
            #expect(Self.text { try db.state(asOf: .lsn(f.ends[0].lsn)) }?.contains(foreign) == true)
            #expect(try Self.past(db, f.ends[3].lsn) == f.ends[3].records)
        }
    }

    // MARK: - Clocks that go backwards

    @Test("timestamps that go backwards (an archive stamped an hour before the one before it, and within a file): times resolve in log order, with a note")
    func clockBackwards() throws {
        // The clock's readings: 0 the create, 1-4 A1's inserts, 5 the first checkpoint (archive 1's CHECKPOINT line),
        // 6-10 A2's writes, 11 the second checkpoint, 12-14 A3's writes. A2's entries (5-10) an hour earlier than
        // the time goes; inside A3, its third entry (13) a day earlier.
        let clock = TestClock(offset: { n in (5...10).contains(n) ? -3_600 : n == 13 ? -86_400 : 0 })
        let f = try Fixture(clock: clock)
        let a3 = f.lines(2)
        #expect(a3.count == 4 && clock.readings == 19, "\(a3.count) lines in A3, \(clock.readings) readings")
        try Self.unchanged(f) { (db: Database) throws in
            // The oracle: every entry in log order; a time names the last entry before the first one stamped later.
            var all: [(lsn: Int, time: String)] = []
            for name in f.archives + ["transaction.log"] {
                for line in FaultHelpers.splitLines(f.dir.bytes("db/wal/" + name)) {
                    guard case .object(let o)? = try? JSONParser.parse(line) else { continue }
                    all.append((o["lsn"]!.intValue!, o["timestamp"]!.stringValue!))
                }
            }
            for (i, e) in all.enumerated() {
                for probe in [e.time, Self.stamp(e.time, plus: -1)] {
                    let expected = all.firstIndex { $0.time > probe }.map { $0 == 0 ? 0 : all[$0 - 1].lsn } ?? all.last!.lsn
                    #expect(try db.resolve(.time(probe)) == expected, "time \(probe) (entry \(i))")
                }
            }
            let past = try db.state(asOf: .lsn(f.ends[1].lsn))
            #expect(past.table("student")?.records == f.ends[1].records)
            #expect(past.notes.contains { $0.contains("clock went back") && $0.contains(f.archives[1]) }, "\(past.notes)")
        }
    }

    // MARK: - Empty, symlinked, unreadable archives

    @Test("an empty middle archive: a gap in the history, named, never read past as if nothing happened there")
    func emptyArchive() throws {
        let f = try Fixture()
        f.write(1, [])
        try Self.unchanged(f) { (db: Database) throws in
            let reach = try db.historyFiles().reach
            #expect(reach.earliestLSN == f.ends[1].lsn, "\(reach)")
            #expect(reach.limits.joined().contains("\(f.archives[1])") && reach.limits.joined().contains("empty"), "\(reach.limits)")
            for end in f.ends.dropFirst() { #expect(try Self.past(db, end.lsn) == end.records, "as of lsn \(end.lsn)") }
            #expect(Self.text { try db.state(asOf: .lsn(f.ends[0].lsn)) }?.contains(f.archives[1]) == true)
        }
    }

    @Test("a middle archive that is a symbolic link: not followed, named as such; the history after it works")
    func symlinkedArchive() throws {
        let f = try Fixture()
        let outside = f.dir.path + "/elsewhere.log"
        let original = f.dir.bytes("db/wal/" + f.archives[1])
        FaultHelpers.write(outside, original)
        unlink(f.wal + "/" + f.archives[1])
        #expect(symlink(outside, f.wal + "/" + f.archives[1]) == 0)
        // A writer refuses to open over a symbolic link (it could write through it); a reader opens.
        #expect(Self.text { try f.open() }?.contains("symbolic link") == true)
        try Self.unchanged(f, readOnly: true) { (db: Database) throws in
            let reach = try db.historyFiles().reach
            #expect(reach.earliestLSN == f.ends[1].lsn, "\(reach)")
            #expect(reach.limits.joined().contains("symbolic link"), "\(reach.limits)")
            for end in f.ends.dropFirst() { #expect(try Self.past(db, end.lsn) == end.records, "as of lsn \(end.lsn)") }
            let refused = Self.text { try db.state(asOf: .lsn(f.ends[0].lsn)) }
            #expect(refused?.contains(f.archives[1]) == true && refused?.contains("symbolic link") == true, "\(refused ?? "")")
        }
        #expect(FaultHelpers.read(outside) == original, "the file the link points to is untouched")
    }

    @Test("a middle archive that cannot be read (open fails with EACCES; chmod 000 when not root): named with the reason; the history after it works")
    func unreadableArchive() throws {
        let f = try Fixture()
        let io = FaultyFileIO()
        var o = DatabaseOptions(syncMode: .off)
        o.gzipArchives = false  // these tests damage archive lines in place: plain archives
        o.fileIO = io
        o.autoCheckpointBytes = nil
        let db = try Database(path: f.dir.db, options: o)
        defer { try? db.close() }
        let path = f.wal + "/" + f.archives[1]
        if getuid() != 0 { chmod(path, 0) }
        defer { chmod(path, 0o644) }
        io.inject(FaultyFileIO.Fault(.open, errno: EACCES, persistent: true, pathContains: f.archives[1]))
        let before = FaultHelpers.snapshot(f.dir.db)
        let reach = try db.historyFiles().reach
        #expect(reach.earliestLSN == f.ends[1].lsn, "\(reach)")
        #expect(reach.limits.joined().contains(f.archives[1]) && reach.limits.joined().contains("ermission"), "\(reach.limits)")
        for end in f.ends.dropFirst() { #expect(try Self.past(db, end.lsn) == end.records, "as of lsn \(end.lsn)") }
        #expect(Self.text { try db.state(asOf: .lsn(f.ends[0].lsn)) }?.contains(f.archives[1]) == true)
        #expect(Self.text { try db.history(of: "student", key: 1) }?.contains(f.archives[1]) == true)
        io.clearFaults()
        chmod(path, 0o644)
        #expect(FaultHelpers.snapshot(f.dir.db) == before)
    }

    // MARK: - A huge line, NUL bytes

    @Test("a huge record (2 MB line) first and last in an archive: bounds, history and the past read it whole")
    func hugeLine() throws {
        let dir = ScratchDir("history-huge")
        var o = DatabaseOptions(syncMode: .off)
        o.gzipArchives = false  // these tests damage archive lines in place: plain archives
        o.autoCheckpointBytes = nil
        let db = try Database(path: dir.db, options: o)
        try db.createTable(studentSchema)
        try db.checkpoint()
        let big = String(repeating: "é", count: 1 << 20)
        try db.insert("student", ["id": 1, "name": .string(big), "email": "a@x"])
        try db.update("student", key: 1, set: ["name": .string(big + "!")])
        let middle = try db.historyFiles().reach.latestLSN
        try db.checkpoint()
        try db.update("student", key: 1, set: ["name": "short"])
        let before = FaultHelpers.snapshot(dir.db)
        let versions = try db.history(of: "student", key: 1)
        #expect(versions.map(\.operation) == [.update, .update, .insert])
        #expect(versions[1].record?["name"] == .string(big + "!"))
        #expect(try db.state(asOf: .lsn(middle)).table("student")?.records.first?["name"] == .string(big + "!"))
        #expect(try db.diff(from: .lsn(middle - 1), to: .lsn(middle)).tables.first?.updated.first?.new["name"] == .string(big + "!"))
        #expect(FaultHelpers.snapshot(dir.db) == before)
        try db.close()
    }

    @Test("NUL bytes over a line in the middle of an archive, and a run of NULs at its end: refused naming file, line and byte; after them, the history works")
    func nulBytes() throws {
        for atEnd in [false, true] {
            let f = try Fixture()
            var lines = f.lines(1)
            let n = atEnd ? lines.count : 3
            lines[n - 1] = [UInt8](repeating: 0, count: lines[n - 1].count)
            var bytes = FaultHelpers.joinLines(lines)
            if atEnd { bytes.removeLast() }  // a lost block reads back as NULs, without the newline
            f.write(1, bytes)
            let place = "\(f.archives[1]):\(n) (byte \(f.offset(1, line: n)))"
            try Self.unchanged(f) { (db: Database) throws in
                for end in f.ends.dropFirst() { #expect(try Self.past(db, end.lsn) == end.records, "as of lsn \(end.lsn)") }
                let refused = Self.text { try db.state(asOf: .lsn(f.ends[0].lsn)) }
                #expect(refused?.contains(place) == true, "NULs \(atEnd ? "at the end" : "in the middle"): \(refused ?? "no error")")
                #expect(Self.text { try db.history(of: "student", key: 1) }?.contains(place) == true)
            }
        }
    }

    // MARK: - The seed's entries without LSN

    /// The seed's files: a legacy archive, saved records, and a live WAL of the seed's unsaved entries.
    static func seedDatabase(_ dir: ScratchDir) {
        FaultHelpers.write(dir.db + "/schema/student.schema.json", Array(SeedFiles.studentSchema.utf8))
        FaultHelpers.write(dir.db + "/data/student.records", Array(SeedFiles.studentRecords.utf8))
        FaultHelpers.write(dir.db + "/wal/" + SeedFiles.archiveName, Array(SeedFiles.archivedLog.utf8))
        FaultHelpers.write(dir.db + "/wal/transaction.log", Array(SeedFiles.unsavedLog.utf8))
    }

    /// The records a database opened from `dir` holds with its live WAL cut to its first `k` lines (the real
    /// engine's replay: the oracle).
    static func seedOracle(_ dir: ScratchDir, wal: [[UInt8]], k: Int) throws -> [Record] {
        let copy = ScratchDir("history-seed-oracle")
        FaultHelpers.copyTree(dir.db, to: copy.db)
        for name in FaultHelpers.list(copy.db + "/wal") where name != "transaction.log" { unlink(copy.db + "/wal/" + name) }
        FaultHelpers.write(copy.db + "/wal/transaction.log", FaultHelpers.joinLines(Array(wal.prefix(k))))
        let db = try Database(path: copy.db, options: DatabaseOptions(syncMode: .off, readOnly: true))
        defer { try? db.close() }
        return try Fixture.records(db)
    }

    @Test("the seed's entries without LSN, in the live WAL then in an archive: history in file order, every moment as the engine's replay gives it")
    func seedLegacy() throws {
        let dir = ScratchDir("history-seed")
        Self.seedDatabase(dir)
        var o = DatabaseOptions(syncMode: .off)
        o.gzipArchives = false  // these tests damage archive lines in place: plain archives
        o.autoCheckpointBytes = nil
        var db = try Database(path: dir.db, options: o)
        try db.update("student", key: 4, set: ["name": "Dan E"])  // LineDB continues the legacy log: lsn 7
        let live = FaultHelpers.splitLines(dir.bytes("db/wal/transaction.log"))
        #expect(live.count == 7)
        var expected: [Int: [Record]] = [:]
        for k in 0...7 { expected[k] = try Self.seedOracle(dir, wal: live, k: k) }
        for phase in ["live WAL", "archive"] {
            let before = FaultHelpers.snapshot(dir.db)
            for k in 0...7 {
                #expect(try Self.past(db, k) == expected[k], "\(phase): as of lsn \(k)")
            }
            // Key 3: inserted in the seed's archive, then a partial UPDATE (no old_record) in the seed's live log.
            let three = try db.history(of: "student", key: 3)
            #expect(three.map(\.operation) == [.update, .insert], "\(phase): \(three.map(\.operation))")
            #expect(three.map(\.file) == [phase == "archive" ? three[0].file : "transaction.log", SeedFiles.archiveName])
            #expect(three.first?.record?["name"] != nil, "the partial update is shown whole")
            #expect(three.first!.lsn > three.last!.lsn, "newest first, in file order")
            let one = try db.history(of: "student", key: 1)
            #expect(one.map(\.operation) == [.delete, .insert], "\(phase): \(one.map(\.operation))")
            let d = try db.diff(from: .lsn(3), to: .lsn(5))
            #expect(d.tables.first?.updated.map(\.key) == [3], "the partial update of key 3, first state against last")
            #expect(d.tables.first?.updated.first?.old == expected[3]!.first { $0["id"] == 3 })
            #expect(d.tables.first?.inserted.map { $0["id"] } == [5])
            #expect(FaultHelpers.snapshot(dir.db) == before)
            if phase == "live WAL" {
                try db.checkpoint()  // the mixed log becomes an archive
                try db.close()
                db = try Database(path: dir.db, options: o)
            }
        }
        try db.close()
    }

    // MARK: - Tables dropped, re-created, without a primary key

    @Test("a table dropped and re-created with another schema: each life as it was, the gap between them without it; history and diff across")
    func droppedAndRecreated() throws {
        let dir = ScratchDir("history-drop")
        var o = DatabaseOptions(syncMode: .off)
        o.gzipArchives = false  // these tests damage archive lines in place: plain archives
        o.autoCheckpointBytes = nil
        let db = try Database(path: dir.db, options: o)
        try db.createTable(studentSchema)
        try db.insert("student", ["id": 1, "name": "Ann", "email": "a@x"])
        try db.insert("student", ["id": 2, "name": "Bob", "email": "b@x"])
        let firstLife = try db.historyFiles().reach.latestLSN
        let firstRecords = try Fixture.records(db)
        try db.checkpoint()
        try db.dropTable("student")
        let gone = try db.historyFiles().reach.latestLSN
        try db.checkpoint()
        let second = try TableSchema("student", columns: [Column("id", .int, primaryKey: true), Column("nick", .str)])
        try db.createTable(second)
        try db.insert("student", ["id": 1, "nick": "A"])
        try db.update("student", key: 1, set: ["nick": "AA"])
        let before = FaultHelpers.snapshot(dir.db)
        #expect(try db.state(asOf: .lsn(firstLife)).table("student")?.records == firstRecords)
        #expect(try db.state(asOf: .lsn(firstLife)).table("student")?.schema.columns.map(\.name) == studentSchema.columns.map(\.name))
        #expect(try db.state(asOf: .lsn(gone)).table("student") == nil)
        #expect(try db.state(asOf: .lsn(gone + 3)).table("student")?.records == [["id": 1, "nick": "A"]])
        let versions = try db.history(of: "student", key: 1)
        #expect(versions.map(\.operation) == [.update, .insert, .insert], "both lives: \(versions.map(\.operation))")
        let d = try db.diff(from: .lsn(firstLife))
        #expect(d.tables.first?.dropped == true || d.tables.first?.created == true)
        #expect(FaultHelpers.snapshot(dir.db) == before)
        try db.close()
    }

    @Test("a table without a primary key (the seed's schema allows one): the past rebuilt from the log; history by key refused with why; diff says it cannot list its records")
    func withoutPrimaryKey() throws {
        let dir = ScratchDir("history-nopk")
        let schema = """
            {"table_name": "note", "schema": {"text": {"type": "str", "primary_key": false, "nullable": true, "unique": false}, "n": {"type": "int", "primary_key": false, "nullable": true, "unique": false}}, "created_at": "2026-01-22T20:31:17.592172"}
            """
        FaultHelpers.write(dir.db + "/schema/note.schema.json", Array(schema.utf8))
        FaultHelpers.write(dir.db + "/data/note.records", Array("{\"text\": \"a\", \"n\": 1}\n{\"text\": \"b\", \"n\": 2}\n".utf8))
        let archive = """
            {"timestamp": "2026-01-22T20:31:17.592245", "operation": "CREATE_TABLE", "table": "note", "record": null, "old_record": null}
            {"timestamp": "2026-01-22T20:31:17.593123", "operation": "INSERT", "table": "note", "record": {"text": "a", "n": 1}, "old_record": null}
            {"timestamp": "2026-01-22T20:31:17.593301", "operation": "INSERT", "table": "note", "record": {"text": "b", "n": 2}, "old_record": null}

            """
        FaultHelpers.write(dir.db + "/wal/" + SeedFiles.archiveName, Array(archive.utf8))
        let live = """
            {"timestamp": "2026-01-22T20:35:00.000001", "operation": "INSERT", "table": "note", "record": {"text": "c", "n": 3}, "old_record": null}

            """
        FaultHelpers.write(dir.db + "/wal/transaction.log", Array(live.utf8))
        let db = try Database(path: dir.db, options: DatabaseOptions(syncMode: .off))
        // LineDB does not replay the WAL of a table without a key (it is read-only): the records file is its state.
        #expect(try db.select("note").map { $0["n"] } == [1, 2])
        let before = FaultHelpers.snapshot(dir.db)
        #expect(try db.state(asOf: .lsn(1)).table("note")?.records.map { $0["n"] } == [1, 2])
        // Before its last entry, its past cannot be rebuilt from the log: left out, with why (refused when asked for).
        let past = try db.state(asOf: .lsn(0))
        #expect(past.table("note") == nil)
        #expect(past.notes.contains { $0.contains("note") && $0.contains("primary key") }, "\(past.notes)")
        #expect(Self.text { try db.state(asOf: .lsn(0), tables: ["note"]) }?.contains("primary key") == true)
        let refused = Self.text { try db.history(of: "note", key: 1) }
        #expect(refused?.contains("primary key") == true, "\(refused ?? "no error")")
        let d = try db.diff(from: .lsn(0))
        #expect(d.notes.contains { $0.contains("note") && $0.contains("primary key") }, "\(d.notes)")
        #expect(FaultHelpers.snapshot(dir.db) == before)
        try db.close()
    }

    @Test("a WAL whose CREATE_TABLE holds a schema without a primary key, then writes to it: opens (the table read-only) instead of crashing, and its past is left out with why")
    func createTableWithoutKeyInTheLog() throws {
        let dir = ScratchDir("history-nopk-create")
        let create = #"{"timestamp": "2026-01-22T20:31:17.592245", "operation": "CREATE_TABLE", "table": "note", "record": {"table_name": "note", "schema": {"text": {"type": "str", "primary_key": false, "nullable": true, "unique": false}}, "created_at": "2026-01-22T20:31:17.592172"}, "old_record": null}"#
        let insert = #"{"timestamp": "2026-01-22T20:31:18.000000", "operation": "INSERT", "table": "note", "record": {"text": "a"}, "old_record": null}"#
        let delete = #"{"timestamp": "2026-01-22T20:31:19.000000", "operation": "DELETE", "table": "note", "record": null, "old_record": {"text": "a"}}"#
        FaultHelpers.write(dir.db + "/wal/transaction.log", Array((create + "\n" + insert + "\n" + delete + "\n").utf8))
        let db = try Database(path: dir.db, options: DatabaseOptions(syncMode: .off, readOnly: true))
        defer { try? db.close() }
        #expect(db.tableNames.contains("note"))
        let past = try db.state(asOf: .lsn(2))
        #expect(past.table("note") == nil && past.notes.contains { $0.contains("primary key") }, "\(past.notes)")
    }

    @Test("a record's history decodes only the lines that hold its key, and still follows key changes inside one file and a transaction's COMMIT")
    func keyChangesInOneFile() throws {
        let dir = ScratchDir("history-rekey")
        var o = DatabaseOptions(syncMode: .off)
        o.gzipArchives = false  // these tests damage archive lines in place: plain archives
        o.autoCheckpointBytes = nil
        let db = try Database(path: dir.db, options: o)
        defer { try? db.close() }
        try db.createTable(studentSchema)
        for i in 1...20 { try db.insert("student", ["id": .int(i), "name": .string("S\(i)"), "email": .string("m\(i)@x")]) }
        try db.update("student", key: 3, set: ["name": "C"])
        try db.transaction { tx in
            try tx.update("student", key: 3, set: ["id": 300])
            try tx.update("student", key: 5, set: ["name": "E"])
        }
        try db.update("student", key: 300, set: ["id": 301])
        let v = try db.history(of: "student", key: 301)
        #expect(v.map(\.operation) == [.update, .update, .update, .insert])
        #expect(v.map(\.key) == [301, 300, 3, 3])
        #expect(v[1].effectiveLSN > v[1].lsn, "the transaction's entry took effect at its COMMIT")
        #expect(v[3].record?["name"] == "S3")
    }

    /// `stamp` (`YYYY-MM-DDTHH:MM:SS.ffffff`, local) moved by `seconds`.
    static func stamp(_ stamp: String, plus seconds: Int) -> String {
        var parts = tm()
        let b = Array(stamp.utf8)
        func num(_ from: Int, _ count: Int) -> Int32 { Int32(String(decoding: b[from..<(from + count)], as: UTF8.self))! }
        parts.tm_year = num(0, 4) - 1900
        parts.tm_mon = num(5, 2) - 1
        parts.tm_mday = num(8, 2)
        parts.tm_hour = num(11, 2)
        parts.tm_min = num(14, 2)
        parts.tm_sec = num(17, 2)
        parts.tm_isdst = -1
        let epoch = mktime(&parts)
        return HistoryMoment.localStamp(epoch: Int(epoch) + seconds, micros: Int(num(20, 6)))
    }
}
