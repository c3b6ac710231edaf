#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Follows a database's `wal/transaction.log` like `tail -F`, for `linedb wal --follow` and for readers that show
/// another process's writes live (the DocC article "Durability and recovery", "Readers and writers").
///
/// ```swift
/// let follower = WALFollower(databasePath: "data/university")
/// while running {
///     for entry in try follower.poll() { print(entry.lsn, entry.operation, entry.table ?? "-") }
///     usleep(100_000)
/// }
/// ```
///
/// The first ``poll()`` returns the entries already in the file; each later one returns the entries completed
/// since. The follower never opens the database and takes no lock, so it works while a writer runs:
/// - it consumes only up to the last `\n`, so a line still being written is left for a later poll;
/// - a complete line that fails its checksum (or breaks the LSN sequence) is read again at the next poll
///   (``retryLimit`` times) before it is reported as ``LineDBError/corrupt(path:line:column:byteOffset:reason:hint:)``;
/// - entries of a multi-entry transaction (``WALEntry/txn`` set) are held back until their `COMMIT` line and then
///   returned together, followed by the `COMMIT` entry; a transaction without `COMMIT` is never returned;
/// - a checkpoint replaces `transaction.log` by a new file (a new inode): the follower reads what is left of the old
///   file, then reads the new one from its start and reports ``Rotation/replaced``. A file that shrinks, or whose
///   last read line changed (recovery cut off unsynced lines and a writer wrote new ones), is read again from its
///   start (``Rotation/truncated``); lines that are byte for byte the ones returned before are not returned again.
///
/// A follower is not thread-safe: poll it from one thread at a time.
public final class WALFollower {
    /// What a poll saw, in order.
    public enum Event: Sendable, Hashable {
        /// A complete (and, for a transaction, committed) entry.
        case entry(WALEntry)
        /// `transaction.log` was rotated; the entries after this event come from the start of the file.
        case rotated(Rotation)
    }

    /// How `transaction.log` changed under the follower.
    public enum Rotation: String, Sendable, Hashable {
        /// A new file took the name: a checkpoint archived the old one (or the database was recreated).
        case replaced
        /// What was read is no longer in the file: it got shorter (recovery cut off lines that were never synced),
        /// or its last read line changed.
        case truncated
    }

    /// The database directory.
    public let databasePath: String
    /// The followed file, `<databasePath>/wal/transaction.log`.
    public let walPath: String
    /// How many polls in a row may find the same complete line invalid before it is reported as an error
    /// (a writer may still be writing it). Default 1: report at the second poll.
    public var retryLimit = 1
    /// How many rotations were seen so far.
    public private(set) var rotationCount = 0
    /// The LSN of the last entry returned, if any.
    public private(set) var lastLSN: Int?

    private let io: FileIO
    private var fd: Int32 = -1
    private var identity: (device: UInt64, inode: UInt64)?
    /// Bytes of the current file consumed (always just after a `\n`).
    private var offset = 0
    /// Lines of the current file consumed.
    private var lineNumber = 0
    /// CRC-32C of each consumed line of the current file (to recognise them after a truncation).
    private var lineChecksums: [UInt32] = []
    /// Where the last consumed line starts (to notice that it changed).
    private var lastLineStart = 0
    /// After a truncation: the checksums of the lines consumed before it; lines that match, in order, were returned
    /// already.
    private var alreadyReturned: [UInt32]?
    /// LSN of the last valid line of the current file.
    private var previousLSN: Int?
    /// Entry lines consumed unread by ``pollEvents(decodingLast:)`` (a legacy line's implied LSN counts them).
    private var skippedLines = 0
    /// Whether a poll has run (``pollEvents(decodingLast:)`` skips history only at the first).
    private var hasPolled = false
    /// Entries of open transactions, by `txn`.
    private var pending: [Int: [WALEntry]] = [:]
    /// The invalid line that stopped the last poll, and how many polls found it invalid.
    private var suspect: (offset: Int, failures: Int)?

    /// A follower of `<databasePath>/wal/transaction.log`. Nothing is opened until the first ``poll()``; a missing
    /// file is not an error (polls return nothing until it appears).
    ///
    /// ```swift
    /// let follower = WALFollower(databasePath: "data/university")
    /// while true {
    ///     for entry in try follower.poll() { print(entry.lsn, entry.operation, entry.table ?? "") }
    ///     usleep(100_000)
    /// }
    /// ```
    ///
    /// - Parameter databasePath: the database directory.
    public convenience init(databasePath: String) {
        self.init(databasePath: databasePath, io: RealFileIO.shared)
    }

    package init(databasePath: String, io: FileIO) {
        let paths = DatabasePaths(root: databasePath)
        self.databasePath = paths.root
        self.walPath = paths.wal
        self.io = io
    }

    deinit { closeFile() }

    /// The entries completed since the last poll (at the first poll, every entry in the file), oldest first.
    ///
    /// - Throws: ``LineDBError/corrupt(path:line:column:byteOffset:reason:hint:)`` naming the line and byte when a
    ///   complete line stays invalid (see ``retryLimit``); ``LineDBError/io(operation:path:errno:)``.
    public func poll() throws(LineDBError) -> [WALEntry] {
        try pollEvents().compactMap { event in
            if case .entry(let entry) = event { return entry }
            return nil
        }
    }

    /// Like ``poll()``, with the rotations in their place among the entries.
    public func pollEvents() throws(LineDBError) -> [Event] {
        try pollEvents(decodingLast: nil)
    }

    /// Like the first ``pollEvents()``, but of the lines already in the file only the last `count` are read as
    /// entries and returned: the ones before are consumed unread (checksummed and counted, not parsed), so that a
    /// follower that shows only the latest entries does not pay for parsing a long log's history. An entry of a
    /// transaction whose earlier lines were skipped comes without them. Later polls return every new entry, as
    /// ``pollEvents()`` does; called after the first poll, this is ``pollEvents()``.
    ///
    /// ```swift
    /// let follower = WALFollower(databasePath: "data/university")
    /// let latest = try follower.pollEvents(decodingLast: 1000)   // a 64 MiB log: a scan, not 230,000 parses
    /// ```
    public func pollEvents(decodingLast count: Int?) throws(LineDBError) -> [Event] {
        var events: [Event] = []
        let decodeLast = hasPolled ? nil : count
        if fd < 0 {
            guard try openCurrent() else { return [] }
        }
        hasPolled = true
        if try readLinesChanged() {
            restart(after: .truncated, into: &events)
        }
        try readAvailable(into: &events, decodingLast: decodeLast)
        if let current = io.stat(walPath), let identity,
            current.inode != identity.inode || current.device != identity.device
        {
            // Finish the old file (a writer may have appended just before the checkpoint), then switch.
            try readAvailable(into: &events)
            closeFile()
            guard try openCurrent() else { return events }
            restart(after: .replaced, into: &events)
            try readAvailable(into: &events)
        }
        return events
    }

    // MARK: - Files

    /// Opens `transaction.log`; `false` when it does not exist.
    private func openCurrent() throws(LineDBError) -> Bool {
        do {
            fd = try io.open(walPath, flags: O_RDONLY | O_CLOEXEC, mode: 0)
        } catch {
            if case .io(_, _, let code) = error, code == ENOENT { return false }
            throw error
        }
        if let status = io.fstat(fd) {
            identity = (status.device, status.inode)
        }
        return true
    }

    private func closeFile() {
        if fd >= 0 { try? io.close(fd, path: walPath) }
        fd = -1
    }

    /// Whether the file no longer holds what was consumed: shorter than it, or the last consumed line differs.
    private func readLinesChanged() throws(LineDBError) -> Bool {
        guard offset > 0 else { return false }
        if let size = io.fstat(fd)?.size, size < offset { return true }
        let last = try io.pread(fd, count: offset - lastLineStart, offset: lastLineStart, path: walPath)
        guard last.count == offset - lastLineStart, last.last == 10 else { return true }
        return CRC32C.checksum(Array(last.dropLast())) != lineChecksums.last
    }

    private func restart(after rotation: Rotation, into events: inout [Event]) {
        alreadyReturned = rotation == .truncated ? lineChecksums : nil
        lineChecksums.removeAll()
        lastLineStart = 0
        offset = 0
        lineNumber = 0
        previousLSN = nil
        skippedLines = 0
        pending.removeAll()
        suspect = nil
        rotationCount += 1
        events.append(.rotated(rotation))
    }

    // MARK: - Lines

    /// Reads from `offset` to the end of the file and turns every complete line into entries (with `decodingLast`,
    /// only the last that many lines; the ones before are consumed unread).
    private func readAvailable(into events: inout [Event], decodingLast: Int? = nil) throws(LineDBError) {
        var bytes: [UInt8] = []
        while true {
            let chunk = try io.pread(fd, count: 1 << 20, offset: offset + bytes.count, path: walPath)
            if chunk.isEmpty { break }
            bytes += chunk
        }
        guard let lastNewline = bytes.lastIndex(of: 10) else { return }
        // Where the last `decodingLast` lines start: after the decodingLast-th `\n` before the last one.
        var decodeFrom = 0
        if let wanted = decodingLast {
            var seen = 0
            var i = lastNewline
            while i > 0 && seen < max(0, wanted) {
                i -= 1
                if bytes[i] == 10 {
                    seen += 1
                    if seen == wanted { decodeFrom = i + 1 }
                }
            }
            if wanted <= 0 { decodeFrom = lastNewline + 1 }
        }
        try bytes.withBuffer { (buffer) throws(LineDBError) in
            var lineStart = 0
            while lineStart <= lastNewline {
                let line = JSONLines.line(in: buffer, at: lineStart, limit: lastNewline + 1, number: lineNumber + 1)
                let fileOffset = offset
                let content = UnsafeBufferPointer(rebasing: buffer[line.start..<line.end])
                let checksum = CRC32C.checksum(UnsafeBufferPointer(rebasing: buffer[line.start..<(line.next - 1)]))
                if line.start < decodeFrom {
                    if !JSONLines.isBlank(buffer, line) { skippedLines += 1 }
                } else if !JSONLines.isBlank(buffer, line) {
                    switch decode(content, lineNumber: lineNumber + 1, byteOffset: fileOffset) {
                    case .success(let entry):
                        suspect = nil
                        previousLSN = entry.lsn
                        deliver(entry, returnedBefore: wasReturned(checksum), into: &events)
                    case .failure(let problem):
                        let failures = suspect?.offset == fileOffset ? suspect!.failures + 1 : 1
                        suspect = (fileOffset, failures)
                        if failures > retryLimit {
                            throw .corrupt(
                                path: walPath, line: lineNumber + 1, column: nil, byteOffset: fileOffset,
                                reason: problem.reason,
                                hint: "the line stayed invalid after \(failures) reads; `linedb check` tells more")
                        }
                        return  // read it again at the next poll
                    }
                }
                lineChecksums.append(checksum)
                lastLineStart = offset
                lineNumber += 1
                offset += line.next - line.start
                lineStart = line.next
            }
        }
    }

    /// Decodes a line and checks that a sealed line continues the LSN sequence of the file.
    private func decode(_ line: UnsafeBufferPointer<UInt8>, lineNumber: Int, byteOffset: Int)
        -> Result<WALEntry, WALLine.Problem>
    {
        let expected = (previousLSN ?? skippedLines) + 1
        let decoded = WALLine.decode(line, lineNumber: lineNumber, byteOffset: byteOffset, impliedLSN: expected)
        if case .success(let entry) = decoded, !entry.isLegacy, let previousLSN, entry.lsn != previousLSN + 1 {
            return .failure(WALLine.Problem(
                reason: "lsn \(entry.lsn) where \(previousLSN + 1) was expected"
                    + " (a line is missing, duplicated or out of order)",
                offsetInLine: nil))
        }
        return decoded
    }

    /// After a truncation, whether the line about to be consumed is the one consumed at the same place before (all
    /// earlier ones being the same too).
    private func wasReturned(_ checksum: UInt32) -> Bool {
        guard let before = alreadyReturned else { return false }
        if lineChecksums.count < before.count, before[lineChecksums.count] == checksum { return true }
        alreadyReturned = nil  // from here on, everything is new
        return false
    }

    /// Returns an entry, or holds it back until its transaction commits. An entry returned before a truncation is
    /// not returned again (a transaction's held entries were returned with its COMMIT).
    private func deliver(_ entry: WALEntry, returnedBefore: Bool, into events: inout [Event]) {
        if let txn = entry.txn {
            guard entry.operationKind == .commit else {
                pending[txn, default: []].append(entry)
                return
            }
            let held = pending.removeValue(forKey: txn) ?? []
            if returnedBefore { return }
            for e in held { events.append(.entry(e)) }
        } else if returnedBefore {
            return
        }
        events.append(.entry(entry))
        lastLSN = entry.lsn
    }
}
