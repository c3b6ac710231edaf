import Dispatch

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The WAL scan of an open: ``WALScanner``'s rules over lines that other threads decode ahead.
///
/// Replaying a long WAL is the open's slow part after a crash (issue 16: 1M unsaved entries took 10 s). Its work
/// per line is checking the seal and parsing the JSON; only applying the entries must run in order. So the file is
/// cut into segments at line breaks, and background threads check and decode the lines of the next segments
/// (``WALReplayLine``: straight into rows, without an object per record) while this thread runs the scanner over
/// the lines in order and applies them. At most two segments per core are decoded ahead, so the decoded rows in
/// flight stay a few megabytes. Lines the fast path does not take are decoded here, by
/// ``WALLine/decode(_:lineNumber:byteOffset:impliedLSN:)``, exactly as before.
enum WALReplayScan {
    /// What the scanner hands to the replay.
    enum Item {
        case fast(WALReplayLine)
        case entry(WALEntry)
    }

    /// Bytes per segment decoded on one thread.
    static let segmentBytes = 1 << 20

    /// Scans `bytes` (the whole WAL) as ``WALScanner/scan(_:path:firstImpliedLSN:hint:skip:visit:)`` does and
    /// applies every entry of the valid prefix to `replay`, in order. Threads decode ahead when the file holds at
    /// least two segments of `segmentBytes` (tests make them small).
    static func scan(
        _ bytes: UnsafeBufferPointer<UInt8>, path: String, firstImpliedLSN: Int, replay: inout Replay,
        segmentBytes: Int = WALReplayScan.segmentBytes
    ) throws(LineDBError) -> WALScanner.Result {
        let tables = TableSchemas(replay.tables)
        let threads = bytes.count >= 2 * segmentBytes ? max(1, min(8, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))) : 1
        let ahead = Ahead(bytes: bytes, tables: tables, threads: threads, segmentBytes: segmentBytes)
        defer { ahead.finish() }
        var cursor = Ahead.Cursor()
        var replayTables = replay.tables
        let decode = { (line: UnsafeBufferPointer<UInt8>, info: JSONLine, implied: Int) -> Result<Item, WALLine.Problem> in
            if var fast = ahead.decoded(at: info.start, cursor: &cursor, line: line, tables: replayTables) {
                fast.lineNumber = info.number
                fast.byteOffset = info.start
                fast.lineLength = line.count
                return .success(.fast(fast))
            }
            return WALLine.decode(line, lineNumber: info.number, byteOffset: info.start, impliedLSN: implied).map {
                .entry($0)
            }
        }
        do {
            return try WALScanner.scan(
                bytes, path: path, firstImpliedLSN: firstImpliedLSN, decode: decode,
                sequence: { item in
                    switch item {
                    case .fast(let f): return (f.lsn, false)
                    case .entry(let e): return (e.lsn, e.isLegacy)
                    }
                }
            ) { item in
                switch item {
                case .fast(let f):
                    try replay.apply(f, line: UnsafeBufferPointer(rebasing: bytes[f.byteOffset..<(f.byteOffset + f.lineLength)]))
                case .entry(let e):
                    try replay.apply(e)
                }
                replayTables = replay.tables
            }
        } catch let error as LineDBError {
            throw error
        } catch {
            throw .invalidInput(reason: "\(error)")
        }
    }

    /// Each table's schema and identity when the scan starts (the threads read these, never the tables).
    struct TableSchemas: @unchecked Sendable {
        var byName: NameMap<(ObjectIdentifier, TableSchema)>
        init(_ tables: NameMap<TableState>) {
            byName = NameMap()
            for (name, t) in tables where t.readOnlyReason == nil { byName[name] = (ObjectIdentifier(t), t.schema) }
        }
    }

    /// The lines of one segment that the fast path framed, by offset, with the table each was prepared for.
    struct Segment {
        var starts: [Int] = []
        var lines: [WALReplayLine] = []
        /// Per line, the table its record was tried with (`nil`: the table was not known to the thread).
        var triedWith: [ObjectIdentifier?] = []
    }

    /// Frames and prepares the lines of `bytes[from..<to]` (`from` at a line start).
    static func decodeSegment(_ bytes: UnsafeBufferPointer<UInt8>, from: Int, to: Int, tables: TableSchemas) -> Segment {
        var segment = Segment()
        segment.starts.reserveCapacity((to - from) / 128)
        segment.lines.reserveCapacity((to - from) / 128)
        segment.triedWith.reserveCapacity((to - from) / 128)
        var offset = from
        var lastName = ""
        var lastTable: (ObjectIdentifier, TableSchema)? = nil
        while offset < to {
            let line = JSONLines.line(in: bytes, at: offset, limit: to, number: 0)
            defer { offset = line.next }
            guard line.complete else { break }  // an incomplete last line is the scanner's to judge
            let content = UnsafeBufferPointer(rebasing: bytes[line.start..<line.end])
            guard var fast = WALReplayLine.frame(content) else { continue }
            if fast.table != lastName || lastTable == nil {
                lastName = fast.table
                lastTable = tables.byName[fast.table]
            } else {
                fast.table = lastName  // one string for the table's lines
            }
            var tried: ObjectIdentifier? = nil
            if let (id, schema) = lastTable {
                tried = id
                fast.prepared = WALReplayLine.prepare(fast, line: content, schema: schema, table: id)
            }
            segment.starts.append(line.start)
            segment.lines.append(fast)
            segment.triedWith.append(tried)
        }
        return segment
    }

    /// The segments decoded ahead of the scanner, on background threads.
    final class Ahead: @unchecked Sendable {
        private let bytes: UnsafeBufferPointer<UInt8>
        private let tables: TableSchemas
        private let threads: Int
        /// Segment boundaries: segment k is `bounds[k]..<bounds[k + 1]`.
        private var bounds: [Int] = []
        private let lock = PThreadMutex()
        private var results: [Int: Segment] = [:]
        private var ready: [Int: DispatchSemaphore] = [:]
        private let group = DispatchGroup()
        private var submitted = 0

        struct Cursor {
            var segment = -1
            var index = 0
            var current = Segment()
        }

        init(bytes: UnsafeBufferPointer<UInt8>, tables: TableSchemas, threads: Int, segmentBytes: Int) {
            self.bytes = bytes
            self.tables = tables
            self.threads = threads
            // Cut at line breaks about `segmentBytes` apart (a line longer than that makes its segment longer).
            bounds = [0]
            var at = 0
            while at < bytes.count {
                var cut = min(bytes.count, at + segmentBytes)
                if cut < bytes.count, let base = bytes.baseAddress,
                    let nl = memchr(base + cut, 10, bytes.count - cut)
                {
                    cut = base.distance(to: nl.assumingMemoryBound(to: UInt8.self)) + 1
                } else {
                    cut = bytes.count
                }
                bounds.append(cut)
                at = cut
            }
            if threads > 1 { for _ in 0..<min(2 * threads, segmentCount) { submitNext() } }
        }

        private var segmentCount: Int { bounds.count - 1 }

        private func submitNext() {
            guard submitted < segmentCount else { return }
            let k = submitted
            submitted += 1
            let semaphore = DispatchSemaphore(value: 0)
            lock.withLock { ready[k] = semaphore }
            let (from, to) = (bounds[k], bounds[k + 1])
            DispatchQueue.global(qos: .userInitiated).async(group: group) { [self] in
                let s = WALReplayScan.decodeSegment(self.bytes, from: from, to: to, tables: self.tables)
                lock.withLock { results[k] = s }
                semaphore.signal()
            }
        }

        private func take(_ k: Int) -> Segment {
            if threads == 1 { return WALReplayScan.decodeSegment(bytes, from: bounds[k], to: bounds[k + 1], tables: tables) }
            while submitted <= k { submitNext() }
            let semaphore = lock.withLock { ready[k]! }
            semaphore.wait()
            let s = lock.withLock {
                ready[k] = nil
                return results.removeValue(forKey: k)!
            }
            submitNext()
            return s
        }

        /// The fast decode of the line at `start`, if the fast path takes it: prepared for the table that now has
        /// the line's name in `tables` (prepared again here when that is not the table it was prepared for).
        func decoded(
            at start: Int, cursor: inout Cursor, line: UnsafeBufferPointer<UInt8>, tables current: NameMap<TableState>
        ) -> WALReplayLine? {
            // The segment holding `start`.
            var k = max(cursor.segment, 0)
            while k + 1 < bounds.count && bounds[k + 1] <= start { k += 1 }
            guard k < segmentCount else { return nil }
            if k != cursor.segment {
                cursor.current = take(k)
                cursor.segment = k
                cursor.index = 0
            }
            let s = cursor.current
            while cursor.index < s.starts.count && s.starts[cursor.index] < start { cursor.index += 1 }
            guard cursor.index < s.starts.count, s.starts[cursor.index] == start else { return nil }
            var fast = s.lines[cursor.index]
            guard let t = current[fast.table], t.readOnlyReason == nil else { return nil }
            let id = ObjectIdentifier(t)
            if fast.prepared?.table == id { return fast }
            if s.triedWith[cursor.index] == id { return nil }  // it did not take this table's schema
            fast.prepared = WALReplayLine.prepare(fast, line: line, schema: t.schema, table: id)
            return fast.prepared == nil ? nil : fast
        }

        /// Waits for the threads (they read the caller's buffer).
        func finish() { group.wait() }
    }
}
