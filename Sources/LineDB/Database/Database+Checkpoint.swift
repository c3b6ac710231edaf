#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a ``Database/checkpoint()`` did.
public struct CheckpointSummary: Sendable, Equatable {
    /// The archive the old WAL now lives in, e.g. `transaction.20260122_203117.log` (in `wal/`).
    public var archive: String?
    /// The last LSN the archive holds.
    public var throughLSN: Int
    /// What the save before it wrote.
    public var save: SaveSummary
    /// What ``DatabaseOptions/historyRetention`` removed after it (`nil` without that option, or when it failed).
    public var retention: RetentionSummary? = nil
}

/// Archiving the WAL.
extension Database {
    /// Saves every table, then archives the WAL as `wal/transaction.YYYYMMDD_HHMMSS.log` (with `_N` added when
    /// that name exists: an archive is never overwritten) and starts a new WAL whose first line is a `CHECKPOINT`
    /// entry. A crash at any step leaves a database that opens with every acknowledged write.
    ///
    /// The steps: sync the WAL; save; `link` the WAL to the archive name; write the new WAL as a
    /// temporary file and sync it; `rename` it over `transaction.log`; sync `wal/`.
    ///
    /// ```swift
    /// let done = try db.checkpoint()
    /// print(done.archive ?? "-")   // transaction.20260122_203117.log
    /// ```
    ///
    /// Archives are kept unless ``DatabaseOptions/historyRetention`` is set (then the archives its rule no longer
    /// needs are removed after the checkpoint). A checkpoint also runs by itself when the WAL grows past
    /// ``DatabaseOptions/autoCheckpointBytes``.
    ///
    /// - Returns: the archive name and the last LSN it holds.
    /// - Throws: ``LineDBError/io(operation:path:errno:)`` naming the file; the WAL then stays live and nothing
    ///   is lost. ``LineDBError/readOnly(reason:)`` on a read-only database.
    /// > Important: Durable when it returns, whatever the sync mode: every table is saved and synced before the
    /// > WAL is retired, and the new WAL is synced before it takes the name `transaction.log`.
    @discardableResult
    public func checkpoint() throws(LineDBError) -> CheckpointSummary {
        try state.withLock { () throws(LineDBError) in
            try requireWritable()
            checkpointing = true
            defer { checkpointing = false }
            let giveBack = try holdEverythingForCheckpoint()  // table writers: TableLocks.swift
            defer { giveBack?() }
            return try checkpointLocked()
        }
    }

    /// The auto-checkpoint (``DatabaseOptions/autoCheckpointBytes``): checkpoints if the WAL is still past `limit`
    /// once the lock is held (a concurrent writer may have checkpointed meanwhile). Called after a write.
    func autoCheckpoint(over limit: Int) throws(LineDBError) {
        try state.withLock { () throws(LineDBError) in
            guard !isClosed, !checkpointing, let wal, wal.endOffset > limit else { return }
            try requireWritable()
            if tableLocks != nil && !isOnlyTableWriter { return }  // another writer is open: not now
            checkpointing = true
            defer { checkpointing = false }
            let giveBack = try holdEverythingForCheckpoint()
            defer { giveBack?() }
            _ = try checkpointLocked()
        }
    }

    private func checkpointLocked() throws(LineDBError) -> CheckpointSummary {
        guard let paths, let wal else {
            return CheckpointSummary(archive: nil, throughLSN: 0, save: SaveSummary())
        }
        try wal.syncAll()
        Failpoint.hit("checkpoint.afterSync")
        let save = try saveLocked()
        Failpoint.hit("checkpoint.afterSave")
        let through = wal.nextLSN - 1

        // Step 3: the archive name is a second link to the live WAL; transaction.log exists at every instant.
        // One reading of the clock: the CHECKPOINT line's timestamp is the time in the archive's name.
        let now = options.clock.now()
        let stamp = now.compactDescription
        var archiveName = "transaction.\(stamp).log"
        var n = 1
        // Never a name that sorts before an archive of the same second: retention may have freed `<stamp>.log`
        // while `<stamp>_1.log` is still there, and archives are read in name order.
        if let last = Database.lastSuffix(ofArchivesStamped: stamp, in: io.listDirectory(paths.walDir)) {
            n = last + 1
            archiveName = "transaction.\(stamp)_\(n).log"
            n += 1
        }
        var linked = false
        var useRenameFallback = false
        while !linked {
            do {
                try io.link(paths.wal, paths.walDir + "/" + archiveName)
                linked = true
            } catch {
                guard case .io(_, _, let code) = error else { throw error }
                if code == EEXIST {
                    archiveName = "transaction.\(stamp)_\(n).log"
                    n += 1
                } else if code == EPERM || code == ENOTSUP || code == EOPNOTSUPP {
                    // No hard links here: rename the live WAL to the archive name (step 5 variant).
                    useRenameFallback = true
                    while io.stat(paths.walDir + "/" + archiveName) != nil {
                        archiveName = "transaction.\(stamp)_\(n).log"
                        n += 1
                    }
                    break
                } else {
                    throw error
                }
            }
        }
        let archivePath = paths.walDir + "/" + archiveName
        Failpoint.hit("checkpoint.afterLink")

        // Step 4: the new WAL, complete and synced before it takes the name.
        var record = JSONObject()
        record["through_lsn"] = .int(through)
        record["previous"] = .string(archiveName)
        // Tables whose names differ only in Unicode form (`K` and the Kelvin sign) share one member: a JSON object
        // read back cannot hold both names (JSONParser refuses it), and a `JSONObject` keyed by `String` would
        // keep one table's counter under the other's name. The later counter is written, and replay gives it to
        // both (Replay.finish): a key may be skipped, none is reused.
        var nextIDs = JSONObject()
        for name in tables.sortedKeys where tables[name]!.schema.hasAutoIncrementKey {
            var next = tables[name]!.nextAutoKey  // nil: exhausted
            if let i = nextIDs.index(forKey: name) {
                if case .int(let other) = nextIDs.values[i], let mine = next { next = max(mine, other) } else { next = nil }
            }
            // Exhausted automatic keys: the next key would be 2^63, which is no Int; written as that number (a float).
            nextIDs[name] = next.map(JSONValue.int) ?? .double(9_223_372_036_854_775_808.0)
        }
        record["next_ids"] = .object(nextIDs)
        record["format"] = "linedb-wal/1"
        var w = JSONWriter(reservingCapacity: 512)
        WALLine.append(
            to: &w, timestamp: now.description, operation: .checkpoint, table: nil, record: { $0.write(.object(record)) },
            oldRecord: { $0.writeRaw("null") }, lsn: through + 1, synced: through, txn: nil)
        do throws(LineDBError) {
            if io.stat(paths.walTemp) != nil { try io.unlink(paths.walTemp) }
            let fd = try io.open(paths.walTemp, flags: O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode: 0o644)
            var open = true
            do throws(LineDBError) {
                try w.bytes.withBytes { (raw) throws(LineDBError) in try io.write(fd, raw, path: paths.walTemp) }
                try io.fsync(fd, path: paths.walTemp)
                open = false  // never close a descriptor twice, even after a failed close
                try io.close(fd, path: paths.walTemp)
            } catch {
                if open { try? io.close(fd, path: paths.walTemp) }
                throw error
            }
            Failpoint.hit("checkpoint.afterTemp")
            if useRenameFallback { try io.rename(paths.wal, archivePath) }
            try io.rename(paths.walTemp, paths.wal)
            Failpoint.hit("checkpoint.afterRename")
        } catch {
            // Nothing was retired: drop the extra name and the temp; the old WAL stays live.
            if !useRenameFallback { try? io.unlink(archivePath) }
            try? io.unlink(paths.walTemp)
            throw error
        }
        // The new WAL has the name now. Until the descriptor points at it, writes would go to the archive, so any
        // failure from here on poisons the handle: reopening finds the true state on disk.
        do throws(LineDBError) {
            try wal.reopen(endOffset: w.bytes.count, nextLSN: through + 2)
            try io.syncDirectory(paths.walDir)
            Failpoint.hit("checkpoint.afterDirFsync")
        } catch {
            wal.setPoison("the checkpoint could not finish (\(error)); reopen the database")
            throw error
        }
        walEntryCount = 1
        writeArchiveIndexAfterCheckpoint(paths: paths, archive: archiveName)
        let archived = gzipArchiveAfterCheckpoint(paths: paths, archive: archiveName)  // History/GzipArchives.swift
        writeSnapshots(paths: paths)  // Snapshot/Database+Snapshot.swift
        return CheckpointSummary(archive: archived, throughLSN: through, save: save, retention: retainAfterCheckpoint())
    }
}
