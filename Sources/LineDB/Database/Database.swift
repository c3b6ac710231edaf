#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An embedded database whose tables are plain files: `schema/<table>.schema.json`,
/// `data/<table>.records` (JSON Lines) and a JSON Lines write-ahead log `wal/transaction.log`.
///
/// ```swift
/// let db = try Database(name: "university", basePath: "./data")
/// try db.createTable(TableSchema("student", columns: [
///     Column("id", .int, primaryKey: true),
///     Column("name", .str, nullable: false),
///     Column("email", .str, unique: true),
///     Column("gpa", .float, default: 0.0),
/// ]))
/// let id = try db.insert("student", ["name": "Alice", "email": "alice@university.edu", "gpa": 3.8])
/// try db.save()
/// ```
///
/// Opening a database is recovery: the records files are loaded and the WAL is replayed over them, so every
/// write that returned before a crash is there again. One process writes at a time (a `flock` on `.lock`), or one
/// per table (``DatabaseOptions/writeScope``); any number may open it read-only.
///
/// > Important: Under the default ``SyncMode/full`` a write (insert, update, delete, transaction, create or drop
/// > table) is on stable storage in the WAL when the call returns. ``save()`` materialises the changes into the
/// > records files; ``checkpoint()`` saves and archives the WAL.
///
/// All methods are thread-safe. Concurrent writers share one WAL sync (group commit). They are not reentrant: the
/// thread inside a ``transaction(_:)``'s closure holds the database, and its own calls to the database's methods
/// throw ``LineDBError/reentrantCall`` (use the ``Transaction``'s methods there). Predicates and sorts given to
/// ``select(_:where:orderBy:descending:offset:limit:)`` and ``stream(_:where:limit:)`` run without holding it.
public final class Database: @unchecked Sendable {
    /// The database directory, or `nil` for an in-memory database.
    public let path: String?
    /// The options it was opened with.
    public let options: DatabaseOptions
    /// Whether writes are refused (opened read-only, another process holds the writer lock, or the files cannot be
    /// written): ``readOnlyCause`` says which.
    public let isReadOnly: Bool
    /// Why writes are refused, when ``isReadOnly``; `nil` for a writable database.
    public let readOnlyCause: ReadOnlyCause?
    /// What recovery noticed and repaired or ignored at open (torn tails, unknown types, discarded transactions).
    /// Replaced by ``load()``; read under the state lock (another thread may be loading).
    public internal(set) var warnings: [String] {
        get { state.withLockOrHeld { recoveryWarnings } }
        _modify { yield &recoveryWarnings }  // (by recovery: at open, or under the state lock)
    }
    private var recoveryWarnings: [String] = []

    let io: FileIO
    let paths: DatabasePaths?
    /// Guards every table, the WAL writer's append side and the persistence state. A call from the thread that
    /// holds it throws ``LineDBError/reentrantCall``.
    let state = DatabaseLock()
    var tables = NameMap<TableState>()
    /// Tables dropped (by the API or by replay) whose files are still to be removed at the next save.
    var pendingFileRemovals = NameSet()
    /// Tables whose schema file must be (re)written at the next save (recreated from the WAL).
    var pendingSchemaWrites = NameSet()
    var wal: WALWriter?
    var lock: WriterLock?
    /// A table writer's locks (``DatabaseOptions/writeScope`` other than `.database`; TableLocks.swift).
    var tableLocks: TableLocks?
    /// Valid entries in the current WAL file.
    var walEntryCount = 0
    var isClosed = false
    /// Set while a checkpoint runs, so the auto-checkpoint does not recurse.
    var checkpointing = false
    /// A read-only database's place in the WAL, for ``refresh()``.
    var follow: FollowState?
    /// What ``saveProgress`` reads (SaveProgress.swift).
    let saveProgressCell = SaveProgressCell()
    /// Auto-save's last error and interval timer (Database+AutoSave.swift).
    let autoSaveState = AutoSaveState()

    /// Opens (or creates) the database `<basePath>/<name>`, the seed's `Database(name:, persist:, base_path:)`.
    ///
    /// - Parameters:
    ///   - name: the database name (a directory under `basePath`).
    ///   - persist: `false` for a purely in-memory database that writes no file.
    ///   - basePath: the parent directory, `./data` by default.
    ///   - options: sync mode, read-only, auto-checkpoint.
    /// - Throws: ``LineDBError/locked(path:pid:host:)`` when another process writes it;
    ///   ``LineDBError/corrupt(path:line:column:byteOffset:reason:hint:)`` when a file cannot be trusted
    ///   (nothing is changed then); ``LineDBError/io(operation:path:errno:)``.
    public convenience init(
        name: String, persist: Bool = true, basePath: String = "./data", options: DatabaseOptions = DatabaseOptions()
    ) throws(LineDBError) {
        if persist {
            try self.init(path: basePath + "/" + name, options: options, createParent: true)
        } else {
            self.init(inMemoryWith: options)
        }
    }

    /// Opens (or creates, unless read-only) the database in directory `path`.
    ///
    /// ```swift
    /// let db = try Database(path: "data/university", options: DatabaseOptions(syncMode: .normal))
    /// ```
    ///
    /// Opening is recovery: see <doc:DurabilityAndRecovery>. Read ``warnings`` afterwards for what it repaired.
    ///
    /// - Parameters:
    ///   - path: the database directory; its parent must exist. Created with `schema/`, `data/` and `wal/` when
    ///     missing (unless ``DatabaseOptions/readOnly``).
    ///   - options: sync mode, read-only, auto-checkpoint.
    /// - Throws: as ``init(name:persist:basePath:options:)``.
    public convenience init(path: String, options: DatabaseOptions = DatabaseOptions()) throws(LineDBError) {
        try self.init(path: path, options: options, createParent: false)
    }

    /// An in-memory database: same API, no files, nothing survives the process.
    ///
    /// ``save()`` and ``checkpoint()`` do nothing on it; ``stats()`` has no `disk` part.
    ///
    /// - Parameter options: the options (only ``DatabaseOptions/readOnly`` matters without files).
    public static func inMemory(options: DatabaseOptions = DatabaseOptions()) -> Database {
        Database(inMemoryWith: options)
    }

    private init(inMemoryWith options: DatabaseOptions) {
        self.path = nil
        self.paths = nil
        self.options = options
        self.io = options.fileIO
        self.isReadOnly = options.readOnly
        self.readOnlyCause = options.readOnly ? .asked : nil
    }

    private init(path: String, options: DatabaseOptions, createParent: Bool) throws(LineDBError) {
        let paths = DatabasePaths(root: path)
        self.paths = paths
        self.path = paths.root
        self.options = options
        self.io = options.fileIO
        var cause: ReadOnlyCause? = options.readOnly ? .asked : nil
        if cause == nil {
            do throws(LineDBError) {
                try Database.createLayout(io: io, paths: paths, createParent: createParent)
                if let reason = Database.unwritableReason(io: io, paths: paths) { throw .readOnly(reason: reason) }
                if options.writeScope == .database {
                    lock = try WriterLock(io: io, path: paths.lock, databasePath: paths.root, wait: options.lockWait)
                } else {
                    tableLocks = try TableLocks(io: io, paths: paths, scope: options.writeScope, wait: options.lockWait)
                }
            } catch {
                // A read-only file system, or no permission: the files cannot be written, whoever asks.
                let unwritable: String?
                if case .readOnly(let reason) = error { unwritable = reason } else {
                    unwritable = Database.unwritableReason(for: error)
                }
                if case .locked = error, options.readOnlyIfLocked {
                    cause = .lockHeld
                    recoveryWarnings.append("\(paths.root) is being written by another process; opened read-only")
                } else if let unwritable, options.readOnlyIfLocked, io.stat(paths.root)?.isDirectory == true {
                    cause = .unwritable(unwritable)
                    recoveryWarnings.append("\(unwritable); opened read-only")
                } else if let unwritable {
                    throw .readOnly(reason: unwritable)
                } else {
                    throw error
                }
            }
        } else if io.stat(paths.root)?.isDirectory != true {
            throw .io(operation: "open database", path: paths.root, errno: ENOENT)
        }
        self.isReadOnly = cause != nil
        self.readOnlyCause = cause
        try recover()
    }

    deinit {
        if !isClosed { try? close() }
    }

    /// Syncs the WAL and releases the writer lock. Unsaved changes stay in the WAL and come back at the next open.
    ///
    /// Later writes throw ``LineDBError/closed``; closing twice is harmless. A database that is not closed is
    /// closed when it is deinitialised.
    ///
    /// - Throws: ``LineDBError/io(operation:path:errno:)`` when the final sync fails.
    /// > Important: After `close()` every write made before it is on stable storage, whatever the sync mode.
    public func close() throws(LineDBError) {
        try state.withLock { () throws(LineDBError) in
            guard !isClosed else { return }
            isClosed = true
            defer {
                lock?.release()
                lock = nil
                tableLocks?.release()
                tableLocks = nil
            }
            try wal?.close()
            wal = nil
        }
    }

    /// Reads the database from disk again, as a new open would: the seed's `db.load()`.
    ///
    /// Every acknowledged write is in the WAL, so nothing is lost; unsaved changes come back from it.
    ///
    /// - Throws: as ``init(path:options:)``, for a file that cannot be trusted.
    public func load() throws(LineDBError) {
        try state.withLock { () throws(LineDBError) in try loadLocked() }
    }

    func loadLocked() throws(LineDBError) {
        try requireOpen()
        guard paths != nil else { return }
        try wal?.close()
        wal = nil
        tables = [:]
        pendingFileRemovals = []
        pendingSchemaWrites = []
        warnings = []
        follow = nil
        try recover()
    }

    /// Creates the directory layout, fsyncing each parent after a `mkdir` (a fresh database must survive a crash).
    private static func createLayout(io: FileIO, paths: DatabasePaths, createParent: Bool) throws(LineDBError) {
        let root = paths.root
        if io.stat(root)?.isDirectory != true {
            if createParent {
                var prefix = root.hasPrefix("/") ? "" : "."
                for part in root.split(separator: "/").dropLast() {
                    prefix += "/" + part
                    if prefix == "./." { continue }
                    if io.stat(prefix) == nil { try io.mkdir(prefix) }
                }
            }
            try io.mkdir(root)
            try io.syncDirectory(Database.parent(of: root))
        }
        var created = false
        for dir in [paths.schemaDir, paths.dataDir, paths.walDir] where io.stat(dir)?.isDirectory != true {
            try io.mkdir(dir)
            created = true
        }
        if created { try io.syncDirectory(root) }
    }

    static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    // MARK: - Shared helpers (state lock held)

    func requireOpen() throws(LineDBError) {
        if isClosed { throw .closed }
    }

    func requireWritable() throws(LineDBError) {
        try requireOpen()
        switch readOnlyCause {
        case nil: break
        case .asked: throw .readOnly(reason: "\(path ?? "the database") was opened read-only")
        case .lockHeld: throw .readOnly(reason: "another process holds the writer lock on \(path ?? "the database")")
        case .unwritable(let reason): throw .readOnly(reason: reason)
        }
        try wal?.checkHealthy()
    }

    func table(_ name: String) throws(LineDBError) -> TableState {
        guard let t = tables[name] else {
            throw .tableNotFound(table: name, suggestion: Suggest.closest(name, in: Array(tables.keys)))
        }
        return t
    }

    func writableTable(_ name: String) throws(LineDBError) -> TableState {
        let t = try table(name)
        if let reason = t.readOnlyReason ?? tableLockRefusal(name) { throw .readOnly(reason: reason) }
        return t
    }
}
