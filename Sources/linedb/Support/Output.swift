#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

import LineDB

/// Standard output and error for the commands, written with `write(2)`.
///
/// Standard output is buffered and flushed when the buffer is large, at ``flush()`` and before the process exits;
/// commands that acknowledge durable writes (`insert`) or stream (`wal --follow`) flush after every line, so a
/// script reading the pipe sees each line as soon as it is true.
///
/// No byte of the data drives the terminal: text for people (``write(_:)``, ``line(_:)``, ``writeError(_:)``)
/// has every control and bidirectional formatting character but its own line breaks and tabs shown visibly
/// (``VisibleText``). Commands escape the values, keys and names they print themselves, line breaks included,
/// so that a line stays one line; this is the net under them. Output for programs (JSON, JSON Lines, CSV) goes
/// through ``data(_:)`` and ``dataLine(_:)`` and stays exact; JSON through ``jsonLine(_:)``, which escapes the
/// hidden characters JSON leaves raw (the same value to a JSON reader).
enum Output {
    nonisolated(unsafe) private static var buffer: [UInt8] = []

    /// The characters a human-readable text keeps as they are: its own line breaks and tabs.
    private static let layout: Set<Unicode.Scalar> = ["\n", "\t"]

    /// Appends text for people to standard output.
    static func write(_ text: String) {
        data(VisibleText.escaped(text, keeping: layout))
    }

    /// Appends a line for people (a `\n` is added).
    static func line(_ text: String) {
        dataLine(VisibleText.escaped(text, keeping: layout))
    }

    /// Appends data (JSON, CSV) to standard output exactly as it is.
    static func data(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= 1 << 16 { flush() }
    }

    /// Appends a line of data (a `\n` is added) exactly as it is.
    static func dataLine(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        buffer.append(10)
        if buffer.count >= 1 << 16 { flush() }
    }

    /// Appends a line of JSON (a `\n` is added): exact as JSON, but every hidden character JSON leaves raw (the
    /// C1 controls, DEL and the bidirectional formatting characters, ``VisibleText/isHidden(_:)``) is written as a
    /// `\uXXXX` escape, so that a terminal shows it instead of acting on it (U+009B is a CSI, U+202E reverses the
    /// text after it). A JSON reader gets the same value: outside strings JSON text is ASCII, and a string may
    /// escape any character.
    static func jsonLine(_ json: String) {
        dataLine(terminalSafeJSON(json))
    }

    /// `json` with its raw hidden characters (other than line feeds, which only pretty-printing puts outside a
    /// string) written as `\uXXXX` escapes; see ``jsonLine(_:)``.
    static func terminalSafeJSON(_ json: String) -> String {
        // Most JSON holds none: one byte scan. Hidden characters JSON leaves raw start with these bytes.
        guard json.utf8.contains(where: { ($0 < 0x20 && $0 != 10) || $0 == 0x7F || $0 == 0xC2 || $0 == 0xD8 || $0 == 0xE2 })
        else { return json }
        var out = String.UnicodeScalarView()
        for scalar in json.unicodeScalars {
            guard scalar != "\n", VisibleText.isHidden(scalar) else {
                out.append(scalar)
                continue
            }
            let hex = String(scalar.value, radix: 16)
            out.append(contentsOf: ("\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex).unicodeScalars)
        }
        return String(out)
    }

    /// Writes everything buffered to file descriptor 1.
    static func flush() {
        guard !buffer.isEmpty else { return }
        writeAll(fd: 1, buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    /// Writes text for people to standard error at once (unbuffered).
    static func writeError(_ text: String) {
        writeAll(fd: 2, Array(VisibleText.escaped(text, keeping: layout).utf8))
    }

    private static func writeAll(fd: Int32, _ bytes: [UInt8]) {
        bytes.withUnsafeBytes { raw in
            guard var base = raw.baseAddress else { return }
            var remaining = raw.count
            while remaining > 0 {
                #if canImport(Glibc)
                let n = Glibc.write(fd, base, remaining)
                #else
                let n = Darwin.write(fd, base, remaining)
                #endif
                if n < 0 {
                    if errno == EINTR { continue }
                    return  // a closed pipe: nothing more to say
                }
                remaining -= n
                base += n
            }
        }
    }
}
