#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Testing
@testable import LineDB
import LineDBTestSupport

/// Test group E: one writer per database (a `flock` held for the session), live readers of the WAL,
/// and group commit, with real processes.
@Suite("Concurrency: writer lock, WAL readers, group commit (test group E)")
struct ConcurrencyTests {
    private let itemSchema = try! TableSchema("item", columns: [
        Column("id", .int, primaryKey: true), Column("tag", .str, nullable: false, unique: true),
        Column("qty", .int), Column("price", .float), Column("note", .str),
    ])

    /// Reads a child's output until it has printed `n` more ACK lines.
    private func waitForAcks(_ child: ChildProcess, _ n: Int) -> Bool {
        var seen = 0
        while seen < n {
            guard let line = child.nextLine(), !line.hasPrefix("ERR") else { return false }
            if line.hasPrefix("ACK ") { seen += 1 }
        }
        return true
    }

    @Test("E1: a second writer process is refused with the holder's pid; the first writer goes on unaffected")
    func secondWriterProcessRefused() throws {
        let h = CrashHarness("e1")
        let first = try h.spawn("mixed", seed: 81, ["run=0", "saveEvery=9"])
        try #require(waitForAcks(first, 10), Comment(rawValue: first.transcript))

        let second = try h.spawn("open", seed: 81)
        let status = second.finish()
        #expect(status == .exited(3), Comment(rawValue: second.transcript))
        let refusal = second.lines.first ?? ""
        #expect(refusal.hasPrefix("ERR ") && refusal.contains("locked by another writer"), "\(refusal)")
        #expect(refusal.contains("pid \(first.pid)"), "the refusal must name the holder: \(refusal)")

        // The same refusal in this process, and a read-only open beside the writer.
        #expect {
            _ = try Database(path: h.db)
        } throws: { error in
            guard case LineDBError.locked(_, let pid, let host) = error else { return false }
            return pid == Int(first.pid) && host != nil && "\(error)".contains("pid \(first.pid)")
        }
        var options = DatabaseOptions()
        options.readOnlyIfLocked = true
        let reader = try Database(path: h.db, options: options)
        #expect(reader.isReadOnly)
        #expect(throws: LineDBError.self) { try reader.insert("item", ["tag": "nope"]) }
        try reader.close()

        // The first writer was not disturbed: it keeps acknowledging, and all of it survives its kill.
        #expect(waitForAcks(first, 10), Comment(rawValue: first.transcript))
        #expect(first.killAndCollect() == .signaled(SIGKILL))
        try h.absorb(first)
        #expect(h.log.errors.isEmpty, "\(h.log.errors)")
        try h.verifyReopen(probe: true)
    }

    @Test("E1: a second open in the same process is refused, naming this process; the first handle still writes")
    func secondOpenInProcessRefused() throws {
        let dir = TempDir("e1-same")
        let db = try Database(path: dir.db)
        try db.createTable(itemSchema)
        try db.insert("item", ["tag": "a"])
        #expect {
            _ = try Database(path: dir.db)
        } throws: { error in
            guard case LineDBError.locked(_, let pid, _) = error else { return false }
            return pid == Int(getpid()) && "\(error)".contains("pid \(getpid())")
        }
        let key = try db.insert("item", ["tag": "b"])
        #expect(key == 2)
        // A child process is refused too.
        let child = try ChildProcess.writer([dir.db, "open", "1", "full"], stderr: dir.path + "/child.stderr")
        #expect(child.finish() == .exited(3))
        #expect(child.lines.first?.contains("pid \(getpid())") == true, Comment(rawValue: child.transcript))
        try db.close()
        let again = try Database(path: dir.db)
        #expect(try again.count("item") == 2)
        try again.close()
    }

    @Test("E2: a follower sees every LSN exactly once, in order, through 10k inserts and two checkpoints")
    func followerSeesEveryLSN() throws {
        let h = CrashHarness("e2")
        let writer = try h.spawn("mixed", seed: 82, mode: .normal,
                                 ["kinds=bulk", "quiet=1", "ops=10000", "checkpointEvery=3334"])
        let follower = WALFollower(databasePath: h.db)
        var lsns: [Int] = []
        var rotations: [WALFollower.Rotation] = []
        var polls = 0
        var status: ChildProcess.Status? = nil
        while true {
            // Poll while the writer appends and checkpoints; a line being written must never look corrupt.
            let exited = writer.exitStatus()
            for event in try follower.pollEvents() {
                switch event {
                case .entry(let entry): lsns.append(entry.lsn)
                case .rotated(let rotation): rotations.append(rotation)
                }
            }
            polls += 1
            if let exited {
                status = exited
                break
            }
            usleep(2_000)
        }
        writer.drain()
        #expect(status == .exited(0) && writer.lines.last == "END", Comment(rawValue: writer.transcript))
        let checkpoints = writer.lines.filter { $0.hasPrefix("CHECKPOINTED") }
        #expect(checkpoints.count == 2)
        // 1 CREATE_TABLE + 10,000 INSERT + 2 CHECKPOINT lines.
        let gap = firstGap(lsns).map(String.init) ?? "-"
        #expect(lsns == Array(1...10_003), "\(lsns.count) LSNs seen, first gap at \(gap)")
        #expect(rotations == [.replaced, .replaced])
        #expect(polls > 3)

        // After the fact: the archives and the live WAL hold the same sequence.
        let wal = h.db + "/wal/"
        var files = try h.dir.list("db/wal").filter(DatabasePaths.isArchiveName).map {
            try Database.readWAL(path: wal + $0)
        }
        files.sort { ($0.first?.lsn ?? 0) < ($1.first?.lsn ?? 0) }
        files.append(try Database.readWAL(path: wal + "transaction.log"))
        #expect(files.flatMap { $0.map(\.lsn) } == Array(1...10_003))
        let db = try Database(path: h.db, options: DatabaseOptions(syncMode: .off, readOnly: true))
        #expect(try db.count("bulk") == 10_000)
        try db.close()
    }

    private func firstGap(_ lsns: [Int]) -> Int? {
        for (i, lsn) in lsns.enumerated() where lsn != i + 1 { return i + 1 }
        return nil
    }

    @Test("E3: opening and closing other descriptors on .lock and the WAL in the holder keeps the lock (flock)")
    func lockSurvivesOtherDescriptors() throws {
        // The test process holds the lock and churns descriptors.
        let dir = TempDir("e3")
        let db = try Database(path: dir.db)
        try db.createTable(itemSchema)
        try db.insert("item", ["tag": "a"])
        for _ in 0..<10 {
            for path in [dir.db + "/.lock", dir.db + "/wal/transaction.log"] {
                let fd = open(path, O_RDWR | O_CLOEXEC)
                #expect(fd >= 0)
                close(fd)
            }
            _ = db.stats()
            _ = try db.walEntries()
            _ = try Database.readWAL(path: dir.db + "/wal/transaction.log")
            #expect(throws: LineDBError.self) { _ = try Database(path: dir.db) }
        }
        let child = try ChildProcess.writer([dir.db, "open", "1", "full"], stderr: dir.path + "/child.stderr")
        #expect(child.finish() == .exited(3), "a writer child got the lock: \(child.transcript)")
        try db.insert("item", ["tag": "b"])
        try db.close()

        // A child holds the lock and churns its own descriptors (including a refused second open).
        let h = CrashHarness("e3-child")
        let holder = try h.spawn("hold", seed: 83, ["churn=1"])
        let ready = holder.readUntil { $0 == "HOLDING" || $0.hasPrefix("ERR") }
        #expect(ready == "HOLDING", Comment(rawValue: holder.transcript))
        #expect {
            _ = try Database(path: h.db)
        } throws: { error in
            guard case LineDBError.locked(_, let pid, _) = error else { return false }
            return pid == Int(holder.pid)
        }
        let other = try h.spawn("open", seed: 83)
        #expect(other.finish() == .exited(3), Comment(rawValue: other.transcript))
        #expect(holder.killAndCollect() == .signaled(SIGKILL))
        try h.absorb(holder)
        try h.verifyReopen()
    }

    @Test("Group commit: concurrent .full inserts are all durable and share fdatasync calls")
    func groupCommitSharesSyncs() throws {
        let dir = TempDir("group-commit")
        let io = FaultyFileIO()
        var options = DatabaseOptions(syncMode: .full)
        options.fileIO = io
        let db = try Database(path: dir.db, options: options)
        try db.createTable(itemSchema)
        let threads = 8
        let perThread = 40
        let before = io.count(.fdatasync)
        let keys = PThreadMutex()
        nonisolated(unsafe) var acknowledged: [Int: String] = [:]
        nonisolated(unsafe) var failures: [String] = []
        let done = DispatchSemaphore(value: 0)
        for t in 0..<threads {
            let thread = Thread {
                for i in 0..<perThread {
                    let tag = "t\(t)-\(i)"
                    do {
                        let key = try db.insert("item", ["tag": .string(tag), "qty": .int(i)])
                        keys.withLock { acknowledged[key.intValue ?? -1] = tag }
                    } catch {
                        keys.withLock { failures.append("\(error)") }
                    }
                }
                done.signal()
            }
            thread.start()
        }
        for _ in 0..<threads { done.wait() }
        let syncs = io.count(.fdatasync) - before
        #expect(failures.isEmpty, "\(failures)")
        #expect(acknowledged.count == threads * perThread)
        #expect(syncs >= 1)
        #expect(syncs < threads * perThread, "\(syncs) fdatasync calls for \(threads * perThread) inserts: none shared")
        print("Group commit: \(threads * perThread) concurrent inserts, \(syncs) fdatasync calls")
        try db.close()

        let again = try Database(path: dir.db)
        #expect(try again.count("item") == threads * perThread)
        for (key, tag) in acknowledged {
            #expect(try again.get("item", key: .int(key))?["tag"] == .string(tag))
        }
        try again.close()
    }
}
