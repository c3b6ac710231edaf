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
    public var lastAutoSaveError: LineDBError? { autoSaveState.error }

    /// Called after every successful write (outside the state lock) when ``DatabaseOptions/autoSave`` is not off.
    func autoSaveAfterWrite() {
        guard path != nil else { return }  // an in-memory database has no records files
        switch options.autoSave {
        case .off:
            return
        case .afterEveryWrite:
            autoSave()
        case .every(let interval):
            autoSaveState.startTimerIfNeeded(for: self, interval: interval)
        }
    }

    /// Saves, recording the outcome. Returns `false` when the database is closed (the timer then stops).
    @discardableResult
    func autoSave() -> Bool {
        do {
            let closed = state.withLockOrHeld { isClosed }
            if closed { return false }
            if isReadOnly { return false }
            try save()
            autoSaveState.setError(nil)
        } catch {
            if case .closed = error { return false }
            autoSaveState.setError(error)
        }
        return true
    }
}

/// A database's auto-save state (`Database.autoSaveState`): the last error, and the interval timer while it runs.
/// Its own lock, not the state lock: a timer's save and a reader of ``Database/lastAutoSaveError`` never wait for a
/// write. Cancels the timer when the database goes away.
final class AutoSaveState: @unchecked Sendable {
    private let lock = PThreadMutex()
    private var lastError: LineDBError?
    private var timer: DispatchSourceTimer?

    deinit { timer?.cancel() }

    var error: LineDBError? { lock.withLock { lastError } }

    func setError(_ error: LineDBError?) { lock.withLock { lastError = error } }

    /// Stops the timer (the database is closed).
    func stopTimer() {
        lock.withLock {
            timer?.cancel()
            timer = nil
        }
    }

    /// Starts the timer that saves `db` every `interval` while it has unsaved tables, unless it runs already.
    func startTimerIfNeeded(for db: Database, interval: Duration) {
        lock.withLock {
            guard timer == nil else { return }
            let (seconds, attoseconds) = interval.components
            let nanos = max(1_000_000, Int(seconds) * 1_000_000_000 + Int(attoseconds / 1_000_000_000))
            let timer = DispatchSource.makeTimerSource(queue: DispatchQueue.global(qos: .utility))
            timer.schedule(deadline: .now() + .nanoseconds(nanos), repeating: .nanoseconds(nanos))
            // Weak: the timer must not keep the database (and so itself) alive.
            timer.setEventHandler { [weak db] in
                guard let db, !db.state.withLockOrHeld({ db.isClosed }) else {
                    db?.autoSaveState.stopTimer()
                    return
                }
                if !db.unsavedTables.isEmpty, !db.autoSave() { db.autoSaveState.stopTimer() }
            }
            self.timer = timer
            timer.resume()
        }
    }
}
