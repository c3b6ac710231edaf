/// How ``Database/history(of:key:limit:)`` reads one archive through its index sidecar.
enum IndexedHistory {
    /// Every entry of the archive that touches the key was taken.
    case done
    /// The history has its `limit` versions.
    case limitReached
    /// No usable index (missing, damaged, stale, made with another key column for the table) or a line that did not
    /// match it: read the archive whole. `rebuild`: a new sidecar would be usable.
    case unavailable(rebuild: Bool)
}

extension Database {
    /// Feeds `consider`, newest first, the entries of archive `fileIndex` that touch the key `key()` names; the key
    /// may change on the way (an update that changed it: older entries are then those of the old key).
    ///
    /// Only the archive's lines the index names are read (`pread` at their offsets); each must decode, pass its
    /// CRC and carry the LSN the index names, else the result is ``IndexedHistory/unavailable(rebuild:)`` and the
    /// caller undoes what this archive gave and reads it whole.
    func historyThroughIndex(
        log: HistoryLog, fileIndex: Int, table: String, keyColumn: String, key: () -> JSONValue,
        consider: (HistoryEntry) -> Bool
    ) -> IndexedHistory {
        let file = log.files[fileIndex]
        guard !file.isLive, !file.isLegacy else { return .unavailable(rebuild: false) }
        let reader: ArchiveIndexReader
        switch ArchiveIndexReader.open(io: io, walDir: log.walDir, archive: file.name) {
        case .success(let r): reader = r
        case .failure: return .unavailable(rebuild: true)
        }
        // The index must follow the table's keys under the column history follows them by.
        for t in reader.index.tables where t.name == table && !String.exactlyEqual(t.pk, keyColumn) {
            return .unavailable(rebuild: true)
        }
        guard reader.index.firstLSN == file.firstLSN, reader.index.lastLSN == file.lastLSN else {
            return .unavailable(rebuild: true)
        }
        var before = Int.max
        while true {
            let current = key()
            guard let postings = reader.postings(table: table, key: current) else { return .unavailable(rebuild: true) }
            let wanted = postings.filter { $0.lsn < before }
            guard let entries = reader.entries(wanted) else { return .unavailable(rebuild: true) }
            var changed = false
            for h in entries.reversed() {
                if consider(h) { return .limitReached }
                if key() != current {
                    before = h.entry.lsn
                    changed = true
                    break
                }
            }
            if !changed { return .done }
        }
    }

    /// Writes the index sidecar of an archive that history just read whole for want of one, when this process is
    /// the database's writer (a read-only one never writes). Best effort: the sidecar is never the truth.
    func indexOnTheFly(
        log: HistoryLog, fileIndex: Int, entries: [HistoryEntry], copies: [String: (TableState, [Row?])]
    ) {
        let file = log.files[fileIndex]
        guard !file.isLive, options.indexArchives, let paths else { return }
        let writable = (try? state.withLock { !isClosed && readOnlyCause == nil && wal != nil }) ?? false
        guard writable else { return }
        var builder = ArchiveIndexBuilder(archive: file.name) { copies[$0]?.0.schema.primaryKey?.name ?? "id" }
        for h in entries { builder.add(h.entry) }
        guard let print = try? ArchiveIndex.fingerprint(io: io, path: log.walDir + "/" + file.name),
            print.size == file.sizeBytes,
            let bytes = builder.encode(size: print.size, headCRC: print.head, tailCRC: print.tail)
        else { return }
        try? Database.writeSidecar(io: io, paths: paths, archive: file.name, bytes: bytes)
    }
}
