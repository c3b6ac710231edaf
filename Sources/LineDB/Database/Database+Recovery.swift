#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Opening is recovery (the DocC article "Durability and recovery", "What open does"): clean up what a crash left, load
/// schemas and records, replay the WAL over them by primary key, check constraints once at the end, cut off a torn WAL
/// tail into `quarantine/`. Nothing is rewritten at open; tables that differ from their files are rewritten by the next
/// save.
extension Database {
    func recover() throws(LineDBError) {
        guard let paths else { return }
        try checkSymbolicLinks(paths, writer: !isReadOnly)  // Database+FileSafety.swift
        if !isReadOnly {
            // Table writers (TableLocks.swift): the whole clean-up only when no other writer is open; the redo of an
            // in-place save and a storage switch only for this writer's tables then (RecoveryScope.swift).
            try cleanUpAfterCrashAsTableWriter(paths) { () throws(LineDBError) in
                try cleanUpAfterCrash(paths)
                try finishInterruptedArchiveGzips(paths)  // History/GzipArchives.swift
            }
            try completeInterruptedInPlaceSaves(paths)  // InPlaceSave.swift
            try finishInterruptedStorageSwitches(paths)  // Database+GzipTables.swift
            try load(paths, writer: true)
            markWriteProtectedTables(paths)
            return
        }
        // A reader takes no lock: if a checkpoint rotated the WAL while it read the records files, it may hold
        // old records with the new (nearly empty) WAL. It notices the rotation and reads again.
        // Nor while a writer patches a records file in place (a redo file is there, InPlaceSave.swift): it may read a
        // line half written, and reads again once the redo is gone.
        var attempts = 0
        while true {
            let before = io.stat(paths.wal)
            let warningsBefore = warnings
            let patching = !inPlaceSaveRedoFiles(paths).isEmpty
            do {
                try load(paths, writer: false)
            } catch {
                // A writer may also have started and finished a save during this load (no redo seen before or
                // after, but a line read half patched, or a moved record read twice): a few more reads settle it.
                if (!patching && inPlaceSaveRedoFiles(paths).isEmpty && attempts >= 3) || attempts >= 200 { throw error }
                attempts += 1
                warnings = warningsBefore
                usleep(10_000)
                continue
            }
            let after = io.stat(paths.wal)
            if before?.inode == after?.inode && (after?.size ?? 0) >= (before?.size ?? 0) && !patching
                && inPlaceSaveRedoFiles(paths).isEmpty
            {
                return
            }
            attempts += 1
            if attempts >= 20 {
                for redo in inPlaceSaveRedoFiles(paths) {
                    warnings.append("\(redo): an in-place save was interrupted; the next writer's open completes it (read-only: changed nothing)")
                }
                return
            }
            warnings = warningsBefore
            usleep(10_000)
        }
    }

    private func load(_ paths: DatabasePaths, writer: Bool) throws(LineDBError) {

        // Schemas.
        var loaded = NameMap<TableState>()
        for file in io.listDirectory(paths.schemaDir) where file.hasSuffix(".schema.json") && !file.hasPrefix(".") {
            let name = String(file.dropLast(".schema.json".count))
            let path = paths.schemaDir + "/" + file
            guard let (t, schemaWarnings) = try Database.loadSchemaFile(path, table: name, io: io) else { continue }
            warnings += schemaWarnings
            loaded[name] = t
        }

        // Records.
        var salvaged = NameMap<[UInt8]>()
        var tornAppends = NameMap<RecordsFileLoad.TornAppend>()
        for name in loaded.keys.sorted() {
            let t = loaded[name]!
            let (path, gzipped) = recordsFileToLoad(name, paths: paths)  // Database+GzipTables.swift
            t.gzipped = gzipped
            if !gzipped && loadSnapshot(into: t, paths: paths) { continue }  // Snapshot/Database+Snapshot.swift
            let fd: Int32
            do {
                fd = try io.open(path, flags: O_RDONLY | O_CLOEXEC, mode: 0)
            } catch {
                if case .io(_, _, let code) = error, code == ENOENT {
                    t.needsRewrite = true  // the next save creates the file
                    continue
                }
                throw error
            }
            defer { try? io.close(fd, path: path) }
            var bad: [UInt8] = []
            let inflater = gzipped ? GzipInflater(path: path) : nil
            var torn = try loadRecords(into: t, fd: fd, path: path, gzip: inflater, quarantined: &bad)
            if let inflater { torn = tornGzipMember(inflater, table: t, path: path, fd: fd, found: torn) }
            if let torn {
                tornAppends[name] = torn
            }
            if !bad.isEmpty { salvaged[name] = bad }
        }

        // WAL (read, cut and continued under the append lock when other writer processes may append).
        var appending = false
        if writer { appending = try beginWALAppendForRecovery() }
        defer { endWALAppend(appending) }
        let archiveLast = lastArchivedLSN(paths)
        let walExists = io.stat(paths.wal) != nil
        let walBytes = try io.readFile(paths.wal) ?? []
        if !tornAppends.isEmpty {
            try resolveTornAppends(
                tornAppends, tables: loaded, walBytes: walBytes, paths: paths, writer: writer, quarantined: &salvaged)
        }
        var replay = Replay(database: self, tables: loaded, walPath: paths.wal)
        let scan = try walBytes.withBuffer { (buffer) throws(LineDBError) -> WALScanner.Result in
            try WALReplayScan.scan(buffer, path: paths.wal, firstImpliedLSN: (archiveLast ?? 0) + 1, replay: &replay)
        }
        // The scanner says what is torn (cut off by a writer) and what is damage (refused, or cut off by
        // point-in-time recovery); here that plan is applied with the open's policy.
        var tornTail: WALScanner.TornTail? = nil
        switch scan.outcome {
        case .clean: break
        case .tornTail(let torn):
            tornTail = torn
        case .damagedTail where !writer:
            // A reader changes nothing and refuses nothing: it shows the entries before the damage.
            let cut = scan.cut!
            warnings.append(
                "\(paths.wal) line \(cut.line) (byte \(cut.byteOffset)): stopped before a damaged \(cut.droppedLines > 0 ? "entry of the last batch" : "last entry") (\(cut.reason))\(cut.droppedLines > 0 ? " and the \(cut.droppedLines) entries after it" : ""); a writer refuses to open until `linedb recover DB --to-point-in-time` sets it aside")
        case .damagedTail(let error), .corrupt(let error):
            guard options.salvage && options.salvageWALPrefix, var cut = scan.cut else { throw error }
            // linedb recover --to-point-in-time: keep the valid prefix, move the rest to quarantine/.
            cut.reason = "point-in-time recovery: \(cut.reason)"
            cut.setAside = true
            tornTail = cut
        }
        warnings += replay.finish(keepOpenTransactions: !writer)
        if let torn = tornTail, !writer {
            warnings.append(
                "\(paths.wal) line \(torn.line) (byte \(torn.byteOffset)): stopped before an incomplete entry (\(torn.byteCount) bytes; a writer may be writing it)")
        }

        // Constraints, once, at the end: never per replayed entry, as a saved state plus an earlier update x→y and a
        // later insert of x is transiently "duplicate" (Replay.swift).
        for name in replay.tables.sortedKeys {
            let t = replay.tables[name]!
            while let (column, value) = t.buildUniqueIndexes() {
                guard options.salvage, let c = t.schema.index(of: column) else {
                    throw duplicateUniqueError(t, column: column, value: value, paths: paths)
                }
                // linedb recover: keep the first record with the value, move the others to quarantine/.
                let extra = t.slots.indices.filter { t.slots[$0]?.values[c] == value }.dropFirst()
                for slot in extra.reversed() {
                    guard let row = t.remove(slot: slot) else { continue }
                    var w = JSONWriter()
                    t.encode(row, into: &w)
                    salvaged[name, default: []] += w.bytes + [10]
                }
                warnings.append(
                    "\(paths.recordsFile(name)): \(extra.count) record(s) repeated the UNIQUE value \(value.brief) of '\(column)'; moved them to quarantine/")
            }
        }
        tables = replay.tables
        pendingFileRemovals = replay.dropped
        pendingSchemaWrites = NameSet(replay.tables.keys.filter { io.stat(paths.schemaFile($0)) == nil })
        walEntryCount = scan.validLines
        if !writer {
            // What a read-only follower needs to apply the WAL's next lines without reading it all again.
            follow = FollowState(
                replay: replay, offset: scan.validEnd, inode: io.stat(paths.wal)?.inode, lastLSN: scan.lastLSN)
        }

        guard writer else { return }

        // R12: what recovery read is made durable before it changes anything or acknowledges a new write (after
        // a `kill -9` the page cache may still hold data that never reached the disk).
        try syncEverythingRead(paths)

        // Changes on disk start here, after everything was read and checked.
        if let torn = tornTail {
            try quarantineWALTail(paths, bytes: walBytes, torn: torn)
        }
        for (name, bad) in salvaged.sorted(by: { $0.key < $1.key }) {
            try writeQuarantine(paths, name: "\(options.clock.now().compactDescription)-\(name)-records.jsonl", bytes: bad)
            tables[name]?.needsRewrite = true
        }
        let nextLSN = (scan.lastLSN ?? archiveLast ?? 0) + 1
        wal = try WALWriter(
            io: io, path: paths.wal, directory: paths.walDir, mode: options.syncMode, nextLSN: nextLSN,
            created: !walExists)
        if !walExists { try wal!.syncAll() }
    }

    /// Step 3 of recovery: one schema file as an empty table, with its warnings (unknown types; a table without a
    /// primary key is read-only); `nil` when the file vanished.
    static func loadSchemaFile(_ path: String, table name: String, io: FileIO)
        throws(LineDBError) -> (TableState, [String])?
    {
        guard let bytes = try io.readFile(path) else { return nil }
        var warnings: [String] = []
        let schema = try TableSchema.parse(fileBytes: bytes, path: path, expectedName: name, warnings: &warnings)
        let t = TableState(schema: schema)
        if schema.primaryKeyIndex == nil {
            t.readOnlyReason = "table '\(name)' has no primary key, so its WAL cannot be replayed safely by key; it is read-only"
            warnings.append("\(path): \(t.readOnlyReason!)")
        }
        return (t, warnings)
    }

    /// Step 2 of recovery: remove temp files and undo a checkpoint that stopped between `link` and `rename`.
    private func cleanUpAfterCrash(_ paths: DatabasePaths) throws(LineDBError) {
        let leftovers = CrashLeftovers.find(paths, io: io)
        for temp in leftovers.saveTemps { try io.unlink(temp) }
        if let temp = leftovers.checkpointTemp { try io.unlink(temp) }
        for archive in leftovers.unfinishedArchives {
            try io.unlink(archive)
            warnings.append("wal/\(archive.split(separator: "/").last!): removed the archive name of a checkpoint that did not finish")
        }
        if leftovers.walHasOtherNames { try io.syncDirectory(paths.walDir) }
    }

    /// Reads one records file into `t` with the rules of ``RecordsFileLoad``: a bad line refuses the open (or, when
    /// salvaging, is moved to `quarantined`, as is a torn last line); what may be a torn append is returned, to be
    /// judged against the WAL by ``resolveTornAppends(_:tables:walBytes:paths:writer:quarantined:)``.
    private func loadRecords(
        into t: TableState, fd: Int32, path: String, gzip: GzipInflater? = nil, quarantined: inout [UInt8])
        throws(LineDBError) -> RecordsFileLoad.TornAppend?
    {
        var moved: [UInt8] = []
        var notes: [String] = []
        let outcome = try RecordsFileLoad.load(
            into: t, io: io, fd: fd, path: path, policy: options.salvage ? .salvage : .refuse, gzip: gzip,
            progress: options.loadProgress
        ) { (finding) throws(LineDBError) in
            switch finding.kind {
            case .tornBlankTail:
                notes.append("\(path) line \(finding.line): ignored \(finding.reason)")
            case .tornLastRecord:
                // Kept, never deleted (R13): the writer saves the bytes to quarantine/.
                moved += finding.bytes + [10]
                notes.append("\(path) line \(finding.line): ignored an \(finding.reason); saved to quarantine/")
            case .bad:
                moved += finding.bytes + [10]
                notes.append("\(path):\(finding.line): \(finding.reason); moved the line to quarantine/")
            }
        }
        quarantined += moved
        warnings += notes
        return outcome.tornAppend
    }

    static let recordsHint =
        "fix the line by hand, or run `linedb recover DB` to move bad lines to quarantine/; LineDB changed nothing"

    /// The last LSN of the newest archive (to continue the sequence after a checkpoint that left no header).
    private func lastArchivedLSN(_ paths: DatabasePaths) -> Int? {
        let archives = DatabasePaths.archiveNames(in: io.listDirectory(paths.walDir)).sorted(by: HistoryLog.archiveOrder)
        guard let newest = archives.last else { return nil }
        let path = paths.walDir + "/" + newest
        if DatabasePaths.isGzipArchiveName(newest) {  // History/GzipArchives.swift: read whole, decompressed
            guard let bytes = try? io.readWALFile(path) else { return nil }
            return bytes.withUnsafeBufferPointer { buffer in
                var last: Int? = nil
                JSONLines.forEach(buffer) { line in
                    if line.complete, case .success(let e) = WALLine.decode(
                        UnsafeBufferPointer(rebasing: buffer[line.start..<line.end]), lineNumber: 0, byteOffset: 0,
                        impliedLSN: 0), !e.isLegacy
                    {
                        last = e.lsn
                    }
                    return true
                }
                return last
            }
        }
        guard let size = io.stat(path)?.size, size > 0,
            let fd = try? io.open(path, flags: O_RDONLY | O_CLOEXEC, mode: 0)
        else { return nil }
        defer { try? io.close(fd, path: path) }
        let from = max(0, size - (1 << 20))
        guard let tail = try? io.pread(fd, count: size - from, offset: from, path: path) else { return nil }
        // The last sealed entry among the complete lines (the first may be cut by the window).
        return tail.withUnsafeBufferPointer { buffer in
            var lines: [JSONLine] = []
            JSONLines.forEach(buffer) { line in
                if line.complete { lines.append(line) }
                return true
            }
            for line in lines.reversed() {
                if case .success(let e) = WALLine.decode(
                    UnsafeBufferPointer(rebasing: buffer[line.start..<line.end]), lineNumber: 0, byteOffset: 0,
                    impliedLSN: 0), !e.isLegacy
                {
                    return e.lsn
                }
            }
            return nil  // a legacy archive: its lines are numbered from 1
        }
    }
}
