import Dispatch

/// When a database saves its records files by itself (the seed's "auto-save mode"); see
/// ``DatabaseOptions/autoSave``.
///
/// ```swift
/// var options = DatabaseOptions()
/// options.autoSave = .afterEveryWrite          // records file == table after every write
/// let db = try Database(name: "university", options: options)
///
/// options.autoSave = .every(.seconds(5))       // at most 5 s behind, whatever the write rate
/// ```
///
/// Auto-save is about the records files only: every write is already durable in the WAL when it returns (under
/// ``SyncMode/full``), with or without it. What it buys is records files that are up to date for readers that do
/// not replay the WAL (`cat`, `grep`, the seed's Python design, ``RecordsFileReader``) and a shorter WAL replay.
///
/// A failed auto-save does not fail the write that triggered it (that write is durable in the WAL): it is kept in
/// ``Database/lastAutoSaveError`` and the next save tries again.
public enum AutoSave: Sendable, Hashable {
    /// Never: the records files change only at ``Database/save()`` and ``Database/checkpoint()``.
    case off

    /// Save after every write call (an insert, update, delete, or a whole transaction), before it returns.
    ///
    /// Cost: an insert appends its line to the records file and syncs it (`fdatasync`): one more sync per write,
    /// so a durable single insert takes about twice as long. Measured by `linedb-bench --quick` (1,000 inserts
    /// each way, alternating, sync ``SyncMode/full``, ext4 on a shared 2-core VM): median 375 µs per insert with
    /// auto-save after every write against 185 µs without, 2.0×. An update or a delete cannot be appended: the
    /// records file of that table is rewritten whole (temporary file, fsync, rename), O(table size) per write;
    /// for a large table that is updated often, prefer ``every(_:)`` or explicit saves. Many writes in one
    /// ``Database/transaction(_:)`` or ``Database/insert(_:records:)`` are saved once.
    case afterEveryWrite

    /// Save at most `interval` after a change, from a background timer that starts at the first write.
    ///
    /// Cost: writes are not slowed (the save runs on another thread, holding the database for its duration); each
    /// save costs what ``Database/save()`` costs for the changes since the last one (appends for inserts, a rewrite
    /// of each table that had an update or delete). The records files lag the tables by at most `interval` plus
    /// the save's own time.
    case every(Duration)
}

/// Auto-save (``DatabaseOptions/autoSave``): the hook that ``Database`` calls after each write.
extension Database {
    /// The error of the latest automatic save, if it failed (cleared by the next one that succeeds).
    public var lastAutoSaveError: LineDBError? { AutoSaveRegistry.shared.lastError(of: self) }

    /// Called after every successful write (outside the state lock) when ``DatabaseOptions/autoSave`` is not off.
    func autoSaveAfterWrite() {
        guard path != nil else { return }  // an in-memory database has no records files
        switch options.autoSave {
        case .off:
            return
        case .afterEveryWrite:
            autoSave()
        case .every(let interval):
            AutoSaveRegistry.shared.startTimerIfNeeded(for: self, interval: interval)
        }
    }

    /// Saves, recording the outcome. Returns `false` when the database is closed (the timer then stops).
    @discardableResult
    fileprivate func autoSave() -> Bool {
        do {
            let closed = state.withLockOrHeld { isClosed }
            if closed { return false }
            if isReadOnly { return false }
            try save()
            AutoSaveRegistry.shared.setError(nil, of: self)
        } catch {
            if case .closed = error { return false }
            AutoSaveRegistry.shared.setError(error, of: self)
        }
        return true
    }
}

/// Per-database auto-save state that ``Database`` has no stored property for: the last error, and whether the
/// interval timer runs. Entries whose database is gone are dropped as new ones are added.
private final class AutoSaveRegistry: @unchecked Sendable {
    static let shared = AutoSaveRegistry()

    private final class Entry {
        weak var database: Database?
        var lastError: LineDBError?
        var timer: DispatchSourceTimer?
        init(_ database: Database) { self.database = database }
    }

    private let lock = PThreadMutex()
    private var entries: [ObjectIdentifier: Entry] = [:]

    private func entry(_ db: Database) -> Entry {
        let id = ObjectIdentifier(db)
        if let e = entries[id], e.database === db { return e }
        for (_, dead) in entries where dead.database == nil { dead.timer?.cancel() }
        entries = entries.filter { $0.value.database != nil }
        let e = Entry(db)
        entries[id] = e
        return e
    }

    func lastError(of db: Database) -> LineDBError? {
        lock.withLock { entries[ObjectIdentifier(db)].flatMap { $0.database === db ? $0.lastError : nil } }
    }

    func setError(_ error: LineDBError?, of db: Database) {
        lock.withLock {
            if error == nil && entries[ObjectIdentifier(db)] == nil { return }
            entry(db).lastError = error
        }
    }

    func startTimerIfNeeded(for db: Database, interval: Duration) {
        lock.withLock {
            let e = entry(db)
            guard e.timer == nil else { return }
            let (seconds, attoseconds) = interval.components
            let nanos = max(1_000_000, Int(seconds) * 1_000_000_000 + Int(attoseconds / 1_000_000_000))
            let timer = DispatchSource.makeTimerSource(queue: DispatchQueue.global(qos: .utility))
            timer.schedule(deadline: .now() + .nanoseconds(nanos), repeating: .nanoseconds(nanos))
            timer.setEventHandler { [weak db, weak e] in
                guard let db, !db.state.withLockOrHeld({ db.isClosed }) else {
                    e?.timer?.cancel()
                    return
                }
                if !db.unsavedTables.isEmpty, !db.autoSave() { e?.timer?.cancel() }
            }
            e.timer = timer
            timer.resume()
        }
    }
}
