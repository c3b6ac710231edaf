#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Standard input as lines of bytes, read as they arrive (a pipe fed slowly gives each line at once).
///
/// Unlike `readLine()`, nothing is decoded here: the caller sees the bytes as they are, so invalid UTF-8 can be
/// refused (with its offset) instead of being repaired into U+FFFD.
struct StandardInputLines {
    private var buffer: [UInt8] = []
    private var start = 0
    private var atEnd = false
    /// The offset in the whole input of the next line's first byte.
    private(set) var offset = 0

    /// The next line without its `\n` and the offset of its first byte in the input, or `nil` at the end.
    mutating func next() -> (bytes: [UInt8], offset: Int)? {
        while true {
            if let newline = buffer[start...].firstIndex(of: 0x0A) {
                let line = Array(buffer[start..<newline])
                let lineOffset = offset
                offset += newline + 1 - start
                start = newline + 1
                return (line, lineOffset)
            }
            if atEnd {
                guard start < buffer.count else { return nil }
                let line = Array(buffer[start...])
                let lineOffset = offset
                offset += line.count
                start = buffer.count
                return (line, lineOffset)
            }
            if start > 0 {
                buffer.removeFirst(start)
                start = 0
            }
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            let n = chunk.withUnsafeMutableBytes { read(0, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 {
                atEnd = true
            } else {
                buffer.append(contentsOf: chunk[..<n])
            }
        }
    }
}
