#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The repairs recovery makes and the damage it explains (see Database+Recovery.swift for the order of the steps):
/// torn appends, durable reads (R12), the quarantine, and precise messages for UNIQUE violations.
extension Database {
    /// Names where two records share a UNIQUE value: both lines when the records file holds them, else the WAL.
    /// Only runs on that error path, so it reads the file again rather than keeping line numbers for every row.
    func duplicateUniqueError(_ t: TableState, column: String, value: JSONValue, paths: DatabasePaths)
        -> LineDBError
    {
        let path = paths.recordsFile(t.schema.name)
        var lines: [Int] = []
        if let c = t.schema.index(of: column), let bytes = try? io.readFile(path) {
            bytes.withUnsafeBufferPointer { buffer in
                JSONLines.forEach(buffer) { line in
                    let row = try? t.schema.parseStoredRow(UnsafeBufferPointer(rebasing: buffer[line.start..<line.end]))
                    if let row, row.values[c] == value { lines.append(line.number) }
                    return lines.count < 2
                }
            }
        }
        if lines.count == 2 {
            return .corrupt(
                path: path, line: lines[1], column: nil, byteOffset: nil,
                reason: "the value \(value.brief) in UNIQUE column '\(column)' is also on line \(lines[0])",
                hint: Database.recordsHint)
        }
        return .corrupt(
            path: paths.wal, line: nil, column: nil, byteOffset: nil,
            reason: "after replaying the WAL, two records of '\(t.schema.name)' share the value \(value.brief) in UNIQUE column '\(column)'"
                + (lines.first.map { " (one is on line \($0) of data/\(t.schema.name).records)" } ?? ""),
            hint: "fix the records file or the WAL by hand; LineDB changed nothing")
    }

    /// Applies ``RecordsFileLoad/judgeTornAppends(_:tables:walBytes:walPath:)``: a torn append the WAL explains
    /// is ignored with a warning (the bytes of a torn last record go to `quarantined`, which a writer saves in
    /// `quarantine/`); a NUL-holding region it does not explain is refused; a torn last line it does not explain
    /// is damage, refused by a writer and warned about by a reader.
    func resolveTornAppends(
        _ torn: NameMap<RecordsFileLoad.TornAppend>, tables: NameMap<TableState>, walBytes: [UInt8],
        paths: DatabasePaths, writer: Bool, quarantined: inout NameMap<[UInt8]>
    ) throws(LineDBError) {
        let verdicts = RecordsFileLoad.judgeTornAppends(torn, tables: tables, walBytes: walBytes, walPath: paths.wal)
        for name in verdicts.sortedKeys {
            let found = torn[name]!
            let verdict = verdicts[name]!
            let path = found.path
            if let refusal = verdict.regionRefusal { throw refusal }
            if let region = found.region {
                warnings.append(
                    "\(path) line \(region.line): ignored a torn append (\(region.laterKeys.count) readable records after it); the WAL restores them and the next save rewrites the file")
            }
            guard let tail = found.tail else { continue }
            let place = "\(path) line \(tail.line)" + (tail.byteOffset.map { " (byte \($0))" } ?? "")
            if let refusal = verdict.tailRefusal {
                if writer { throw refusal }
                // A reader changes nothing and refuses nothing: it shows the records before the damage.
                warnings.append(
                    "\(place): ignored \(tail.tailDescription) that no INSERT in the WAL explains (damage, not a torn append); a writer refuses to open until `linedb recover DB` sets it aside into quarantine/")
                continue
            }
            switch tail.kind {
            case .tornLastRecord:
                // Kept, never deleted (R13): the writer saves the bytes to quarantine/.
                quarantined[name, default: []] += tail.bytes + [10]
                warnings.append(
                    "\(place): ignored \(tail.tailDescription), a torn append whose record the WAL restores; "
                        + (writer ? "saved to quarantine/" : "a writer saves it to quarantine/"))
            case .tornBlankTail, .bad:
                warnings.append("\(place): ignored \(tail.reason)")
            }
        }
    }

    /// What a crash can leave behind for the next writer to clean up: found by ``find(_:io:)``, removed by the
    /// writer's open, reported by `linedb check`.
    struct CrashLeftovers {
        /// Temporary files of an interrupted save (`data/` and `schema/`) or snapshot write (`snapshot/`).
        var saveTemps: [String] = []
        /// The temporary WAL of an interrupted checkpoint.
        var checkpointTemp: String?
        /// The archive name of a checkpoint that stopped between `link` and `rename` (it names the live WAL).
        var unfinishedArchives: [String] = []
        /// The live WAL has another name (`st_nlink` > 1): `wal/` is synced after the archive names are removed.
        var walHasOtherNames = false

        static func find(_ paths: DatabasePaths, io: FileIO) -> CrashLeftovers {
            var found = CrashLeftovers()
            // wal/: an archive index sidecar's temporary file (`.transaction.….log.idx.tmp-…`). quarantine/: the copy
            // of a torn WAL tail whose writer was killed before it was durable (the WAL was cut only after it).
            for dir in [paths.dataDir, paths.schemaDir, paths.walDir, TableSnapshot.directory(paths), paths.quarantineDir] {
                for name in io.listDirectory(dir).sorted() where name.hasPrefix(".") && name.contains(".tmp-") {
                    found.saveTemps.append(dir + "/" + name)
                }
            }
            if io.stat(paths.walTemp) != nil { found.checkpointTemp = paths.walTemp }
            if let live = io.stat(paths.wal), live.linkCount > 1 {
                found.walHasOtherNames = true
                for name in io.listDirectory(paths.walDir).sorted() where DatabasePaths.isArchiveName(name) {
                    let archive = paths.walDir + "/" + name
                    if let s = io.stat(archive), s.inode == live.inode, s.device == live.device {
                        found.unfinishedArchives.append(archive)
                    }
                }
            }
            return found
        }
    }

    /// Fsyncs every records, schema and WAL file and their directories: before recovery deletes, cuts or archives
    /// anything, what it read must be durable (after a `kill -9` the page cache may still hold unwritten data that a
    /// power cut after recovery would lose; PostgreSQL's `recovery_init_sync_method`).
    func syncEverythingRead(_ paths: DatabasePaths) throws(LineDBError) {
        var files = [paths.wal]
        for dir in [paths.dataDir, paths.schemaDir] {
            for name in io.listDirectory(dir) where !name.hasPrefix(".") { files.append(dir + "/" + name) }
        }
        // Links are not followed (a writer has refused any among the database's own files already).
        for file in files where io.lstat(file).map({ !$0.isDirectory && !$0.isSymbolicLink }) ?? false {
            let fd = try io.open(file, flags: O_RDONLY | O_NOFOLLOW | O_CLOEXEC, mode: 0)
            do throws(LineDBError) {
                try io.fsync(fd, path: file)
            } catch {
                try? io.close(fd, path: file)
                throw error
            }
            try? io.close(fd, path: file)
        }
        for dir in [paths.dataDir, paths.schemaDir, paths.walDir, paths.root] where io.stat(dir) != nil {
            try io.syncDirectory(dir)
        }
    }

    /// Saves the torn tail to `quarantine/`, then cuts the WAL back to its valid prefix.
    func quarantineWALTail(_ paths: DatabasePaths, bytes: [UInt8], torn: WALScanner.TornTail)
        throws(LineDBError)
    {
        let tail = Array(bytes[torn.byteOffset...])
        let suffix = "-wal-lsn\(torn.expectedLSN).bin"
        let already = io.listDirectory(paths.quarantineDir).contains { name in
            name.hasSuffix(suffix) && (try? io.readFile(paths.quarantineDir + "/" + name)) == tail
        }
        let name = "\(options.clock.now().compactDescription)\(suffix)"
        if !already { try writeQuarantine(paths, name: name, bytes: tail) }
        // R12: what we read is durable before we cut.
        let fd = try io.open(paths.wal, flags: O_WRONLY | O_NOFOLLOW | O_CLOEXEC, mode: 0)
        var open = true
        do throws(LineDBError) {
            try io.fsync(fd, path: paths.wal)
            Failpoint.hit("recovery.beforeTruncate")
            try io.ftruncate(fd, size: torn.byteOffset, path: paths.wal)
            try io.fsync(fd, path: paths.wal)
            open = false  // Linux frees the descriptor even when close fails: never close it twice
            try io.close(fd, path: paths.wal)
        } catch {
            if open { try? io.close(fd, path: paths.wal) }
            throw error
        }
        Failpoint.hit("recovery.afterTruncate")
        let what = torn.setAside ? "set aside the damaged entry and all after it" : "ignored torn last entry"
        var message = "wal/transaction.log line \(torn.line) (byte \(torn.byteOffset)): \(what) (\(torn.byteCount) bytes: \(torn.reason))"
        if torn.droppedLines > 0 { message += ", with \(torn.droppedLines) later entries of the same unsynced batch" }
        warnings.append(message + "; saved to quarantine/\(already ? "(already there)" : name)")
    }

    /// Writes a file into `quarantine/` durably.
    func writeQuarantine(_ paths: DatabasePaths, name: String, bytes: [UInt8]) throws(LineDBError) {
        let existed = io.stat(paths.quarantineDir) != nil
        try io.mkdir(paths.quarantineDir)
        if !existed { try io.syncDirectory(paths.root) }
        try io.durableReplace(paths.quarantineDir + "/" + name, contents: bytes)
        try io.syncDirectory(paths.quarantineDir)
        Failpoint.hit("recovery.afterQuarantine")
    }
}
