/// Statistics and WAL inspection.
extension Database {
    /// The seed's `get_stats()`, plus the WAL:
    ///
    /// ```json
    /// {"tables": {"student": {"records": 3, "columns": ["id", "name"]}},
    ///  "disk": {"total_size_bytes": 1234,
    ///           "tables": {"student": {"records": 3, "size_bytes": 180, "slack_bytes": 0, "slack_percent": 0.0}},
    ///           "wal": {"entries": 7, "size_bytes": 900,
    ///                   "archived": [{"file": "transaction.20260122_203117.log", "size_bytes": 150}]},
    ///           "history": {"archives": 1, "archive_bytes": 150, "index_files": 0, "index_bytes": 0,
    ///                       "earliest_lsn": 0, "earliest_time": "2026-01-22T20:30:02.120000", "latest_lsn": 8,
    ///                       "limits": []}}}
    /// ```
    /// `disk` is present for a database on disk. `disk.history` is ``historyStats()``: the archives' and their
    /// index sidecars' count and size, and the earliest moment the history reaches (`limits` says why not earlier:
    /// archives removed by retention, or damage); `{"error": "..."}` when the history cannot be listed. Its `records` count the lines of each records file (what is
    /// saved); `slack_bytes` and `slack_percent` the padding that in-place saves left in it (see
    /// ``DatabaseOptions/inPlaceSaves``; past 20% the next save rewrites the file), when known (it is not for a file
    /// the next save rewrites anyway); `wal.entries` counts valid WAL entries (a torn tail is not counted).
    public func stats() -> JSONObject {
        state.withLockOrHeld {
            var tablesObject = JSONObject()
            for name in tables.sortedKeys {
                let t = tables[name]!
                tablesObject[name] = [
                    "records": .int(t.count), "columns": .array(t.schema.columns.map { .string($0.name) }),
                ]
            }
            var result: JSONObject = ["tables": .object(tablesObject)]
            guard let paths else { return result }
            var total = 0
            var diskTables = JSONObject()
            for name in tables.sortedKeys {
                let (file, gzipped) = paths.recordsFileToLoad(name, io: io)  // Database+GzipTables.swift
                let size = io.stat(file)?.size ?? 0
                let schemaSize = io.stat(paths.schemaFile(name))?.size ?? 0
                total += size + schemaSize
                let lines = gzipped ? Database.countGzipLines(io: io, path: file) : Database.countLines(io: io, path: file)
                var entry: JSONObject = ["records": .int(lines), "size_bytes": .int(size)]
                if gzipped { entry["gzip"] = true }
                // Padding left by in-place saves (InPlaceSave.swift), when this handle knows the file's lines.
                if !gzipped, let spans = tables[name]!.lineSpans, spans.end == size {
                    entry["slack_bytes"] = .int(spans.slack)
                    entry["slack_percent"] = .double(size == 0 ? 0 : (Double(spans.slack) * 1000 / Double(size)).rounded() / 10)
                }
                diskTables[name] = .object(entry)
            }
            let walSize = io.stat(paths.wal)?.size ?? 0
            total += walSize
            var archived: [JSONValue] = []
            for name in io.listDirectory(paths.walDir) where DatabasePaths.isArchiveName(name) {
                let size = io.stat(paths.walDir + "/" + name)?.size ?? 0
                total += size
                archived.append(["file": .string(name), "size_bytes": .int(size)])
            }
            // The archives' index sidecars take room too (listed under `history`).
            for name in io.listDirectory(paths.walDir) where ArchiveIndex.isSidecarName(name) {
                total += io.stat(paths.walDir + "/" + name)?.size ?? 0
            }
            total += snapshotBytes(paths: paths)  // the tables' snapshots (Snapshot/Database+Snapshot.swift)
            let wal: JSONObject = [
                "entries": .int(walEntryCount), "size_bytes": .int(walSize), "archived": .array(archived),
            ]
            result["disk"] = [
                "total_size_bytes": .int(total), "tables": .object(diskTables), "wal": .object(wal),
                "history": historyStatsJSON(),
            ]
            return result
        }
    }

    /// Counts complete lines of a file (what `wc -l` says), without loading it whole.
    static func countLines(io: FileIO, path: String) -> Int {
        guard let fd = try? io.open(path, flags: 0, mode: 0) else { return 0 }
        defer { try? io.close(fd, path: path) }
        var n = 0
        var offset = 0
        while let chunk = try? io.pread(fd, count: 1 << 20, offset: offset, path: path), !chunk.isEmpty {
            for b in chunk where b == 10 { n += 1 }
            offset += chunk.count
        }
        return n
    }

    /// The entries of the current WAL, oldest first: the seed's `storage.replay_wal()`, for inspection.
    /// Only the valid prefix is returned; a torn last line is left out.
    ///
    /// ```swift
    /// for entry in try db.walEntries() {
    ///     print("\(entry.timestamp): \(entry.operation) on \(entry.table ?? "-")")
    /// }
    /// ```
    ///
    /// - Returns: nothing for an in-memory database.
    /// - Throws: ``LineDBError/corrupt(path:line:column:byteOffset:reason:hint:)`` for a damaged line followed by
    ///   valid ones; ``LineDBError/io(operation:path:errno:)``.
    public func walEntries() throws(LineDBError) -> [WALEntry] {
        guard let paths else { return [] }
        return try Database.readWAL(io: io, path: paths.wal)
    }

    /// Reads the valid entries of a WAL file (current or archived, a gzipped `.log.gz` archive too) without opening a
    /// database.
    ///
    /// - Parameter path: the WAL file, e.g. `data/university/wal/transaction.20260122_203117.log`.
    /// - Returns: its entries, oldest first; nothing when the file does not exist.
    /// - Throws: as ``walEntries()``.
    public static func readWAL(path: String) throws(LineDBError) -> [WALEntry] {
        try readWAL(io: RealFileIO.shared, path: path)
    }

    static func readWAL(io: FileIO, path: String) throws(LineDBError) -> [WALEntry] {
        guard let bytes = try io.readWALFile(path) else { return [] }  // a gzipped archive too
        var entries: [WALEntry] = []
        let scan = bytes.withUnsafeBufferPointer { buffer in
            WALScanner.scan(buffer, path: path, firstImpliedLSN: 1) { entries.append($0) }
        }
        if case .corrupt(let error) = scan.outcome { throw error }
        return entries
    }
}
