#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

import LineDB

/// A ``FileIO`` that passes calls to the real file system, counts them, and fails the ones a test chose
/// (SQLite's ioerr loop, LevelDB's FaultInjectionTestEnv).
package final class FaultyFileIO: FileIO, @unchecked Sendable {
    /// The calls that can be made to fail.
    package enum Operation: String, Sendable, CaseIterable {
        case open, close, write, read, fsync, fdatasync, ftruncate, rename, link, unlink, mkdir, syncDirectory
    }

    /// Fail call number `nth` (1-based, counted per operation from when the rule was added) of `operation`
    /// with `errno`; `persistent` fails every later call too; `shortWrite` writes half the bytes first.
    package struct Fault: Sendable {
        package var operation: Operation
        package var nth: Int
        package var errno: Int32
        package var persistent: Bool
        package var shortWrite: Bool
        package var pathContains: String?

        package init(_ operation: Operation, nth: Int = 1, errno: Int32 = EIO, persistent: Bool = false,
                     shortWrite: Bool = false, pathContains: String? = nil) {
            self.operation = operation
            self.nth = nth
            self.errno = errno
            self.persistent = persistent
            self.shortWrite = shortWrite
            self.pathContains = pathContains
        }
    }

    private let base = RealFileIO()
    private let mutex = PThreadMutex()
    private var faults: [(Fault, Int)] = []
    private var counts: [Operation: Int] = [:]

    package init() {}

    /// Adds a fault; its call count starts now.
    package func inject(_ fault: Fault) {
        mutex.withLock { faults.append((fault, 0)) }
    }

    /// Removes every fault.
    package func clearFaults() { mutex.withLock { faults.removeAll() } }

    /// How many times `operation` was called so far.
    package func count(_ operation: Operation) -> Int { mutex.withLock { counts[operation] ?? 0 } }

    /// Records a call; returns the fault to apply, if any.
    private func check(_ op: Operation, _ path: String) -> Fault? {
        mutex.withLock {
            counts[op, default: 0] += 1
            for i in faults.indices where faults[i].0.operation == op {
                if let p = faults[i].0.pathContains, !path.contains(p) { continue }
                faults[i].1 += 1
                let (fault, n) = faults[i]
                if n == fault.nth || (fault.persistent && n > fault.nth) { return fault }
            }
            return nil
        }
    }

    package func open(_ path: String, flags: Int32, mode: mode_t) throws(LineDBError) -> Int32 {
        if let f = check(.open, path) { throw .io(operation: "open", path: path, errno: f.errno) }
        return try base.open(path, flags: flags, mode: mode)
    }

    package func close(_ fd: Int32, path: String) throws(LineDBError) {
        if let f = check(.close, path) {
            try? base.close(fd, path: path)
            throw .io(operation: "close", path: path, errno: f.errno)
        }
        try base.close(fd, path: path)
    }

    package func write(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws(LineDBError) {
        if let f = check(.write, path) {
            if f.shortWrite && bytes.count > 1 {
                try base.write(fd, UnsafeRawBufferPointer(rebasing: bytes[0..<bytes.count / 2]), path: path)
            }
            throw .io(operation: "write", path: path, errno: f.errno)
        }
        try base.write(fd, bytes, path: path)
    }

    package func pread(_ fd: Int32, count: Int, offset: Int, path: String) throws(LineDBError) -> [UInt8] {
        if let f = check(.read, path) { throw .io(operation: "read", path: path, errno: f.errno) }
        return try base.pread(fd, count: count, offset: offset, path: path)
    }

    package func fsync(_ fd: Int32, path: String) throws(LineDBError) {
        if let f = check(.fsync, path) { throw .io(operation: "fsync", path: path, errno: f.errno) }
        try base.fsync(fd, path: path)
    }

    package func fdatasync(_ fd: Int32, path: String) throws(LineDBError) {
        if let f = check(.fdatasync, path) { throw .io(operation: "fdatasync", path: path, errno: f.errno) }
        try base.fdatasync(fd, path: path)
    }

    package func ftruncate(_ fd: Int32, size: Int, path: String) throws(LineDBError) {
        if let f = check(.ftruncate, path) { throw .io(operation: "ftruncate", path: path, errno: f.errno) }
        try base.ftruncate(fd, size: size, path: path)
    }

    package func rename(_ from: String, _ to: String) throws(LineDBError) {
        if let f = check(.rename, from) { throw .io(operation: "rename to \(to)", path: from, errno: f.errno) }
        try base.rename(from, to)
    }

    package func link(_ from: String, _ to: String) throws(LineDBError) {
        if let f = check(.link, from) { throw .io(operation: "link to \(to)", path: from, errno: f.errno) }
        try base.link(from, to)
    }

    package func unlink(_ path: String) throws(LineDBError) {
        if let f = check(.unlink, path) { throw .io(operation: "unlink", path: path, errno: f.errno) }
        try base.unlink(path)
    }

    package func mkdir(_ path: String) throws(LineDBError) {
        if let f = check(.mkdir, path) { throw .io(operation: "mkdir", path: path, errno: f.errno) }
        try base.mkdir(path)
    }

    package func syncDirectory(_ path: String) throws(LineDBError) {
        if let f = check(.syncDirectory, path) {
            if f.errno == EINVAL { return }  // as the real one: "unsupported" is ignored
            throw .io(operation: "fsync (directory)", path: path, errno: f.errno)
        }
        try base.syncDirectory(path)
    }

    package func stat(_ path: String) -> FileStatus? { base.stat(path) }
    package func lstat(_ path: String) -> FileStatus? { base.lstat(path) }
    package func writeAccess(_ path: String) -> Int32 { base.writeAccess(path) }
    package func fstat(_ fd: Int32) -> FileStatus? { base.fstat(fd) }
    package func flock(_ fd: Int32, _ operation: Int32) -> Int32 { base.flock(fd, operation) }
    package func listDirectory(_ path: String) -> [String] { base.listDirectory(path) }
}
