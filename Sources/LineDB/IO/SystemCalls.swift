#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// The C library's calls under names of their own, for code inside types that have methods of the same names
// (`RealFileIO.open`, `WALWriter.close`, ...), where an unqualified `close(fd)` would mean the method. Qualifying
// the call instead (`Glibc.close`) names a module that Darwin does not have: these build with either C library.

/// The C library's `struct stat`.
typealias SystemStat = stat

func systemOpen(_ path: String, _ flags: Int32, _ mode: mode_t) -> Int32 { open(path, flags, mode) }
func systemClose(_ fd: Int32) -> Int32 { close(fd) }
func systemWrite(_ fd: Int32, _ bytes: UnsafeRawPointer?, _ count: Int) -> Int { write(fd, bytes, count) }
func systemPread(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int, _ offset: Int) -> Int {
    pread(fd, buffer, count, off_t(offset))
}
func systemPwrite(_ fd: Int32, _ bytes: UnsafeRawPointer?, _ count: Int, _ offset: Int) -> Int {
    pwrite(fd, bytes, count, off_t(offset))
}
func systemFsync(_ fd: Int32) -> Int32 { fsync(fd) }
/// `fdatasync` on Linux. Darwin's `fsync` does not flush the drive's cache: there it is `fcntl(F_FULLFSYNC)` (what
/// SQLite's `fullfsync` pragma does), falling back to `fsync` on file systems that refuse it.
func systemFdatasync(_ fd: Int32) -> Int32 {
    #if canImport(Darwin)
    if fcntl(fd, F_FULLFSYNC) == 0 { return 0 }
    return fsync(fd)
    #else
    return fdatasync(fd)
    #endif
}
func systemFtruncate(_ fd: Int32, _ size: Int) -> Int32 { ftruncate(fd, off_t(size)) }
func systemRename(_ from: String, _ to: String) -> Int32 { rename(from, to) }
func systemLink(_ from: String, _ to: String) -> Int32 { link(from, to) }
func systemUnlink(_ path: String) -> Int32 { unlink(path) }
func systemMkdir(_ path: String, _ mode: mode_t) -> Int32 { mkdir(path, mode) }
func systemAccess(_ path: String, _ mode: Int32) -> Int32 { access(path, mode) }
/// Seconds since the epoch (`time(nil)`).
func systemTime() -> Int { Int(time(nil)) }
