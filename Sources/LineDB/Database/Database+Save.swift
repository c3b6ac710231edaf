#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a ``Database/save()`` wrote.
public struct SaveSummary: Sendable, Equatable {
    /// Tables whose new records were appended to their records file, with the number of lines appended.
    public var appended: [String: Int] = [:]
    /// Tables whose records file was rewritten (temp file, fsync, rename), with the number of records written.
    public var rewritten: [String: Int] = [:]
    /// Tables whose records file was patched in place (updated and deleted records written where they were; see
    /// ``DatabaseOptions/inPlaceSaves``), with the number of records changed; their new records are counted in
    /// ``appended``.
    public var patched: [String: Int] = [:]
    /// Tables whose files were removed (dropped tables).
    public var removed: [String] = []

    /// Whether nothing had to be written.
    public var isEmpty: Bool { appended.isEmpty && rewritten.isEmpty && patched.isEmpty && removed.isEmpty }
}

/// Writing changed tables to their records files.
extension Database {
    /// Writes every table changed since the last save to `data/<table>.records`, so that each file holds exactly
    /// the table's records, one per line (`wc -l` counts them).
    ///
    /// A table that only got inserts has its new lines appended; any other change rewrites the file through a
    /// temporary file, `fsync` and `rename`, so the file is always either the old or the new version. Unchanged
    /// tables are not touched. The WAL is synced first and is not truncated (that is ``checkpoint()``).
    ///
    /// ```swift
    /// try db.insert("student", ["name": "Carol", "email": "carol@university.edu"])
    /// let summary = try db.save()   // summary.appended == ["student": 1]
    /// ```
    ///
    /// - Returns: which tables were appended to or rewritten.
    /// - Throws: ``LineDBError/io(operation:path:errno:)`` naming the file; the old file is then intact.
    ///   ``LineDBError/readOnly(reason:)`` on a read-only database, or when a table to be written has a
    ///   write-protected records or schema file (`chmod a-w`): nothing is written then.
    /// > Important: When it returns, the records files hold every change and are on stable storage (files and
    /// > directories synced), whatever the sync mode. A save is not needed for durability under
    /// > ``SyncMode/full``: the WAL already holds every write. It bounds what the next open must replay only
    /// > together with ``checkpoint()``.
    @discardableResult
    public func save() throws(LineDBError) -> SaveSummary {
        try state.withLock { () throws(LineDBError) in
            try requireWritable()
            return try saveLocked()
        }
    }

    /// The tables whose records files do not hold their current records yet (what the next ``save()`` writes),
    /// sorted by name.
    public var unsavedTables: [String] {
        state.withLockOrHeld { tables.values.filter { $0.isDirty }.map { $0.schema.name }.sorted() }
    }

    func saveLocked() throws(LineDBError) -> SaveSummary {
        var summary = SaveSummary()
        guard let paths else { return summary }
        // One rule for a write-protected records file, whether the save would append to it or replace it: refused,
        // before anything is written (Database+FileSafety.swift).
        for name in tables.sortedKeys where tables[name]!.isDirty && savesTable(name) {
            if let reason = writeProtection(of: name, paths: paths) { throw .readOnly(reason: reason) }
        }
        try wal?.syncAll()  // WAL before data (R5)
        Failpoint.hit("save.afterWalSync")
        discardSnapshots(of: pendingFileRemovals.sorted() + tables.sortedKeys.filter { tables[$0]!.isDirty }, paths: paths)
        summary.removed = pendingFileRemovals.sorted()
        try removeDroppedFiles()
        var renamedData = false
        var renamedSchema = false
        for name in pendingSchemaWrites.sorted() where savesTable(name) {
            guard let t = tables[name] else { continue }
            try io.durableReplace(paths.schemaFile(name), contents: t.schema.fileContents)
            renamedSchema = true
        }
        for name in tables.sortedKeys {
            let t = tables[name]!
            guard t.isDirty, savesTable(name) else { continue }  // a table writer saves its own tables
            let file = paths.recordsFile(name)
            if t.gzipped {
                if try saveGzippedTable(t, paths: paths, summary: &summary) { renamedData = true }  // Database+GzipTables.swift
            } else if t.canAppend, let status = io.stat(file) {
                let n = try appendNewRows(t, file: file, size: status.size)
                summary.appended[name] = n
            } else if let done = try saveInPlace(t, file: file, dataDir: paths.dataDir) {  // InPlaceSave.swift
                summary.patched[name] = done.changed
                if done.inserted > 0 { summary.appended[name] = done.inserted }
            } else {
                t.compact()
                try rewrite(t, file: file)
                renamedData = true
                summary.rewritten[name] = t.count
            }
        }
        if renamedData {
            try syncDirectoryOrPoison(paths.dataDir)
            Failpoint.hit("save.afterDirFsync")
        }
        if renamedSchema { try syncDirectoryOrPoison(paths.schemaDir) }
        for name in pendingSchemaWrites.sorted() where savesTable(name) { pendingSchemaWrites.remove(name) }
        for t in tables.values where t.isDirty && savesTable(t.schema.name) {
            t.savedSlots = t.slots.count
            t.needsRewrite = false
            t.changedSavedSlots.removeAll()
            t.changedTooMany = false
        }
        if !summary.rewritten.isEmpty && !checkpointing { writeSnapshots(of: summary.rewritten.keys.sorted(), paths: paths) }
        return summary
    }

    /// A directory whose renames cannot be made durable leaves the disk state unknown: like a failed `fsync`,
    /// that poisons the handle (an unsupported directory sync, EINVAL, is ignored inside `syncDirectory`).
    private func syncDirectoryOrPoison(_ dir: String) throws(LineDBError) {
        do {
            try io.syncDirectory(dir)
        } catch {
            wal?.setPoison("syncing the directory \(dir) failed: \(error); reopen the database")
            throw error
        }
    }

    /// Durable replace of a whole records file.
    private func rewrite(_ t: TableState, file: String) throws(LineDBError) {
        let temp = try DurableReplace(io: io, finalPath: file)
        do throws(LineDBError) {
            // A table just filled by one bulk write (`import --create`) may hold every line already encoded with its
            // WAL lines (TableState.preEncoded): written as they are.
            var spans = RecordsLineSpans()  // the lines written, for later in-place saves
            if let kept = t.preEncoded, kept.version == t.version, kept.range == 0..<t.slots.count {
                let chunks = t.linesToAppend(from: 0).chunks
                for chunk in chunks { try temp.write(chunk) }
                try temp.commit()
                spans.append(live: t.slots.map { $0 != nil }, chunks: chunks)
                t.lineSpans = spans
                t.savedSlots = t.slots.count
                t.needsRewrite = false
                return
            }
            // In slices of 200k rows, each encoded on several threads, so memory stays bounded.
            let rows = Array(t.rows)
            var from = 0
            defer { saveProgressCell.set(nil) }
            while from < rows.count {
                saveProgressCell.set(SaveProgress(table: t.schema.name, written: from, total: rows.count))
                let to = min(rows.count, from + 200_000)
                let chunks = t.schema.encodeLines(Array(rows[from..<to]))
                for chunk in chunks { try temp.write(chunk) }
                spans.append(live: [Bool](repeating: true, count: to - from), chunks: chunks)
                from = to
            }
            saveProgressCell.set(SaveProgress(table: t.schema.name, written: rows.count, total: rows.count))
            try temp.commit()
            t.lineSpans = rows.count == t.slots.count ? spans : nil
        } catch {
            temp.abandon()
            throw error
        }
        t.savedSlots = t.slots.count
        t.needsRewrite = false
    }

    /// Appends the rows inserted since the last save; on failure cuts the file back to `size`.
    private func appendNewRows(_ t: TableState, file: String, size: Int) throws(LineDBError) -> Int {
        let (chunks, n) = t.linesToAppend(from: t.savedSlots)
        Failpoint.hit("save.beforeAppend")
        try appendDurably(
            t, file: file, size: size, failpoints: ("save.afterAppendWrite", "save.afterAppendSync")
        ) { (fd) throws(LineDBError) in
            for chunk in chunks {
                try chunk.withBytes { (raw) throws(LineDBError) in try io.write(fd, raw, path: file) }
            }
        }
        if t.lineSpans != nil, t.lineSpans!.slotCount == t.savedSlots, t.lineSpans!.end == size {
            t.lineSpans!.append(live: t.slots[t.savedSlots...].map { $0 != nil }, chunks: chunks)
        } else {
            t.lineSpans = nil
        }
        t.savedSlots = t.slots.count
        return n
    }

    /// Appends to `file` (`size` bytes before) what `write` writes through its descriptor (`O_APPEND`), then
    /// `fdatasync`s it: a save's append to a records file, plain or gzipped. On failure the file is cut back to
    /// `size`; when that fails too, or the append may be on disk already (a failed close), `t` is marked for a whole
    /// rewrite at the next save. `failpoints`: the crash tests' names for the steps after the write and after the sync.
    func appendDurably(
        _ t: TableState, file: String, size: Int, failpoints: (afterWrite: StaticString, afterSync: StaticString),
        write: (Int32) throws(LineDBError) -> Void
    ) throws(LineDBError) {
        let fd = try io.open(file, flags: O_WRONLY | O_APPEND | O_NOFOLLOW | O_CLOEXEC, mode: 0o644)
        var open = true
        do throws(LineDBError) {
            try write(fd)
            Failpoint.hit(failpoints.afterWrite)
            try io.fdatasync(fd, path: file)
            Failpoint.hit(failpoints.afterSync)
            open = false  // Linux frees the descriptor even when close fails: never use it again
            try io.close(fd, path: file)
        } catch {
            if open {
                // Leave the file as it was; if even that fails, the next save rewrites it whole.
                do { try io.ftruncate(fd, size: size, path: file) } catch { t.needsRewrite = true }
                try? io.close(fd, path: file)
            } else {
                t.needsRewrite = true  // the append may or may not be on disk: rewrite it whole next time
            }
            throw error
        }
    }
}
