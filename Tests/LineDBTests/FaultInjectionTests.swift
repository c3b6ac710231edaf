import Foundation
import Testing
@testable import LineDB
import LineDBTestSupport

/// Test group C: I/O errors (injected through ``FaultyFileIO``, and real ones: a full disk, a lock file
/// that cannot be created) never lose an acknowledged write, never corrupt a file, and are reported clearly.
@Suite("C: I/O-error injection")
struct FaultInjectionTests {
    // MARK: - C1

    @Test("C1: failing any system call of an operation (once or for good, EIO/ENOSPC/EFBIG/short write) is reported with path and errno, keeps memory or poisons the handle, and reopens to before or after",
          arguments: IOErrorLoop.Operation.allCases)
    func ioErrorLoop(_ op: IOErrorLoop.Operation) throws {
        let tally = try IOErrorLoop.run(op)
        print("C1 \(op): \(tally.faultPoints) fault points; threw \(tally.threw), poisoned \(tally.poisoned), "
            + "absorbed \(tally.absorbed.count)")
        // Faults the operation absorbed (and still completed): listed once per call, for the record.
        let absorbedCalls = Set(tally.absorbed.map { $0.split(separator: "/").dropFirst().first ?? "" }).sorted()
        if !absorbedCalls.isEmpty { print("C1 \(op): absorbed faults at: \(absorbedCalls.joined(separator: ","))") }
        #expect(tally.faultPoints > 0)
        #expect(tally.failures.isEmpty, """
            \(tally.failures.count) problems at \(tally.faultPoints) fault points of \(op); the first ones:
            \(tally.failures.prefix(25).joined(separator: "\n"))
            """)
    }

    // MARK: - C2

    /// A database with three saved students, opened on `io`.
    private func seeded(_ dir: TempDir, io: FaultyFileIO) throws -> Database {
        var options = DatabaseOptions()
        options.fileIO = io
        options.autoCheckpointBytes = nil
        let db = try Database(path: dir.db, options: options)
        try db.createTable(studentSchema)
        for name in ["Ann", "Bob", "Cid"] {
            try db.insert("student", ["name": .string(name), "email": .string("\(name)@u")])
        }
        try db.save()
        return db
    }

    /// Every kind of write on `db` throws ``LineDBError/needsReopen(reason:)``.
    private func expectPoisoned(_ db: Database, _ context: String) {
        let attempts: [(String, () throws -> Void)] = [
            ("insert", { try db.insert("student", ["name": "Zed", "email": "zed@u"]) }),
            ("update", { try db.update("student", key: 1, set: ["gpa": 1.0]) }),
            ("delete", { try db.delete("student", key: 1) }),
            ("insert many", { try db.insert("student", records: [["name": "Y", "email": "y@u"]]) }),
            ("save", { try db.save() }),
            ("checkpoint", { try db.checkpoint() }),
            ("create table", { try db.createTable(IOErrorLoop.courseSchema) }),
            ("drop table", { try db.dropTable("student") }),
        ]
        for (name, attempt) in attempts {
            do {
                try attempt()
                Issue.record("\(context): \(name) succeeded on a handle that should be poisoned")
            } catch {
                #expect(FaultHelpers.isNeedsReopen(error), "\(context): \(name) threw \(FaultHelpers.text(error))")
                #expect(FaultHelpers.text(error).contains("must be reopened"))
            }
        }
    }

    @Test("C2: a failed WAL fdatasync poisons the handle: later writes throw needsReopen, and reopening recovers")
    func fdatasyncPoisons() throws {
        let dir = TempDir("c2-fdatasync")
        let io = FaultyFileIO()
        let db = try seeded(dir, io: io)
        io.inject(.init(.fdatasync, errno: EIO))
        do {
            try db.insert("student", ["name": "Dee", "email": "dee@u"])
            Issue.record("the insert whose fdatasync failed was acknowledged")
        } catch {
            let text = FaultHelpers.text(error)
            #expect(text.contains(dir.db + "/wal/transaction.log") && text.contains("Input/output error"), "\(text)")
        }
        io.clearFaults()  // the disk "works again", but the page cache can no longer be trusted
        expectPoisoned(db, "after fdatasync EIO")
        try? db.close()

        let again = try Database(path: dir.db)
        let names = try again.select("student").compactMap { $0["name"]?.stringValue }
        #expect(Array(names.prefix(3)) == ["Ann", "Bob", "Cid"])
        #expect(names.count == 3 || names == ["Ann", "Bob", "Cid", "Dee"])  // the failed insert: either way
        let id = try again.insert("student", ["name": "Eve", "email": "eve@u"])
        try again.close()
        let saved = try FaultHelpers.openState(dir.db)["student"] ?? []
        #expect(saved.contains { $0.hasPrefix("{\"id\":\(id.intValue!),") })
        #expect(FaultHelpers.fileProblems(dir.db).isEmpty)
    }

    @Test("C2: a failed directory fsync (EIO) in save poisons the handle, as after a failed file fsync; reopening recovers")
    func directoryFsyncInSavePoisons() throws {
        let dir = TempDir("c2-dirsync-save")
        let io = FaultyFileIO()
        let db = try seeded(dir, io: io)
        try db.update("student", key: 2, set: ["gpa": 3.3])  // forces the durable-replace path
        io.inject(.init(.syncDirectory, errno: EIO, pathContains: "/data"))
        #expect(throws: LineDBError.self) { try db.save() }
        io.clearFaults()
        expectPoisoned(db, "after a failed fsync of data/")
        try? db.close()
        let state = try FaultHelpers.openState(dir.db)
        #expect(state["student"]?.count == 3)
        #expect(state["student"]?.contains { $0.contains("\"gpa\":3.3") } == true)
    }

    @Test("C2: a failed fsync of wal/ at the end of a checkpoint does not let later writes go to the archived file")
    func directoryFsyncInCheckpoint() throws {
        let dir = TempDir("c2-dirsync-checkpoint")
        let io = FaultyFileIO()
        let db = try seeded(dir, io: io)
        io.inject(.init(.syncDirectory, errno: EIO, pathContains: "/wal"))
        #expect(throws: LineDBError.self) { try db.checkpoint() }
        io.clearFaults()
        // Either the handle is poisoned, or a write it acknowledges must survive a reopen.
        var acknowledged: JSONValue? = nil
        do {
            acknowledged = try db.insert("student", ["name": "Dee", "email": "dee@u"])
        } catch {
            #expect(FaultHelpers.isNeedsReopen(error), "\(FaultHelpers.text(error))")
        }
        try? db.close()
        let reopened = try Database(path: dir.db)
        if let acknowledged {
            #expect(try reopened.get("student", key: acknowledged) != nil,
                    "insert \(acknowledged) was acknowledged after the failed checkpoint but is lost after reopening")
        }
        #expect(try reopened.count("student") >= 3)
        let lsns = try reopened.walEntries().map(\.lsn)
        #expect(lsns == Array(lsns.indices.map { lsns[0] + $0 }), "LSNs are not continuous: \(lsns)")
        try reopened.close()
    }

    @Test("C2: a directory fsync that fails with EINVAL (unsupported) is ignored; every operation still works")
    func directoryFsyncEINVALIgnored() throws {
        // The real implementation: fsync of a /proc directory fails with EINVAL, which syncDirectory ignores.
        let fd = open("/proc/self", O_RDONLY | O_DIRECTORY)
        if fd >= 0 {
            let result = fsync(fd)
            let code = errno
            close(fd)
            if result != 0 && code == EINVAL {
                #expect(throws: Never.self) { try RealFileIO().syncDirectory("/proc/self") }
            }
        }
        // The engine on a file system where no directory can be synced.
        let dir = TempDir("c2-einval")
        let io = FaultyFileIO()
        io.inject(.init(.syncDirectory, errno: EINVAL, persistent: true))
        var options = DatabaseOptions()
        options.fileIO = io
        let db = try Database(path: dir.db, options: options)
        try db.createTable(studentSchema)
        try db.createTable(IOErrorLoop.courseSchema)
        try db.insert("student", ["name": "Ann", "email": "ann@u"])
        try db.insert("student", ["name": "Bob", "email": "bob@u"])
        try db.save()
        try db.update("student", key: 1, set: ["gpa": 2.0])
        try db.save()
        try db.checkpoint()
        try db.dropTable("course")
        try db.delete("student", key: 2)
        try db.close()
        #expect(io.count(.syncDirectory) > 3)
        let state = try FaultHelpers.openState(dir.db)
        #expect(state == ["student": [#"{"id":1,"name":"Ann","email":"ann@u","gpa":2.0}"#]])
    }

    // MARK: - C3

    @Test("C3: a really full disk: the insert that does not fit says 'disk full' or 'file too large', files stay intact, and every acknowledged write is there once space is back")
    func realFullDisk() throws {
        if geteuid() == 0 {
            try fullTmpfs()
        } else {
            try fileSizeLimit()
        }
    }

    /// A 64 KiB tmpfs, filled with inserts.
    private func fullTmpfs() throws {
        let dir = TempDir("c3-tmpfs")
        let mountPoint = dir.path + "/mnt"
        try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
        let (status, output) = FaultHelpers.run("/bin/mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", mountPoint])
        guard status == 0 else {
            print("C3 skipped: cannot mount a tmpfs (\(output.trimmingCharacters(in: .whitespacesAndNewlines)))")
            return
        }
        defer { FaultHelpers.run("/bin/umount", [mountPoint]) }
        let path = mountPoint + "/db"
        try fill(path, expecting: "disk full") {
            let (s, o) = FaultHelpers.run("/bin/mount", ["-o", "remount,size=4m", mountPoint])
            #expect(s == 0, "remount failed: \(o)")
        }
    }

    /// `RLIMIT_FSIZE` (when not root): a write past the limit gets EFBIG, and a write across it is cut short.
    /// The limit is process-wide, so it is set only around the filling loop, and SIGXFSZ is ignored.
    private func fileSizeLimit() throws {
        let dir = TempDir("c3-rlimit")
        signal(SIGXFSZ, SIG_IGN)
        var original = rlimit()
        getrlimit(Int32(RLIMIT_FSIZE.rawValue), &original)
        defer { setrlimit(Int32(RLIMIT_FSIZE.rawValue), &original) }
        try fill(dir.db, expecting: "file too large", limit: { walSize in
            var limited = original
            limited.rlim_cur = rlim_t(walSize + 48 * 1024)
            setrlimit(Int32(RLIMIT_FSIZE.rawValue), &limited)
        }) {
            setrlimit(Int32(RLIMIT_FSIZE.rawValue), &original)
        }
    }

    /// Creates a database at `path`, saves a few records, fills the space with inserts until one fails, checks the
    /// failure and the files, tries a save, then calls `freeSpace` and checks that everything acknowledged is back.
    private func fill(
        _ path: String, expecting words: String, limit: ((Int) -> Void)? = nil, freeSpace: () -> Void
    ) throws {
        var acknowledged: [Int: String] = [:]
        let db = try Database(path: path)
        try db.createTable(studentSchema)
        for i in 0..<5 {
            let name = "saved \(i)"
            let id = try db.insert("student", ["name": .string(name), "email": .string("s\(i)@u")])
            acknowledged[id.intValue!] = name
        }
        try db.save()
        let records = FaultHelpers.read(path + "/data/student.records")
        let schema = FaultHelpers.read(path + "/schema/student.schema.json")
        limit?(FaultHelpers.read(path + "/wal/transaction.log").count)

        var failure: (any Error)? = nil
        let padding = String(repeating: "x", count: 180)
        for i in 0..<5000 {
            let name = "filler \(i) \(padding)"
            do {
                let id = try db.insert("student", ["name": .string(name), "email": .string("f\(i)@u")])
                acknowledged[id.intValue!] = name
            } catch {
                failure = error
                break
            }
        }
        let error = try #require(failure, "5000 inserts of 200 bytes fitted")
        let text = FaultHelpers.text(error)
        #expect(text.contains(words) && text.contains(path), "\(text)")
        print("C3: \(acknowledged.count) writes acknowledged before: \(text)")
        #expect(FaultHelpers.read(path + "/data/student.records") == records)
        #expect(FaultHelpers.read(path + "/schema/student.schema.json") == schema)
        #expect(FaultHelpers.fileProblems(path).isEmpty, "\(FaultHelpers.fileProblems(path))")

        // A save on the full disk either fits or fails clearly, leaving the old records file.
        do {
            try db.save()
        } catch {
            let text = FaultHelpers.text(error)
            #expect(text.contains(words) || FaultHelpers.isNeedsReopen(error), "\(text)")
            #expect(FaultHelpers.read(path + "/data/student.records") == records)
        }
        try? db.close()
        freeSpace()

        let reopened = try Database(path: path)
        for (id, name) in acknowledged {
            #expect(try reopened.get("student", key: .int(id))?["name"]?.stringValue == name, "id \(id) lost")
        }
        #expect(FaultHelpers.fileProblems(path).isEmpty, "\(FaultHelpers.fileProblems(path))")
        try reopened.insert("student", ["name": "after", "email": "after@u"])
        try reopened.save()
        try reopened.close()
        #expect(try FaultHelpers.openState(path)["student"]?.count == acknowledged.count + 1)
    }

    // MARK: - C4

    /// A database with two saved students and an unsaved third one.
    private func smallDatabase(_ dir: TempDir) throws {
        let db = try Database(path: dir.db)
        try db.createTable(studentSchema)
        try db.insert("student", ["name": "Ann", "email": "ann@u"])
        try db.insert("student", ["name": "Bob", "email": "bob@u"])
        try db.save()
        try db.insert("student", ["name": "Cid", "email": "cid@u"])
        try db.close()
    }

    /// Every write on a read-only handle throws ``LineDBError/readOnly(reason:)`` naming the database.
    private func expectWritesRefused(_ db: Database, path: String) {
        let attempts: [(String, () throws -> Void)] = [
            ("insert", { try db.insert("student", ["name": "Zed", "email": "zed@u"]) }),
            ("insert many", { try db.insert("student", records: [["name": "Y", "email": "y@u"]]) }),
            ("update", { try db.update("student", key: 1, set: ["gpa": 1.0]) }),
            ("delete", { try db.delete("student", key: 1) }),
            ("save", { try db.save() }),
            ("checkpoint", { try db.checkpoint() }),
            ("create table", { try db.createTable(IOErrorLoop.courseSchema) }),
            ("drop table", { try db.dropTable("student") }),
        ]
        for (name, attempt) in attempts {
            do {
                try attempt()
                Issue.record("\(name) succeeded on a read-only database")
            } catch {
                guard case .readOnly? = error as? LineDBError else {
                    Issue.record("\(name) threw \(FaultHelpers.text(error)) instead of a read-only error")
                    continue
                }
                let text = FaultHelpers.text(error)
                #expect(text.contains("read-only") && text.contains(path), "\(name): \(text)")
            }
        }
    }

    @Test("C4: a read-only open reads everything (unsaved WAL entries included), refuses every write clearly and changes no file")
    func readOnlyOpen() throws {
        let dir = TempDir("c4-readonly")
        try smallDatabase(dir)
        let before = dir.snapshot()
        let db = try Database(path: dir.db, options: DatabaseOptions(syncMode: .full, readOnly: true))
        #expect(db.isReadOnly)
        #expect(try db.count("student") == 3)
        expectWritesRefused(db, path: dir.db)
        try db.close()
        #expect(dir.snapshot() == before)
    }

    @Test("C4: when .lock cannot be created, a writer open fails naming .lock and the cause, and a read-only open works")
    func lockNotCreatable() throws {
        let dir = TempDir("c4-lock")
        try smallDatabase(dir)
        try FileManager.default.removeItem(atPath: dir.db + "/.lock")

        // Injected: open(.lock) fails with EACCES (what a read-only directory gives a normal user).
        let io = FaultyFileIO()
        io.inject(.init(.open, errno: EACCES, persistent: true, pathContains: "/.lock"))
        var options = DatabaseOptions()
        options.fileIO = io
        let before = dir.snapshot()
        do {
            _ = try Database(path: dir.db, options: options)
            Issue.record("a writer opened without its lock file")
        } catch {
            let text = FaultHelpers.text(error)
            #expect(text.contains(dir.db + "/.lock") && text.contains("Permission denied"), "\(text)")
        }
        #expect(dir.snapshot() == before)
        options.readOnly = true
        let readOnly = try Database(path: dir.db, options: options)
        #expect(try readOnly.count("student") == 3)
        expectWritesRefused(readOnly, path: dir.db)
        try readOnly.close()

        // Real: `.lock` is a directory, so open(O_RDWR|O_CREAT) fails with EISDIR even for root.
        try FileManager.default.createDirectory(atPath: dir.db + "/.lock", withIntermediateDirectories: false)
        do {
            _ = try Database(path: dir.db)
            Issue.record("a writer opened although .lock is a directory")
        } catch {
            let text = FaultHelpers.text(error)
            #expect(text.contains(dir.db + "/.lock") && text.contains("Is a directory"), "\(text)")
        }
        let real = try Database(path: dir.db, options: DatabaseOptions(syncMode: .full, readOnly: true))
        #expect(try real.count("student") == 3)
        try real.close()
        #expect(dir.snapshot() == before)
    }

    @Test("C4: a read-only database directory (chmod 0555, not root): writer open fails clearly, read-only open works")
    func readOnlyDirectory() throws {
        guard geteuid() != 0 else {
            print("C4 chmod part skipped: root ignores directory permissions (the readOnly and .lock tests cover it)")
            return
        }
        let dir = TempDir("c4-chmod")
        try smallDatabase(dir)
        try FileManager.default.removeItem(atPath: dir.db + "/.lock")
        let dirs = [dir.db, dir.db + "/data", dir.db + "/schema", dir.db + "/wal"]
        for d in dirs { chmod(d, 0o555) }
        defer { for d in dirs { chmod(d, 0o755) } }
        let before = dir.snapshot()
        do {
            _ = try Database(path: dir.db)
            Issue.record("a writer opened a read-only directory")
        } catch {
            let text = FaultHelpers.text(error)
            #expect(text.contains(dir.db) && text.contains("Permission denied"), "\(text)")
        }
        let db = try Database(path: dir.db, options: DatabaseOptions(syncMode: .full, readOnly: true))
        #expect(try db.count("student") == 3)
        expectWritesRefused(db, path: dir.db)
        try db.close()
        #expect(dir.snapshot() == before)
    }
}
