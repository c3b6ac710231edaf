#if canImport(Glibc)
import Glibc
#endif
import Foundation
@testable import LineDB

/// A ``FileIO`` wrapper that tracks the descriptors it handed out and refuses (and records) every use of one that is
/// not open: a second `close`, or a `write`/`ftruncate`/`fsync` after `close`.
///
/// Such a use is a real bug even when it "only" fails with EBADF: Linux frees a descriptor even when `close` reports
/// an error, so in a multi-threaded process the number may already belong to another thread's file, and a second
/// `close` or an `ftruncate` hits that file. The guard also keeps the tests that inject `close` failures from
/// closing descriptors of tests running in parallel.
final class DescriptorGuard: FileIO, @unchecked Sendable {
    let base: FileIO
    private let lock = NSLock()
    private var openDescriptors: [Int32: String] = [:]
    private var recorded: [String] = []

    init(_ base: FileIO) { self.base = base }

    /// Every refused use, as "operation fd path (opened as …)".
    var misuses: [String] { lock.withLock { recorded } }

    private func isOpen(_ fd: Int32, _ operation: String, _ path: String) -> Bool {
        lock.withLock {
            if openDescriptors[fd] != nil { return true }
            recorded.append("\(operation) on descriptor \(fd) (\(path)) after it was closed")
            return false
        }
    }

    private func refuse(_ operation: String, _ path: String) -> LineDBError {
        .io(operation: operation, path: path, errno: EBADF)
    }

    func open(_ path: String, flags: Int32, mode: mode_t) throws(LineDBError) -> Int32 {
        let fd = try base.open(path, flags: flags, mode: mode)
        lock.withLock { openDescriptors[fd] = path }
        return fd
    }

    func close(_ fd: Int32, path: String) throws(LineDBError) {
        guard isOpen(fd, "close", path) else { throw refuse("close", path) }
        // Whatever close reports, the descriptor is gone afterwards (Linux semantics).
        _ = lock.withLock { openDescriptors.removeValue(forKey: fd) }
        try base.close(fd, path: path)
    }

    func write(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws(LineDBError) {
        guard isOpen(fd, "write", path) else { throw refuse("write", path) }
        try base.write(fd, bytes, path: path)
    }

    func pread(_ fd: Int32, count: Int, offset: Int, path: String) throws(LineDBError) -> [UInt8] {
        guard isOpen(fd, "read", path) else { throw refuse("read", path) }
        return try base.pread(fd, count: count, offset: offset, path: path)
    }

    func fsync(_ fd: Int32, path: String) throws(LineDBError) {
        guard isOpen(fd, "fsync", path) else { throw refuse("fsync", path) }
        try base.fsync(fd, path: path)
    }

    func fdatasync(_ fd: Int32, path: String) throws(LineDBError) {
        guard isOpen(fd, "fdatasync", path) else { throw refuse("fdatasync", path) }
        try base.fdatasync(fd, path: path)
    }

    func ftruncate(_ fd: Int32, size: Int, path: String) throws(LineDBError) {
        guard isOpen(fd, "ftruncate", path) else { throw refuse("ftruncate", path) }
        try base.ftruncate(fd, size: size, path: path)
    }

    func rename(_ from: String, _ to: String) throws(LineDBError) { try base.rename(from, to) }
    func link(_ from: String, _ to: String) throws(LineDBError) { try base.link(from, to) }
    func unlink(_ path: String) throws(LineDBError) { try base.unlink(path) }
    func mkdir(_ path: String) throws(LineDBError) { try base.mkdir(path) }
    func syncDirectory(_ path: String) throws(LineDBError) { try base.syncDirectory(path) }
    func stat(_ path: String) -> FileStatus? { base.stat(path) }
    func lstat(_ path: String) -> FileStatus? { base.lstat(path) }
    func writeAccess(_ path: String) -> Int32 { base.writeAccess(path) }

    func fstat(_ fd: Int32) -> FileStatus? {
        guard isOpen(fd, "fstat", "?") else { return nil }
        return base.fstat(fd)
    }

    func flock(_ fd: Int32, _ operation: Int32) -> Int32 {
        // The writer lock's descriptor is closed with close(2) directly, so only an unknown number is suspicious.
        base.flock(fd, operation)
    }

    func listDirectory(_ path: String) -> [String] { base.listDirectory(path) }
}
