/// A hand-written JSON encoder that appends UTF-8 into a byte buffer.
///
/// Output is compact (`{"a":1,"b":[true,null]}`), object keys keep the object's order, and the escaping is chosen
/// so that an encoded value never contains a line break: `"` `\` and all control characters are escaped (`\n`,
/// `\r`, `\t`, `\b`, `\f`, otherwise `\u00XX` with lowercase hex as Python writes it), as are DEL (`\u007f`) and
/// U+2028/U+2029 (which some line splitters treat as line ends). Everything else is written as raw UTF-8.
///
/// Doubles are written as Python's `repr` writes them: the shortest representation that reads back to the same
/// value (`3.8`, `100.0`, `1e-05`, `1e+16`), always with a `.0` or an exponent so they read back as floats.
///
/// Every byte it writes is RFC 8259 JSON. A non-finite double (`NaN`, `Infinity`), which JSON cannot express, is
/// refused where data enters the engine (``JSONValue/storageProblem(maxDepth:)``) and never read from a file
/// (``JSONParser``); should one reach the writer anyway, it writes `null` (as JavaScript's `JSON.stringify`
/// does) rather than a word no JSON reader accepts.
package struct JSONWriter {
    /// The UTF-8 written so far.
    package var bytes: [UInt8]

    package init(reservingCapacity capacity: Int = 0) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    // MARK: - Conveniences

    /// The compact encoding of `value`.
    package static func encode(_ value: JSONValue) -> String {
        var writer = JSONWriter(reservingCapacity: 64)
        writer.write(value)
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    /// Exactly what Python's `json.dumps(value, indent=2, ensure_ascii=False)` produces: two-space indentation,
    /// `": "` between key and value, `","` at line ends, `{}` and `[]` for empty containers, no final newline.
    ///
    /// Strings are escaped as Python escapes them, which differs from ``write(_:)`` only in leaving DEL and
    /// U+2028/U+2029 unescaped.
    package static func encodePretty(_ value: JSONValue) -> String {
        var writer = JSONWriter(reservingCapacity: 256)
        writer.writePretty(value, level: 0)
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    // MARK: - Values

    /// Appends the compact encoding of `value`.
    package mutating func write(_ value: JSONValue) {
        switch value {
        case .null:
            writeRaw("null")
        case .bool(let b):
            if b { writeRaw("true") } else { writeRaw("false") }
        case .int(let i):
            writeInt(i)
        case .double(let d):
            writeDouble(d)
        case .string(let s):
            writeString(s)
        case .array(let elements):
            bytes.append(UInt8(ascii: "["))
            // Iterating the buffers (rather than the collections) saves a retain/release per element.
            elements.withUnsafeBufferPointer { elements in
                for i in elements.indices {
                    if i > 0 { bytes.append(UInt8(ascii: ",")) }
                    write(elements[i])
                }
            }
            bytes.append(UInt8(ascii: "]"))
        case .object(let object):
            bytes.append(UInt8(ascii: "{"))
            object.keys.elements.withUnsafeBufferPointer { keys in
                object.values.withUnsafeBufferPointer { members in
                    for i in keys.indices {
                        if i > 0 { bytes.append(UInt8(ascii: ",")) }
                        writeString(keys[i])
                        bytes.append(UInt8(ascii: ":"))
                        write(members[i])
                    }
                }
            }
            bytes.append(UInt8(ascii: "}"))
        }
    }

    /// Appends `s` quoted and escaped.
    package mutating func writeString(_ s: String) {
        writeString(s, pythonEscaping: false)
    }

    /// Appends `s` as it is, without quotes or escaping.
    package mutating func writeRaw(_ s: StaticString) {
        s.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// Appends `s` as it is, without quotes or escaping.
    package mutating func writeRaw(_ s: String) {
        var s = s
        s.withUTF8 { bytes.append(contentsOf: $0) }  // a buffer copy (appending the UTF8View goes byte by byte)
    }

    /// Appends the decimal digits of `i`.
    package mutating func writeInt(_ i: Int) {
        if i >= 0 && i < 10 {
            bytes.append(UInt8(truncatingIfNeeded: i) &+ UInt8(ascii: "0"))
            return
        }
        var magnitude = i.magnitude
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 24) { digits in
            var p = 24
            repeat {
                let (quotient, remainder) = magnitude.quotientAndRemainder(dividingBy: 10)
                p -= 1
                digits[p] = UInt8(truncatingIfNeeded: remainder) &+ UInt8(ascii: "0")
                magnitude = quotient
            } while magnitude != 0
            if i < 0 {
                p -= 1
                digits[p] = UInt8(ascii: "-")
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: digits[p..<24]))
        }
    }

    /// Appends `d` as Python's `repr` would write it; `null` when it is not finite (JSON has no `NaN` or
    /// `Infinity`; the engine refuses them before they get here, this is the last guard).
    package mutating func writeDouble(_ d: Double) {
        guard d.isFinite else {
            writeRaw("null")
            return
        }
        // Swift's description is the shortest round-trip form and switches to exponent notation at the same
        // thresholds as Python's repr (exponent < -4 or >= 16), with the same two-digit exponent spelling.
        var text = d.description
        text.withUTF8 { utf8 in
            bytes.append(contentsOf: utf8)
            var looksLikeFloat = false
            for c in utf8 where c == UInt8(ascii: ".") || c == UInt8(ascii: "e") || c == UInt8(ascii: "E") {
                looksLikeFloat = true
                break
            }
            if !looksLikeFloat {
                bytes.append(UInt8(ascii: "."))
                bytes.append(UInt8(ascii: "0"))
            }
        }
    }

    // MARK: - Strings

    private mutating func writeString(_ s: String, pythonEscaping: Bool) {
        let done: Void? = s.utf8.withContiguousStorageIfAvailable { utf8 in
            appendEscaped(utf8, pythonEscaping: pythonEscaping)
        }
        if done == nil {
            var s = s
            s.withUTF8 { utf8 in appendEscaped(utf8, pythonEscaping: pythonEscaping) }
        }
    }

    private static let hexDigits: StaticString = "0123456789abcdef"

    private mutating func appendEscaped(_ utf8: UnsafeBufferPointer<UInt8>, pythonEscaping: Bool) {
        bytes.append(UInt8(ascii: "\""))
        let n = utf8.count
        var runStart = 0
        var i = 0
        while i < n {
            let c = utf8[i]
            // Fast test: printable ASCII other than " and \, or a non-ASCII byte other than 0xE2 (the lead byte of
            // U+2028 and U+2029).
            if (c >= 0x20 && c < 0x7F && c != UInt8(ascii: "\"") && c != UInt8(ascii: "\\"))
                || (c >= 0x80 && c != 0xE2)
            {
                i += 1
                continue
            }
            var escape: StaticString
            var length = 1
            var appendHexOfByte = false
            switch c {
            case UInt8(ascii: "\""): escape = "\\\""
            case UInt8(ascii: "\\"): escape = "\\\\"
            case 0x0A: escape = "\\n"
            case 0x0D: escape = "\\r"
            case 0x09: escape = "\\t"
            case 0x08: escape = "\\b"
            case 0x0C: escape = "\\f"
            case 0xE2:
                guard !pythonEscaping, i + 2 < n, utf8[i + 1] == 0x80, utf8[i + 2] == 0xA8 || utf8[i + 2] == 0xA9
                else {
                    i += 1
                    continue
                }
                escape = utf8[i + 2] == 0xA8 ? "\\u2028" : "\\u2029"
                length = 3
            case 0x7F:
                if pythonEscaping {
                    i += 1
                    continue
                }
                escape = "\\u007f"
            default:
                escape = "\\u00"
                appendHexOfByte = true
            }
            if runStart < i { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<i])) }
            writeRaw(escape)
            if appendHexOfByte {
                let hex = Self.hexDigits.utf8Start
                bytes.append(hex[Int(c >> 4)])
                bytes.append(hex[Int(c & 0xF)])
            }
            i += length
            runStart = i
        }
        if runStart < n { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<n])) }
        bytes.append(UInt8(ascii: "\""))
    }

    // MARK: - Pretty printing

    private mutating func newline(indentLevel: Int) {
        bytes.append(UInt8(ascii: "\n"))
        for _ in 0..<(2 * indentLevel) { bytes.append(UInt8(ascii: " ")) }
    }

    private mutating func writePretty(_ value: JSONValue, level: Int) {
        switch value {
        case .array(let elements):
            if elements.isEmpty {
                writeRaw("[]")
                return
            }
            bytes.append(UInt8(ascii: "["))
            var first = true
            for element in elements {
                if !first { bytes.append(UInt8(ascii: ",")) }
                first = false
                newline(indentLevel: level + 1)
                writePretty(element, level: level + 1)
            }
            newline(indentLevel: level)
            bytes.append(UInt8(ascii: "]"))
        case .object(let object):
            if object.isEmpty {
                writeRaw("{}")
                return
            }
            bytes.append(UInt8(ascii: "{"))
            var first = true
            for (key, member) in object {
                if !first { bytes.append(UInt8(ascii: ",")) }
                first = false
                newline(indentLevel: level + 1)
                writeString(key, pythonEscaping: true)
                writeRaw(": ")
                writePretty(member, level: level + 1)
            }
            newline(indentLevel: level)
            bytes.append(UInt8(ascii: "}"))
        case .string(let s):
            writeString(s, pythonEscaping: true)
        default:
            write(value)
        }
    }
}
