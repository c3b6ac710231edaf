/// What ``Database/refresh()`` did.
public enum RefreshResult: Sendable, Equatable {
    /// The WAL has no new complete entry.
    case unchanged
    /// This many new WAL entries were applied.
    case applied(Int)
    /// The WAL was replaced (a checkpoint) or shrank: the database was read again from its files.
    case reloaded
}

/// Where a read-only database stands in the WAL it follows.
struct FollowState {
    var replay: Replay
    var offset: Int
    var inode: UInt64?
    var lastLSN: Int?
}

/// Following a writer: a read-only database applies what another process appends to the WAL.
extension Database {
    /// Applies the WAL entries another process wrote since this read-only database was opened (or last
    /// refreshed), like `tail -F`: only complete lines; a line that does not check out yet (still being written) is
    /// retried next time; a transaction is applied when its `COMMIT` arrives; after a checkpoint replaced the WAL,
    /// everything is read again. Cheap when nothing changed (one `stat`). Does nothing for a writer.
    ///
    /// ```swift
    /// let reader = try Database(path: "data/university", options: DatabaseOptions(syncMode: .full, readOnly: true))
    /// // ... later, e.g. every 250 ms:
    /// if try reader.refresh() != .unchanged { redraw() }
    /// ```
    @discardableResult
    public func refresh() throws(LineDBError) -> RefreshResult {
        if tableLocks != nil { return try refreshAsTableWriter() }  // WALAppendLock.swift
        guard isReadOnly, let paths else { return .unchanged }
        return try state.withLock { () throws(LineDBError) -> RefreshResult in
            try requireOpen()
            guard var f = follow, let status = io.stat(paths.wal) else {
                try loadLocked()
                return .reloaded
            }
            if status.inode != f.inode || status.size < f.offset {
                try loadLocked()
                return .reloaded
            }
            if status.size == f.offset { return .unchanged }
            let fd = try io.open(paths.wal, flags: 0, mode: 0)
            defer { try? io.close(fd, path: paths.wal) }
            let bytes = try io.pread(fd, count: status.size - f.offset, offset: f.offset, path: paths.wal)
            var applied = 0
            var consumed = 0
            var mustReload = false
            bytes.withUnsafeBufferPointer { buffer in
                // Complete lines only: an incomplete last one is still being written.
                JSONLines.forEach(buffer) { line in
                    guard line.complete else { return false }
                    if JSONLines.isBlank(buffer, line) {
                        consumed = line.next
                        return true
                    }
                    let expected = (f.lastLSN ?? 0) + 1
                    let decoded = WALLine.decode(
                        UnsafeBufferPointer(rebasing: buffer[line.start..<line.end]), lineNumber: 0,
                        byteOffset: f.offset + line.start, impliedLSN: expected)
                    guard case .success(let entry) = decoded else { return false }  // being written: retry next time
                    if !entry.isLegacy && f.lastLSN != nil && entry.lsn != expected {
                        mustReload = true  // not the next line: read everything again rather than guess
                        return false
                    }
                    do throws(LineDBError) {
                        try f.replay.apply(entry)
                    } catch {
                        mustReload = true
                        return false
                    }
                    f.lastLSN = entry.lsn
                    applied += 1
                    consumed = line.next
                    return true
                }
            }
            if mustReload {
                try loadLocked()
                return .reloaded
            }
            f.offset += consumed
            _ = f.replay.finish(keepOpenTransactions: true)
            tables = f.replay.tables
            walEntryCount += applied
            follow = f
            return applied == 0 ? .unchanged : .applied(applied)
        }
    }
}
