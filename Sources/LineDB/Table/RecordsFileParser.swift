import Dispatch

/// Parses a records file into rows, in segments that background threads parse while the caller indexes.
///
/// Loading is the open path's hot spot (a 1M-record table must open in under a second; see
/// `swift run -c release linedb-bench`), and parsing a line touches only the schema, so chunks parse on several
/// threads; the rows are then added to the table in file order on one thread. Hand-written because no JSON
/// library reaches the speed needed (Foundation's JSON is 6x too slow here).
struct RecordsFileParser {
    /// A line that is not simply a record: blank, unparsable or unterminated.
    struct Event {
        enum Kind {
            /// Whitespace only (or NULs).
            case blank(nulOrSpaceBytes: Int)
            /// Not a valid record; `error` says why.
            case bad(RowParseError)
        }
        /// How many rows of the chunk come before this line.
        var rowsBefore: Int
        /// 1-based line number within the chunk.
        var line: Int
        var start: Int
        var end: Int
        var complete: Bool
        var kind: Kind
    }

    /// The parse of one chunk.
    struct Chunk {
        var rows: [Row] = []
        /// Per row, the ``UniqueIndex/tag(_:)`` of each of the schema's `uniqueNonKeyColumns` (0 for a null):
        /// hashed here, on the parsing threads, so that indexing on the loading thread does not.
        var uniqueTags: [UInt32] = []
        /// Per row, where its line starts in `bytes` and its padding (RecordsLineSpans.swift).
        var rowStarts: [Int] = []
        var rowPads: [UInt32] = []
        var events: [Event] = []
        var lines = 0
        var sawCR = false
        /// The last line had no newline but parsed.
        var unterminatedRow = false
        /// The file starts with a UTF-8 byte order mark (first chunk only).
        var hadBOM = false
        /// The file offset of `bytes[0]`: events' `start` and `end` are offsets into `bytes`.
        var base = 0
        /// The segment of the file this chunk parsed (kept for quarantining bad lines).
        var bytes: [UInt8] = []
    }

    /// Parses `buffer[from..<to]`; `from` is at a line start and `to` at a line start or the end.
    static func parseChunk(_ buffer: UnsafeBufferPointer<UInt8>, from: Int, to: Int, schema: TableSchema) -> Chunk {
        var chunk = Chunk()
        var estimate = 0
        let sample = min(to, from + (1 << 16))
        for i in from..<sample where buffer[i] == 10 { estimate += 1 }
        if sample > from { chunk.rows.reserveCapacity(estimate * (to - from) / (sample - from) + 16) }
        let unique = schema.uniqueNonKeyColumns
        if !unique.isEmpty { chunk.uniqueTags.reserveCapacity(chunk.rows.capacity * unique.count) }
        var offset = from
        while offset < to {
            chunk.lines += 1
            var end = offset
            while end < to && buffer[end] != 10 { end += 1 }
            let complete = end < to
            var lineEnd = end
            if lineEnd > offset && buffer[lineEnd - 1] == 13 {
                lineEnd -= 1
                chunk.sawCR = true
            }
            let start = offset
            offset = complete ? end + 1 : end
            var blank = true
            for i in start..<lineEnd where buffer[i] != 32 && buffer[i] != 9 && buffer[i] != 0 {
                blank = false
                break
            }
            if blank {
                chunk.events.append(Event(
                    rowsBefore: chunk.rows.count, line: chunk.lines, start: start, end: lineEnd, complete: complete,
                    kind: .blank(nulOrSpaceBytes: lineEnd - start)))
                continue
            }
            do throws(RowParseError) {
                let row = try schema.parseStoredRow(UnsafeBufferPointer(rebasing: buffer[start..<lineEnd]))
                chunk.rows.append(row)
                chunk.rowStarts.append(start)
                chunk.rowPads.append(UInt32(RecordsLineSpans.padding(of: UnsafeBufferPointer(rebasing: buffer[start..<lineEnd]))))
                UniqueIndex.appendTags(of: row, columns: unique, to: &chunk.uniqueTags)
                if !complete { chunk.unterminatedRow = true }
            } catch {
                chunk.events.append(Event(
                    rowsBefore: chunk.rows.count, line: chunk.lines, start: start, end: lineEnd, complete: complete,
                    kind: .bad(error)))
            }
        }
        return chunk
    }

    /// Parses the records file open on `fd` and hands its chunks to `consume` in file order.
    ///
    /// The file is read on the calling thread in segments of about `segmentBytes` that end at a line break, and
    /// each segment is parsed on a background thread while the caller consumes (indexes) earlier ones; at most two
    /// segments per core are in flight. So the whole file is never in memory at once: a 120 MB file costs about
    /// 16 MB of buffers instead of 120 (measured with `linedb-bench --open-child`: peak RSS of opening 1M records).
    /// A UTF-8 byte order mark at the start is skipped and reported in the first chunk's `hadBOM`. `progress` is
    /// called with the bytes consumed so far after each chunk. Returns after every background parse has finished,
    /// also when `consume` throws. With `gzip`, the file is a gzipped records file read through that inflater
    /// (RecordsFile+Gzip.swift): offsets are then in the decompressed stream, progress in the compressed file.
    static func parse(
        io: FileIO, fd: Int32, path: String, schema: TableSchema, segmentBytes: Int = 4 << 20,
        gzip: GzipInflater? = nil, progress: ((Int) -> Void)? = nil, consume: (Chunk) throws(LineDBError) -> Void
    ) throws(LineDBError) {
        var reader = SegmentReader(io: io, fd: fd, path: path, segmentBytes: segmentBytes, gzip: gzip)
        var progress = progress
        if let gzip, let report = progress { progress = { _ in report(gzip.compressedOffset) } }
        let cores = max(1, min(8, sysconfCores()))
        // The first segment tells whether the file is small: then no thread is worth starting.
        guard var first = try reader.next() else { return }
        var bomSkip = 0
        if first.bytes.count >= 3 && first.bytes[0] == 0xEF && first.bytes[1] == 0xBB && first.bytes[2] == 0xBF {
            bomSkip = 3
        }
        func parsed(_ segment: SegmentReader.Segment, skip: Int) -> Chunk {
            parseSegment(segment, skip: skip, schema: schema)
        }
        var consumed = 0
        if reader.atEnd || cores == 1 {
            var segment: SegmentReader.Segment? = first
            var skip = bomSkip
            while let s = segment {
                try consume(parsed(s, skip: skip))
                consumed += s.bytes.count
                progress?(consumed)
                skip = 0
                segment = try reader.next()
            }
            return
        }
        let pipeline = SegmentPipeline()
        let group = DispatchGroup()
        defer { group.wait() }
        var submitted = 0
        func submit(_ segment: SegmentReader.Segment, skip: Int) {
            let k = submitted
            submitted += 1
            pipeline.expect(k)
            DispatchQueue.global(qos: .userInitiated).async(group: group) {
                pipeline.deliver(k, parseSegment(segment, skip: skip, schema: schema))
            }
        }
        submit(first, skip: bomSkip)
        first = SegmentReader.Segment(bytes: [], base: 0)
        var done = 0
        while true {
            while submitted - done < cores * 2, let s = try reader.next() { submit(s, skip: 0) }
            if done == submitted { break }
            let chunk = pipeline.take(done)
            done += 1
            let size = chunk.bytes.count
            try consume(chunk)
            consumed += size
            progress?(consumed)
        }
    }

    private static func parseSegment(_ segment: SegmentReader.Segment, skip: Int, schema: TableSchema) -> Chunk {
        var chunk = segment.bytes.withUnsafeBufferPointer {
            parseChunk($0, from: skip, to: $0.count, schema: schema)
        }
        chunk.hadBOM = skip > 0
        chunk.base = segment.base
        chunk.bytes = segment.bytes
        return chunk
    }

    private static func sysconfCores() -> Int {
        #if canImport(Glibc)
        return Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        #elseif canImport(Darwin)
        return Int(sysconf(_SC_NPROCESSORS_ONLN))
        #else
        return 2
        #endif
    }
}

/// Reads a file front to back in pieces that end at a line break (the last may not), carrying a partial line
/// over to the next piece. A line longer than a piece makes that piece longer.
private struct SegmentReader {
    struct Segment: @unchecked Sendable {
        var bytes: [UInt8]
        /// The file offset of `bytes[0]`.
        var base: Int
    }

    let io: FileIO
    let fd: Int32
    let path: String
    let segmentBytes: Int
    /// The file's size when reading began.
    private let fileSize: Int
    private var offset = 0
    private var carry: [UInt8] = []
    private(set) var atEnd = false
    /// A gzipped file: decompressed through this, from this input.
    private let gzip: GzipInflater?
    private var gzipInput: GzipInput

    init(io: FileIO, fd: Int32, path: String, segmentBytes: Int, gzip: GzipInflater? = nil) {
        self.io = io
        self.fd = fd
        self.path = path
        self.segmentBytes = segmentBytes
        self.gzip = gzip
        let size = io.fstat(fd)?.size ?? 0
        gzipInput = .file(io: io, fd: fd, size: size)
        fileSize = gzip == nil ? size : Int.max / 2  // the decompressed size is known at the end only
    }

    /// The next segment, or `nil` at the end of the file.
    mutating func next() throws(LineDBError) -> Segment? {
        while !atEnd {
            let base = offset - carry.count
            // Read only what the file holds (a small file costs a small buffer), at least a page so that a file
            // that grew since it was measured is read on.
            let want = min(segmentBytes, max(4096, fileSize - offset))
            var failure: LineDBError? = nil
            var got = 0
            var bytes = [UInt8](unsafeUninitializedCapacity: carry.count + want) { buffer, initialized in
                let kept = carry.count
                carry.withUnsafeBufferPointer { _ = buffer.initialize(fromContentsOf: $0) }
                let target = UnsafeMutableRawBufferPointer(rebasing: UnsafeMutableRawBufferPointer(buffer)[kept...])
                while got < want {
                    do throws(LineDBError) {
                        let into = UnsafeMutableRawBufferPointer(rebasing: target[got...])
                        let n: Int
                        if let gzip {
                            n = try gzip.read(into: into, from: &gzipInput)
                        } else {
                            n = try io.pread(fd, into: into, offset: offset + got, path: path)
                        }
                        if n == 0 { break }
                        got += n
                    } catch {
                        failure = error
                        break
                    }
                }
                initialized = kept + got
            }
            carry = []
            if let failure { throw failure }
            offset += got
            if got < want { atEnd = true }
            if bytes.isEmpty { return nil }
            if atEnd { return Segment(bytes: bytes, base: base) }
            guard let lastBreak = bytes.lastIndex(of: 10) else {
                carry = bytes  // no line break yet: a long line, read on
                continue
            }
            if lastBreak + 1 < bytes.count {
                carry = Array(bytes[(lastBreak + 1)...])
                bytes.removeLast(bytes.count - lastBreak - 1)
            }
            return Segment(bytes: bytes, base: base)
        }
        if carry.isEmpty { return nil }
        defer { carry = [] }
        return Segment(bytes: carry, base: offset - carry.count)
    }
}

/// Parsed segments handed back to the consuming thread in order.
private final class SegmentPipeline: @unchecked Sendable {
    private let lock = PThreadMutex()
    private var results: [Int: RecordsFileParser.Chunk] = [:]
    private var ready: [Int: DispatchSemaphore] = [:]

    func expect(_ k: Int) { lock.withLock { ready[k] = DispatchSemaphore(value: 0) } }

    func deliver(_ k: Int, _ chunk: RecordsFileParser.Chunk) {
        let semaphore = lock.withLock {
            results[k] = chunk
            return ready[k]!
        }
        semaphore.signal()
    }

    /// Waits for segment `k` and takes it.
    func take(_ k: Int) -> RecordsFileParser.Chunk {
        let semaphore = lock.withLock { ready[k]! }
        semaphore.wait()
        return lock.withLock {
            ready[k] = nil
            return results.removeValue(forKey: k)!
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif
