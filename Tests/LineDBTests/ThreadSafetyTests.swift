import Foundation
import Testing
@testable import LineDB

/// Threads that use one ``Database`` at the same time: writers against `load()`, `close()`, the auto-checkpoint and
/// the `.normal` WAL flusher; readers of ``Database/warnings`` against `load()`.
///
/// Without a sanitizer these check that nothing acknowledged is lost and nothing crashes; their real check is the
/// ThreadSanitizer run in `.ci/run` (`swift test --sanitize=thread --filter ...`), which fails on any data race
/// they provoke.
@Suite("Thread safety: concurrent writes, load, close, checkpoints and the WAL flusher (run under TSan in CI)")
struct ThreadSafetyTests {
    private static let itemSchema = try! TableSchema("item", columns: [
        Column("id", .int, primaryKey: true), Column("tag", .str, nullable: false, unique: true), Column("qty", .int),
    ])

    /// Runs `body(thread)` on `threads` threads at once and waits for all of them (with a hang detector).
    private func concurrently(_ threads: Int, _ body: @escaping @Sendable (Int) -> Void) {
        let finished = finishing(within: 120) { () -> Bool in
            let group = DispatchGroup()
            for t in 0..<threads {
                group.enter()
                Thread {
                    body(t)
                    group.leave()
                }.start()
            }
            group.wait()
            return true
        }
        #expect(finished == true, "the threads did not finish")
    }

    /// What the threads of a test saw: acknowledged keys and tags, and unexpected errors.
    private final class Log: @unchecked Sendable {
        private let lock = NSLock()
        private(set) var acknowledged: [Int: String] = [:]
        private(set) var errors: [String] = []
        func ack(_ key: JSONValue, _ tag: String) {
            lock.lock()
            acknowledged[key.intValue ?? -1] = tag
            lock.unlock()
        }
        func fail(_ error: any Error) {
            lock.lock()
            errors.append("\(error)")
            lock.unlock()
        }
    }

    /// Reopens the database and checks that every acknowledged insert is there.
    private func expectAcknowledged(_ log: Log, in dir: TempDir) throws {
        #expect(log.errors.isEmpty, "\(log.errors.prefix(5))")
        let db = try Database(path: dir.db)
        #expect(try db.count("item") == log.acknowledged.count)
        for (key, tag) in log.acknowledged {
            #expect(try db.get("item", key: .int(key))?["tag"] == .string(tag))
        }
        try db.close()
    }

    @Test("Writers under .full go on while another thread loads the database again and again, then closes it")
    func writesWhileLoadingAndClosing() throws {
        let dir = TempDir("race-load")
        let db = try Database(path: dir.db)
        try db.createTable(Self.itemSchema)
        let log = Log()
        concurrently(3) { t in
            if t == 2 {
                for _ in 0..<15 {
                    do { try db.load() } catch { log.fail(error) }
                    usleep(1_000)
                }
                return
            }
            for i in 0..<150 {
                let tag = "w\(t)-\(i)"
                do {
                    log.ack(try db.insert("item", ["tag": .string(tag), "qty": .int(i)]), tag)
                } catch {
                    log.fail(error)
                }
            }
        }
        // Close while a writer runs: its writes either return (durable) or throw `closed`.
        let closer = Log()
        concurrently(2) { t in
            if t == 1 {
                usleep(2_000)
                do { try db.close() } catch { closer.fail(error) }
                return
            }
            for i in 0..<400 {
                let tag = "late-\(i)"
                do {
                    log.ack(try db.insert("item", ["tag": .string(tag)]), tag)
                } catch LineDBError.closed {
                    break
                } catch {
                    log.fail(error)
                }
            }
        }
        #expect(closer.errors.isEmpty, "\(closer.errors)")
        try expectAcknowledged(log, in: dir)
    }

    @Test("Concurrent writers pass the auto-checkpoint threshold many times")
    func writersTriggerAutoCheckpoints() throws {
        let dir = TempDir("race-autocheckpoint")
        var options = DatabaseOptions(syncMode: .full)
        options.autoCheckpointBytes = 4_096
        let db = try Database(path: dir.db, options: options)
        try db.createTable(Self.itemSchema)
        let log = Log()
        concurrently(4) { t in
            for i in 0..<100 {
                let tag = "t\(t)-\(i)"
                do {
                    log.ack(try db.insert("item", ["tag": .string(tag), "qty": .int(i)]), tag)
                } catch {
                    log.fail(error)
                }
            }
        }
        let archives = dir.list("db/wal").filter(DatabasePaths.isArchiveName)
        #expect(archives.count >= 5, "\(archives.count) checkpoints")
        try db.close()
        try expectAcknowledged(log, in: dir)
    }

    @Test("Under .normal the background flusher runs while writes, saves and close happen on other threads")
    func flusherAgainstWritesAndClose() throws {
        let log = Log()
        var dirs: [TempDir] = []
        for round in 0..<6 {
            let dir = TempDir("race-flusher-\(round)")
            dirs.append(dir)
            // A new database: its WAL file is new, so `wal/` is to be synced (by the flusher or by the save).
            let db = try Database(path: dir.db, options: DatabaseOptions(syncMode: .normal))
            try db.createTable(Self.itemSchema)
            concurrently(2) { t in
                for i in 0..<40 {
                    let tag = "r\(round)-t\(t)-\(i)"
                    do {
                        log.ack(try db.insert("item", ["tag": .string(tag)]), tag)
                        if i % 10 == 9 { try db.save() }
                    } catch {
                        log.fail(error)
                    }
                    if i % 8 == 0 { usleep(3_000) }  // let the flusher's 10 ms tick come round
                }
            }
            usleep(15_000)
            try db.close()
            usleep(15_000)  // the flusher wakes up after the close and must see that it is to stop
            #expect(log.errors.isEmpty, "\(log.errors.prefix(5))")
            let again = try Database(path: dir.db)
            #expect(try again.count("item") == 80)
            try again.close()
        }
    }

    @Test("warnings is read on one thread while another loads the database again")
    func warningsWhileLoading() throws {
        let dir = TempDir("race-warnings")
        let db = try Database(path: dir.db)
        try db.createTable(TableSchema("note", columns: [Column("id", .int, primaryKey: true), Column("size", .float)]))
        try db.insert("note", ["size": 1.5])
        try db.close()
        // A schema with an unknown type gives a warning at every load.
        let schemaPath = dir.db + "/schema/note.schema.json"
        let text = try String(contentsOfFile: schemaPath, encoding: .utf8)
        try text.replacingOccurrences(of: "\"float\"", with: "\"decimal128\"")
            .write(toFile: schemaPath, atomically: true, encoding: .utf8)
        let reopened = try Database(path: dir.db)
        #expect(!reopened.warnings.isEmpty)
        let counts = Log()
        concurrently(2) { t in
            for _ in 0..<30 {
                if t == 0 {
                    do { try reopened.load() } catch { counts.fail(error) }
                } else {
                    let n = reopened.warnings.count
                    if n > 4 { counts.fail(LineDBError.invalidInput(reason: "\(n) warnings")) }
                }
            }
        }
        #expect(counts.errors.isEmpty, "\(counts.errors.prefix(5))")
        #expect(!reopened.warnings.isEmpty)
        try reopened.close()
    }

    @Test("A bulk insert (built and encoded on several threads) while other threads read, save and stream")
    func bulkInsertWhileReading() throws {
        let dir = TempDir("race-bulk")
        let db = try Database(path: dir.db, options: DatabaseOptions(syncMode: .normal))
        try db.createTable(Self.itemSchema)
        let log = Log()
        let n = 20_000
        concurrently(3) { t in
            do {
                switch t {
                case 0:
                    let keys = try db.insert(
                        "item", records: (0..<n).map { ["tag": .string("bulk-\($0)"), "qty": .int($0)] })
                    if keys.count != n { log.fail(LineDBError.invalidInput(reason: "\(keys.count) keys")) }
                case 1:
                    for _ in 0..<20 {
                        var stream = try db.stream("item", where: { $0["qty"]?.intValue == 7 })
                        _ = try stream.next()
                        _ = try db.select("item", where: { $0["qty"]?.intValue == 3 }, orderBy: "tag", limit: 1)
                    }
                default:
                    for _ in 0..<5 {
                        try db.save()
                        _ = db.stats()
                    }
                }
            } catch {
                log.fail(error)
            }
        }
        #expect(log.errors.isEmpty, "\(log.errors.prefix(5))")
        try db.load()  // the records file and the WAL, parsed on several threads
        #expect(try db.count("item") == n)
        try db.close()
    }
}
