#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What the writer checks before it changes a file: that no file of the database is a symbolic link (nothing
/// outside the database is ever written), that a write-protected records or schema file keeps its table read-only,
/// and whether the directories can be written at all (a read-only file system).
///
/// Directories (the database directory, `schema/`, `data/`, `wal/`, `quarantine/`) are followed when they are
/// links: placing one on another disk is a layout its owner chose, as PostgreSQL's `pg_wal` link is. Files are
/// not: a link in place of a records file, a WAL or `.lock` comes with a directory made elsewhere, and writing
/// through it would change whatever it points to.
extension Database {
    /// The database's own files that are symbolic links: `.lock`, `schema/*.schema.json`, `data/*.records` (and
    /// `.records.gz`), `wal/transaction*.log` (the WAL and its archives, `.log.gz` too) and everything in `quarantine/`.
    func symbolicLinks(_ paths: DatabasePaths) -> [String] {
        var candidates = [paths.lock]
        let kinds: [(String, (String) -> Bool)] = [
            (paths.schemaDir, { $0.hasSuffix(".schema.json") }),
            (paths.dataDir, { $0.hasSuffix(".records") || $0.hasSuffix(".records.gz") }),
            (paths.walDir, { $0.hasPrefix("transaction") && ($0.hasSuffix(".log") || $0.hasSuffix(".log.gz")) }),
            (paths.quarantineDir, { _ in true }),
        ]
        for (dir, isOurs) in kinds {
            for name in io.listDirectory(dir) where !name.hasPrefix(".") && isOurs(name) {
                candidates.append(dir + "/" + name)
            }
        }
        return candidates.filter { io.lstat($0)?.isSymbolicLink == true }
    }

    /// A writer refuses a database with a symbolic link among its files, naming the first one, before it changes
    /// anything. A reader only reads, so reading through a link is harmless: it opens, with a warning per link.
    func checkSymbolicLinks(_ paths: DatabasePaths, writer: Bool) throws(LineDBError) {
        let links = symbolicLinks(paths)
        if writer, let first = links.first {
            throw .symbolicLink(path: first, target: RealFileIO.linkTarget(first))
        }
        for link in links {
            let target = RealFileIO.linkTarget(link).map { " (to \($0))" } ?? ""
            warnings.append(
                "\(link) is a symbolic link\(target): read through it; a writer refuses to open this database until it is replaced by a copy of the file")
        }
    }

    /// Why table `name` may not be written, or `nil`: its records or schema file is write-protected, by its
    /// permission bits (`chmod a-w`, which counts for root too, as `chmod` meant it) or for this process.
    ///
    /// The one rule for a write-protected file: its table is read-only. Writes to it are refused up front, and a
    /// save that would have to write it (append or rewrite alike) refuses before writing anything.
    func writeProtection(of name: String, paths: DatabasePaths) -> String? {
        for file in [paths.recordsFile(name), paths.schemaFile(name)] {
            guard let status = io.lstat(file), !status.isSymbolicLink, !status.isDirectory else { continue }
            let code = status.isWriteProtected ? EACCES : io.writeAccess(file)
            guard code != 0 else { continue }
            let mode = String(status.mode & 0o7777, radix: 8)
            return "\(file) is write-protected (mode \(mode): \(LineDBError.describe(errno: code))), so table '\(name)' "
                + "is read-only; make it writable (chmod u+w) and reopen to change it"
        }
        return nil
    }

    /// Marks the tables whose files are write-protected read-only, with a warning each (after replay: replay
    /// skips read-only tables, and the WAL's changes to them must still be loaded).
    func markWriteProtectedTables(_ paths: DatabasePaths) {
        for name in tables.sortedKeys {
            guard let t = tables[name], t.readOnlyReason == nil, let reason = writeProtection(of: name, paths: paths)
            else { continue }
            t.readOnlyReason = reason
            warnings.append(reason)
        }
    }

    /// Why this process cannot write the database directory or its `schema/`, `data/` or `wal/` (a read-only file
    /// system, no permission), or `nil`. Asked before the writer lock is taken, so that such a database is never
    /// half-written: the WAL appended to, say, while no save or checkpoint could ever rename a file.
    static func unwritableReason(io: FileIO, paths: DatabasePaths) -> String? {
        for dir in [paths.root, paths.schemaDir, paths.dataDir, paths.walDir] where io.stat(dir)?.isDirectory == true {
            let code = io.writeAccess(dir)
            if code == EROFS { return "\(dir) is on a read-only file system" }
            if code != 0 { return "\(dir) cannot be written (\(LineDBError.describe(errno: code)))" }
        }
        return nil
    }

    /// The reason, if `error` (from creating the layout or taking the lock) means that the files cannot be written
    /// at all rather than that something is wrong: `EROFS`, `EACCES` or `EPERM` on `mkdir` or on opening `.lock`.
    static func unwritableReason(for error: LineDBError) -> String? {
        guard case .io(let operation, let path, let code) = error, operation == "open" || operation == "mkdir"
        else { return nil }
        if code == EROFS { return "\(path) is on a read-only file system" }
        if code == EACCES || code == EPERM { return "\(path) cannot be written (\(LineDBError.describe(errno: code)))" }
        return nil
    }
}
