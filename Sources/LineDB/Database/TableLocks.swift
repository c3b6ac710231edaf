#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The locks of a table writer (``WriteScope/tables(_:)``, ``WriteScope/availableTables``): a shared `flock` on
/// `<db>/.lock` (a ``WriteScope/database`` writer's exclusive lock excludes every table writer, and the reverse),
/// an exclusive `flock` on `<db>/locks/<table>.lock` per table written (holding `pid host`, for messages), and the
/// WAL append lock `<db>/locks/wal-append.lock`, taken around each append. All are `flock`s, released by the
/// kernel when the process dies; never POSIX `fcntl` locks (STORAGE.md R10).
final class TableLocks {
    let io: FileIO
    let paths: DatabasePaths
    let scope: WriteScope
    let wait: Double
    private var shared: WriterLock?
    /// The tables whose lock this process holds.
    private(set) var held = NameMap<WriterLock>()
    private var appendFD: Int32 = -1
    private var appendDepth = 0
    /// The follower of what other writers append (``Database/catchUpWAL()``): keeps their open transactions.
    var replay: Replay?

    static let appendLockName = "wal-append.lock"

    init(io: FileIO, paths: DatabasePaths, scope: WriteScope, wait: Double) throws(LineDBError) {
        self.io = io
        self.paths = paths
        self.scope = scope
        self.wait = wait
        if io.stat(paths.locksDir)?.isDirectory != true {
            do throws(LineDBError) { try io.mkdir(paths.locksDir) } catch {
                if io.stat(paths.locksDir)?.isDirectory != true { throw error }  // (another writer made it)
            }
        }
        shared = try WriterLock(io: io, path: paths.lock, databasePath: paths.root, shared: true, wait: wait)
        let appendPath = paths.locksDir + "/" + TableLocks.appendLockName
        appendFD = try io.open(appendPath, flags: O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, mode: 0o644)
        do throws(LineDBError) {
            switch scope {
            case .database: break
            case .tables(let names):
                for name in names { try acquire(name, wait: wait) }
            case .availableTables:
                for file in io.listDirectory(paths.schemaDir).sorted()
                where file.hasSuffix(".schema.json") && !file.hasPrefix(".") {
                    _ = try? acquire(String(file.dropLast(".schema.json".count)), wait: 0)
                }
            }
        } catch {
            release()
            throw error
        }
    }

    deinit { release() }

    func lockPath(_ table: String) -> String { "\(paths.locksDir)/\(table).lock" }

    /// Whether this process holds `table`'s lock.
    func holds(_ table: String) -> Bool { held[table] != nil }

    /// Takes `table`'s lock, waiting up to `wait` seconds; throws ``LineDBError/locked(path:pid:host:)`` naming
    /// the table and the process that holds it.
    func acquire(_ table: String, wait: Double) throws(LineDBError) {
        if held[table] != nil { return }
        // A table name is a file name (schema/<table>.schema.json): never a path out of locks/.
        guard !table.isEmpty, !table.hasPrefix("."), !table.contains("/"), !table.contains("\0") else {
            throw .invalidInput(reason: "'\(table)' is not a table name (table names are file names)")
        }
        held[table] = try WriterLock(
            io: io, path: lockPath(table), databasePath: "\(paths.root) table '\(table)'", wait: wait)
    }

    /// Gives back a table lock taken for a checkpoint.
    func giveBack(_ table: String) {
        held.removeValue(forKey: table)?.release()
    }

    /// Who holds `table`'s lock, when another process does.
    func otherHolder(_ table: String) -> (pid: Int?, host: String?)? {
        guard held[table] == nil, WriterLock.isHeld(io: io, path: lockPath(table)) else { return nil }
        let (pid, host) = WriterLock.holder(io: io, path: lockPath(table))
        return (pid, host)
    }

    /// The tables whose lock another process holds now (a checkpoint needs them all).
    func tablesHeldElsewhere() -> [String] {
        io.listDirectory(paths.locksDir).sorted().compactMap { file in
            guard file.hasSuffix(".lock"), file != TableLocks.appendLockName else { return nil }
            let name = String(file.dropLast(".lock".count))
            return otherHolder(name) != nil ? name : nil
        }
    }

    /// Takes the WAL append lock (blocking: another writer holds it only for one append). Nested calls count.
    func lockAppend() throws(LineDBError) {
        if appendDepth == 0 {
            let result = io.flock(appendFD, LOCK_EX)
            if result != 0 {
                throw .io(operation: "flock", path: paths.locksDir + "/" + TableLocks.appendLockName, errno: result)
            }
        }
        appendDepth += 1
    }

    func unlockAppend() {
        guard appendDepth > 0 else { return }
        appendDepth -= 1
        if appendDepth == 0 { _ = io.flock(appendFD, LOCK_UN) }
    }

    func release() {
        for (_, lock) in held { lock.release() }
        held.removeAll()
        if appendFD >= 0 {
            _ = io.flock(appendFD, LOCK_UN)
            _ = systemClose(appendFD)
            appendFD = -1
        }
        shared?.release()
        shared = nil
    }

    /// `flock(fd, operation | LOCK_NB)`, retried every 10 ms for up to `wait` seconds while another process holds
    /// it. Returns 0 or the errno.
    static func flock(io: FileIO, _ fd: Int32, _ operation: Int32, wait: Double) -> Int32 {
        var result = io.flock(fd, operation | LOCK_NB)
        guard wait > 0 else { return result }
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        let deadline = Double(now.tv_sec) + Double(now.tv_nsec) / 1e9 + wait
        while result == EWOULDBLOCK || result == EAGAIN {
            clock_gettime(CLOCK_MONOTONIC, &now)
            if Double(now.tv_sec) + Double(now.tv_nsec) / 1e9 >= deadline { break }
            usleep(10_000)
            result = io.flock(fd, operation | LOCK_NB)
        }
        return result
    }

    /// A table writer of the database in `root`, if one is open: for the message that refuses a whole-database
    /// writer (the pid in `.lock` is the last whole-database writer's).
    static func tableWriter(root: String, io: FileIO) -> (Int?, String?)? {
        let dir = root + "/locks"
        for file in io.listDirectory(dir).sorted() where file.hasSuffix(".lock") && file != appendLockName {
            let path = dir + "/" + file
            if WriterLock.isHeld(io: io, path: path) { return WriterLock.holder(io: io, path: path) }
        }
        return nil
    }
}

/// How a table writer decides what it may write, and what recovery, save and checkpoint do with the tables of
/// other writers (the hooks in Database.swift, Database+Save.swift, Database+Checkpoint.swift,
/// Database+Recovery.swift).
extension Database {
    /// Why this process may not write `table` (another process holds its lock, or it is outside the
    /// ``DatabaseOptions/writeScope``), or `nil` when it may. With ``WriteScope/availableTables`` a free table's
    /// lock is taken here (the first write to it).
    func tableLockRefusal(_ table: String) -> String? {
        guard let locks = tableLocks, !locks.holds(table) else { return nil }
        if locks.scope == .availableTables, (try? locks.acquire(table, wait: 0)) != nil {
            // Its state here was followed from another writer's WAL lines: its UNIQUE indexes are rebuilt first.
            _ = tables[table]?.buildUniqueIndexes()
            return nil
        }
        if let (pid, host) = locks.otherHolder(table) {
            let who = pid.map { "pid \($0)" + (host.map { " on \($0)" } ?? "") } ?? "another process"
            return "table '\(table)' is being written by another process (\(who)); it is read-only here"
        }
        return "table '\(table)' is not among the tables this process opened to write (DatabaseOptions.writeScope)"
    }

    /// Whether a save writes `table`'s files: always for a whole-database writer; a table writer saves only the
    /// tables it holds (all of them during a checkpoint, which takes every lock).
    func savesTable(_ table: String) -> Bool {
        tableLocks?.holds(table) ?? true
    }

    /// Whether the table writer is the only writer now: no other process holds a table lock.
    var isOnlyTableWriter: Bool { tableLocks?.tablesHeldElsewhere().isEmpty ?? true }

    /// Recovery's clean-up for a table writer: the temporary files of its own tables' saves; everything else
    /// (other tables' temps, an unfinished checkpoint) only when no other writer is open.
    func cleanUpAfterCrashAsTableWriter(_ paths: DatabasePaths, full: () throws(LineDBError) -> Void)
        throws(LineDBError)
    {
        guard let locks = tableLocks else { return try full() }
        if isOnlyTableWriter { return try full() }
        for dir in [paths.dataDir, paths.schemaDir] {
            for name in io.listDirectory(dir).sorted() where name.hasPrefix(".") && name.contains(".tmp-") {
                let owned = locks.held.keys.contains { t in
                    name.hasPrefix(".\(t).records.tmp-") || name.hasPrefix(".\(t).schema.json.tmp-")
                }
                if owned { try io.unlink(dir + "/" + name) }
            }
        }
    }

    /// Before a table writer's checkpoint: takes every table's lock (waiting up to ``DatabaseOptions/lockWait``)
    /// and then the append lock, reads what others appended, and marks the changed tables it did not write itself
    /// for a whole rewrite (others wrote their files). Returns the undo, run after the checkpoint.
    func holdEverythingForCheckpoint() throws(LineDBError) -> (() -> Void)? {
        guard let locks = tableLocks, let paths else { return nil }
        var taken: [String] = []
        var appendHeld = false
        let undo = {
            if appendHeld { locks.unlockAppend() }
            for name in taken { locks.giveBack(name) }
        }
        do throws(LineDBError) {
            var names = NameSet(tables.keys)
            for file in io.listDirectory(paths.locksDir)
            where file.hasSuffix(".lock") && file != TableLocks.appendLockName {
                _ = names.insert(String(file.dropLast(".lock".count)))
            }
            for name in names.sorted() where !locks.holds(name) {
                try locks.acquire(name, wait: options.lockWait)
                taken.append(name)
            }
            try locks.lockAppend()
            appendHeld = true
            try catchUpWAL(alsoHeld: NameSet(taken))
            for name in taken where tables[name]?.isDirty == true { tables[name]!.needsRewrite = true }
        } catch {
            undo()
            throw error
        }
        return undo
    }
}

extension Database {
    /// Why this database cannot write `table` now, or `nil` when it can: opened read-only, a table without a
    /// primary key, another process writes it (naming its pid), or it is outside ``DatabaseOptions/writeScope``.
    /// Takes no lock (with ``WriteScope/availableTables`` a free table is taken at its first write).
    ///
    /// - Parameter table: the table's name.
    /// - Returns: the reason, or `nil`.
    public func writeRefusal(table: String) -> String? {
        state.withLockOrHeld { () -> String? in
            if isReadOnly { return "\(path ?? "the database") is read-only here" }
            if let reason = tables[table]?.readOnlyReason { return reason }
            guard let locks = tableLocks, !locks.holds(table) else { return nil }
            if let (pid, host) = locks.otherHolder(table) {
                let who = pid.map { "pid \($0)" + (host.map { " on \($0)" } ?? "") } ?? "another process"
                return "table '\(table)' is being written by another process (\(who)); it is read-only here"
            }
            if locks.scope == .availableTables { return nil }
            return "table '\(table)' is not among the tables this process opened to write (DatabaseOptions.writeScope)"
        }
    }
}
