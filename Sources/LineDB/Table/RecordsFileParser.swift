import Dispatch

/// Parses a whole records file into rows, splitting it at line breaks into one chunk per core.
///
/// Loading is the open path's hot spot (a 1M-record table must open in under a second; see
/// `swift run -c release linedb-bench`), and parsing a line touches only the schema, so chunks parse on several
/// threads; the rows are then added to the table in file order on one thread. Hand-written because no JSON
/// library reaches the speed needed (STYLE.md: Foundation's JSON is 6x too slow here).
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
        var events: [Event] = []
        var lines = 0
        var sawCR = false
        /// The last line had no newline but parsed.
        var unterminatedRow = false
    }

    /// Parses `buffer[from..<to]`; `from` is at a line start and `to` at a line start or the end.
    static func parseChunk(_ buffer: UnsafeBufferPointer<UInt8>, from: Int, to: Int, schema: TableSchema) -> Chunk {
        var chunk = Chunk()
        var estimate = 0
        let sample = min(to, from + (1 << 16))
        for i in from..<sample where buffer[i] == 10 { estimate += 1 }
        if sample > from { chunk.rows.reserveCapacity(estimate * (to - from) / (sample - from) + 16) }
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
                chunk.rows.append(try schema.parseStoredRow(UnsafeBufferPointer(rebasing: buffer[start..<lineEnd])))
                if !complete { chunk.unterminatedRow = true }
            } catch {
                chunk.events.append(Event(
                    rowsBefore: chunk.rows.count, line: chunk.lines, start: start, end: lineEnd, complete: complete,
                    kind: .bad(error)))
            }
        }
        return chunk
    }

    /// Parses the whole buffer (from `start`, after a BOM) and hands the chunks to `consume` in file order.
    ///
    /// A large file is cut into several chunks per core; background threads parse them while the calling thread
    /// consumes (indexes) the ones already parsed, so parsing and indexing overlap. Returns only after every
    /// background parse has finished, also when `consume` throws (the buffer must outlive them).
    static func parse(
        _ buffer: UnsafeBufferPointer<UInt8>, start: Int, schema: TableSchema,
        consume: (Chunk) throws(LineDBError) -> Void
    ) throws(LineDBError) {
        let n = buffer.count
        let cores = max(1, min(8, sysconfCores()))
        let size = n - start
        if size <= (4 << 20) || cores == 1 {
            try consume(parseChunk(buffer, from: start, to: n, schema: schema))
            return
        }
        let parts = min(64, max(cores * 4, size / (8 << 20)))
        var bounds = [start]
        for k in 1..<parts {
            var b = start + size * k / parts
            while b < n && buffer[b - 1] != 10 { b += 1 }
            if b > bounds.last! && b < n { bounds.append(b) }
        }
        bounds.append(n)
        let pipeline = ChunkPipeline(bounds: bounds, buffer: buffer, schema: schema)
        let group = DispatchGroup()
        for _ in 0..<cores {
            DispatchQueue.global(qos: .userInitiated).async(group: group) { pipeline.work() }
        }
        defer {
            pipeline.cancel()
            group.wait()
        }
        for k in 0..<(bounds.count - 1) {
            try consume(pipeline.result(k))
        }
    }

    private static func sysconfCores() -> Int {
        #if canImport(Glibc)
        return Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        #else
        return 2
        #endif
    }
}

/// Chunks handed out to parsing threads in order, and their results handed back one by one.
private final class ChunkPipeline: @unchecked Sendable {
    private let bounds: [Int]
    private let buffer: UnsafeBufferPointer<UInt8>
    private let schema: TableSchema
    private let lock = PThreadMutex()
    private var results: [RecordsFileParser.Chunk?]
    private let ready: [DispatchSemaphore]
    private var next = 0
    private var cancelled = false

    init(bounds: [Int], buffer: UnsafeBufferPointer<UInt8>, schema: TableSchema) {
        self.bounds = bounds
        self.buffer = buffer
        self.schema = schema
        results = Array(repeating: nil, count: bounds.count - 1)
        ready = (0..<(bounds.count - 1)).map { _ in DispatchSemaphore(value: 0) }
    }

    /// A worker: parse the next unclaimed chunk until none is left.
    func work() {
        while true {
            let k: Int = lock.withLock {
                if cancelled || next >= results.count { return -1 }
                next += 1
                return next - 1
            }
            if k < 0 { return }
            let chunk = RecordsFileParser.parseChunk(buffer, from: bounds[k], to: bounds[k + 1], schema: schema)
            lock.withLock { results[k] = chunk }
            ready[k].signal()
        }
    }

    /// Waits for chunk `k` and takes it (its memory is released as soon as the caller is done with it).
    func result(_ k: Int) -> RecordsFileParser.Chunk {
        ready[k].wait()
        return lock.withLock {
            let chunk = results[k]!
            results[k] = nil
            return chunk
        }
    }

    func cancel() { lock.withLock { cancelled = true } }
}

#if canImport(Glibc)
import Glibc
#endif
