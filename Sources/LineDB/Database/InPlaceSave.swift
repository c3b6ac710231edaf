#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A save that costs what changed (issue 16, section 1): updated and deleted records are patched into the records
/// file where they are, instead of rewriting the whole file.
///
/// The design, and why:
/// - Each saved slot's line is known (``RecordsLineSpans``: its offset and length, learnt at load and at every
///   write). A record whose new line fits in its old one is written in place, padded with spaces inside the object
///   before its closing `}` (valid JSON whitespace for jq, Python's `json.loads` and the seed's loader), so the line
///   keeps its length and the file keeps its order.
/// - A deleted record's bytes become padding of the previous line (or of the next, at the top of the file): the two
///   lines are written as one padded line, so the file keeps one line per record, no blank line, and the order of
///   every other record. (Moving the last line into the hole, the alternative, would reorder the table in memory
///   and in the file at every delete; this costs slack instead, which compaction reclaims.)
/// - A record whose new line does not fit leaves its old place as padding (as a delete) and is appended at the end
///   of the file, and moves to the end of the table's order in memory too, as an updated row moves in a
///   PostgreSQL heap. New records are appended after it.
/// - Before the first byte of the file is touched, every patch (and the appended bytes) goes into a redo file
///   (``RecordsRedo``), which is synced with `data/`; then the patches are written and the file synced; then the
///   redo is removed and `data/` synced. An open finds a complete redo after a crash and writes it again
///   (idempotent); an incomplete one means the file was not touched yet. The WAL stays the second line of
///   defence: its replay sets every record by key over whatever the file holds.
/// - A rewrite is cheaper, and done instead, when the patches would be more than a quarter of the file, when
///   padding would pass ``RecordsLineSpans/compactionShare`` (20%) of it ("compaction on load": the slack is
///   reclaimed by the save that would pass the threshold), when no line survives, or when the spans of the file
///   are not known (a file read with blank lines, CRLF, a byte order mark or torn, which the rewrite normalizes).
extension Database {
    /// What an in-place save wrote for one table.
    struct InPlaceSaveResult {
        /// Records whose line was patched, deleted records absorbed as padding, and records moved to the end.
        var changed = 0
        /// New records appended.
        var inserted = 0
    }

    /// Saves `t` by patching `file` in place, or returns `nil` (having written nothing) when a rewrite is the way:
    /// see the type's notes. After a failure once the redo file is durable, the handle is poisoned and the next
    /// open completes the save from the redo.
    func saveInPlace(_ t: TableState, file: String, dataDir: String) throws(LineDBError) -> InPlaceSaveResult? {
        guard options.inPlaceSaves, !t.needsRewrite, !t.changedTooMany, var spans = t.lineSpans,
            spans.slotCount == t.savedSlots, let status = io.lstat(file), !status.isSymbolicLink,
            !status.isDirectory, status.size == spans.end
        else { return nil }
        t.lineSpans = nil  // until this save succeeds: a failure leaves the next save a rewrite
        let saved = t.savedSlots
        let fileSize = spans.end
        var result = InPlaceSaveResult()

        // 1. Which changed lines fit where they are; the others (deleted, grown) leave holes.
        var w = JSONWriter()
        var fitting: [Int: [UInt8]] = [:]
        var holes: [Int] = []
        var isHole = Set<Int>()
        var moved: [Int] = []
        for s in t.changedSavedSlots.sorted() {
            let length = spans.length(s)
            if let row = t.slots[s] {
                w.bytes.removeAll(keepingCapacity: true)
                t.encode(row, into: &w)
                if length > 0 && w.bytes.count + 1 <= length {
                    fitting[s] = w.bytes
                    continue
                }
                moved.append(s)
            }
            if length > 0 {
                holes.append(s)
                isHole.insert(s)
            }
        }
        result.changed = t.changedSavedSlots.count

        // 2. Each hole becomes padding of the previous surviving line (of the next one at the top of the file).
        var anchors = Set<Int>()
        for h in holes where spans.length(h) > 0 {
            var p = h - 1
            while p >= 0 && (spans.length(p) == 0 || isHole.contains(p)) { p -= 1 }
            if p >= 0 {
                let newEnd = spans.offsets[h + 1]
                for i in (p + 1)...h { spans.offsets[i] = newEnd }
                anchors.insert(p)
            } else {
                var k = h + 1
                while k < saved && (spans.length(k) == 0 || isHole.contains(k)) { k += 1 }
                guard k < saved else { return nil }  // no saved line survives: a rewrite writes what is left
                let start = spans.offsets[h]
                for i in (h + 1)...k { spans.offsets[i] = start }
                anchors.insert(k)
            }
            spans.setPad(h, 0)
        }

        // 3. The patches: each rewritten line padded to its (possibly grown) span; adjacent ones joined.
        var patches: [RecordsRedo.Patch] = []
        var patchBytes = 0
        for s in Set(fitting.keys).union(anchors).sorted() {
            guard let row = t.slots[s] else { return nil }
            let encoded: [UInt8]
            if let e = fitting[s] {
                encoded = e
            } else {
                w.bytes.removeAll(keepingCapacity: true)
                t.encode(row, into: &w)
                encoded = w.bytes
            }
            let length = spans.length(s)
            // A surviving line that absorbs a hole is written as LineDB writes it, which may be longer than what
            // another writer (a hand edit) left there: then the whole file is rewritten.
            guard encoded.count + 1 <= length else { return nil }
            let offset = spans.offsets[s]
            if patches.isEmpty || patches[patches.count - 1].offset + patches[patches.count - 1].bytes.count != offset {
                patches.append(RecordsRedo.Patch(offset: offset, bytes: []))
            }
            RecordsLineSpans.padded(encoded[...], to: length, into: &patches[patches.count - 1].bytes)
            spans.setPad(s, length - 1 - encoded.count)
            patchBytes += length
        }

        // 4. What is appended: the new records, then the moved ones (the order they take in memory).
        let (insertChunks, insertRows) = t.linesToAppend(from: saved)
        var movedLines: [UInt8] = []
        for s in moved {
            w.bytes.removeAll(keepingCapacity: true)
            t.encode(t.slots[s]!, into: &w)
            movedLines += w.bytes
            movedLines.append(10)
        }
        var appended: [UInt8] = []
        appended.reserveCapacity(insertChunks.reduce(0) { $0 + $1.count } + movedLines.count)
        for chunk in insertChunks { appended += chunk }
        appended += movedLines
        result.inserted = insertRows

        // A rewrite instead when it is cheaper, or to reclaim slack.
        let sizeAfter = fileSize + appended.count
        if patchBytes * 4 > fileSize || Double(spans.slack) > RecordsLineSpans.compactionShare * Double(sizeAfter) {
            return nil
        }
        if !appended.isEmpty { patches.append(RecordsRedo.Patch(offset: fileSize, bytes: appended)) }
        let redo = RecordsRedo(sizeBefore: fileSize, sizeAfter: sizeAfter, patches: patches)

        // 5. The redo, durable before the file is touched.
        let redoPath = dataDir + "/" + RecordsRedo.fileName(table: t.schema.name)
        do throws(LineDBError) {
            try writeRedo(redo, path: redoPath)
        } catch {
            try? io.unlink(redoPath)  // the records file was not touched
            throw error
        }
        do throws(LineDBError) {
            try io.syncDirectory(dataDir)
        } catch {
            wal?.setPoison("syncing \(dataDir) after writing \(redoPath) failed: \(error); reopen the database")
            throw error
        }
        Failpoint.hit("save.inPlace.afterRedo")

        // 6. The patches, then the redo's removal.
        do throws(LineDBError) {
            try applyRedo(redo, file: file, truncate: false)
            Failpoint.hit("save.inPlace.afterPatchSync")
            try io.unlink(redoPath)
            Failpoint.hit("save.inPlace.afterRedoUnlink")
            try io.syncDirectory(dataDir)
        } catch {
            wal?.setPoison(
                "the in-place save of \(file) failed: \(error); reopen the database (the open completes the save from \(redoPath))")
            throw error
        }

        // 7. Memory follows the file: moved rows go to the end, spans learn the appended lines.
        for s in moved {
            if let row = t.remove(slot: s) { t.append(row) }
        }
        let live = t.slots[saved...].map { $0 != nil }
        spans.append(live: live, chunks: insertChunks + [movedLines])
        t.lineSpans = spans
        // Saved now (also if a later table of the same save fails).
        t.savedSlots = t.slots.count
        t.changedSavedSlots.removeAll()
        return result
    }

    /// Writes `redo` to `path` (created or truncated) and syncs it.
    private func writeRedo(_ redo: RecordsRedo, path: String) throws(LineDBError) {
        let bytes = redo.encoded()
        Failpoint.hit("save.inPlace.beforeRedo")
        let fd = try io.open(path, flags: O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, mode: 0o644)
        var open = true
        defer { if open { try? io.close(fd, path: path) } }
        // In two writes, so that a kill between them leaves a torn redo (a crash test).
        let half = bytes.count / 2
        try bytes.withBytes { (raw) throws(LineDBError) in
            try io.write(fd, UnsafeRawBufferPointer(rebasing: raw[0..<half]), path: path)
            Failpoint.hit("save.inPlace.midRedo")
            try io.write(fd, UnsafeRawBufferPointer(rebasing: raw[half...]), path: path)
        }
        try io.fsync(fd, path: path)
        open = false
        try io.close(fd, path: path)
    }

    /// Writes every patch of `redo` into `file` and syncs it; with `truncate`, first cuts the file to the redo's
    /// size after (an open completing a redo: bytes past it were never acknowledged as part of the file).
    private func applyRedo(_ redo: RecordsRedo, file: String, truncate: Bool) throws(LineDBError) {
        let fd = try io.open(file, flags: O_WRONLY | O_NOFOLLOW | O_CLOEXEC, mode: 0)
        var open = true
        defer { if open { try? io.close(fd, path: file) } }
        for (i, patch) in redo.patches.enumerated() {
            // A positioned write through the FileIO seam: the test doubles see the offset (RecordingFileIO reads it
            // back with lseek), so simulated power cuts tear these writes too.
            guard lseek(fd, off_t(patch.offset), SEEK_SET) == off_t(patch.offset) else {
                throw .io(operation: "lseek", path: file, errno: errno)
            }
            try patch.bytes.withBytes { (raw) throws(LineDBError) in try io.write(fd, raw, path: file) }
            if i == 0 { Failpoint.hit("save.inPlace.afterFirstPatch") }
        }
        if truncate || (io.fstat(fd)?.size ?? redo.sizeAfter) != redo.sizeAfter {
            try io.ftruncate(fd, size: redo.sizeAfter, path: file)
        }
        try io.fdatasync(fd, path: file)
        open = false
        try io.close(fd, path: file)
    }

    /// Fsyncs the file at `path`, then `dataDir`.
    private func syncFileAndDirectory(_ path: String, dataDir: String) throws(LineDBError) {
        let fd = try io.open(path, flags: O_RDONLY | O_NOFOLLOW | O_CLOEXEC, mode: 0)
        do throws(LineDBError) {
            try io.fsync(fd, path: path)
        } catch {
            try? io.close(fd, path: path)
            throw error
        }
        try io.close(fd, path: path)
        try io.syncDirectory(dataDir)
    }

    /// The redo files in `data/` (interrupted in-place saves), as paths.
    func inPlaceSaveRedoFiles(_ paths: DatabasePaths) -> [String] {
        io.listDirectory(paths.dataDir).sorted().filter { RecordsRedo.table(ofFileName: $0) != nil }
            .map { paths.dataDir + "/" + $0 }
    }

    /// At a writer's open, before the records are read: completes every in-place save a crash interrupted (a
    /// complete redo is written again; it is idempotent), and removes the redo files of saves that stopped before
    /// their redo was complete (their records file was not touched).
    func completeInterruptedInPlaceSaves(_ paths: DatabasePaths) throws(LineDBError) {
        let redoFiles = inPlaceSaveRedoFiles(paths)
        guard !redoFiles.isEmpty else { return }
        for redoPath in redoFiles {
            let table = RecordsRedo.table(ofFileName: String(redoPath.split(separator: "/").last!))!
            guard mayRepairFiles(of: table) else { continue }  // another table writer's (RecoveryScope.swift)
            let file = paths.recordsFile(table)
            let bytes = try io.readFile(redoPath) ?? []
            if let redo = RecordsRedo.decode(bytes) {
                // R12: what recovery read is made durable before it writes over the records file (after a kill the
                // redo may be only in the page cache; a power cut during the completion must still find it).
                try syncFileAndDirectory(redoPath, dataDir: paths.dataDir)
                let size = io.lstat(file).flatMap { $0.isSymbolicLink || $0.isDirectory ? nil : $0.size }
                guard let size, size >= min(redo.sizeBefore, redo.sizeAfter), size <= max(redo.sizeBefore, redo.sizeAfter)
                else {
                    throw .corrupt(
                        path: redoPath, line: nil, column: nil, byteOffset: nil,
                        reason: "the redo of an interrupted in-place save expects \(file) to hold \(redo.sizeBefore) to \(redo.sizeAfter) bytes, but it "
                            + (size.map { "holds \($0)" } ?? "is missing"),
                        hint: "the records file was changed since; move \(redoPath) aside to open (the WAL replays every acknowledged write); LineDB changed nothing")
                }
                try applyRedo(redo, file: file, truncate: true)
                Failpoint.hit("open.afterRedoApply")
                warnings.append(
                    "\(redoPath): completed an interrupted in-place save of \(file) (\(redo.patches.count) writes)")
            } else {
                warnings.append(
                    "\(redoPath): removed the incomplete redo of an in-place save that stopped before writing (\(file) was not touched)")
            }
            try io.unlink(redoPath)
        }
        try io.syncDirectory(paths.dataDir)
    }
}
