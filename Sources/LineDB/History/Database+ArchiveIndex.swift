/// What ``Database/rebuildArchiveIndexes()`` did (`linedb check --repair-index`).
public struct ArchiveIndexRepair: Sendable, Hashable {
    /// The archives whose index sidecar was written (`transaction.20260122_203117.log`).
    public var rebuilt: [String] = []
    /// Archives left without an index, with why (the seed's lines, a damaged archive).
    public var skipped: [String] = []
    /// Sidecars and temporary files removed because no archive of that name is left.
    public var removed: [String] = []
}

/// A finding about an archive's index sidecar, for `linedb check`.
package struct ArchiveIndexFinding: Sendable {
    package var isWarning: Bool
    package var path: String
    package var message: String
}

/// The archive index sidecars (``ArchiveIndex``): written after each checkpoint, read by
/// ``history(of:key:limit:)``, checked by `linedb check`, rebuilt by `linedb check --repair-index`.
extension Database {
    /// The column a table's keys are indexed under: its primary key, or `id` (history's guess for a table that no
    /// longer exists).
    func indexKeyColumns() -> NameMap<String> {
        var keys = NameMap<String>()
        for (name, t) in tables { keys[name] = t.schema.primaryKey?.name ?? "id" }
        return keys
    }

    /// Writes the index sidecar of a finished checkpoint's archive (state lock held). The sidecar is never the
    /// truth: a failure leaves the archive without one (history then reads it whole), and is not the checkpoint's.
    func writeArchiveIndexAfterCheckpoint(paths: DatabasePaths, archive: String) {
        guard options.indexArchives && !options.gzipArchives else { return }  // a gzipped archive is read whole
        Failpoint.hit("checkpoint.beforeIndex")
        let keys = indexKeyColumns()
        _ = try? Database.writeArchiveIndex(io: io, paths: paths, archive: archive) { keys[$0] ?? "id" }
    }

    /// Builds and durably writes one archive's sidecar (temporary file, fsync, rename, fsync `wal/`). Returns
    /// `false` when the archive cannot be indexed.
    @discardableResult
    static func writeArchiveIndex(
        io: FileIO, paths: DatabasePaths, archive: String, primaryKey: @escaping (String) -> String
    ) throws(LineDBError) -> Bool {
        guard let bytes = try ArchiveIndexBuilder.build(
            io: io, path: paths.walDir + "/" + archive, archive: archive, primaryKey: primaryKey)
        else { return false }
        try writeSidecar(io: io, paths: paths, archive: archive, bytes: bytes)
        return true
    }

    static func writeSidecar(io: FileIO, paths: DatabasePaths, archive: String, bytes: [UInt8]) throws(LineDBError) {
        let temp = try DurableReplace(
            io: io, finalPath: paths.walDir + "/" + ArchiveIndex.sidecarName(for: archive), steps: .archiveIndex)
        do throws(LineDBError) {
            try bytes.withBytes { (raw) throws(LineDBError) in try temp.write(raw) }
            try temp.commit()
        } catch {
            temp.abandon()
            throw error
        }
        try io.syncDirectory(paths.walDir)
        Failpoint.hit("index.afterDirFsync")
    }

    /// Rebuilds the index sidecar of every archive in `wal/` from the archive itself, and removes the sidecars
    /// of archives that are gone. Nothing else is changed: the sidecars are derived files.
    ///
    /// ```swift
    /// let done = try db.rebuildArchiveIndexes()
    /// print("\(done.rebuilt.count) archive indexes rebuilt")
    /// ```
    ///
    /// - Throws: ``LineDBError/readOnly(reason:)`` on a read-only database; ``LineDBError/io(operation:path:errno:)``
    ///   when a sidecar cannot be written.
    public func rebuildArchiveIndexes() throws(LineDBError) -> ArchiveIndexRepair {
        try state.withLock { () throws(LineDBError) -> ArchiveIndexRepair in
            try requireWritable()
            guard let paths else { return ArchiveIndexRepair() }
            let keys = indexKeyColumns()
            var done = ArchiveIndexRepair()
            let names = io.listDirectory(paths.walDir)
            for name in DatabasePaths.archiveNames(in: names).sorted(by: HistoryLog.archiveOrder)
            where !DatabasePaths.isGzipArchiveName(name) {
                if try Database.writeArchiveIndex(io: io, paths: paths, archive: name, primaryKey: { keys[$0] ?? "id" }) {
                    done.rebuilt.append(name)
                } else {
                    done.skipped.append("\(name): it holds lines of the seed's design or does not scan clean; history reads it whole")
                }
            }
            for name in names.sorted() where ArchiveIndex.isSidecarName(name) {
                let archive = String(name.dropLast(".idx".count))
                if !names.contains(archive) {
                    try io.unlink(paths.walDir + "/" + name)
                    done.removed.append(name)
                }
            }
            if !done.removed.isEmpty { try io.syncDirectory(paths.walDir) }
            return done
        }
    }

    /// What `linedb check` says of the sidecars: a damaged, stale or orphaned one, or one that disagrees with its
    /// archive, is a warning (an archive without one is normal: history reads it whole). Changes nothing.
    package static func archiveIndexFindings(
        io: FileIO, paths: DatabasePaths, primaryKey: @escaping (String) -> String
    ) -> [ArchiveIndexFinding] {
        var out: [ArchiveIndexFinding] = []
        let names = io.listDirectory(paths.walDir)
        let repair = "`linedb check DB --repair-index` rebuilds it; history reads the archive whole meanwhile"
        for archive in DatabasePaths.archiveNames(in: names).sorted(by: HistoryLog.archiveOrder)
        where !DatabasePaths.isGzipArchiveName(archive) {
            let sidecar = paths.walDir + "/" + ArchiveIndex.sidecarName(for: archive)
            switch ArchiveIndexReader.open(io: io, walDir: paths.walDir, archive: archive) {
            case .failure(.missing):
                continue  // normal: the seed's archives, archives older than indexes; history reads them whole
            case .failure(let why):
                out.append(ArchiveIndexFinding(isWarning: true, path: sidecar, message: "\(why): ignored; \(repair)"))
            case .success(let reader):
                if let bad = reader.verifyBuckets() {
                    out.append(ArchiveIndexFinding(
                        isWarning: true, path: sidecar, message: "damaged index (\(bad)): ignored; \(repair)"))
                    continue
                }
                // The same archive must give the same bytes (the index's own key columns kept).
                var own = NameMap<String>()
                for t in reader.index.tables { own[t.name] = t.pk }
                let rebuilt = try? ArchiveIndexBuilder.build(
                    io: io, path: paths.walDir + "/" + archive, archive: archive, primaryKey: { own[$0] ?? primaryKey($0) })
                let current = try? io.readFile(sidecar)
                if let rebuilt, let current, rebuilt != current {
                    out.append(ArchiveIndexFinding(
                        isWarning: true, path: sidecar,
                        message: "the index disagrees with its archive: ignored where a line read through it differs; \(repair)"))
                }
            }
        }
        for name in names.sorted() where ArchiveIndex.isSidecarName(name) && !names.contains(String(name.dropLast(".idx".count))) {
            out.append(ArchiveIndexFinding(
                isWarning: true, path: paths.walDir + "/" + name,
                message: "index of an archive that is no longer there: ignored; `linedb check DB --repair-index` removes it"))
        }
        return out
    }
}
