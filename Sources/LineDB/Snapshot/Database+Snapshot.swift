#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Table snapshots (``TableSnapshot``): read at open instead of the records file when tied to it, written at
/// checkpoint (and after a save that rewrote a table whole), removed before a save touches a records file.
extension Database {
    /// Loads table `t` from its snapshot if there is one and it is tied to the records file as it is now; returns
    /// `false` (with a warning when a snapshot was there but damaged) so the caller loads the text. Not used by
    /// `linedb recover` (which must see the text's lines).
    func loadSnapshot(into t: TableState, paths: DatabasePaths) -> Bool {
        guard options.snapshots, !options.salvage else { return false }
        let name = t.schema.name
        let path = TableSnapshot.path(paths, name)
        guard io.stat(path) != nil else { return false }
        let records = paths.recordsFile(name)
        do {
            _ = try Database.openSnapshot(io: io, paths: paths, schema: t.schema) { header, fd in
                let total = header.tie.size
                options.loadProgress?(LoadProgress(table: name, bytesRead: 0, totalBytes: total))
                t.reserve(header.rows)
                let k = t.uniqueColumns.count
                let prefetchAhead = 8  // rows: about one cache miss's worth of indexing work (as RecordsFileLoad)
                try TableSnapshot.decode(io: io, fd: fd, path: path, header: header, schema: t.schema) { segment in
                    let rows = segment.rows
                    for r in rows.indices {
                        if k > 0 && r + prefetchAhead < rows.count {
                            t.prefetchIndexes(tags: segment.uniqueTags, at: (r + prefetchAhead) * k)
                        }
                        if !t.appendLoaded(rows[r], tags: segment.uniqueTags, at: r * k) {
                            throw TableSnapshot.Rejection(
                                reason: "it holds the key \(t.key(of: rows[r]).brief) twice", stale: false)
                        }
                    }
                }
                options.loadProgress?(LoadProgress(table: name, bytesRead: total, totalBytes: total))
            }
            t.savedSlots = t.slots.count
            return true
        } catch {
            if t.slots.count > 0 {
                t.dropSlots(from: 0)
                t.savedSlots = 0
                t.nextAutoKey = 1
            }
            t.needsRewrite = false
            // A stale snapshot (the records file changed since, e.g. edited by hand: the text is the truth) is
            // passed over silently; one that is damaged or not this table's is said (`linedb check` reports both).
            if let rejection = error as? TableSnapshot.Rejection, rejection.stale { return false }
            warnings.append(
                "\(path): ignored the snapshot of table '\(name)' (\(error)); loaded \(records) instead, and the next checkpoint writes a new snapshot")
            return false
        }
    }

    /// Opens the snapshot of `schema`'s table, checks its header and its tie to the records file as it is now, and
    /// runs `body` with the header and the open snapshot. Throws a ``TableSnapshot/Rejection`` when it cannot be
    /// used, or `body`'s error.
    static func openSnapshot(
        io: FileIO, paths: DatabasePaths, schema: TableSchema,
        body: (TableSnapshot.Header, Int32) throws -> Void
    ) throws -> (TableSnapshot.Header, TableSnapshot.RecordsTie) {
        let path = TableSnapshot.path(paths, schema.name)
        let fd = try io.open(path, flags: O_RDONLY | O_NOFOLLOW | O_CLOEXEC, mode: 0)
        defer { try? io.close(fd, path: path) }
        let header = try TableSnapshot.readHeader(io: io, fd: fd, path: path, schema: schema)
        let records = paths.recordsFile(schema.name)
        let rfd: Int32
        do {
            rfd = try io.open(records, flags: O_RDONLY | O_CLOEXEC, mode: 0)
        } catch {
            throw TableSnapshot.Rejection(reason: "the records file cannot be read (\(error))", stale: true)
        }
        defer { try? io.close(rfd, path: records) }
        guard let tie = try TableSnapshot.RecordsTie.of(io: io, fd: rfd, path: records) else {
            throw TableSnapshot.Rejection(reason: "the records file cannot be measured", stale: true)
        }
        if let difference = header.tie.difference(from: tie) {
            throw TableSnapshot.Rejection(
                reason: "it was taken from another version of \(records): \(difference)", stale: true)
        }
        try body(header, fd)
        return (header, tie)
    }

    /// Removes the snapshots of `names` before a save changes their records files (or removes them), and syncs
    /// `snapshot/` if one was there: a snapshot on disk is then never older than its records file as LineDB left it.
    /// Failures are ignored: the tie to the records file would notice the change anyway.
    func discardSnapshots(of names: [String], paths: DatabasePaths) {
        var removed = false
        for name in names {
            let path = TableSnapshot.path(paths, name)
            guard io.lstat(path) != nil else { continue }
            if (try? io.unlink(path)) != nil { removed = true }
        }
        if removed {
            try? io.syncDirectory(TableSnapshot.directory(paths))
            Failpoint.hit("snapshot.afterDiscard")
        }
    }

    /// Writes the snapshot of every table whose records file holds exactly its rows and whose snapshot is missing
    /// or not tied to that file (after a checkpoint's save, or after a save that rewrote `names` whole; `nil`:
    /// every table). A failure is a warning, never the save's or the checkpoint's failure.
    func writeSnapshots(of names: [String]? = nil, paths: DatabasePaths) {
        guard options.snapshots, !isReadOnly else { return }
        let dir = TableSnapshot.directory(paths)
        if io.stat(dir) == nil {
            do throws(LineDBError) {
                try io.mkdir(dir)
                try io.syncDirectory(paths.root)  // R14
            } catch {
                warnings.append("\(dir): cannot create the snapshot directory (\(error)); tables open from their records files")
                return
            }
        }
        var wrote = false
        for name in names ?? tables.sortedKeys {
            guard let t = tables[name], !t.isDirty else { continue }
            do throws(LineDBError) {
                if try writeSnapshot(of: t, paths: paths) { wrote = true }
            } catch {
                warnings.append("\(TableSnapshot.path(paths, name)): the snapshot of table '\(name)' was not written (\(error)); the table opens from its records file")
            }
        }
        if wrote {
            do throws(LineDBError) {
                try io.syncDirectory(dir)
                Failpoint.hit("snapshot.afterDirFsync")
            } catch {
                warnings.append("\(dir): syncing the directory after writing snapshots failed (\(error))")
            }
        }
    }

    /// Writes `t`'s snapshot unless the one on disk is already tied to its records file and whole; returns whether
    /// it wrote.
    private func writeSnapshot(of t: TableState, paths: DatabasePaths) throws(LineDBError) -> Bool {
        let name = t.schema.name
        let records = paths.recordsFile(name)
        let rfd: Int32
        do {
            rfd = try io.open(records, flags: O_RDONLY | O_CLOEXEC, mode: 0)
        } catch {
            if case .io(_, _, let code) = error, code == ENOENT {
                // No plain records file (nothing saved yet, or the table is kept another way): a snapshot left
                // from before describes nothing, and would only be ignored with a warning at every open.
                try? io.unlink(TableSnapshot.path(paths, name))
                return false
            }
            throw error
        }
        defer { try? io.close(rfd, path: records) }
        guard let tie = try TableSnapshot.RecordsTie.of(io: io, fd: rfd, path: records) else { return false }
        // Kept when tied to the file and whole (a damaged one is rewritten even while its header still matches).
        let snapshotPath = TableSnapshot.path(paths, name)
        if let (header, _) = try? Database.openSnapshot(io: io, paths: paths, schema: t.schema, body: { header, fd in
            try TableSnapshot.verifySegments(io: io, fd: fd, path: snapshotPath, header: header)
        }), header.tie == tie {
            return false
        }
        let parts = TableSnapshot.encodeParts(rows: Array(t.rows), schema: t.schema, tie: tie)
        let temp = try DurableReplace(io: io, finalPath: TableSnapshot.path(paths, name), steps: .snapshot)
        do throws(LineDBError) {
            for part in parts { try temp.write(part) }
            try temp.commit()
        } catch {
            temp.abandon()
            throw error
        }
        return true
    }

    /// The bytes of the files in `snapshot/` (for ``stats()``).
    func snapshotBytes(paths: DatabasePaths) -> Int {
        let dir = TableSnapshot.directory(paths)
        return io.listDirectory(dir).reduce(0) { $0 + (io.stat(dir + "/" + $1)?.size ?? 0) }
    }

    /// What `linedb check` says of each table's snapshot: a stale or damaged one is a warning (the open ignores
    /// it); one tied to the records file whose rows differ from the text's is a problem (the open would trust it).
    /// `t`: the table loaded from its records file.
    static func snapshotFindings(io: FileIO, paths: DatabasePaths, table t: TableState)
        -> [(severity: CheckReport.Severity, path: String, message: String)]
    {
        let path = TableSnapshot.path(paths, t.schema.name)
        guard io.lstat(path) != nil else { return [] }
        let copy = TableState(schema: t.schema)
        do {
            _ = try openSnapshot(io: io, paths: paths, schema: t.schema) { header, fd in
                let k = copy.uniqueColumns.count
                try TableSnapshot.decode(io: io, fd: fd, path: path, header: header, schema: t.schema) { segment in
                    for (r, row) in segment.rows.enumerated() {
                        _ = copy.appendLoaded(row, tags: segment.uniqueTags, at: r * k)
                    }
                }
            }
        } catch let rejection as TableSnapshot.Rejection {
            return [(.warning, path,
                "\(rejection.stale ? "stale" : "damaged") snapshot, ignored at open: \(rejection.reason); the next checkpoint rewrites it (deleting it loses nothing)")]
        } catch {
            return [(.warning, path, "snapshot cannot be read (\(error)); ignored at open (deleting it loses nothing)")]
        }
        let text = Array(t.rows)
        let snap = Array(copy.rows)
        if text.count != snap.count {
            return [(.problem, path,
                "the snapshot is tied to the records file but holds \(snap.count) records, the file \(text.count): delete the snapshot (it is a cache; nothing is lost)")]
        }
        for (i, (a, b)) in zip(text, snap).enumerated() where a != b {
            return [(.problem, path,
                "the snapshot is tied to the records file but its record \(i + 1) differs from the file's record \(i + 1) (key \(t.key(of: a).brief)): delete the snapshot (it is a cache; nothing is lost)")]
        }
        return []
    }
}
