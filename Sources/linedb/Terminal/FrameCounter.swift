#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// For the end-to-end tests: with `LINEDB_FRAME_FILE=path` in the environment, the number of the last frame copied
/// whole to the terminal is written to `path` after each one (1, 2, 3…), so a test reading the screen can tell a
/// complete frame from one half drawn. Without the variable it does nothing.
///
/// The file is replaced by a rename, so a reader sees one number or the previous one, never a part.
struct FrameCounter {
    /// Where the number goes, or `nil` (the variable is unset or empty).
    let path: String?
    /// Frames completed so far.
    private(set) var count = 0

    /// Reads `LINEDB_FRAME_FILE` from the environment.
    init() {
        let value = getenv("LINEDB_FRAME_FILE").map { String(cString: $0) } ?? ""
        path = value.isEmpty ? nil : value
    }

    /// A frame is on the terminal: its number is written.
    mutating func completed() {
        count += 1
        guard let path else { return }
        let temporary = path + ".tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return }  // a test's file: nothing to say to the user
        let text = Array("\(count)\n".utf8)
        let written = text.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
        if written == text.count { rename(temporary, path) }
    }
}
