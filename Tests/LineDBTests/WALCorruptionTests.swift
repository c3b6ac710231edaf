import Foundation
import Testing
@testable import LineDB
import LineDBTestSupport

/// Tests D1 (a damaged WAL tail is cut off into quarantine/), D2 (damage in the middle is refused, changing
/// nothing, and `salvage` keeps the valid prefix) and D9 (auto-increment ids are never reused).
@Suite("D1/D2: WAL tail and middle damage")
struct WALCorruptionTests {
    /// A closed database whose WAL holds: CREATE_TABLE, INSERT Ann, INSERT Bob, UPDATE Bob, INSERT Zoë (with
    /// two- to four-byte UTF-8 characters), all unsaved. Returns the WAL's lines.
    @discardableResult
    private func makeDatabase(_ path: String) throws -> [[UInt8]] {
        let db = try Database(path: path)
        try db.createTable(studentSchema)
        try db.insert("student", ["name": "Ann", "email": "ann@u"])
        try db.insert("student", ["name": "Bob", "email": "bob@u"])
        try db.update("student", key: 2, set: ["gpa": 3.5])
        try db.insert("student", ["name": "Zoë 😀 李雷", "email": "zoe@u"])
        try db.close()
        return FaultHelpers.splitLines(FaultHelpers.read(path + "/wal/transaction.log"))
    }

    /// The state a database reaches from the first `count` lines of `lines` (a reference built in a copy).
    private func prefixState(_ db: String, _ lines: [[UInt8]], count: Int) throws -> FaultHelpers.State {
        let copy = db + "-prefix-\(count)"
        try? FileManager.default.removeItem(atPath: copy)
        FaultHelpers.copyTree(db, to: copy)
        FaultHelpers.write(copy + "/wal/transaction.log", FaultHelpers.joinLines(Array(lines.prefix(count))))
        return try FaultHelpers.openState(copy)
    }

    private var wal: String { "db/wal/transaction.log" }

    // MARK: - D1

    /// Opens after `tail` was appended to / cut from the WAL and checks the D1 promises.
    private func expectTornTail(
        _ dir: TempDir, walBytes: [UInt8], validBytes: Int, line: Int, expected: FaultHelpers.State,
        _ context: String
    ) throws {
        FaultHelpers.write(dir.db + "/wal/transaction.log", walBytes)
        try? FileManager.default.removeItem(atPath: dir.db + "/quarantine")
        let tail = Array(walBytes[validBytes...])
        let db = try Database(path: dir.db)
        #expect(try FaultHelpers.state(db) == expected, "\(context): data is not the valid prefix")
        let warning = db.warnings.first { $0.contains("transaction.log") }
        #expect(warning != nil, "\(context): no warning (\(db.warnings))")
        if let warning {
            #expect(warning.contains("line \(line)") && warning.contains("byte \(validBytes)")
                    && warning.contains("\(tail.count) bytes") && warning.contains("quarantine/"),
                    "\(context): \(warning)")
        }
        let quarantined = dir.list("db/quarantine")
        #expect(quarantined.count == 1, "\(context): \(quarantined)")
        if let name = quarantined.first {
            #expect(dir.bytes("db/quarantine/" + name) == tail, "\(context): quarantine/\(name) is not the tail")
        }
        #expect(dir.bytes(wal) == Array(walBytes[..<validBytes]), "\(context): WAL not cut to its valid prefix")
        // New writes continue the sequence after the valid prefix.
        let lastLSN = try Database.readWAL(path: dir.db + "/wal/transaction.log").last?.lsn ?? 0
        try db.insert("student", ["name": "New", "email": "new@u"])
        #expect(try db.walEntries().last?.lsn == lastLSN + 1, "\(context)")
        try db.close()
        let again = try Database(path: dir.db)
        #expect(again.warnings.isEmpty, "\(context): \(again.warnings)")
        #expect(try again.count("student") == (expected["student"]?.count ?? 0) + 1)
        try again.close()
    }

    @Test("D1: a partial line, a line cut inside a UTF-8 character, 4 KiB of NULs or random garbage at the end of the WAL: opens with the valid prefix, warns with line and bytes, saves the bytes to quarantine/")
    func tornTails() throws {
        let dir = TempDir("d1-tails")
        let lines = try makeDatabase(dir.db)
        let full = FaultHelpers.joinLines(lines)
        let fullState = try prefixState(dir.db, lines, count: lines.count)
        let withoutLast = FaultHelpers.joinLines(Array(lines.dropLast()))
        let shorterState = try prefixState(dir.db, lines, count: lines.count - 1)

        try expectTornTail(
            dir, walBytes: full + lines[1].prefix(lines[1].count * 3 / 5), validBytes: full.count,
            line: lines.count + 1, expected: fullState, "partial line")

        let last = lines.last!
        let multiByte = try #require(last.firstIndex { $0 >= 0xF0 })  // the first byte of 😀
        for cut in [multiByte + 1, multiByte + 2, multiByte + 3] {
            try expectTornTail(
                dir, walBytes: withoutLast + last.prefix(cut), validBytes: withoutLast.count, line: lines.count,
                expected: shorterState, "cut inside 😀 after \(cut) bytes")
        }

        try expectTornTail(
            dir, walBytes: full + [UInt8](repeating: 0, count: 4096), validBytes: full.count, line: lines.count + 1,
            expected: fullState, "4 KiB of NULs")

        // Garbage a torn append can leave: no newline yet, or a zero-filled block before the newline (a complete
        // line of garbage without NULs is damage, refused by `damagedLastLine`).
        var rng = SeededRandom(seed: 0xD1)
        for round in 0..<5 {
            var garbage = (0..<(64 + round * 200)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            if round % 2 == 0 {
                garbage = garbage.map { $0 == 10 ? 11 : $0 }
            } else {
                garbage.replaceSubrange(8..<40, with: [UInt8](repeating: 0, count: 32))
                garbage.append(10)
            }
            try expectTornTail(
                dir, walBytes: full + garbage, validBytes: full.count, line: lines.count + 1, expected: fullState,
                "random garbage #\(round)")
        }
    }

    @Test("D1: the last WAL line cut at every byte offset: each opens with the previous entries intact")
    func cutAtEveryOffset() throws {
        let dir = ScratchDir("d1-every")
        let lines = try makeDatabase(dir.db)
        let withoutLast = FaultHelpers.joinLines(Array(lines.dropLast()))
        let expected = try prefixState(dir.db, lines, count: lines.count - 1)
        let last = lines.last! + [10]
        let pristine = FaultHelpers.snapshot(dir.db)
        var opened = 0
        for cut in 0..<last.count {
            for (rel, bytes) in pristine { FaultHelpers.write(dir.db + "/" + rel, bytes) }
            try? FileManager.default.removeItem(atPath: dir.db + "/quarantine")
            let walBytes = withoutLast + last.prefix(cut)
            FaultHelpers.write(dir.db + "/wal/transaction.log", walBytes)
            let db = try Database(path: dir.db)
            let state = try FaultHelpers.state(db)
            #expect(state == expected, "cut after \(cut) of \(last.count) bytes")
            if cut > 0 {
                #expect(db.warnings.contains { $0.contains("line \(lines.count)") && $0.contains("\(cut) bytes") },
                        "cut \(cut): \(db.warnings)")
                let q = dir.list("db/quarantine")
                #expect(q.count == 1 && dir.bytes("db/quarantine/" + (q.first ?? "")) == Array(last.prefix(cut)),
                        "cut \(cut): quarantine \(q)")
            } else {
                #expect(db.warnings.isEmpty)
            }
            #expect(dir.bytes("db/wal/transaction.log") == withoutLast, "cut \(cut): WAL not cut back")
            try db.close()
            opened += 1
        }
        print("D1: cut the last line at \(opened) byte offsets")
        #expect(opened == last.count)
    }

    @Test("D1: a read-only opener stops before a torn tail without changing any file")
    func readOnlyTornTail() throws {
        let dir = TempDir("d1-readonly")
        let lines = try makeDatabase(dir.db)
        let expected = try prefixState(dir.db, lines, count: lines.count - 1)
        FaultHelpers.write(dir.db + "/wal/transaction.log",
                           FaultHelpers.joinLines(Array(lines.dropLast())) + lines.last!.prefix(50))
        let before = dir.snapshot()
        let db = try Database(path: dir.db, options: DatabaseOptions(syncMode: .full, readOnly: true))
        #expect(try FaultHelpers.state(db) == expected)
        #expect(db.warnings.contains { $0.contains("line \(lines.count)") }, "\(db.warnings)")
        try db.close()
        #expect(dir.snapshot() == before)
    }

    /// Writes Ann alone, then B1–B3 as one acknowledged batch (the call returned: the batch is synced), and returns
    /// the WAL's lines: CREATE, INSERT, the batch's 3 txn INSERTs, COMMIT.
    private func annThenBatch(_ dir: TempDir) throws -> [[UInt8]] {
        do {
            let db = try Database(path: dir.db)
            try db.createTable(studentSchema)
            try db.insert("student", ["name": "Ann", "email": "ann@u"])
            try db.insert("student", records: [
                ["name": "B1", "email": "b1@u"], ["name": "B2", "email": "b2@u"], ["name": "B3", "email": "b3@u"],
            ])
            try db.close()
        }
        let lines = FaultHelpers.splitLines(dir.bytes(wal))
        #expect(lines.count == 6)
        return lines
    }

    @Test("D1: a lost block inside the last batch that was never synced (a transaction's lines, NUL bytes where the block was) is a torn tail, not corruption")
    func unsyncedBatchIsTorn() throws {
        let dir = TempDir("d1-batch")
        var lines = try annThenBatch(dir)
        let start = FaultHelpers.joinLines(Array(lines.prefix(3))).count
        // The batch's second line loses a block (NULs, as a reordered append leaves it); the later lines carry
        // synced = 2.
        lines[3].replaceSubrange(40..<56, with: [UInt8](repeating: 0, count: 16))
        FaultHelpers.write(dir.db + "/wal/transaction.log", FaultHelpers.joinLines(lines))
        let db = try Database(path: dir.db)
        #expect(try db.select("student").map { $0["name"] } == ["Ann"])
        #expect(db.warnings.contains {
            $0.contains("line 4") && $0.contains("byte \(start)") && $0.contains("later entries")
        }, "\(db.warnings)")
        try db.close()
    }

    @Test("D2: a bit flip (no NUL bytes) in a complete line of the last batch, the lines after it intact, is damage: the acknowledged batch is not cut off as torn; a writer refuses (files unchanged), check reports it, a reader warns, point-in-time salvage sets it aside")
    func damagedLineInLastBatch() throws {
        let dir = TempDir("d2-batch")
        var lines = try annThenBatch(dir)  // the batch's lines carry synced = 2
        let start = FaultHelpers.joinLines(Array(lines.prefix(2))).count
        let b1 = lines[2].firstRange(of: Array("B1".utf8))!.lowerBound
        lines[2][b1] ^= 0x04  // the batch's first line: "B1" becomes "F1", the CRC no longer matches
        let walBytes = FaultHelpers.joinLines(lines)
        FaultHelpers.write(dir.db + "/wal/transaction.log", walBytes)
        let before = dir.snapshot()

        do {
            let db = try Database(path: dir.db)
            Issue.record("a writer opened, dropping the acknowledged batch: \(try db.select("student")) \(db.warnings)")
            try db.close()
        } catch {
            let text = FaultHelpers.text(error)
            #expect(text.contains("wal/transaction.log:3 (byte \(start))") && text.contains("linedb recover"), "\(text)")
        }
        #expect(dir.snapshot() == before, "a refused open changed files")

        let report = Database.check(path: dir.db)
        #expect(!report.problems.isEmpty, "check found no problem: \(report.findings)")

        let reader = try Database(path: dir.db, options: DatabaseOptions(syncMode: .full, readOnly: true))
        #expect(try reader.select("student").map { $0["name"] } == ["Ann"])
        #expect(reader.warnings.contains { $0.contains("line 3 (byte \(start))") && $0.contains("damaged") },
                "\(reader.warnings)")
        try reader.close()
        #expect(dir.snapshot() == before, "a reader changed files")

        var salvage = DatabaseOptions()
        salvage.salvage = true
        salvage.salvageWALPrefix = true
        let db = try Database(path: dir.db, options: salvage)
        #expect(try db.select("student").map { $0["name"] } == ["Ann"])
        #expect(dir.list("db/quarantine").map { dir.bytes("db/quarantine/" + $0) } == [Array(walBytes[start...])])
        try db.close()
    }

    // MARK: - D2

    /// One kind of damage to the middle of the WAL: the edited lines, the line the error must name.
    private struct Damage {
        var name: String
        var line: Int
        var edit: ([[UInt8]]) -> [[UInt8]]
    }

    private func damages(_ lines: [[UInt8]]) -> [Damage] {
        let l3 = lines[2]
        let bob = l3.firstRange(of: Array("Bob".utf8))!.lowerBound
        return [
            Damage(name: "bit flip", line: 3) { ls in var ls = ls; ls[2][bob] ^= 0x02; return ls },
            Damage(name: "deleted line", line: 3) { ls in var ls = ls; ls.remove(at: 2); return ls },
            Damage(name: "duplicated line", line: 4) { ls in var ls = ls; ls.insert(ls[2], at: 2); return ls },
            Damage(name: "LSN gap", line: 3) { ls in
                var ls = ls
                ls[2] = FaultHelpers.reseal(FaultHelpers.replacing(ls[2], #""lsn":3,"#, with: #""lsn":9,"#))
                return ls
            },
            Damage(name: "LSN backwards", line: 4) { ls in
                var ls = ls
                ls[3] = FaultHelpers.reseal(
                    FaultHelpers.replacing(ls[3], #""lsn":4,"synced":3,"#, with: #""lsn":2,"synced":1,"#))
                return ls
            },
            Damage(name: "crc removed", line: 3) { ls in
                var ls = ls
                ls[2] = Array(ls[2].dropLast(WALLine.sealLength)) + Array("}".utf8)
                return ls
            },
            Damage(name: "lsn without crc (and without synced)", line: 3) { ls in
                var ls = ls
                let cut = Array(ls[2].dropLast(WALLine.sealLength)) + Array("}".utf8)
                ls[2] = FaultHelpers.replacing(cut, #","synced":2"#, with: "")
                return ls
            },
            Damage(name: "crc not the final member", line: 3) { ls in
                var ls = ls
                ls[2] = FaultHelpers.replacing(ls[2], #"{"timestamp""#, with: #"{"crc":"00000000","timestamp""#)
                return ls
            },
        ]
    }

    @Test("D2: damage in the middle of the WAL (bit flip, deleted, duplicated line, LSN gap or backwards, crc removed, lsn without crc) is refused with file, line and byte offset, and no file changes")
    func middleDamageRefused() throws {
        let dir = TempDir("d2-refuse")
        let lines = try makeDatabase(dir.db)
        #expect(lines.count == 5)
        let pristine = FaultHelpers.snapshot(dir.db)
        for damage in damages(lines) {
            for (rel, bytes) in pristine { FaultHelpers.write(dir.db + "/" + rel, bytes) }
            let edited = damage.edit(lines)
            FaultHelpers.write(dir.db + "/wal/transaction.log", FaultHelpers.joinLines(edited))
            let offset = FaultHelpers.joinLines(Array(edited.prefix(damage.line - 1))).count
            let before = dir.snapshot()
            for readOnly in [false, true] {
                do {
                    let db = try Database(path: dir.db, options: DatabaseOptions(syncMode: .full, readOnly: readOnly))
                    Issue.record("\(damage.name) (readOnly \(readOnly)): opened with \(try FaultHelpers.state(db))")
                    try db.close()
                } catch {
                    let text = FaultHelpers.text(error)
                    guard case .corrupt? = error as? LineDBError else {
                        Issue.record("\(damage.name): not a corruption error: \(text)")
                        continue
                    }
                    #expect(text.contains("wal/transaction.log:\(damage.line)") && text.contains("(byte \(offset))")
                            && text.contains("linedb recover"), "\(damage.name): \(text)")
                }
                #expect(dir.snapshot() == before, "\(damage.name): files changed by a refused open")
            }
        }
    }

    @Test("D2: a complete last line without NUL bytes that fails its checksum or does not parse is damage, not a torn append: a writer refuses naming file, line, byte and `linedb recover`, changing nothing; a reader opens with the entries before it and warns; point-in-time salvage sets it aside")
    func damagedLastLine() throws {
        let dir = TempDir("d2-last")
        let lines = try makeDatabase(dir.db)
        let pristine = FaultHelpers.snapshot(dir.db)
        let withoutLast = FaultHelpers.joinLines(Array(lines.dropLast()))
        let expected = try prefixState(dir.db, lines, count: lines.count - 1)
        let last = lines.last!
        let zoe = last.firstRange(of: Array("Zo".utf8))!.lowerBound
        let lsn = last.firstRange(of: Array(#""lsn":5"#.utf8))!.upperBound - 1
        let quote = last.firstRange(of: Array(#""email""#.utf8))!.lowerBound
        let crc = last.count - 3  // the last hex digit
        func edited(_ edit: (inout [UInt8]) -> Void) -> [UInt8] { var l = last; edit(&l); return l }
        let damages: [(String, [UInt8])] = [
            ("bit flip in a value", edited { $0[zoe] ^= 0x01 }),
            ("bit flip in the lsn", edited { $0[lsn] ^= 0x01 }),
            ("a hex digit of the crc changed", edited { $0[crc] = $0[crc] == 0x30 ? 0x31 : 0x30 }),
            ("a quote turned into a letter", edited { $0[quote] = 0x78 }),
            ("a byte deleted", edited { $0.remove(at: zoe) }),
            ("the seal cut off", Array(last.dropLast(WALLine.sealLength)) + Array("}".utf8)),
        ]
        var salvage = DatabaseOptions()
        salvage.salvage = true
        salvage.salvageWALPrefix = true
        for (name, line) in damages {
            for (rel, bytes) in pristine { FaultHelpers.write(dir.db + "/" + rel, bytes) }
            try? FileManager.default.removeItem(atPath: dir.db + "/quarantine")
            FaultHelpers.write(dir.db + "/wal/transaction.log", withoutLast + line + [10])
            let before = dir.snapshot()
            do {
                let db = try Database(path: dir.db)
                Issue.record("\(name): a writer opened with \(try FaultHelpers.state(db)) (\(db.warnings))")
                try db.close()
            } catch {
                let text = FaultHelpers.text(error)
                #expect(text.contains("wal/transaction.log:\(lines.count) (byte \(withoutLast.count))")
                        && text.contains("linedb recover"), "\(name): \(text)")
            }
            #expect(dir.snapshot() == before, "\(name): files changed by a refused open")

            let reader = try Database(path: dir.db, options: DatabaseOptions(syncMode: .full, readOnly: true))
            #expect(try FaultHelpers.state(reader) == expected, "\(name)")
            #expect(reader.warnings.contains {
                $0.contains("line \(lines.count) (byte \(withoutLast.count))") && $0.contains("damaged")
            }, "\(name): \(reader.warnings)")
            try reader.close()
            #expect(dir.snapshot() == before, "\(name): a reader changed files")

            let db = try Database(path: dir.db, options: salvage)
            #expect(try FaultHelpers.state(db) == expected, "\(name)")
            #expect(dir.list("db/quarantine").map { dir.bytes("db/quarantine/" + $0) } == [line + [10]], "\(name)")
            #expect(dir.bytes(wal) == withoutLast, "\(name)")
            try db.close()
        }

        // The same damage next to a zero-filled block is what a power cut leaves: a torn tail.
        for (rel, bytes) in pristine { FaultHelpers.write(dir.db + "/" + rel, bytes) }
        try? FileManager.default.removeItem(atPath: dir.db + "/quarantine")
        var zeroed = last
        zeroed.replaceSubrange(zoe..<(zoe + 16), with: [UInt8](repeating: 0, count: 16))
        FaultHelpers.write(dir.db + "/wal/transaction.log", withoutLast + zeroed + [10])
        let db = try Database(path: dir.db)
        #expect(try FaultHelpers.state(db) == expected)
        #expect(db.warnings.contains { $0.contains("ignored torn last entry") && $0.contains("NUL") }, "\(db.warnings)")
        try db.close()
    }

    @Test("D2: with salvage (linedb recover --to-point-in-time) the database opens with the entries before the damage, and the rest goes to quarantine/")
    func salvageKeepsPrefix() throws {
        let dir = TempDir("d2-salvage")
        let lines = try makeDatabase(dir.db)
        let pristine = FaultHelpers.snapshot(dir.db)
        var options = DatabaseOptions()
        options.salvage = true
        options.salvageWALPrefix = true
        for damage in damages(lines) {
            for (rel, bytes) in pristine { FaultHelpers.write(dir.db + "/" + rel, bytes) }
            try? FileManager.default.removeItem(atPath: dir.db + "/quarantine")
            let edited = damage.edit(lines)
            let walBytes = FaultHelpers.joinLines(edited)
            FaultHelpers.write(dir.db + "/wal/transaction.log", walBytes)
            let offset = FaultHelpers.joinLines(Array(edited.prefix(damage.line - 1))).count
            let expected = try prefixState(dir.db, edited, count: damage.line - 1)

            let db = try Database(path: dir.db, options: options)
            #expect(try FaultHelpers.state(db) == expected, "\(damage.name)")
            let q = dir.list("db/quarantine")
            #expect(q.count == 1, "\(damage.name): \(q)")
            if let name = q.first {
                #expect(dir.bytes("db/quarantine/" + name) == Array(walBytes[offset...]), "\(damage.name)")
            }
            #expect(dir.bytes(wal) == Array(walBytes[..<offset]), "\(damage.name)")
            try db.insert("student", ["name": "After", "email": "after@u"])
            try db.close()
            let again = try Database(path: dir.db)  // no salvage needed any more
            #expect(again.warnings.isEmpty, "\(damage.name): \(again.warnings)")
            #expect(try again.find("student", where: "email", equals: "after@u").count == 1)
            try again.close()
        }
    }

    @Test("D2: a seed-style (legacy) WAL with an unreadable line followed by readable ones is refused, changing nothing")
    func legacyMiddleDamage() throws {
        let dir = TempDir("d2-legacy")
        dir.write("db/schema/student.schema.json", SeedFiles.studentSchema)
        dir.write("db/data/student.records", "")
        let first = #"{"timestamp": "2026-01-22T20:31:17.592245", "operation": "CREATE_TABLE", "table": "student", "#
            + #""record": null, "old_record": null}"#
        dir.write("db/wal/transaction.log", first + "\n" + """
            {"timestamp": "2026-01-22T20:31:17.593123", "operation": "INSERT", "table": "student", "record": {"name": "Alice", "id": 1
            {"timestamp": "2026-01-22T20:31:17.593456", "operation": "INSERT", "table": "student", "record": {"name": "Bob", "id": 2}, "old_record": null}

            """)
        let before = dir.snapshot()
        do {
            _ = try Database(path: dir.db)
            Issue.record("opened a legacy WAL with a damaged middle line")
        } catch {
            let text = FaultHelpers.text(error)
            let place = "wal/transaction.log:2 (byte \(first.utf8.count + 1))"
            #expect(text.contains(place), "\(text)")
        }
        #expect(dir.snapshot() == before)
    }
}

/// Test D9: an auto-increment id that was acknowledged is never handed out again.
@Suite("D9: auto-increment counters")
struct AutoIncrementTests {
    /// Copies the database directory while the writer still has it open: the state a `kill -9` leaves.
    private func crashCopy(_ dir: TempDir, _ name: String) -> String {
        let copy = dir.path + "/" + name
        FaultHelpers.copyTree(dir.db, to: copy)
        try? FileManager.default.removeItem(atPath: copy + "/.lock")
        return copy
    }

    private func newID(_ path: String) throws -> Int {
        let db = try Database(path: path)
        defer { try? db.close() }
        return try db.insert("student", ["name": "New", "email": .string("new-\(UUID().uuidString)@u")]).intValue!
    }

    @Test("D9: insert, delete the highest id, crash (no save, no close), reopen, insert: the new id is above every id ever acknowledged")
    func afterCrash() throws {
        let dir = TempDir("d9-crash")
        let db = try Database(path: dir.db)
        try db.createTable(studentSchema)
        for i in 1...3 { try db.insert("student", ["name": .string("S\(i)"), "email": .string("s\(i)@u")]) }
        try db.delete("student", key: 3)
        #expect(try newID(crashCopy(dir, "crash1")) == 4)

        try db.insert("student", ["id": 100, "name": "Explicit", "email": "x@u"])
        try db.delete("student", key: 100)
        #expect(try newID(crashCopy(dir, "crash2")) == 101)

        try db.save()  // records hold 1, 2; the WAL still holds the inserts of 3 and 100
        #expect(try newID(crashCopy(dir, "crash3")) == 101)
        try db.close()
    }

    @Test("D9: after a checkpoint the CHECKPOINT line's next_ids carries the counter, also when every row was deleted")
    func afterCheckpoint() throws {
        let dir = TempDir("d9-checkpoint")
        do {
            let db = try Database(path: dir.db)
            try db.createTable(studentSchema)
            for i in 1...5 { try db.insert("student", ["name": .string("S\(i)"), "email": .string("s\(i)@u")]) }
            try db.delete("student", key: 5)
            try db.checkpoint()
            try db.close()
        }
        #expect(try newID(dir.db) == 6)

        do {
            let db = try Database(path: dir.db)
            for r in try db.select("student") { try db.delete("student", key: r["id"]!) }
            #expect(try db.count("student") == 0)
            try db.checkpoint()
            try db.close()
        }
        #expect(dir.read("db/data/student.records").isEmpty)
        let header = try #require(dir.lines("db/wal/transaction.log").first)
        let record = try #require(JSONParser.parse(header).objectValue?["record"]?.objectValue)
        #expect(record["next_ids"]?.objectValue?["student"] == 7, "\(header)")
        // A second checkpoint of the empty table, then a crash-like reopen, keeps the counter.
        do {
            let db = try Database(path: dir.db)
            try db.checkpoint()
            #expect(try newID(crashCopy(dir, "crash")) == 7)
            try db.close()
        }
        #expect(try newID(dir.db) == 7)
    }

    @Test("D9: tables 'K' and the Kelvin sign 'K' (one Unicode form apart) each keep their automatic-key counter across a checkpoint: neither reuses a deleted key")
    func checkpointCountersOfEquivalentNames() throws {
        let dir = TempDir("d9-kelvin")
        let (latin, kelvin) = ("K", "\u{212A}")
        do {
            let db = try Database(path: dir.db)
            for name in [latin, kelvin] {
                try db.createTable(TableSchema(name, columns: [Column("id", .int, primaryKey: true), Column("n", .str)]))
            }
            for i in 1...3 { try db.insert(latin, ["n": .string("L\(i)")]) }
            for i in 1...5 { try db.insert(kelvin, ["n": .string("K\(i)")]) }
            try db.delete(latin, key: 3)
            try db.delete(kelvin, key: 5)
            try db.checkpoint()
            try db.close()
        }
        // The CHECKPOINT line stays readable (a JSON object cannot hold both names).
        let header = try #require(dir.lines("db/wal/transaction.log").first)
        #expect(try JSONParser.parse(header).objectValue?["record"]?.objectValue?["next_ids"] != nil, "\(header)")
        let db = try Database(path: dir.db)
        let newLatin = try db.insert(latin, ["n": "new"])
        let newKelvin = try db.insert(kelvin, ["n": "new"])
        try db.close()
        // Keys 3 and 5 were acknowledged and deleted: the next ones are above them (a key may be skipped).
        #expect((newLatin.intValue ?? 0) > 3, "\(latin): \(newLatin)")
        #expect((newKelvin.intValue ?? 0) > 5, "\(kelvin): \(newKelvin)")
    }

    @Test("D9: an insert rolled back by an I/O error does not make a later reopen reuse an acknowledged id")
    func afterFailedInsert() throws {
        let dir = TempDir("d9-failed")
        let io = FaultyFileIO()
        var options = DatabaseOptions()
        options.fileIO = io
        let db = try Database(path: dir.db, options: options)
        try db.createTable(studentSchema)
        let a = try db.insert("student", ["name": "A", "email": "a@u"]).intValue!
        io.inject(.init(.write, errno: ENOSPC))
        #expect(throws: LineDBError.self) { try db.insert("student", ["name": "B", "email": "b@u"]) }
        let c = try db.insert("student", ["name": "C", "email": "c@u"]).intValue!
        #expect(c > a)
        try db.delete("student", key: .int(c))
        #expect(try newID(crashCopy(dir, "crash")) > c)
        try db.close()
    }
}
