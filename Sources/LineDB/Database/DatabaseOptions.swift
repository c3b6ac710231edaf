/// How a database is opened.
public struct DatabaseOptions: Sendable {
    /// How hard writes wait for the disk. Default ``SyncMode/full``: durable when the call returns.
    public var syncMode: SyncMode = .full
    /// Open without taking the writer lock and without changing any file; every write is refused.
    public var readOnly = false
    /// When another process holds the writer lock, or the files cannot be written at all (a read-only file
    /// system, no permission to create or open `.lock` or to write the directories), open read-only instead of
    /// failing: ``Database/readOnlyCause`` then says which, and ``Database/warnings`` says why.
    public var readOnlyIfLocked = false
    /// Which tables this process writes: the whole database (``WriteScope/database``, the default: one writer
    /// process at a time), or only some tables, so that another process can write the others at the same time
    /// (``WriteScope/tables(_:)``, ``WriteScope/availableTables``). See ``WriteScope``.
    public var writeScope: WriteScope = .database
    /// How many seconds to wait for a lock another writer holds (the database's, a table's, or every table's for a
    /// checkpoint) before refusing with ``LineDBError/locked(path:pid:host:)``. Default 0: refuse at once.
    public var lockWait: Double = 0
    /// Checkpoint automatically when the WAL grows past this many bytes (`nil`: never). Default 64 MiB,
    /// which bounds the replay time at open.
    public var autoCheckpointBytes: Int? = 64 << 20
    /// Remove the archives this rule does not need after every checkpoint (``Database/compactHistory(_:dryRun:)``),
    /// the automatic ones included. Default `nil`: archives are kept for ever. A failure to remove one is a
    /// warning (``Database/warnings``), never the checkpoint's failure.
    public var historyRetention: RetentionRule? = nil
    /// Write an index sidecar next to each archive a checkpoint leaves (`wal/<archive>.idx`), so that a record's
    /// history reads a few lines of each archive instead of all of it. Default `true`. It is never the truth:
    /// without it, history reads the archives whole.
    public var indexArchives = true
    /// Save updated and deleted records by patching the records file where they are (padded with spaces inside
    /// the object), through a redo file that makes the patches crash-safe, instead of rewriting the whole file.
    /// Default `true`. A record whose new version is longer than its line moves to the end of the file and of the
    /// table's order; `false` keeps the old behaviour, in which any change but an insert rewrites the file whole
    /// (and every record keeps its place).
    public var inPlaceSaves = true
    /// Gzip each archive a checkpoint leaves: `wal/transaction.<stamp>.log.gz`, written durably before the plain
    /// archive is removed (History/GzipArchives.swift). Default `true`. History, `check`, `stats` and retention read
    /// gzipped archives; the archive index is not used for them (history reads them whole).
    public var gzipArchives = true
    /// Keep a binary snapshot of each table in `snapshot/<table>.snapshot`, written at every
    /// checkpoint, and open a table from it while it is tied to the records file (same size, times, inode and
    /// sampled checksum): several times faster than parsing the JSON Lines. Default `true`. It is only a cache:
    /// one that does not match is ignored (with a warning) and rewritten at the next checkpoint; deleting it loses
    /// nothing.
    public var snapshots = true
    /// The largest record accepted, in bytes of its compact JSON (its line in the records file): a larger one is
    /// refused at insert, update and import, naming the table and the limit. Default 16 MiB.
    ///
    /// A record already in the database is never refused: one loaded from a records file written by another
    /// program with a larger line can always be deleted, or updated to a record within the limit (its WAL line
    /// carries the old record; no reader limits the length of a line).
    public var maxLineBytes = 16 << 20
    /// Where the time written into the files comes from (WAL timestamps, archive names). Default ``SystemClock``.
    public var clock: any DatabaseClock = SystemClock()
    /// Save the records files automatically (the seed's "auto-save mode"): after every write, or every interval.
    /// Default ``AutoSave/off``: the records files change only at ``Database/save()`` and ``Database/checkpoint()``
    /// (writes are durable in the WAL either way). See ``AutoSave`` for what each mode costs.
    public var autoSave: AutoSave = .off
    /// Called while opening, from the opening thread, as each table's records file is read (at least at its start
    /// and its end, and about every 4 MiB between): for a progress display.
    public var loadProgress: (@Sendable (LoadProgress) -> Void)? = nil

    /// What recovery does with damage it would otherwise refuse (used by `linedb recover`): records lines that
    /// cannot be loaded, records that break a UNIQUE or key rule, and WAL entries that cannot be replayed are moved
    /// to `quarantine/` or skipped with a warning.
    package var salvage = false
    /// With ``salvage``, also keep a WAL damaged in the middle up to the damage and move the rest to
    /// `quarantine/` (`linedb recover --to-point-in-time`): that drops intact later entries, so it is asked for.
    package var salvageWALPrefix = false
    /// The file-system seam; tests pass a `FaultyFileIO` (target `LineDBTestSupport`).
    package var fileIO: FileIO = RealFileIO.shared

    /// Default options: durable writes, writer lock, auto-checkpoint at 64 MiB.
    public init() {}

    /// Options with a sync mode.
    ///
    /// ```swift
    /// let db = try Database(path: "data/bulk", options: DatabaseOptions(syncMode: .off))
    /// ```
    ///
    /// - Parameters:
    ///   - syncMode: how hard writes wait for the disk; see <doc:DurabilityAndRecovery>.
    ///   - readOnly: open without the writer lock and refuse every write.
    public init(syncMode: SyncMode, readOnly: Bool = false) {
        self.syncMode = syncMode
        self.readOnly = readOnly
    }
}

/// Why a database refuses writes (``Database/readOnlyCause``).
public enum ReadOnlyCause: Sendable, Equatable {
    /// It was opened read-only (``DatabaseOptions/readOnly``).
    case asked
    /// Another process holds the writer lock (with ``DatabaseOptions/readOnlyIfLocked``).
    case lockHeld
    /// Its files cannot be written: a read-only file system or no permission, as the reason says (with
    /// ``DatabaseOptions/readOnlyIfLocked``).
    case unwritable(String)
}

/// The files of one database directory (the DocC article "The on-disk format"; the README's "On disk").
package struct DatabasePaths: Sendable {
    package let root: String
    package var schemaDir: String { root + "/schema" }
    package var dataDir: String { root + "/data" }
    package var walDir: String { root + "/wal" }
    package var wal: String { root + "/wal/transaction.log" }
    package var walTemp: String { root + "/wal/.transaction.log.tmp" }
    package var lock: String { root + "/.lock" }
    /// Per-table writer locks and the WAL append lock (TableLocks.swift).
    package var locksDir: String { root + "/locks" }
    package var quarantineDir: String { root + "/quarantine" }
    package func schemaFile(_ table: String) -> String { "\(root)/schema/\(table).schema.json" }
    package func recordsFile(_ table: String) -> String { "\(root)/data/\(table).records" }

    package init(root: String) {
        var r = root
        while r.count > 1 && r.hasSuffix("/") { r.removeLast() }
        self.root = r
    }

    /// Whether a WAL directory entry is an archive: `transaction.<YYYYMMDD_HHMMSS>[_N].log`, or that gzipped
    /// (`.log.gz`, History/GzipArchives.swift).
    package static func isArchiveName(_ name: String) -> Bool {
        name.hasPrefix("transaction.") && (name.hasSuffix(".log") || name.hasSuffix(".log.gz"))
            && name != "transaction.log" && name != "transaction.log.gz"
    }
}
