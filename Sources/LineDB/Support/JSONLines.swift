/// One line of a JSON Lines file (a WAL or a records file), as ``JSONLines`` splits it.
struct JSONLine {
    /// 1-based line number.
    var number: Int
    /// Offset of the line's first byte.
    var start: Int
    /// Offset just after its content: before the `\n`, and before a `\r` that precedes it (CRLF from an editor).
    var end: Int
    /// Offset of the next line (after the `\n`; the end of the bytes for an incomplete line).
    var next: Int
    /// Whether the line ends in `\n`. Only the last line of a file can be incomplete.
    var complete: Bool
    /// Whether a `\r` before the `\n` was left out of the content.
    var hadCR: Bool
}

/// The one definition of how LineDB splits its JSON Lines files and of what a torn write leaves in them.
///
/// The records file's parallel loader (``RecordsFileParser``) keeps its own inlined loop for speed, with the same
/// rules; everything else splits lines here.
enum JSONLines {
    /// The line that starts at `offset` (which must be below `limit`).
    @inline(__always)
    static func line(in bytes: UnsafeBufferPointer<UInt8>, at offset: Int, limit: Int? = nil, number: Int) -> JSONLine {
        let limit = limit ?? bytes.count
        var end = offset
        while end < limit && bytes[end] != 10 { end += 1 }
        let complete = end < limit
        let next = complete ? end + 1 : end
        let hadCR = end > offset && bytes[end - 1] == 13
        return JSONLine(
            number: number, start: offset, end: hadCR ? end - 1 : end, next: next, complete: complete, hadCR: hadCR)
    }

    /// Calls `body` with every line of `bytes[from...]`, numbered from `firstNumber`, until it returns `false`.
    static func forEach(
        _ bytes: UnsafeBufferPointer<UInt8>, from: Int = 0, firstNumber: Int = 1,
        _ body: (JSONLine) throws -> Bool
    ) rethrows {
        var offset = from
        var number = firstNumber
        while offset < bytes.count {
            let line = line(in: bytes, at: offset, number: number)
            if try !body(line) { return }
            offset = line.next
            number += 1
        }
    }

    /// Whether the line holds only spaces and tabs (or nothing): it carries nothing and is skipped.
    static func isBlank(_ bytes: UnsafeBufferPointer<UInt8>, _ line: JSONLine) -> Bool {
        for i in line.start..<line.end where bytes[i] != 32 && bytes[i] != 9 { return false }
        return true
    }

    /// Whether the line holds NUL bytes: what a block that a power cut lost leaves (the file's size grew, its
    /// data did not: appends are not atomic, and a power cut can leave a prefix, garbage or zeros at the end).
    static func holdsNUL(_ bytes: UnsafeBufferPointer<UInt8>, _ line: JSONLine) -> Bool {
        UnsafeBufferPointer(rebasing: bytes[line.start..<line.next]).contains(0)
    }

    /// Whether a line that cannot be read has the shape an interrupted append leaves: incomplete (no newline yet),
    /// or holding NUL bytes. A complete line without NULs that cannot be read was written whole, so it is damage
    /// (media, an edit), never a torn write.
    static func isTornShape(_ bytes: UnsafeBufferPointer<UInt8>, _ line: JSONLine) -> Bool {
        !line.complete || holdsNUL(bytes, line)
    }

    /// The number of complete lines in `bytes[from...]`.
    static func completeLines(_ bytes: UnsafeBufferPointer<UInt8>, from: Int) -> Int {
        var n = 0
        forEach(bytes, from: from) { line in
            if line.complete { n += 1 }
            return true
        }
        return n
    }
}
