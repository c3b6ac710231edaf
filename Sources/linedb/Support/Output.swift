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
/// through ``data(_:)`` and ``dataLine(_:)`` and stays exact.
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
