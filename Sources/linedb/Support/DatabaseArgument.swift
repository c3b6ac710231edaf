#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ArgumentParser
import LineDB

/// The `DB` argument every command takes first, and how commands open it.
struct DatabaseArgument: ParsableArguments {
    @Argument(help: ArgumentHelp("The database directory.", valueName: "db"))
    var path: String

    /// Throws a ``UsageError`` unless `path` is a directory with `schema/`, `data/` or `wal/` in it, so a mistyped
    /// path never creates a new database.
    func requireDatabase() throws {
        guard isDirectory(path) else {
            throw UsageError("no database at '\(path)' (create one with `linedb init \(path)`)")
        }
        guard ["schema", "data", "wal"].contains(where: { isDirectory(path + "/" + $0) }) else {
            throw UsageError("'\(path)' is not a LineDB database (it has no schema/, data/ or wal/ directory)")
        }
    }

    /// Opens the database as its writer (taking the lock; a database locked by another process is an error that
    /// names its pid). Recovery warnings go to stderr.
    /// `tables`: open as the writer of these tables only (DatabaseOptions.writeScope), so that other processes
    /// can write other tables meanwhile; `wait`: seconds to wait for a lock another process holds.
    func openForWriting(
        sync: SyncMode, salvage: Bool = false, salvageWALPrefix: Bool = false, reportWarnings: Bool = true,
        historyRetention: RetentionRule? = nil, gzipArchives: Bool = true, tables: [String]? = nil, wait: Double = 0
    ) throws -> Database {
        try requireDatabase()
        var options = DatabaseOptions(syncMode: sync)
        if let tables { options.writeScope = .tables(tables) }
        options.lockWait = wait
        options.historyRetention = historyRetention
        options.gzipArchives = gzipArchives
        options.salvage = salvage
        options.salvageWALPrefix = salvageWALPrefix
        let db = try Database(path: path, options: options)
        if reportWarnings { db.warnings.forEach(ErrorReporting.printWarning) }
        return db
    }

    /// Opens the database read-only: no lock, no file changed, works while another process writes.
    func openForReading() throws -> Database {
        try requireDatabase()
        let db = try Database(path: path, options: DatabaseOptions(syncMode: .full, readOnly: true))
        db.warnings.forEach(ErrorReporting.printWarning)
        return db
    }

    func isDirectory(_ path: String) -> Bool {
        var status = stat()
        return stat(path, &status) == 0 && (status.st_mode & S_IFMT) == S_IFDIR
    }
}

/// `--sync full|normal|off` for the commands that write.
struct SyncOptions: ParsableArguments {
    /// The sync modes, as the flag spells them.
    enum Choice: String, ExpressibleByArgument, CaseIterable {
        case full, normal, off
    }

    @Option(
        name: .customLong("sync"),
        help: ArgumentHelp(
            "How hard writes wait for the disk: full (durable when the command says so), normal, off.",
            valueName: "mode"))
    var choice: Choice = .full

    var mode: SyncMode {
        switch choice {
        case .full: return .full
        case .normal: return .normal
        case .off: return .off
        }
    }
}

/// `--wait SECONDS` for the commands that write: wait for a lock another process holds instead of failing at once.
struct WaitOption: ParsableArguments {
    @Option(
        name: .customLong("wait"),
        help: ArgumentHelp(
            "Seconds to wait while another process writes the table (or the database) before giving up (default 0).",
            valueName: "seconds"))
    var seconds: Double = 0
}
