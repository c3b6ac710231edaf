/// Reading CSV records straight from the file's bytes, without copying them: the reader behind
/// `linedb import --create` (``Database/importNewTable(_:from:format:options:)``), which reads every field of a
/// large file twice (once to infer the types, once to convert) and so cannot afford a `String` per field.
///
/// It is the one CSV reader: `import` into an existing table reads through it too (``CSVCodec/read(utf8:)``).
/// It splits records as RFC 4180 has them: fields separated by `,`, records by LF,
/// CRLF or CR; a field that starts with `"` is quoted, a quote inside it doubled (`""`), and it may hold commas
/// and line breaks; text after a closing quote is an error, and so is a quote never closed. A quote inside an
/// unquoted field is an ordinary character. Blank lines are skipped. The caller strips a UTF-8 byte order mark
/// and checks that the text is UTF-8.
extension CSVCodec {
    /// One field of a record: bytes `start..<end` of the text (inside the quotes for a quoted field).
    package struct FieldSpan: Sendable {
        package var start: Int
        package var end: Int
        /// Whether the field was written in quotes.
        package var quoted: Bool
        /// Whether it holds a doubled quote (`""`), which its text has once.
        package var escaped: Bool

        /// The number of bytes between the quotes (or of the unquoted field).
        @inline(__always)
        package var isEmpty: Bool { start == end }
    }

    /// Calls `body` with each record of `b`: the (1-based) line it starts on and its fields. `body` returns
    /// `false` to stop.
    ///
    /// - Throws: ``ReadError`` for a quote never closed or text after a closing quote, naming the line.
    package static func forEachRecord(
        _ b: UnsafeBufferPointer<UInt8>, _ body: (_ line: Int, _ fields: [FieldSpan]) -> Bool
    ) throws(ReadError) {
        let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), cr: UInt8 = 0x0D, lf: UInt8 = 0x0A
        let n = b.count
        var i = 0
        var line = 1
        var fields: [FieldSpan] = []
        fields.reserveCapacity(32)
        @inline(__always) func skipLineEnd() {
            if b[i] == cr && i + 1 < n && b[i + 1] == lf { i += 1 }
            i += 1
            line += 1
        }
        while i < n {
            if b[i] == cr || b[i] == lf {  // a blank line
                skipLineEnd()
                continue
            }
            let recordLine = line
            fields.removeAll(keepingCapacity: true)
            fieldLoop: while true {
                if i < n && b[i] == quote {
                    let openLine = line
                    i += 1
                    let start = i
                    var escaped = false
                    while true {
                        guard i < n else { throw ReadError(line: openLine, message: "a quoted field is never closed") }
                        let c = b[i]
                        if c == quote {
                            if i + 1 < n && b[i + 1] == quote {
                                escaped = true
                                i += 2
                                continue
                            }
                            break
                        }
                        if c == lf || (c == cr && !(i + 1 < n && b[i + 1] == lf)) { line += 1 }
                        i += 1
                    }
                    fields.append(FieldSpan(start: start, end: i, quoted: true, escaped: escaped))
                    i += 1  // the closing quote
                    if i >= n { break fieldLoop }
                    if b[i] == comma {
                        i += 1
                        continue fieldLoop
                    }
                    if b[i] == cr || b[i] == lf {
                        skipLineEnd()
                        break fieldLoop
                    }
                    throw ReadError(
                        line: line,
                        message: "unexpected text after a closing quote (write a quote inside a quoted field as \"\")")
                }
                let start = i
                while i < n {
                    let c = b[i]
                    if c == comma || c == lf || c == cr { break }
                    i += 1
                }
                fields.append(FieldSpan(start: start, end: i, quoted: false, escaped: false))
                if i >= n { break fieldLoop }
                if b[i] == comma {
                    i += 1
                    continue fieldLoop  // at the end of the text: one more, empty, field
                }
                skipLineEnd()
                break fieldLoop
            }
            if !body(recordLine, fields) { return }
        }
    }

    /// The text of a field (its doubled quotes made single).
    package static func text(of field: FieldSpan, in b: UnsafeBufferPointer<UInt8>) -> String {
        let bytes = UnsafeBufferPointer(rebasing: b[field.start..<field.end])
        guard field.escaped else { return String(decoding: bytes, as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            out.append(bytes[i])
            i += bytes[i] == UInt8(ascii: "\"") ? 2 : 1
        }
        return String(decoding: out, as: UTF8.self)
    }
}
