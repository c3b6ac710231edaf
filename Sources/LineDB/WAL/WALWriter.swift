#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Synchronization

/// How hard a write waits for the disk before it returns (<doc:DurabilityAndRecovery>, "What a write promises").
public enum SyncMode: String, Sendable, CaseIterable {
    /// Every acknowledged write is on stable storage (one `fdatasync` per batch; concurrent writers share it).
    /// Like SQLite `synchronous=FULL`.
    case full
    /// Acknowledge after `write()`; a background `fdatasync` runs every 100 ms or 1,000 entries, and before
    /// every save, checkpoint and close. Safe against a process crash; a power cut may lose the last interval.
    case normal
    /// No WAL sync except at checkpoint and close: for bulk loads and tests. Loses data on a power cut but
    /// never corrupts files.
    case off
}

/// The append side of `wal/transaction.log`: assigns LSNs, writes batches with one `write()`, and syncs them
/// with group commit.
///
/// Thread model: ``append(_:)``, ``truncate(to:)``, ``reopen(endOffset:nextLSN:)`` and ``close()`` run under the
/// database's state lock, which guards `endOffset` and `nextLSN`. ``waitDurable(_:)`` and ``syncAll()`` may run
/// without it (a writer after unlocking; the `.normal` flusher thread): the LSN watermarks are under `infoLock`,
/// the descriptor's syncs and `directoryNeedsSync` under `syncLock`; concurrent callers queue on the sync lock,
/// and one `fdatasync` covers every line written before it started (group commit).
final class WALWriter: @unchecked Sendable {
    let io: FileIO
    let path: String
    let directory: String
    let mode: SyncMode

    /// The open descriptor (O_APPEND). Replaced by a checkpoint.
    private(set) var fd: Int32
    /// Bytes of the file known to be good: the end of the last complete write.
    private(set) var endOffset: Int
    /// The LSN the next line gets.
    private(set) var nextLSN: Int
    /// Set when the WAL file was just created and `wal/` must be synced before the first acknowledgement.
    /// Under `syncLock`.
    private var directoryNeedsSync: Bool

    private let syncLock = PThreadMutex()
    private let infoLock = PThreadMutex()
    private var writtenLSN: Int
    private var durable: Int
    private var poison: String?
    private var flusher: Thread?
    /// Set by ``close()`` (or deinit) on one thread, read by the flusher thread.
    private let stopFlusher = Atomic<Bool>(false)

    init(io: FileIO, path: String, directory: String, mode: SyncMode, nextLSN: Int, created: Bool) throws(LineDBError) {
        self.io = io
        self.path = path
        self.directory = directory
        self.mode = mode
        self.fd = try io.open(path, flags: O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, mode: 0o644)
        self.endOffset = io.fstat(fd)?.size ?? 0
        self.nextLSN = nextLSN
        self.writtenLSN = nextLSN - 1
        self.durable = nextLSN - 1
        self.directoryNeedsSync = created
        if mode == .normal { startFlusher() }
    }

    deinit {
        stopFlusher.store(true, ordering: .relaxed)
        if fd >= 0 { _ = systemClose(fd) }
    }

    /// The highest LSN known to be on stable storage.
    var durableLSN: Int { infoLock.withLock { durable } }

    /// Throws ``LineDBError/needsReopen(reason:)`` once a sync has failed.
    func checkHealthy() throws(LineDBError) {
        if let poison = infoLock.withLock({ poison }) { throw .needsReopen(reason: poison) }
    }

    /// Refuses every later write until the database is reopened (after a failed sync of any file).
    func setPoison(_ reason: String) {
        infoLock.withLock { if poison == nil { poison = reason } }
    }

    /// Writes a batch of complete lines (built with ``WALLine``) with one `write()`; the LSNs in it must start at
    /// ``nextLSN``. On failure the file is cut back to where it was and the error is thrown; if that repair fails
    /// too, the writer is poisoned.
    ///
    /// - Parameters:
    ///   - bytes: the lines.
    ///   - lineCount: how many lines (LSNs) the batch holds.
    ///   - final: `false` for an intermediate chunk of a large transaction (its LSNs are reserved but no
    ///     acknowledgement depends on it yet).
    /// - Returns: the last LSN written.
    @discardableResult
    func append(_ bytes: [UInt8], lineCount: Int) throws(LineDBError) -> Int {
        try checkHealthy()
        let start = endOffset
        if Failpoint.killsNext("wal.midAppend") {  // crash tests: a writer killed in the middle of its append
            _ = bytes.withUnsafeBytes { systemWrite(fd, $0.baseAddress, $0.count / 2) }
        }
        Failpoint.hit("wal.midAppend")
        do {
            try bytes.withBytes { (raw) throws(LineDBError) in try io.write(fd, raw, path: path) }
        } catch {
            repair(to: start, after: error)
            throw error
        }
        endOffset = start + bytes.count
        nextLSN += lineCount
        let last = nextLSN - 1
        infoLock.withLock { writtenLSN = last }
        Failpoint.hit("wal.afterWrite")
        return last
    }

    /// Counts `n` lines written by ``append(_:lineCount:)`` calls that passed 0 (a batch written in several pieces
    /// whose line boundaries do not match the pieces).
    func addLines(_ n: Int) {
        nextLSN += n
        let last = nextLSN - 1
        infoLock.withLock { writtenLSN = last }
    }

    /// Moves past lines another writer process appended (WALAppendLock.swift): the file now ends at `endOffset`
    /// and its last line has LSN `nextLSN - 1`. They count as written, not as synced by this writer.
    func adopt(endOffset: Int, nextLSN: Int) {
        self.endOffset = endOffset
        self.nextLSN = nextLSN
        infoLock.withLock { writtenLSN = nextLSN - 1 }
    }

    /// Cuts the file back to `offset` (after a failed write, or to drop an aborted transaction's lines) and
    /// resets the next LSN to `lsn`.
    func truncate(to offset: Int, nextLSN lsn: Int) throws(LineDBError) {
        do {
            try io.ftruncate(fd, size: offset, path: path)
            try io.fdatasync(fd, path: path)
        } catch {
            setPoison("could not cut \(path) back after a failed write: \(error)")
            throw error
        }
        endOffset = offset
        nextLSN = lsn
        infoLock.withLock {
            writtenLSN = lsn - 1
            if durable > lsn - 1 { durable = lsn - 1 }
        }
    }

    private func repair(to offset: Int, after error: LineDBError) {
        do {
            try io.ftruncate(fd, size: offset, path: path)
            try io.fdatasync(fd, path: path)
        } catch {
            setPoison("a write to \(path) failed and the file could not be cut back: \(error)")
        }
    }

    /// Returns once every line up to `lsn` is on stable storage, syncing if needed. Under ``SyncMode/full``
    /// this is the group commit: callers that arrive while a sync runs share the next one.
    func waitDurable(_ lsn: Int) throws(LineDBError) {
        try checkHealthy()
        if infoLock.withLock({ durable >= lsn }) { return }
        syncLock.lock()
        defer { syncLock.unlock() }
        try checkHealthy()
        if infoLock.withLock({ durable >= lsn }) { return }
        try syncLocked()
    }

    /// Syncs everything written so far (used by save, checkpoint, close and the `.normal` flusher).
    func syncAll() throws(LineDBError) {
        let target = infoLock.withLock { writtenLSN }
        try waitDurable(target)
        syncLock.lock()
        defer { syncLock.unlock() }
        if directoryNeedsSync { try syncLocked() }
    }

    /// Must hold `syncLock`.
    private func syncLocked() throws(LineDBError) {
        let target = infoLock.withLock { writtenLSN }
        do {
            try io.fdatasync(fd, path: path)
            if directoryNeedsSync {
                try io.syncDirectory(directory)
                directoryNeedsSync = false
            }
        } catch {
            // fsyncgate: after a failed fsync the page cache may have dropped the data; never retry and carry on.
            setPoison("syncing \(path) failed: \(error); reopen the database to recover from what is on disk")
            throw error
        }
        infoLock.withLock { if target > durable { durable = target } }
    }

    /// The value for the `synced` field of lines being written now.
    var syncedWatermark: Int { infoLock.withLock { durable } }

    /// Lines written but not yet synced (for the `.normal` flusher's 1,000-entry trigger).
    var unsyncedCount: Int { infoLock.withLock { writtenLSN - durable } }

    /// Replaces the descriptor after a checkpoint renamed a new file into place.
    func reopen(endOffset: Int, nextLSN: Int) throws(LineDBError) {
        syncLock.lock()
        defer { syncLock.unlock() }
        let newFD = try io.open(path, flags: O_WRONLY | O_APPEND | O_NOFOLLOW | O_CLOEXEC, mode: 0o644)
        _ = systemClose(fd)
        fd = newFD
        self.endOffset = endOffset
        self.nextLSN = nextLSN
        infoLock.withLock {
            writtenLSN = nextLSN - 1
            durable = nextLSN - 1
        }
    }

    /// Syncs and closes the file.
    func close() throws(LineDBError) {
        stopFlusher.store(true, ordering: .relaxed)
        defer {
            syncLock.withLock {
                if fd >= 0 { _ = systemClose(fd) }
                fd = -1
            }
        }
        if infoLock.withLock({ poison }) == nil { try syncAll() }
    }

    private func startFlusher() {
        let thread = Thread { [weak self] in
            while true {
                usleep(10_000)
                guard let self, !self.stopFlusher.load(ordering: .relaxed) else { return }
                self.flushTick += 1
                if self.flushTick >= 10 || self.unsyncedCount >= 1_000 {
                    self.flushTick = 0
                    try? self.syncAll()
                }
            }
        }
        thread.name = "linedb-wal-flusher"
        flusher = thread
        thread.start()
    }
    /// The flusher thread's own.
    private var flushTick = 0
}
