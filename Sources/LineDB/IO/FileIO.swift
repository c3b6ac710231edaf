#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What `stat` tells the engine about a file.
package struct FileStatus: Sendable, Equatable {
    package var size: Int
    package var inode: UInt64
    package var device: UInt64
    package var linkCount: Int
    package var mode: mode_t
    package var isDirectory: Bool
    /// Whether the path itself is a symbolic link (only ever true from ``FileIO/lstat(_:)``).
    package var isSymbolicLink: Bool = false
    /// Last modification and status change (`st_mtim`, `st_ctim`) in nanoseconds since 1970 (0 when unknown): what
    /// ties a table snapshot to its records file.
    package var modifiedNanoseconds: Int64 = 0
    package var changedNanoseconds: Int64 = 0
    /// Whether no one may write the file by its permission bits (`chmod a-w`: a write-protected file).
    package var isWriteProtected: Bool { mode & 0o222 == 0 }
}

/// The seam through which every durable file operation goes (SQLite's VFS, LevelDB's Env).
///
/// ``RealFileIO`` calls the C library; tests wrap it (`FaultyFileIO`, in the `LineDBTestSupport` target) to make
/// chosen calls fail with a chosen errno or a short write, and to count syncs. Every method reports failure as ``LineDBError/io(operation:path:errno:)``
/// naming the call and the path. Hand-written because the durable write protocol is the product itself.
package protocol FileIO: AnyObject, Sendable {
    func open(_ path: String, flags: Int32, mode: mode_t) throws(LineDBError) -> Int32
    func close(_ fd: Int32, path: String) throws(LineDBError)
    /// Writes every byte, looping on short writes and EINTR. After a failure some prefix may have been written.
    func write(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws(LineDBError)
    /// Reads up to `count` bytes at `offset`.
    func pread(_ fd: Int32, count: Int, offset: Int, path: String) throws(LineDBError) -> [UInt8]
    /// Reads up to `buffer.count` bytes at `offset` into `buffer`; returns how many were read (0 at the end).
    func pread(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, offset: Int, path: String) throws(LineDBError)
        -> Int
    func fsync(_ fd: Int32, path: String) throws(LineDBError)
    func fdatasync(_ fd: Int32, path: String) throws(LineDBError)
    func ftruncate(_ fd: Int32, size: Int, path: String) throws(LineDBError)
    func rename(_ from: String, _ to: String) throws(LineDBError)
    func link(_ from: String, _ to: String) throws(LineDBError)
    func unlink(_ path: String) throws(LineDBError)
    /// Creates a directory; an existing directory is not an error.
    func mkdir(_ path: String) throws(LineDBError)
    /// Opens a directory and fsyncs it, so that creates, renames and unlinks in it are durable.
    func syncDirectory(_ path: String) throws(LineDBError)
    func stat(_ path: String) -> FileStatus?
    /// As ``stat(_:)``, but a symbolic link is described itself, not followed.
    func lstat(_ path: String) -> FileStatus?
    /// `access(path, W_OK)`: 0 when this process may write `path`, else the errno (`EACCES`, `EROFS`, ...).
    func writeAccess(_ path: String) -> Int32
    func fstat(_ fd: Int32) -> FileStatus?
    func flock(_ fd: Int32, _ operation: Int32) -> Int32
    func listDirectory(_ path: String) -> [String]
}

extension FileIO {
    /// Reads a whole file, or returns `nil` when it does not exist.
    package func readFile(_ path: String) throws(LineDBError) -> [UInt8]? {
        let fd: Int32
        do {
            fd = try open(path, flags: O_RDONLY | O_CLOEXEC, mode: 0)
        } catch {
            if case .io(_, _, let code) = error, code == ENOENT { return nil }
            throw error
        }
        defer { try? close(fd, path: path) }
        // Read straight into the result's storage: no zero-fill, no second copy (a records file can be 100+ MB).
        let size = fstat(fd)?.size ?? 0
        var failure: LineDBError? = nil
        var result = [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
            var offset = 0
            while offset < size {
                do throws(LineDBError) {
                    let n = try pread(
                        fd, into: UnsafeMutableRawBufferPointer(rebasing: UnsafeMutableRawBufferPointer(buffer)[offset...]),
                        offset: offset, path: path)
                    if n == 0 { break }
                    offset += n
                } catch {
                    failure = error
                    break
                }
            }
            initialized = offset
        }
        if let failure { throw failure }
        // The file may have grown since fstat: read the rest the slow way.
        while true {
            let chunk = try pread(fd, count: 1 << 20, offset: result.count, path: path)
            if chunk.isEmpty { break }
            result.append(contentsOf: chunk)
        }
        return result
    }

    /// Default: through the copying `pread` (test file systems).
    package func pread(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, offset: Int, path: String)
        throws(LineDBError) -> Int
    {
        let bytes = try pread(fd, count: buffer.count, offset: offset, path: path)
        bytes.withUnsafeBytes { buffer.copyMemory(from: $0) }
        return bytes.count
    }

    /// Writes `bytes` to a new file at `path` through the durable replace protocol:
    /// a temporary file in the same directory, `fsync`, `close`, `rename`. The caller fsyncs the directory.
    package func durableReplace(_ path: String, contents bytes: [UInt8]) throws(LineDBError) {
        let temp = try DurableReplace(io: self, finalPath: path)
        do throws(LineDBError) {
            try bytes.withBytes { (raw) throws(LineDBError) in try temp.write(raw) }
            try temp.commit()
        } catch {
            temp.abandon()
            throw error
        }
    }
}

/// The real file system.
package final class RealFileIO: FileIO {
    package static let shared = RealFileIO()
    package init() {}

    package func open(_ path: String, flags: Int32, mode: mode_t) throws(LineDBError) -> Int32 {
        while true {
            let fd = systemOpen(path, flags, mode)
            if fd >= 0 { return fd }
            if errno == EINTR { continue }
            let code = errno
            if code == ELOOP, flags & O_NOFOLLOW != 0, lstat(path)?.isSymbolicLink == true {
                throw .symbolicLink(path: path, target: Self.linkTarget(path))
            }
            throw .io(operation: "open", path: path, errno: code)
        }
    }

    /// Where a symbolic link points (for messages), or `nil`.
    package static func linkTarget(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: 4097)
        let n = readlink(path, &buffer, 4096)
        guard n >= 0 else { return nil }
        return String(decoding: buffer[..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    package func close(_ fd: Int32, path: String) throws(LineDBError) {
        if systemClose(fd) != 0 && errno != EINTR { throw .io(operation: "close", path: path, errno: errno) }
    }

    package func write(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws(LineDBError) {
        guard var base = bytes.baseAddress else { return }
        var remaining = bytes.count
        while remaining > 0 {
            let n = systemWrite(fd, base, remaining)
            if n < 0 {
                if errno == EINTR { continue }
                throw .io(operation: "write", path: path, errno: errno)
            }
            if n == 0 { throw .io(operation: "write", path: path, errno: EIO) }
            remaining -= n
            base += n
        }
    }

    package func pread(_ fd: Int32, count: Int, offset: Int, path: String) throws(LineDBError) -> [UInt8] {
        if count <= 0 { return [] }
        var buffer = [UInt8](repeating: 0, count: count)
        var n = 0
        while true {
            n = buffer.withUnsafeMutableBytes { systemPread(fd, $0.baseAddress, count, offset) }
            if n < 0 && errno == EINTR { continue }
            break
        }
        if n < 0 { throw .io(operation: "read", path: path, errno: errno) }
        buffer.removeLast(count - n)
        return buffer
    }

    package func pread(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, offset: Int, path: String)
        throws(LineDBError) -> Int
    {
        while true {
            let n = systemPread(fd, buffer.baseAddress, buffer.count, offset)
            if n >= 0 { return n }
            if errno == EINTR { continue }
            throw .io(operation: "read", path: path, errno: errno)
        }
    }

    package func fsync(_ fd: Int32, path: String) throws(LineDBError) {
        #if canImport(Darwin)
        if fcntl(fd, F_FULLFSYNC) == 0 { return }
        #endif
        if systemFsync(fd) != 0 { throw .io(operation: "fsync", path: path, errno: errno) }
    }

    package func fdatasync(_ fd: Int32, path: String) throws(LineDBError) {
        if systemFdatasync(fd) != 0 { throw .io(operation: "fdatasync", path: path, errno: errno) }
    }

    package func ftruncate(_ fd: Int32, size: Int, path: String) throws(LineDBError) {
        while systemFtruncate(fd, size) != 0 {
            if errno == EINTR { continue }
            throw .io(operation: "ftruncate", path: path, errno: errno)
        }
    }

    package func rename(_ from: String, _ to: String) throws(LineDBError) {
        if systemRename(from, to) != 0 { throw .io(operation: "rename to \(to)", path: from, errno: errno) }
    }

    package func link(_ from: String, _ to: String) throws(LineDBError) {
        if systemLink(from, to) != 0 { throw .io(operation: "link to \(to)", path: from, errno: errno) }
    }

    package func unlink(_ path: String) throws(LineDBError) {
        if systemUnlink(path) != 0 { throw .io(operation: "unlink", path: path, errno: errno) }
    }

    package func mkdir(_ path: String) throws(LineDBError) {
        if systemMkdir(path, 0o755) != 0 && errno != EEXIST { throw .io(operation: "mkdir", path: path, errno: errno) }
    }

    package func syncDirectory(_ path: String) throws(LineDBError) {
        let fd = try open(path, flags: O_RDONLY | O_DIRECTORY | O_CLOEXEC, mode: 0)
        defer { _ = systemClose(fd) }
        if systemFsync(fd) != 0 {
            // Some file systems cannot sync a directory; PostgreSQL and LevelDB ignore that case too.
            if errno == EINVAL || errno == EBADF { return }
            throw .io(operation: "fsync (directory)", path: path, errno: errno)
        }
    }

    package func stat(_ path: String) -> FileStatus? {
        var st = SystemStat()
        guard systemStat(path, &st) == 0 else { return nil }
        return FileStatus(st)
    }

    package func lstat(_ path: String) -> FileStatus? {
        var st = SystemStat()
        guard systemLstat(path, &st) == 0 else { return nil }
        return FileStatus(st)
    }

    package func writeAccess(_ path: String) -> Int32 {
        systemAccess(path, W_OK) == 0 ? 0 : errno
    }

    package func fstat(_ fd: Int32) -> FileStatus? {
        var st = SystemStat()
        guard systemFstat(fd, &st) == 0 else { return nil }
        return FileStatus(st)
    }

    package func flock(_ fd: Int32, _ operation: Int32) -> Int32 {
        systemFlock(fd, operation) == 0 ? 0 : errno
    }

    package func listDirectory(_ path: String) -> [String] {
        guard let dir = opendir(path) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }
}

extension FileStatus {
    init(_ st: SystemStat) {
        size = Int(st.st_size)
        inode = UInt64(st.st_ino)
        device = UInt64(truncatingIfNeeded: st.st_dev)  // dev_t is signed on Darwin
        linkCount = Int(st.st_nlink)
        mode = st.st_mode
        isDirectory = (st.st_mode & S_IFMT) == S_IFDIR
        isSymbolicLink = (st.st_mode & S_IFMT) == S_IFLNK
        #if canImport(Darwin)
        modifiedNanoseconds = Int64(st.st_mtimespec.tv_sec) * 1_000_000_000 + Int64(st.st_mtimespec.tv_nsec)
        changedNanoseconds = Int64(st.st_ctimespec.tv_sec) * 1_000_000_000 + Int64(st.st_ctimespec.tv_nsec)
        #else
        modifiedNanoseconds = Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec)
        changedNanoseconds = Int64(st.st_ctim.tv_sec) * 1_000_000_000 + Int64(st.st_ctim.tv_nsec)
        #endif
    }
}

// File-scope wrappers: inside `RealFileIO` the names `stat` and `flock` mean its own methods.
private func systemStat(_ path: String, _ st: inout SystemStat) -> Int32 { stat(path, &st) }
private func systemLstat(_ path: String, _ st: inout SystemStat) -> Int32 { lstat(path, &st) }
private func systemFstat(_ fd: Int32, _ st: inout SystemStat) -> Int32 { fstat(fd, &st) }
private func systemFlock(_ fd: Int32, _ op: Int32) -> Int32 { flock(fd, op) }
