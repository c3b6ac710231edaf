#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension DatabasePaths {
    /// The gzipped records file of a table: `data/<table>.records.gz` (standard gzip, one member per save).
    package func gzipRecordsFile(_ table: String) -> String { recordsFile(table) + ".gz" }

    /// Which records file holds `table`: the gzipped one when it exists, else the plain one. When both exist (an
    /// interrupted switch that no writer has finished yet), the newer.
    package func recordsFileToLoad(_ table: String, io: FileIO) -> (path: String, gzipped: Bool) {
        let plain = recordsFile(table)
        let gzipped = gzipRecordsFile(table)
        guard let g = io.lstat(gzipped) else { return (plain, false) }
        if let p = io.lstat(plain), p.modifiedNanoseconds > g.modifiedNanoseconds { return (plain, false) }
        return (gzipped, true)
    }
}

/// What ``Database/compressTables(_:)`` and ``Database/decompressTables(_:)`` did.
public struct StorageSwitchSummary: Sendable, Equatable {
    /// Tables whose records file was converted, in name order.
    public var switched: [String] = []
    /// Tables that were already stored that way, in name order.
    public var unchanged: [String] = []
}

/// Tables stored as `data/<table>.records.gz` (issue 16, "Compressed data files").
///
/// The gzipped file holds the same JSON Lines as a plain records file would, as a multi-member gzip stream: a save
/// that only inserted appends one member (O(1) in the table's size), any other save rewrites the file into one
/// member by durable replace. Loading decompresses into the same records parser, so every rule of the plain file
/// holds. A member cut short at the end (a crash during an append) is a torn tail: ignored, warned, saved to
/// `quarantine/`, and the file is rewritten by the next save.
///
/// Switching (`linedb compress` / `decompress`) writes the new file by durable replace, then removes the old one
/// and fsyncs `data/`. A crash between leaves both with the same records: the next writer's open finishes the
/// switch (the newer file wins, the older is removed); when they hold different records it refuses, naming both.
extension Database {
    /// Stores tables gzipped: `data/<table>.records` becomes `data/<table>.records.gz`.
    ///
    /// Unsaved changes are saved first. Each file is converted by durable replace, then the plain file is removed
    /// and `data/` is synced; a crash between leaves both files with the same records, and the next open keeps the
    /// gzipped one. Later saves append one gzip member per insert-only save and rewrite the file otherwise.
    ///
    /// - Parameter names: the tables; empty means every table.
    /// - Returns: which tables were converted and which were already gzipped.
    /// - Throws: ``LineDBError/tableNotFound(table:suggestion:)``, ``LineDBError/readOnly(reason:)``,
    ///   ``LineDBError/io(operation:path:errno:)`` naming the file (the old file is then intact).
    @discardableResult
    public func compressTables(_ names: [String] = []) throws(LineDBError) -> StorageSwitchSummary {
        try switchStorage(names, toGzip: true)
    }

    /// Stores gzipped tables as plain JSON Lines again: `data/<table>.records.gz` becomes `data/<table>.records`.
    ///
    /// The mirror of ``compressTables(_:)``, with the same crash rule (the plain file, being newer, wins).
    ///
    /// - Parameter names: the tables; empty means every table.
    /// - Returns: which tables were converted and which were already plain.
    /// - Throws: as ``compressTables(_:)``.
    @discardableResult
    public func decompressTables(_ names: [String] = []) throws(LineDBError) -> StorageSwitchSummary {
        try switchStorage(names, toGzip: false)
    }

    /// Whether a table is stored gzipped (`data/<table>.records.gz`).
    ///
    /// - Parameter name: the table.
    /// - Returns: `true` for a gzipped table, `false` for a plain one or an unknown name.
    public func isGzipped(_ name: String) -> Bool {
        state.withLockOrHeld { tables[name]?.gzipped ?? false }
    }

    private func switchStorage(_ names: [String], toGzip: Bool) throws(LineDBError) -> StorageSwitchSummary {
        try state.withLock { () throws(LineDBError) in
            try requireWritable()
            var summary = StorageSwitchSummary()
            let wanted = names.isEmpty ? tables.sortedKeys : names
            for name in wanted { _ = try table(name) }
            guard let paths else { return summary }
            for name in wanted.sorted() {
                if let reason = writeProtection(of: name, paths: paths) { throw .readOnly(reason: reason) }
            }
            _ = try saveLocked()  // the file then holds exactly the table's records
            for name in Set(wanted).sorted() {
                let t = tables[name]!
                if t.gzipped == toGzip {
                    summary.unchanged.append(name)
                    continue
                }
                let from = t.gzipped ? paths.gzipRecordsFile(name) : paths.recordsFile(name)
                let to = toGzip ? paths.gzipRecordsFile(name) : paths.recordsFile(name)
                try convertRecordsFile(from: from, to: to, toGzip: toGzip)
                Failpoint.hit("gzip.switch.afterNewFile")
                do throws(LineDBError) {
                    try io.syncDirectory(paths.dataDir)
                    try io.unlink(from)
                    Failpoint.hit("gzip.switch.afterUnlink")
                    try io.syncDirectory(paths.dataDir)
                } catch {
                    wal?.setPoison("switching the storage of '\(name)' failed: \(error); reopen the database")
                    throw error
                }
                t.gzipped = toGzip
                t.lineSpans = nil  // the in-place save learns the new file's lines at its next rewrite
                summary.switched.append(name)
            }
            return summary
        }
    }

    /// Writes `to` by durable replace with the bytes of `from`, compressed or decompressed.
    private func convertRecordsFile(from: String, to: String, toGzip: Bool) throws(LineDBError) {
        let fd = try io.open(from, flags: O_RDONLY | O_CLOEXEC | O_NOFOLLOW, mode: 0)
        defer { try? io.close(fd, path: from) }
        let temp = try DurableReplace(io: io, finalPath: to)
        do throws(LineDBError) {
            var block = [UInt8](repeating: 0, count: 1 << 20)
            if toGzip {
                let writer = GzipMemberWriter()
                var offset = 0
                var out: [UInt8] = []
                while true {
                    let n = try block.withMutableBytes { (raw) throws(LineDBError) -> Int in
                        try io.pread(fd, into: raw, offset: offset, path: from)
                    }
                    if n == 0 { break }
                    offset += n
                    block.withUnsafeBytes { writer.write(UnsafeRawBufferPointer(rebasing: $0[0..<n]), into: &out) }
                    try temp.write(out)
                    out.removeAll(keepingCapacity: true)
                }
                writer.finish(into: &out)
                try temp.write(out)
            } else {
                let inflater = GzipInflater(path: from)
                var input = GzipInput.file(io: io, fd: fd, size: io.fstat(fd)?.size ?? 0)
                while true {
                    let n = try block.withMutableBytes { (raw) throws(LineDBError) -> Int in
                        try inflater.read(into: raw, from: &input)
                    }
                    if n == 0 { break }
                    try temp.write(Array(block[0..<n]))
                }
                if let torn = inflater.tornMember {
                    throw .corrupt(
                        path: from, line: nil, column: nil, byteOffset: torn.offset,
                        reason: "incomplete last gzip member: \(torn.reason)",
                        hint: "reopen the database (it sets the torn member aside) and try again; nothing was changed")
                }
            }
            try temp.commit()
        } catch {
            temp.abandon()
            throw error
        }
    }

    /// The save of one changed gzipped table (``saveLocked()``): an insert-only change appends one gzip member,
    /// anything else rewrites the file into one member by durable replace. Returns whether a file was renamed
    /// (then `data/` must be synced).
    func saveGzippedTable(_ t: TableState, paths: DatabasePaths, summary: inout SaveSummary) throws(LineDBError)
        -> Bool
    {
        let name = t.schema.name
        let file = paths.gzipRecordsFile(name)
        if t.canAppend, let status = io.stat(file) {
            summary.appended[name] = try appendGzipMember(t, file: file, size: status.size)
            return false
        }
        t.compact()
        let temp = try DurableReplace(io: io, finalPath: file)
        do throws(LineDBError) {
            let writer = GzipMemberWriter()
            var out: [UInt8] = []
            let rows = Array(t.rows)
            var from = 0
            defer { saveProgressCell.set(nil) }
            repeat {
                saveProgressCell.set(SaveProgress(table: name, written: from, total: rows.count))
                let to = min(rows.count, from + 200_000)
                for chunk in t.schema.encodeLines(Array(rows[from..<to])) {
                    chunk.withUnsafeBytes { writer.write($0, into: &out) }
                    if out.count >= 1 << 20 {
                        try temp.write(out)
                        out.removeAll(keepingCapacity: true)
                    }
                }
                from = to
            } while from < rows.count
            writer.finish(into: &out)
            try temp.write(out)
            try temp.commit()
        } catch {
            temp.abandon()
            throw error
        }
        t.savedSlots = t.slots.count
        t.needsRewrite = false
        summary.rewritten[name] = t.count
        return true
    }

    /// Appends the rows inserted since the last save as one gzip member; on failure cuts the file back to `size`.
    private func appendGzipMember(_ t: TableState, file: String, size: Int) throws(LineDBError) -> Int {
        let (chunks, n) = t.linesToAppend(from: t.savedSlots)
        let writer = GzipMemberWriter()
        var member: [UInt8] = []
        for chunk in chunks { chunk.withUnsafeBytes { writer.write($0, into: &member) } }
        writer.finish(into: &member)
        Failpoint.hit("gzip.beforeAppend")
        try appendDurably(
            t, file: file, size: size, failpoints: ("gzip.afterAppendWrite", "gzip.afterAppendSync")
        ) { (fd) throws(LineDBError) in
            // Written in two halves so that a kill between them leaves a torn member (the crash tests' case).
            let half = member.count / 2
            try member.withBytes { (raw) throws(LineDBError) in
                try io.write(fd, UnsafeRawBufferPointer(rebasing: raw[0..<half]), path: file)
                Failpoint.hit("gzip.midAppend")
                try io.write(fd, UnsafeRawBufferPointer(rebasing: raw[half...]), path: file)
            }
        }
        t.savedSlots = t.slots.count
        return n
    }

    /// Which records file an open reads for `name` (``DatabasePaths/recordsFileToLoad(_:io:)``).
    func recordsFileToLoad(_ name: String, paths: DatabasePaths) -> (path: String, gzipped: Bool) {
        paths.recordsFileToLoad(name, io: io)
    }

    /// The lines of a gzipped records file (what `zcat FILE | wc -l` prints), or 0 when it cannot be read.
    static func countGzipLines(io: FileIO, path: String) -> Int {
        guard let fd = try? io.open(path, flags: O_RDONLY | O_CLOEXEC | O_NOFOLLOW, mode: 0) else { return 0 }
        defer { try? io.close(fd, path: path) }
        let inflater = GzipInflater(path: path)
        var input = GzipInput.file(io: io, fd: fd, size: io.fstat(fd)?.size ?? 0)
        var block = [UInt8](repeating: 0, count: 1 << 20)
        var lines = 0
        while true {
            guard let n = try? block.withMutableBytes({ (raw) throws(LineDBError) -> Int in
                try inflater.read(into: raw, from: &input)
            }), n > 0 else { break }
            for i in 0..<n where block[i] == 10 { lines += 1 }
        }
        return lines
    }

    /// Finishes switches between `data/<t>.records` and `data/<t>.records.gz` that a crash interrupted (a writer's
    /// open, before loading): when both files hold the same records the older is removed (the switch wrote the
    /// newer); when they differ, nothing is changed and the open is refused.
    func finishInterruptedStorageSwitches(_ paths: DatabasePaths) throws(LineDBError) {
        let files = Set(io.listDirectory(paths.dataDir))
        var removed = false
        for file in files.sorted() where file.hasSuffix(".records.gz") && !file.hasPrefix(".") {
            let name = String(file.dropLast(".records.gz".count))
            guard files.contains(name + ".records"), mayRepairFiles(of: name) else { continue }
            let plain = paths.recordsFile(name)
            let gzipped = paths.gzipRecordsFile(name)
            let plainBytes = try io.readFile(plain) ?? []
            let gzipBytes = try io.readFile(gzipped) ?? []
            let same: Bool
            do throws(LineDBError) {
                same = try Gzip.decompress(gzipBytes, path: gzipped) == plainBytes
            } catch {
                same = false
            }
            guard same else {
                throw .corrupt(
                    path: gzipped, line: nil, column: nil, byteOffset: nil,
                    reason: "both \(plain) and \(gzipped) exist and do not hold the same records, so LineDB cannot tell which is table '\(name)'",
                    hint: "move the one that is not the table out of data/ (`zcat` shows the gzipped one); LineDB changed nothing")
            }
            let keepGzip = recordsFileToLoad(name, paths: paths).gzipped
            try io.unlink(keepGzip ? plain : gzipped)
            removed = true
            warnings.append(
                "\(keepGzip ? gzipped : plain): finished an interrupted `linedb \(keepGzip ? "compress" : "decompress")` (removed \(keepGzip ? plain : gzipped), which held the same records)")
        }
        if removed { try io.syncDirectory(paths.dataDir) }
    }

    /// After loading a gzipped records file: a last member the stream ended in is a torn append, judged and set
    /// aside like a torn last line (``RecordsFileLoad/TornAppend``); the file is rewritten by the next save.
    func tornGzipMember(
        _ inflater: GzipInflater, table t: TableState, path: String, fd: Int32, found: RecordsFileLoad.TornAppend?
    ) -> RecordsFileLoad.TornAppend? {
        guard let torn = inflater.tornMember else { return found }
        t.needsRewrite = true
        var result = found ?? RecordsFileLoad.TornAppend(path: path)
        let bytes = (try? io.pread(fd, count: torn.bytes, offset: torn.offset, path: path)) ?? []
        let finding = RecordsFileLoad.Finding(
            kind: .tornLastRecord, line: t.slots.count + 1, column: nil, byteOffset: torn.offset,
            reason: "incomplete last gzip member (\(torn.bytes) bytes from byte \(torn.offset): \(torn.reason))",
            bytes: bytes)
        if let tail = result.tail {
            // The member's readable prefix ended in a cut line: that line and the member's bytes are set aside.
            result.tail = RecordsFileLoad.Finding(
                kind: .tornLastRecord, line: tail.line, column: nil, byteOffset: torn.offset,
                reason: finding.reason, bytes: bytes)
        } else {
            result.tail = finding
        }
        return result
    }
}
