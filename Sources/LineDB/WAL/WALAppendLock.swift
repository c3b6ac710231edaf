#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Several writer processes, one WAL (``WriteScope``): each append happens under the append lock
/// (`locks/wal-append.lock`), after reading what other writers appended since this one's last append, so LSNs
/// stay one total order and a transaction id (the LSN of its first entry) is never given twice.
///
/// What another writer appended is checked with the recovery scanner (``WALScanner``): a torn last line (that
/// writer was killed in the middle of an append; it held the lock, so nobody is writing it now) is saved to
/// `quarantine/` and cut off before this writer appends, as recovery does; damage in complete lines refuses the
/// write. The entries are replayed into this process's view of the tables it does not write.
///
/// The `synced` watermark of each line stays this writer's own (the highest LSN it saw durable): another writer's
/// sync may have made more durable, so the watermark is only ever behind the truth, which is what the scanner
/// needs (a damaged line at or below a later line's watermark is corruption; above it, a torn batch).
extension Database {
    /// Takes the append lock and catches up, for a table writer (state lock held). Returns whether it took it;
    /// pass that to ``endWALAppend(_:)``.
    func beginWALAppend() throws(LineDBError) -> Bool {
        guard let locks = tableLocks, wal != nil else { return false }
        try locks.lockAppend()
        Failpoint.hit("wal.appendLocked")
        do throws(LineDBError) {
            try catchUpWAL()
        } catch {
            locks.unlockAppend()
            throw error
        }
        return true
    }

    /// Gives back the append lock taken by ``beginWALAppend()``.
    func endWALAppend(_ taken: Bool) {
        if taken { tableLocks?.unlockAppend() }
    }

    /// Reads the lines other writers appended after this writer's known end of the WAL, replays them into the
    /// tables this process does not write, and moves the writer's end and next LSN past them (state lock and
    /// append lock held). `alsoHeld`: tables whose lock this process took just now (a checkpoint's), whose entries
    /// are other writers' and are replayed too.
    func catchUpWAL(alsoHeld: NameSet = []) throws(LineDBError) {
        guard let locks = tableLocks, let wal, let paths else { return }
        let start = wal.endOffset
        guard let size = io.fstat(wal.fd)?.size, size != start else { return }
        if size < start || io.stat(paths.wal)?.inode != io.fstat(wal.fd)?.inode {
            let reason = "\(paths.wal) was shortened or replaced while this process wrote to it; reopen the database"
            wal.setPoison(reason)
            throw .needsReopen(reason: reason)
        }
        let fd = try io.open(paths.wal, flags: O_RDONLY | O_NOFOLLOW | O_CLOEXEC, mode: 0)
        let bytes: [UInt8]
        do throws(LineDBError) {
            bytes = try io.pread(fd, count: size - start, offset: start, path: paths.wal)
        } catch {
            try? io.close(fd, path: paths.wal)
            throw error
        }
        try? io.close(fd, path: paths.wal)

        var entries: [WALEntry] = []
        let hint = "another writer process appended it; run `linedb check DB` after closing every writer"
        let scan = try bytes.withBuffer { (buffer) throws(LineDBError) -> WALScanner.Result in
            WALScanner.scan(buffer, path: paths.wal, firstImpliedLSN: wal.nextLSN, hint: hint) { entries.append($0) }
        }
        if let first = entries.first, first.lsn != wal.nextLSN {
            throw .corrupt(
                path: paths.wal, line: nil, column: nil, byteOffset: start,
                reason: "another writer appended lsn \(first.lsn) where \(wal.nextLSN) was next", hint: hint)
        }
        var end = size  // (blank lines after the last entry included: the file ends there)
        switch scan.outcome {
        case .clean: break
        case .tornTail(let torn):
            // The writer that held the append lock died in the middle of its append: nothing in it was
            // acknowledged. Kept in quarantine/ (R13), then cut off, as recovery does.
            let name = "\(options.clock.now().compactDescription)-wal-lsn\(torn.expectedLSN).bin"
            try writeQuarantine(paths, name: name, bytes: Array(bytes[torn.byteOffset...]))
            Failpoint.hit("wal.catchUpBeforeTruncate")
            try wal.truncate(to: start + torn.byteOffset, nextLSN: torn.expectedLSN)
            end = start + torn.byteOffset
            warnings.append(
                "\(paths.wal) (byte \(start + torn.byteOffset)): cut off another writer's torn last entry (\(torn.byteCount) bytes: \(torn.reason)); saved to quarantine/\(name)")
        case .damagedTail(let error), .corrupt(let error):
            throw error
        }
        if !entries.isEmpty {
            var replay = locks.replay ?? Replay(database: self, tables: tables, walPath: paths.wal)
            replay.tables = tables
            for entry in entries {
                // Another writer never writes a table this process holds (it would need its lock).
                if let table = entry.table, locks.holds(table), !alsoHeld.contains(table) { continue }
                try replay.apply(entry)
            }
            warnings += replay.finish(keepOpenTransactions: true)
            tables = replay.tables
            locks.replay = replay
        }
        wal.adopt(endOffset: end, nextLSN: (scan.lastLSN ?? (wal.nextLSN - 1)) + 1)
        walEntryCount += scan.validLines
    }

    /// ``refresh()`` for a table writer: reads what other writers appended (under the append lock).
    func refreshAsTableWriter() throws(LineDBError) -> RefreshResult {
        try state.withLock { () throws(LineDBError) -> RefreshResult in
            try requireOpen()
            let before = walEntryCount
            let taken = try beginWALAppend()
            endWALAppend(taken)
            return walEntryCount == before ? .unchanged : .applied(walEntryCount - before)
        }
    }
}

extension Database {
    /// Recovery of a table writer reads the WAL, cuts a torn tail and starts its writer under the append lock, so
    /// that it never mistakes another writer's append in progress for a torn line. Returns whether it took it.
    func beginWALAppendForRecovery() throws(LineDBError) -> Bool {
        guard let locks = tableLocks else { return false }
        locks.replay = nil
        try locks.lockAppend()
        return true
    }
}
