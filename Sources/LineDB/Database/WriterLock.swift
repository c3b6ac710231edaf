#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The one-writer lock: an exclusive `flock` on `<db>/.lock`, held for the whole session and released by the
/// kernel when the process dies. `flock` (not POSIX `fcntl` locks, which vanish when any descriptor of the file
/// is closed) is what SQLite's and LevelDB's experience recommends. The file holds `pid host` for messages.
final class WriterLock {
    private let io: FileIO
    private let path: String
    private var fd: Int32

    /// Takes the lock or throws ``LineDBError/locked(path:pid:host:)`` naming the holder.
    ///
    /// `shared`: a shared lock, which table writers hold on `.lock` together (TableLocks.swift); it writes no pid.
    /// `wait`: seconds to keep trying while another process holds it (``DatabaseOptions/lockWait``).
    init(
        io: FileIO, path: String, databasePath: String, shared: Bool = false, wait: Double = 0
    ) throws(LineDBError) {
        self.io = io
        self.path = path
        do {
            fd = try io.open(path, flags: O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, mode: 0o644)
        } catch {
            // Never written through: opening and quitting would put `pid host` into whatever the link points to.
            guard case .corrupt = error else { throw error }
            throw .symbolicLink(
                path: path, target: RealFileIO.linkTarget(path),
                hint: "remove the link (rm \(path)): the writer makes its own lock file; LineDB changed nothing")
        }
        let result = TableLocks.flock(io: io, fd, shared ? LOCK_SH : LOCK_EX, wait: wait)
        if result != 0 {
            let (pid, host) = shared ? WriterLock.holder(io: io, path: path)
                : TableLocks.tableWriter(root: Database.parent(of: path), io: io) ?? WriterLock.holder(io: io, path: path)
            _ = systemClose(fd)
            fd = -1
            if result == EWOULDBLOCK || result == EAGAIN { throw .locked(path: databasePath, pid: pid, host: host) }
            throw .io(operation: "flock", path: path, errno: result)
        }
        if shared { return }
        var hostBuffer = [CChar](repeating: 0, count: 256)
        gethostname(&hostBuffer, 255)
        let host = String(decoding: hostBuffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let info = Array("\(getpid()) \(host)\n".utf8)
        try? io.ftruncate(fd, size: 0, path: path)
        _ = info.withUnsafeBytes { systemPwrite(fd, $0.baseAddress, $0.count, 0) }
    }

    /// Who holds the lock, as written in the file (information only).
    static func holder(io: FileIO, path: String) -> (Int?, String?) {
        guard let bytes = try? io.readFile(path) else { return (nil, nil) }
        let parts = String(decoding: bytes, as: UTF8.self).split(whereSeparator: { $0 == " " || $0 == "\n" })
        return (parts.first.flatMap { Int($0) }, parts.count > 1 ? String(parts[1]) : nil)
    }

    /// Whether another process holds the writer lock on `path` right now.
    static func isHeld(io: FileIO, path: String) -> Bool {
        guard let fd = try? io.open(path, flags: O_RDONLY | O_CLOEXEC, mode: 0) else { return false }
        defer { _ = systemClose(fd) }
        if io.flock(fd, LOCK_SH | LOCK_NB) != 0 { return true }
        _ = io.flock(fd, LOCK_UN)
        return false
    }

    func release() {
        if fd >= 0 {
            _ = io.flock(fd, LOCK_UN)
            _ = systemClose(fd)
            fd = -1
        }
    }

    deinit { release() }
}
