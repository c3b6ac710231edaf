import Foundation
import LineDB
import Testing

@Suite("WALFollower")
struct WALFollowerTests {
    @Test("the first poll returns existing entries, later polls only new ones; a partial line waits for its newline")
    func partialLines() throws {
        let dir = try Scratch().studentDatabase(count: 2)
        let follower = WALFollower(databasePath: dir.db)
        #expect(try follower.poll().map(\.lsn) == [1, 2, 3])
        #expect(try follower.poll().isEmpty)
        // Take a real line from a second database and write it in two halves.
        let writer = try Database(path: dir.db)
        try writer.insert("student", ["name": "Carol", "email": "carol@u.edu"])
        try writer.close()
        let wal = dir.read("db/wal/transaction.log")
        let line = String(wal.split(separator: "\n").last!) + "\n"
        dir.write("db/wal/transaction.log", String(wal.dropLast(line.count)))
        let follower2 = WALFollower(databasePath: dir.db)
        #expect(try follower2.poll().count == 3)
        dir.append("db/wal/transaction.log", String(line.prefix(40)))
        #expect(try follower2.poll().isEmpty)
        dir.append("db/wal/transaction.log", String(line.dropFirst(40)))
        let entries = try follower2.poll()
        #expect(entries.map(\.lsn) == [4])
        #expect(entries.first?.record.objectValue?["name"] == "Carol")
        #expect(follower.lastLSN == 3 && follower2.lastLSN == 4)
    }

    @Test("a checkpoint is a rotation: the old file is finished, the new one read from its start, no LSN twice")
    func rotation() throws {
        let dir = try Scratch().studentDatabase(count: 1)
        let follower = WALFollower(databasePath: dir.db)
        var lsns = try follower.poll().map(\.lsn)
        let db = try Database(path: dir.db)
        try db.insert("student", ["name": "Bob"])  // written just before the checkpoint, not yet polled
        try db.checkpoint()
        try db.insert("student", ["name": "Carol"])
        let events = try follower.pollEvents()
        #expect(events.contains(.rotated(.replaced)))
        // The entry of the old file comes before the rotation, the new file's after it.
        let rotationIndex = try #require(events.firstIndex(of: .rotated(.replaced)))
        let before = events[..<rotationIndex].compactMap { if case .entry(let e) = $0 { e.lsn } else { nil } }
        let after = events[(rotationIndex + 1)...].compactMap {
            if case .entry(let e) = $0 { e.operation } else { nil }
        }
        #expect(before == [3])
        #expect(after == ["CHECKPOINT", "INSERT"])
        lsns += try events.compactMap { if case .entry(let e) = $0 { e.lsn } else { nil } } + follower.poll().map(\.lsn)
        try db.checkpoint()
        try db.insert("student", ["name": "Dan"])
        lsns += try follower.poll().map(\.lsn)
        try db.close()
        #expect(lsns == Array(1...7))
        #expect(follower.rotationCount == 2)
    }

    @Test("entries of a transaction are held back until its COMMIT line")
    func transactionsWaitForCommit() throws {
        let dir = try Scratch().studentDatabase()
        let db = try Database(path: dir.db)
        try db.insert("student", records: [["name": "A"], ["name": "B"]])
        try db.close()
        let wal = dir.read("db/wal/transaction.log")
        var lines = wal.split(separator: "\n").map { String($0) + "\n" }
        let commit = lines.removeLast()
        #expect(commit.contains("\"COMMIT\""))
        dir.write("db/wal/transaction.log", lines.joined())
        let follower = WALFollower(databasePath: dir.db)
        #expect(try follower.poll().map(\.operation) == ["CREATE_TABLE"])
        dir.append("db/wal/transaction.log", commit)
        let entries = try follower.poll()
        #expect(entries.map(\.operation) == ["INSERT", "INSERT", "COMMIT"])
        #expect(entries.allSatisfy { $0.txn == 2 })
    }

    @Test("a complete line that fails its CRC is read again at the next poll before it is reported")
    func crcRetry() throws {
        let dir = try Scratch().studentDatabase(count: 2)
        let wal = dir.read("db/wal/transaction.log")
        let good = String(wal.split(separator: "\n").last!)
        let bad = good.replacingOccurrences(of: "Bob", with: "Bxb")
        let prefix = String(wal.dropLast(good.count + 1))
        dir.write("db/wal/transaction.log", prefix + bad + "\n")
        let follower = WALFollower(databasePath: dir.db)
        #expect(try follower.poll().map(\.lsn) == [1, 2])  // the bad line is not reported yet
        dir.write("db/wal/transaction.log", prefix + good + "\n")  // the writer finished it after all
        #expect(try follower.poll().map(\.lsn) == [3])

        dir.write("db/wal/transaction.log", prefix + bad + "\n")
        let stubborn = WALFollower(databasePath: dir.db)
        #expect(try stubborn.poll().count == 2)
        #expect(throws: LineDBError.self) { try stubborn.poll() }
        do {
            _ = try stubborn.poll()
        } catch {
            guard case .corrupt(let path, let line, _, let byte, let reason, _) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(path.hasSuffix("/wal/transaction.log") && line == 3 && byte == prefix.utf8.count)
            #expect(reason.hasPrefix("checksum mismatch"))
        }
    }

    @Test("lines cut off and rewritten (lost unsynced writes, recovery) are read again without repeating entries")
    func truncation() throws {
        let dir = try Scratch().studentDatabase(count: 2)
        let follower = WALFollower(databasePath: dir.db)
        #expect(try follower.poll().map(\.lsn) == [1, 2, 3])
        // Bob's line (lsn 3) is lost, as an unsynced write would be; a new writer then writes lsn 3 again.
        let lines = dir.lines("db/wal/transaction.log")
        dir.write("db/wal/transaction.log", lines.prefix(2).map { $0 + "\n" }.joined())
        let db = try Database(path: dir.db)
        try db.insert("student", ["name": "Carol", "email": "carol@u.edu", "gpa": 3.5])
        try db.close()
        // The file is now longer than what was read: only its content tells the change.
        #expect(dir.size("db/wal/transaction.log") > lines.map { $0.utf8.count + 1 }.reduce(0, +))
        let events = try follower.pollEvents()
        #expect(events.first == .rotated(.truncated))
        let entries = events.compactMap { if case .entry(let e) = $0 { e } else { nil } }
        #expect(entries.map(\.lsn) == [3])
        #expect(entries.first?.record.objectValue?["name"] == "Carol")
        #expect(try follower.poll().isEmpty)
    }

    @Test("pollEvents(decodingLast:) returns only the latest lines at first; later polls and truncations as usual")
    func decodingLast() throws {
        let dir = try Scratch().studentDatabase(count: 6)  // CREATE_TABLE + 6 inserts: lsn 1...7
        let other = WALFollower(databasePath: dir.db)
        let first = try other.pollEvents(decodingLast: 2).compactMap { if case .entry(let e) = $0 { e } else { nil } }
        #expect(first.map(\.lsn) == [6, 7])
        #expect(try WALFollower(databasePath: dir.db).pollEvents(decodingLast: 0).isEmpty)
        #expect(try WALFollower(databasePath: dir.db).pollEvents(decodingLast: 100).count == 7)
        let db = try Database(path: dir.db)
        try db.insert("student", ["name": "Zed", "email": "zed@u.edu"])
        try db.close()
        #expect(try other.pollEvents(decodingLast: 2).compactMap { if case .entry(let e) = $0 { e.lsn } else { nil } }
            == [8])  // not the first poll: every new entry
        // The skipped lines still count: cutting off the last line and writing another is a truncation that
        // returns only the new line, not the history.
        let lines = dir.lines("db/wal/transaction.log")
        dir.write("db/wal/transaction.log", lines.prefix(7).map { $0 + "\n" }.joined())
        let again = try Database(path: dir.db)
        try again.insert("student", ["name": "Ann", "email": "ann@u.edu"])
        try again.close()
        let events = try other.pollEvents()
        #expect(events.first == .rotated(.truncated))
        let entries = events.compactMap { if case .entry(let e) = $0 { e } else { nil } }
        #expect(entries.map(\.lsn) == [8] && entries.first?.record.objectValue?["name"] == "Ann")
    }

    @Test("pollEvents(decodingLast:) on a seed-format log (no lsn): the latest entries keep their implied LSNs")
    func decodingLastLegacy() throws {
        let dir = Scratch()
        let lines = (1...5).map { i in
            #"{"timestamp": "2025-01-0\#(i)T10:00:00", "operation": "INSERT", "table": "t", "record": {"id": \#(i)}, "old_record": null}"#
        }
        try FileManager.default.createDirectory(atPath: dir.db + "/wal", withIntermediateDirectories: true)
        dir.write("db/wal/transaction.log", lines.map { $0 + "\n" }.joined())
        let follower = WALFollower(databasePath: dir.db)
        let entries = try follower.pollEvents(decodingLast: 2).compactMap { if case .entry(let e) = $0 { e } else { nil } }
        #expect(entries.map(\.lsn) == [4, 5])
        #expect(entries.map { $0.record.objectValue?["id"] } == [.int(4), .int(5)])
        #expect(follower.lastLSN == 5)
    }

    @Test("no WAL file yet: polls return nothing until it appears")
    func missingFile() throws {
        let dir = Scratch()
        let follower = WALFollower(databasePath: dir.db)
        #expect(try follower.poll().isEmpty)
        try Scratch.initDatabase(dir.db)
        expectOK(try CLI.run(["create-table", dir.db, "t", "--column", "a:int:pk"]))
        #expect(try follower.poll().map(\.operation) == ["CREATE_TABLE"])
    }
}

extension Scratch {
    static func initDatabase(_ path: String) throws {
        expectOK(try CLI.run(["init", path]))
    }
}
