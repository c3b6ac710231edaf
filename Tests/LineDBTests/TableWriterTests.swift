#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Testing
@testable import LineDB

/// Issue 16 §3, "A writer per table": two writers (two opens with their own `flock` descriptors, which conflict as
/// two processes do) on two tables of one database, on real files. The real-process kills are in
/// TableWriterCrashTests.swift.
@Suite("Table writers: two writers on two tables of one database")
struct TableWriterTests {
    static let columns = [Column("id", .int, primaryKey: true), Column("tag", .str, unique: true), Column("n", .int)]

    /// A database with tables `a` and `b`, made by a whole-database writer and closed.
    func makeDatabase(_ label: String) throws -> TempDir {
        let dir = TempDir(label)
        let db = try Database(path: dir.db)
        try db.createTable(TableSchema("a", columns: Self.columns))
        try db.createTable(TableSchema("b", columns: Self.columns))
        try db.close()
        return dir
    }

    func open(_ dir: TempDir, _ tables: [String], wait: Double = 0) throws -> Database {
        var options = DatabaseOptions()
        options.writeScope = .tables(tables)
        options.lockWait = wait
        return try Database(path: dir.db, options: options)
    }

    @Test("Two writers on two tables: both write, LSNs stay one sequence, each sees the other's table, all reopens")
    func twoWriters() throws {
        let dir = try makeDatabase("tw-two")
        let a = try open(dir, ["a"])
        let b = try open(dir, ["b"])
        for i in 0..<40 {
            try a.insert("a", ["tag": .string("a\(i)"), "n": .int(i)])
            try b.insert("b", ["tag": .string("b\(i)"), "n": .int(i)])
            if i % 10 == 9 { try b.update("b", key: .int(i), set: ["n": -1]) }
        }
        try a.transaction { tx in
            try tx.insert("a", ["tag": "ta1", "n": 1])
            try tx.delete("a", key: 1)
        }
        try b.transaction { tx in try tx.insert("b", ["tag": "tb1", "n": 2]) }
        // Each refuses the other's table, naming the process that holds it.
        #expect(throws: LineDBError.self) { try a.insert("b", ["tag": "x", "n": 0]) }
        do {
            try a.insert("b", ["tag": "x", "n": 0])
        } catch {
            #expect("\(error)".contains("pid \(getpid())") && "\(error)".contains("'b'"), "\(error)")
        }
        // A's view of b follows B's writes (at A's writes and at refresh).
        _ = try a.refresh()
        #expect(try a.count("b") == 41)
        #expect(try a.get("b", key: 19)?["n"] == .int(-1))
        #expect(try b.count("a") == 40)

        // One WAL, one LSN sequence; transaction ids (first LSN) from both writers, never shared.
        let entries = try Database.readWAL(path: dir.db + "/wal/transaction.log")
        #expect(entries.map(\.lsn) == Array(entries.first!.lsn..<(entries.first!.lsn + entries.count)))
        let txns = Set(entries.compactMap(\.txn))
        #expect(txns.count == 2)
        for txn in txns {
            let tables = Set(entries.filter { $0.txn == txn && $0.table != nil }.compactMap(\.table))
            #expect(tables.count == 1, "a transaction mixes tables of two writers: \(tables)")
        }
        try a.close()
        try b.close()

        let reopened = try Database(path: dir.db)
        #expect(try reopened.count("a") == 40)
        #expect(try reopened.count("b") == 41)
        #expect(try reopened.get("a", key: 1) == nil)
        #expect(try reopened.get("b", key: 9)?["n"] == .int(-1))
        try reopened.close()
    }

    @Test("A second writer of the same table is refused naming the pid, or waits with lockWait")
    func sameTable() throws {
        let dir = try makeDatabase("tw-same")
        let a = try open(dir, ["a"])
        do {
            _ = try open(dir, ["a", "b"])
            Issue.record("a second writer of 'a' was not refused")
        } catch {
            guard case LineDBError.locked(let path, let pid, _) = error else { throw error }
            #expect(path.hasSuffix("table 'a'") && pid == Int(getpid()))
        }
        // Refused whole: it did not keep b's lock either.
        let b = try open(dir, ["b"])
        try b.close()
        // With a wait, the second writer gets the table once the first closes.
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.3) { try? a.close() }
        let start = Date()
        let second = try open(dir, ["a"], wait: 5)
        #expect(Date().timeIntervalSince(start) >= 0.2)
        try second.insert("a", ["tag": "late", "n": 1])
        try second.close()
    }

    @Test("A whole-database writer and table writers exclude each other")
    func wholeDatabaseWriter() throws {
        let dir = try makeDatabase("tw-whole")
        let a = try open(dir, ["a"])
        do {
            _ = try Database(path: dir.db)
            Issue.record("a whole-database writer opened next to a table writer")
        } catch {
            guard case LineDBError.locked(_, let pid, _) = error else { throw error }
            #expect(pid == Int(getpid()))  // named from locks/a.lock, not from a stale .lock
        }
        try a.close()
        let whole = try Database(path: dir.db)
        #expect(throws: LineDBError.self) { _ = try open(dir, ["b"]) }
        try whole.close()
    }

    @Test("Save writes only the writer's own tables; a checkpoint needs every table and then saves them all")
    func saveAndCheckpoint() throws {
        let dir = try makeDatabase("tw-save")
        let a = try open(dir, ["a"])
        let b = try open(dir, ["b"])
        for i in 0..<5 {
            try a.insert("a", ["tag": .string("a\(i)"), "n": .int(i)])
            try b.insert("b", ["tag": .string("b\(i)"), "n": .int(i)])
        }
        _ = try a.refresh()
        let summary = try a.save()
        #expect(summary.appended == ["a": 5])
        #expect(dir.lines("db/data/a.records").count == 5)
        #expect(dir.lines("db/data/b.records").isEmpty)  // B's rows are B's to save
        // Not while B is open: the archive would hold B's unsaved entries.
        do {
            try a.checkpoint()
            Issue.record("a checkpoint ran while another writer was open")
        } catch {
            guard case LineDBError.locked(let path, _, _) = error else { throw error }
            #expect(path.hasSuffix("table 'b'"))
        }
        try b.update("b", key: 2, set: ["n": 20])
        try b.close()
        let done = try a.checkpoint()
        #expect(done.archive != nil)
        #expect(dir.lines("db/data/b.records").count == 5)
        #expect(dir.read("db/data/b.records").contains("\"n\":20"))
        // A still writes only a; b is free again for another writer.
        #expect(throws: LineDBError.self) { try a.insert("b", ["tag": "x", "n": 0]) }
        let b2 = try open(dir, ["b"])
        try b2.insert("b", ["tag": "b-after", "n": 6])
        try a.insert("a", ["tag": "a-after", "n": 6])
        try b2.close()
        try a.close()
        let reopened = try Database(path: dir.db)
        #expect(try reopened.count("a") == 6 && reopened.count("b") == 6)
        #expect(try reopened.get("b", key: 2)?["n"] == .int(20))
        try reopened.close()
    }

    @Test("A torn line left by a writer killed mid-append is cut into quarantine/ before the next append")
    func tornAppendOfAnotherWriter() throws {
        let dir = try makeDatabase("tw-torn")
        let a = try open(dir, ["a"])
        let b = try open(dir, ["b"])
        try b.insert("b", ["tag": "b0", "n": 0])
        try a.insert("a", ["tag": "a0", "n": 0])
        // What a writer killed inside its write() leaves: the first half of a line, no newline.
        let wal = dir.db + "/wal/transaction.log"
        let handle = try #require(FileHandle(forWritingAtPath: wal))
        handle.seekToEndOfFile()
        handle.write(Data(#"{"timestamp":"2026-01-01T00:00:00","operation":"INSERT","table":"b","rec"#.utf8))
        try handle.close()
        try a.insert("a", ["tag": "a1", "n": 1])
        #expect(a.warnings.contains { $0.contains("torn") && $0.contains("quarantine") }, "\(a.warnings)")
        #expect(dir.list("db/quarantine").count == 1)
        try b.insert("b", ["tag": "b1", "n": 1])
        try a.close()
        try b.close()
        let entries = try Database.readWAL(path: wal)
        #expect(entries.map(\.lsn) == Array(1...entries.count))
        let reopened = try Database(path: dir.db)
        #expect(try reopened.count("a") == 2 && reopened.count("b") == 2)
        try reopened.close()
    }

    @Test("availableTables: the tables another writer holds are read-only, the others writable, new ones too")
    func availableTables() throws {
        let dir = try makeDatabase("tw-available")
        let a = try open(dir, ["a"])
        var options = DatabaseOptions()
        options.writeScope = .availableTables
        let browser = try Database(path: dir.db, options: options)
        #expect(browser.tableLockRefusal("a") != nil)
        #expect(browser.tableLockRefusal("b") == nil)
        try browser.insert("b", ["tag": "b0", "n": 0])
        try browser.createTable(TableSchema("c", columns: Self.columns))
        try browser.insert("c", ["tag": "c0", "n": 0])
        #expect(throws: LineDBError.self) { try browser.insert("a", ["tag": "x", "n": 0]) }
        try a.insert("a", ["tag": "a0", "n": 0])
        try a.close()
        // Released by its writer: taken at the first write.
        try browser.insert("a", ["tag": "a1", "n": 1])
        #expect(browser.tableLockRefusal("a") == nil)
        try browser.close()
        let reopened = try Database(path: dir.db)
        #expect(try reopened.count("a") == 2 && reopened.count("b") == 1 && reopened.count("c") == 1)
        try reopened.close()
    }
}
