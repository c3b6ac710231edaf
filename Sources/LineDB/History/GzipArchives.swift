#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// WAL archives gzipped at checkpoint (issue 16, "Compressed data files"): `wal/transaction.<stamp>[_N].log.gz`.
///
/// The archive is first written plain by the checkpoint (a link to the old WAL), so it exists before anything is
/// compressed. Then its gzip copy is written by durable replace and `wal/` is synced, and only then is the plain
/// archive removed (and `wal/` synced again). A crash between leaves both: readers use the plain one, and the next
/// writer's open removes the `.gz` copy when it does not decompress to the same bytes, else the plain one.
///
/// History reads a gzipped archive whole (decompressed in memory): the archive index sidecar (`.log.idx`) is not
/// used for it, and is removed when the archive is gzipped. Checkpoint entries name the previous archive by its
/// plain name (`transaction.<stamp>.log`); a `.gz` archive answers to that name.
extension DatabasePaths {
    /// Whether a WAL directory entry is a gzipped archive: `transaction.<YYYYMMDD_HHMMSS>[_N].log.gz`.
    package static func isGzipArchiveName(_ name: String) -> Bool {
        name.hasSuffix(".log.gz") && name.hasPrefix("transaction.") && name != "transaction.log.gz"
    }

    /// An archive's name as checkpoints name it: without the `.gz` of a gzipped archive.
    package static func archiveLogName(_ name: String) -> String {
        isGzipArchiveName(name) ? String(name.dropLast(3)) : name
    }

    /// The archives of `names` (plain and gzipped), leaving out the `.gz` copy of an archive whose plain file is
    /// still there (a checkpoint's gzip step that did not finish).
    package static func archiveNames(in names: [String]) -> [String] {
        let all = Set(names)
        return names.filter { isArchiveName($0) && !(isGzipArchiveName($0) && all.contains(archiveLogName($0))) }
    }
}

extension FileIO {
    /// Reads a whole WAL file or archive, decompressing a gzipped archive; `nil` when it does not exist.
    package func readWALFile(_ path: String) throws(LineDBError) -> [UInt8]? {
        guard let bytes = try readFile(path) else { return nil }
        let name = path.split(separator: "/").last.map(String.init) ?? path
        guard DatabasePaths.isGzipArchiveName(name) else { return bytes }
        return try Gzip.decompress(bytes, path: path)
    }
}

extension Database {
    /// The checkpoint's last step when ``DatabaseOptions/gzipArchives`` is on: `wal/<archive>` becomes
    /// `wal/<archive>.gz`. Returns the name the archive has afterwards. A failure leaves the plain archive (and is
    /// a warning, never the checkpoint's failure: the archive is complete either way).
    func gzipArchiveAfterCheckpoint(paths: DatabasePaths, archive: String) -> String {
        guard options.gzipArchives else { return archive }
        do throws(LineDBError) {
            try gzipArchive(paths: paths, archive: archive)
            return archive + ".gz"
        } catch {
            warnings.append("wal/\(archive): not gzipped (\(error)); the plain archive is kept")
            return archive
        }
    }

    /// Writes `wal/<archive>.gz` durably, then removes the plain archive and its index sidecar.
    private func gzipArchive(paths: DatabasePaths, archive: String) throws(LineDBError) {
        let plain = paths.walDir + "/" + archive
        guard let bytes = try io.readFile(plain) else { return }
        let temp = try DurableReplace(io: io, finalPath: plain + ".gz", steps: .archiveIndex)
        do throws(LineDBError) {
            try temp.write(Gzip.member(bytes))
            try temp.commit()
        } catch {
            temp.abandon()
            throw error
        }
        try io.syncDirectory(paths.walDir)
        Failpoint.hit("archive.gzip.afterNewFile")
        try io.unlink(plain)
        let sidecar = paths.walDir + "/" + ArchiveIndex.sidecarName(for: archive)
        if io.lstat(sidecar) != nil { try io.unlink(sidecar) }
        Failpoint.hit("archive.gzip.afterUnlink")
        try io.syncDirectory(paths.walDir)
    }

    /// A writer's open: an archive left both plain and gzipped by a crash keeps one name. The `.gz` copy is
    /// removed unless it decompresses to the plain archive's bytes; then the plain archive (and its sidecar) is.
    func finishInterruptedArchiveGzips(_ paths: DatabasePaths) throws(LineDBError) {
        let names = io.listDirectory(paths.walDir)
        let all = Set(names)
        var changed = false
        for name in names where DatabasePaths.isGzipArchiveName(name) {
            let archive = DatabasePaths.archiveLogName(name)
            guard all.contains(archive) else { continue }
            let plain = try io.readFile(paths.walDir + "/" + archive)
            let unpacked = try? io.readWALFile(paths.walDir + "/" + name)
            if let plain, unpacked == plain {
                try io.unlink(paths.walDir + "/" + archive)
                let sidecar = paths.walDir + "/" + ArchiveIndex.sidecarName(for: archive)
                if io.lstat(sidecar) != nil { try io.unlink(sidecar) }
                warnings.append("wal/\(name): finished gzipping the archive (removed the plain copy)")
            } else {
                try io.unlink(paths.walDir + "/" + name)
                warnings.append("wal/\(name): removed an incomplete gzip copy of wal/\(archive)")
            }
            changed = true
        }
        if changed { try io.syncDirectory(paths.walDir) }
    }
}
