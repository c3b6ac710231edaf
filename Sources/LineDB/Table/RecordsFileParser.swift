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

    /// Parses the whole buffer (from `start`, after a BOM) in as many chunks as there are cores, in parallel when the
    /// file is large.
    static func parse(_ buffer: UnsafeBufferPointer<UInt8>, start: Int, schema: TableSchema) -> [Chunk] {
        let n = buffer.count
        let cores = max(1, min(8, sysconfCores()))
        let parts = n - start > (4 << 20) ? cores : 1
        var bounds = [start]
        for k in 1..<parts {
            var b = start + (n - start) * k / parts
            while b < n && buffer[b - 1] != 10 { b += 1 }
            if b > bounds.last! && b < n { bounds.append(b) }
        }
        bounds.append(n)
        let count = bounds.count - 1
        if count == 1 { return [parseChunk(buffer, from: start, to: n, schema: schema)] }
        let results = ChunkResults(count: count)
        let cuts = bounds
        let shared = SharedBuffer(buffer: buffer)
        DispatchQueue.concurrentPerform(iterations: count) { k in
            results.set(k, parseChunk(shared.buffer, from: cuts[k], to: cuts[k + 1], schema: schema))
        }
        return results.chunks.map { $0! }
    }

    private static func sysconfCores() -> Int {
        #if canImport(Glibc)
        return Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        #else
        return 2
        #endif
    }
}

/// The read-only input shared by the parsing threads (each reads its own range).
private struct SharedBuffer: @unchecked Sendable {
    let buffer: UnsafeBufferPointer<UInt8>
}

/// One slot per chunk; each thread writes only its own slot.
private final class ChunkResults: @unchecked Sendable {
    var chunks: [RecordsFileParser.Chunk?]
    private let lock = PThreadMutex()
    init(count: Int) { chunks = Array(repeating: nil, count: count) }
    func set(_ k: Int, _ chunk: RecordsFileParser.Chunk) { lock.withLock { chunks[k] = chunk } }
}

#if canImport(Glibc)
import Glibc
#endif
