#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Standard output and error for the commands, written with `write(2)`.
///
/// Standard output is buffered and flushed when the buffer is large, at ``flush()`` and before the process exits;
/// commands that acknowledge durable writes (`insert`) or stream (`wal --follow`) flush after every line, so a
/// script reading the pipe sees each line as soon as it is true.
enum Output {
    nonisolated(unsafe) private static var buffer: [UInt8] = []

    /// Appends text to standard output.
    static func write(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= 1 << 16 { flush() }
    }

    /// Appends a line (a `\n` is added).
    static func line(_ text: String) {
        write(text)
        buffer.append(10)
        if buffer.count >= 1 << 16 { flush() }
    }

    /// Writes everything buffered to file descriptor 1.
    static func flush() {
        guard !buffer.isEmpty else { return }
        writeAll(fd: 1, buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    /// Writes text to standard error at once (unbuffered).
    static func writeError(_ text: String) {
        writeAll(fd: 2, Array(text.utf8))
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
