#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One file of a database's history: an archive a checkpoint left in `wal/`, or the live WAL.
public struct HistoryFile: Sendable, Hashable {
    /// The file's name in `wal/`: `transaction.20260122_203117.log`, or `transaction.log` for the live WAL.
    public var name: String
    /// Whether this is the live WAL.
    public var isLive: Bool
    /// The first and last LSN the file holds (`nil` for an empty file). Lines written by the seed's design
    /// (no LSN) are numbered on from the file before; in the live WAL after an archive that ends with such lines,
    /// from 1, as the engine numbers them when it opens the database.
    public var firstLSN: Int?
    /// The last LSN the file holds (`nil` for an empty file).
    public var lastLSN: Int?
    /// The timestamps of its first and last entries, as written (local time).
    public var firstTime: String?
    /// The timestamp of its last entry.
    public var lastTime: String?
    /// Its size in bytes.
    public var sizeBytes: Int
    /// Whether its lines were written by the seed's design (no LSN, no checksum).
    public var isLegacy: Bool
}

/// A WAL entry in the history: where it is, and when it took effect.
public struct HistoryEntry: Sendable {
    /// The entry as read.
    public var entry: WALEntry
    /// The name of the file in `wal/` that holds it.
    public var file: String
    /// The LSN at which it took effect: its own, or its transaction's `COMMIT`. `nil` for an entry of a
    /// transaction that never committed (it never took effect).
    public var effectiveLSN: Int?
}

/// The earliest moment the history reaches, and why not earlier.
public struct HistoryReach: Sendable, Hashable {
    /// The database can be shown as of this LSN and any later one (0: from the very beginning).
    public var earliestLSN: Int
    /// The time of the first entry after it, when known.
    public var earliestTime: String?
    /// The LSN of now: the last entry this database has applied.
    public var latestLSN: Int
    /// Why the history stops there: archives removed by retention, a missing or damaged archive, an archive of
    /// another database. Empty when it reaches the database's first entry.
    public var limits: [String]
}

/// The archives and the live WAL of a database, in order, read on demand (the DocC article "Time travel").
///
/// Reading history never changes a file. Each file is read whole when its entries are needed (an archive holds
/// at most one WAL's worth); listing reads only each file's first and last line.
package struct HistoryLog {
    package let io: FileIO
    package let walDir: String
    /// Oldest first; the live WAL last.
    package private(set) var files: [HistoryFile] = []
    /// Problems that cut the history: after the last of them, every file is present and in sequence.
    package private(set) var breaks: [(fileIndex: Int, reason: String)] = []
    /// Warnings: timestamps that go backwards, files named as archives that are not.
    package private(set) var notes: [String] = []
    /// The last LSN of now: entries of the live WAL beyond it (written after the state was taken) are left out.
    package let nowLSN: Int

    /// Files that exist but could not be read to their end (torn, damaged, unreadable, a symbolic link), by index:
    /// the history reaches from the file after each, and a record's history that gets to one says so.
    package private(set) var damaged: [Int: LineDBError] = [:]
    /// The LSN the first line of each file would have if it were the seed's (as the database numbered it while that
    /// file was its live WAL).
    private var implied: [Int] = []

    package init(io: FileIO, paths: DatabasePaths, nowLSN: Int) throws(LineDBError) {
        self.io = io
        self.walDir = paths.walDir
        self.nowLSN = nowLSN
        let scan = HistoryFileScan(io: io, walDir: paths.walDir)
        var listed = scan.list()
        notes += scan.strays(&listed)
        for (name, problem) in listed {
            if let problem, name == "transaction.log" { throw problem }
        }
        // Bounds, numbering the seed's lines as the database did: from the last sealed LSN of the file before.
        var found: [(file: HistoryFile, implied: Int, sealed: Bool, problem: LineDBError?, startsWithCreate: Bool)] = []
        for (name, problem) in listed {
            let path = paths.walDir + "/" + name
            let before = found.last.map { $0.sealed ? ($0.file.lastLSN ?? 0) : 0 } ?? 0
            var entry = (file: HistoryFile(name: name, isLive: name == "transaction.log", firstLSN: nil, lastLSN: nil,
                                           firstTime: nil, lastTime: nil, sizeBytes: 0, isLegacy: false),
                         implied: before + 1, sealed: false, problem: problem, startsWithCreate: false)
            if problem == nil, let status = io.lstat(path) {
                let b = try HistoryLog.bounds(io: io, path: path, name: name, size: status.size, impliedFirst: before + 1)
                entry.file = b.file
                entry.file.isLive = name == "transaction.log"
                entry.sealed = b.sealed
                entry.startsWithCreate = b.startsWithCreate
                if !entry.file.isLive { entry.problem = b.problem }
                if b.problem == nil, status.size == 0, !entry.file.isLive {
                    entry.problem = .corrupt(path: path, line: nil, column: nil, byteOffset: nil,
                                             reason: "the archive is empty (0 bytes): the entries it held are lost", hint: nil)
                }
            }
            found.append(entry)
        }
        // The seed's archives hold no LSN: where their numbers from 1 would run into the file after them, they are
        // numbered back from it (…, -1, 0), so that the history stays in file order.
        if found.count >= 2 {
            for i in stride(from: found.count - 2, through: 0, by: -1) where !found[i].sealed && found[i].file.isLegacy {
                guard let last = found[i].file.lastLSN, let next = found[i + 1].file.firstLSN, last >= next else { continue }
                let shift = next - 1 - last
                found[i].file.firstLSN! += shift
                found[i].file.lastLSN! += shift
                found[i].implied += shift
            }
        }
        // Breaks: damage, gaps, overlaps; and clocks that go back.
        var previous: HistoryFile? = nil
        for (index, f) in found.enumerated() {
            let file = f.file
            if index > 0, let problem = found[index - 1].problem {
                damaged[index - 1] = problem
                breaks.append((index, "\(problem); the history from the next file, wal/\(file.name), on is unaffected"))
            } else if let p = previous, let last = p.lastLSN, let first = file.firstLSN, !file.isLegacy {
                if first > last + 1 {
                    breaks.append((index, "wal/\(p.name) ends at lsn \(last) but wal/\(file.name) begins at lsn \(first): lsn \(last + 1)…\(first - 1) are in no archive (a missing archive)"))
                } else if first <= last {
                    breaks.append((index, "wal/\(file.name) begins at lsn \(first), inside wal/\(p.name) (lsn \(p.firstLSN ?? 0)…\(last)): one of them belongs to another database or was copied"))
                }
            }
            if let p = previous, let a = p.lastTime, let b = file.firstTime, b < a {
                notes.append("wal/\(file.name): its first entry (\(b)) is stamped earlier than the last of wal/\(p.name) (\(a)): the clock went back; times are read in log order")
            }
            if let a = file.firstTime, let b = file.lastTime, b < a {
                notes.append("wal/\(file.name): its last entry (\(b)) is stamped earlier than its first (\(a)): the clock went back; times are read in log order")
            }
            files.append(file)
            implied.append(f.implied)
            if file.lastLSN != nil || f.problem != nil { previous = file }
        }
        startsWithCreate = found.first?.startsWithCreate ?? false
        if let last = found.indices.last, let problem = found[last].problem, last != found.count - 1 || !found[last].file.isLive {
            damaged[last] = problem
        }
    }

    /// Archive names in the order checkpoints wrote them: by time stamp, then by the `_N` a clash added.
    static func archiveOrder(_ a: String, _ b: String) -> Bool {
        func parts(_ name: String) -> (String, Int) {
            let name = DatabasePaths.archiveLogName(name)  // a gzipped archive sorts as its plain name
            let core = name.dropFirst("transaction.".count).dropLast(".log".count)
            let pieces = core.split(separator: "_")
            if pieces.count == 3, let n = Int(pieces[2]) { return (pieces[0] + "_" + pieces[1], n) }
            return (String(core), 0)
        }
        let (x, y) = (parts(a), parts(b))
        return x.0 != y.0 ? x.0 < y.0 : x.1 < y.1
    }

    /// The reach of the history: from just before the first file after the last break.
    package var reach: HistoryReach {
        let start = breaks.last?.fileIndex ?? 0
        let first = files.indices.contains(start) ? files[start] : nil
        var limits = breaks.map(\.reason)
        let firstLSN = first?.firstLSN ?? (nowLSN + 1)
        if breaks.isEmpty, firstLSN > 1, let first {
            limits.append("the history begins with wal/\(first.name) (lsn \(firstLSN)); older archives were removed")
        }
        // (Below 0 only for the seed's archives, numbered back from the first LSN the database gave.)
        return HistoryReach(earliestLSN: firstLSN - 1, earliestTime: first?.firstTime, latestLSN: nowLSN, limits: limits)
    }

    /// Whether the files from the first one hold every entry from LSN 1 (a state can then be built forwards).
    package var reachesTheBeginning: Bool {
        guard breaks.isEmpty, let first = files.first else { return breaks.isEmpty }
        // The seed's first archive is numbered back from the file after it; it is the beginning when it creates a table.
        return first.firstLSN == 1 || (first.isLegacy && startsWithCreate)
    }
    /// Whether the first file's first entry is a `CREATE_TABLE`.
    private var startsWithCreate = false

    /// Every entry of file `index`, in order, with its effective LSN; entries of the live WAL after ``nowLSN`` are
    /// left out.
    ///
    /// - Throws: ``LineDBError/corrupt(path:line:column:byteOffset:reason:hint:)`` naming the file, line and byte
    ///   of damage, and which history is unaffected.
    package func entries(ofFile index: Int) throws(LineDBError) -> [HistoryEntry] {
        try entries(ofFile: index, skipping: nil)
    }

    /// As ``entries(ofFile:)``, leaving out the sealed lines `skip` returns `true` for (still checked: checksum and
    /// LSN sequence), without decoding them.
    package func entries(ofFile index: Int, skipping skip: ((UnsafeBufferPointer<UInt8>) -> Bool)?)
        throws(LineDBError) -> [HistoryEntry]
    {
        let file = files[index]
        let path = walDir + "/" + file.name
        guard let bytes = try io.readWALFile(path) else { return [] }
        var out: [HistoryEntry] = []
        var commits: [Int: Int] = [:]
        if let problem = damaged[index] { throw problem }
        let implied = self.implied.indices.contains(index) ? self.implied[index] : 1
        let later = index + 1 < files.count ? "the history after lsn \(file.lastLSN ?? 0) (the files after it) is unaffected" : ""
        let scan = bytes.withUnsafeBufferPointer { buffer in
            WALScanner.scan(buffer, path: path, firstImpliedLSN: implied, hint: "reading history changes nothing; \(later)", skip: skip) { e in
                if e.lsn > nowLSN, file.isLive { return }
                if e.operationKind == .commit, let txn = e.txn { commits[txn] = e.lsn }
                out.append(HistoryEntry(entry: e, file: file.name, effectiveLSN: e.txn == nil ? e.lsn : nil))
            }
        }
        switch scan.outcome {
        case .clean: break
        case .tornTail(let tail) where file.isLive:
            _ = tail  // a writer still appending, or a torn append recovery cuts off: not history yet
        case .tornTail(let tail):
            throw .corrupt(
                path: path, line: tail.line, column: nil, byteOffset: tail.byteOffset,
                reason: "the archive is torn: \(tail.reason)",
                hint: "reading history changes nothing" + (later.isEmpty ? "" : "; " + later))
        case .damagedTail(let error), .corrupt(let error):
            // The scanner's hint is about the live WAL (recover); here nothing needs recovering to read the rest.
            guard case .corrupt(let p, let line, let column, let byte, let reason, _) = error else { throw error }
            throw .corrupt(path: p, line: line, column: column, byteOffset: byte, reason: reason,
                           hint: "reading history changes nothing" + (later.isEmpty ? "" : "; " + later))
        }
        for i in out.indices where out[i].entry.txn != nil {
            out[i].effectiveLSN = commits[out[i].entry.txn!]
        }
        return out
    }

    /// The index of the first file that may hold an entry effective after `lsn`.
    package func firstFile(after lsn: Int) -> Int {
        for (i, f) in files.enumerated() {
            if let last = f.lastLSN, last > lsn { return i }
            if f.lastLSN == nil, f.isLive { return i }
        }
        return files.count
    }

    /// The LSN a time names: the last entry before the first one stamped later than `time`, in log order.
    /// Reads files from the oldest reachable one until that entry.
    package func lsn(at time: String) throws(LineDBError) -> Int {
        let start = breaks.last?.fileIndex ?? 0
        var last = reach.earliestLSN
        for i in files.indices where i >= start {
            let f = files[i]
            if let ft = f.firstTime, ft > time, f.firstLSN != nil { return last }
            if let lt = f.lastTime, lt <= time, let l = f.lastLSN, !f.isLive {
                // Every entry of an archive may still be checked: a clock that went back inside it. Cheap enough to
                // trust the bounds when the file's own times are in order; read it otherwise.
                if f.firstTime.map({ $0 <= lt }) ?? true { last = l; continue }
            }
            for e in try entries(ofFile: i) {
                if e.entry.timestamp > time { return last }
                last = e.entry.lsn
            }
        }
        return last
    }

    /// The LSN a moment names, checked against the reach.
    package func resolve(_ moment: HistoryMoment) throws(LineDBError) -> Int {
        let r = reach
        let lsn: Int
        switch moment {
        case .lsn(let n): lsn = n
        case .time(let t):
            if let first = r.earliestTime, t < first, r.earliestLSN > 0 {
                throw HistoryLog.beforeReach(moment, r)
            }
            lsn = try self.lsn(at: t)
        }
        if lsn < r.earliestLSN { throw HistoryLog.beforeReach(moment, r) }
        if lsn > nowLSN {
            throw .invalidInput(reason: "\(moment) is after the last entry (lsn \(nowLSN)); the history ends there")
        }
        return lsn
    }

    static func beforeReach(_ moment: HistoryMoment, _ r: HistoryReach) -> LineDBError {
        let when = r.earliestTime.map { " (\($0))" } ?? ""
        let why = r.limits.isEmpty ? "" : ": " + r.limits.joined(separator: "; ")
        return .invalidInput(reason: "\(moment) is before the earliest moment the history reaches, lsn \(r.earliestLSN)\(when)\(why)")
    }

    // MARK: - Reading a file's bounds

    /// What ``bounds(io:path:name:size:impliedFirst:)`` learnt of a file.
    struct Bounds {
        var file: HistoryFile
        /// Whether any of its lines is sealed (written by LineDB).
        var sealed = false
        /// Why it cannot be read to its end (torn, damaged), naming the line and byte.
        var problem: LineDBError? = nil
        /// Whether its first entry is a `CREATE_TABLE`.
        var startsWithCreate = false
    }

    /// A file's first and last LSN and time, from its first and last line (the whole file for the seed's lines, a
    /// torn or damaged last line).
    static func bounds(io: FileIO, path: String, name: String, size: Int, impliedFirst: Int) throws(LineDBError) -> Bounds {
        var out = Bounds(file: HistoryFile(name: name, isLive: false, firstLSN: nil, lastLSN: nil, firstTime: nil,
                                           lastTime: nil, sizeBytes: size, isLegacy: false))
        guard size > 0 else { return out }
        if let head = try readLine(io: io, path: path, size: size, fromEnd: false),
            let tail = try readLine(io: io, path: path, size: size, fromEnd: true),
            case .success(let a) = decode(head), case .success(let b) = decode(tail), !a.isLegacy, !b.isLegacy
        {
            out.file.firstLSN = a.lsn; out.file.firstTime = a.timestamp
            out.file.lastLSN = b.lsn; out.file.lastTime = b.timestamp
            out.sealed = true
            out.startsWithCreate = a.operationKind == .createTable
            return out
        }
        // The seed's lines, or a torn or damaged first or last line: read the whole file.
        guard let bytes = try io.readWALFile(path) else { return out }
        var sawLegacy = false
        let scan = bytes.withUnsafeBufferPointer { buffer in
            WALScanner.scan(buffer, path: path, firstImpliedLSN: impliedFirst, hint: "reading history changes nothing") { e in
                if out.file.firstLSN == nil {
                    out.file.firstLSN = e.lsn; out.file.firstTime = e.timestamp
                    out.startsWithCreate = e.operationKind == .createTable
                }
                out.file.lastLSN = e.lsn; out.file.lastTime = e.timestamp
                if e.isLegacy { sawLegacy = true } else { out.sealed = true }
            }
        }
        out.file.isLegacy = sawLegacy
        switch scan.outcome {
        case .clean: break
        case .tornTail(let tail):
            out.problem = .corrupt(
                path: path, line: tail.line, column: nil, byteOffset: tail.byteOffset,
                reason: "the archive is torn: \(tail.reason) (\(tail.byteCount) bytes)"
                    + (out.file.lastLSN.map { "; its entries up to lsn \($0) are whole" } ?? ""),
                hint: "reading history changes nothing")
        case .damagedTail(let error), .corrupt(let error):
            out.problem = error
        }
        return out
    }

    /// Whether a file's last complete line is one of the seed's (no LSN).
    static func lastLineIsLegacy(io: FileIO, path: String, size: Int) throws(LineDBError) -> Bool {
        guard size > 0, let tail = try readLine(io: io, path: path, size: size, fromEnd: true),
            case .success(let e) = decode(tail)
        else { return false }
        return e.isLegacy
    }

    private static func decode(_ line: [UInt8]) -> Result<WALEntry, WALLine.Problem> {
        line.withUnsafeBufferPointer { WALLine.decode($0, lineNumber: 1, byteOffset: 0, impliedLSN: 0) }
    }

    /// The first line, or the last complete line, of a file (without its newline), reading as little as it can.
    private static func readLine(io: FileIO, path: String, size: Int, fromEnd: Bool) throws(LineDBError) -> [UInt8]? {
        if DatabasePaths.isGzipArchiveName(String(path.split(separator: "/").last ?? "")) {
            // A gzipped archive (History/GzipArchives.swift) is read whole.
            guard let bytes = try io.readWALFile(path), !bytes.isEmpty else { return nil }
            if fromEnd {
                guard bytes.last == 10 else { return nil }
                let body = bytes.dropLast()
                return Array(body[((body.lastIndex(of: 10) ?? (body.startIndex - 1)) + 1)...])
            }
            return bytes.firstIndex(of: 10).map { Array(bytes[..<$0]) }
        }
        let fd = try io.open(path, flags: O_RDONLY | O_CLOEXEC, mode: 0)
        defer { try? io.close(fd, path: path) }
        var chunk = min(size, 64 << 10)
        while true {
            let offset = fromEnd ? size - chunk : 0
            let buffer = try io.pread(fd, count: chunk, offset: offset, path: path)
            if fromEnd {
                guard buffer.last == 10 else { return nil }  // a torn last line
                let body = buffer.dropLast()
                if let nl = body.lastIndex(of: 10) { return Array(body[(nl + 1)...]) }
                if offset == 0 { return Array(body) }
            } else {
                if let nl = buffer.firstIndex(of: 10) { return Array(buffer[..<nl]) }
                if chunk >= size { return nil }
            }
            if chunk >= size { return nil }
            chunk = min(size, chunk * 4)
        }
    }

    /// A file's first line (without its newline), or `nil` for an empty file.
    static func firstLine(io: FileIO, path: String) throws(LineDBError) -> [UInt8]? {
        guard let size = io.stat(path)?.size, size > 0 else { return nil }
        return try readLine(io: io, path: path, size: size, fromEnd: false)
    }

    /// The `previous` archive a file's first line (a `CHECKPOINT`) names, if it is one.
    static func checkpointPrevious(io: FileIO, path: String) throws(LineDBError) -> String? {
        guard let size = io.stat(path)?.size, size > 0,
            let head = try readLine(io: io, path: path, size: size, fromEnd: false),
            case .success(let e) = decode(head), e.operationKind == .checkpoint,
            case .object(let facts) = e.record, case .string(let previous)? = facts["previous"]
        else { return nil }
        return previous
    }
}
