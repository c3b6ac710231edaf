#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

import LineDB

/// A ``FileIO`` that performs every call on the real file system and also keeps a model of what a power cut at
/// any moment could leave on disk (test group B, PowerLossTests; SQLite's crash VFS, LevelDB's FaultInjectionTestEnv,
/// ALICE).
///
/// The model is a conservative ext4: files are tracked by inode identity across `link`, `rename` and `unlink`.
/// - A data change (`write`, `ftruncate`, `O_TRUNC`) is durable only once an `fsync`/`fdatasync` of the same inode
///   (through any descriptor) completed after it.
/// - A directory change (a create through `open(O_CREAT)`, `rename`, `link`, `unlink`, `mkdir`) is durable only once
///   a ``syncDirectory(_:)`` of its parent directory completed after it; syncing a file does not persist its name.
///
/// Only paths under ``root`` are modelled; everything under it when the recorder is made counts as durable. Before
/// every change, before and after every sync, and at every ``acknowledge()``, the recorder saves a ``CrashPoint``:
/// the durable state plus the changes still pending. Test code builds concrete crash states from those points.
///
/// For the harness self-test (mutation testing), the recorder can *pretend* chosen syncs did not happen
/// (``ignoreDirectorySyncs``, ``ignoreDirectorySyncs(pathSuffix:)``, ``ignoreFileSyncs(pathContaining:)``): the
/// real call still runs, the model does not mark anything durable, which simulates an engine that forgot that sync.
package final class RecordingFileIO: FileIO, @unchecked Sendable {

    // MARK: - Model types

    /// What a directory entry names.
    package enum Entry: Hashable, Sendable {
        case file(inode: Int)
        case directory
    }

    /// Directory path → its entries (name → what it names). A directory's own entries are kept under its path even
    /// while the directory itself is not reachable; reachability is decided by walking from ``root``.
    package typealias Tree = [String: [String: Entry]]

    /// A change to a file's data.
    package enum DataOp: Hashable, Sendable {
        /// `bytes` written at `offset`; `durableSizeBefore` is the size of the durable content at that moment.
        case write(seq: Int, offset: Int, bytes: [UInt8], durableSizeBefore: Int)
        case truncate(seq: Int, size: Int)

        package var seq: Int {
            switch self {
            case .write(let seq, _, _, _), .truncate(let seq, _): return seq
            }
        }

        /// Applies the change to a file's content (a write past the end leaves a hole of zeros).
        package func apply(to content: inout [UInt8]) {
            switch self {
            case .write(_, let offset, let bytes, _):
                if content.count < offset {
                    content.append(contentsOf: repeatElement(0, count: offset - content.count))
                }
                let overlap = min(bytes.count, content.count - offset)
                if overlap > 0 { content.replaceSubrange(offset..<offset + overlap, with: bytes[0..<overlap]) }
                if overlap < bytes.count { content.append(contentsOf: bytes[overlap...]) }
            case .truncate(_, let size):
                if size < content.count {
                    content.removeLast(content.count - size)
                } else {
                    content.append(contentsOf: repeatElement(0, count: size - content.count))
                }
            }
        }
    }

    /// One file (inode): its content as of its last completed sync, and the changes made since.
    package struct Inode: Hashable, Sendable {
        package var durable: [UInt8]
        package var pending: [DataOp]

        /// The content the running process sees (durable + every pending change).
        package var current: [UInt8] {
            var content = durable
            for op in pending { op.apply(to: &content) }
            return content
        }
    }

    /// A change to a directory.
    package enum DirOpKind: Hashable, Sendable {
        case create(dir: String, name: String, inode: Int)
        case mkdir(dir: String, name: String)
        case rename(fromDir: String, fromName: String, toDir: String, toName: String)
        case link(fromDir: String, fromName: String, toDir: String, toName: String)
        case unlink(dir: String, name: String)

        /// The directories whose sync makes it durable.
        package var directories: Set<String> {
            switch self {
            case .create(let dir, _, _), .mkdir(let dir, _), .unlink(let dir, _): return [dir]
            case .rename(let a, _, let b, _), .link(let a, _, let b, _): return [a, b]
            }
        }

        /// Applies the change to a tree. A change whose source is missing in `tree` (because an earlier change was
        /// not kept in the crash state being built) does nothing.
        package func apply(to tree: inout Tree) {
            switch self {
            case .create(let dir, let name, let inode):
                tree[dir, default: [:]][name] = .file(inode: inode)
            case .mkdir(let dir, let name):
                tree[dir, default: [:]][name] = .directory
                let child = RecordingFileIO.join(dir, name)
                if tree[child] == nil { tree[child] = [:] }
            case .rename(let fromDir, let fromName, let toDir, let toName):
                guard let entry = tree[fromDir]?[fromName] else { return }
                tree[fromDir]![fromName] = nil
                tree[toDir, default: [:]][toName] = entry
            case .link(let fromDir, let fromName, let toDir, let toName):
                guard let entry = tree[fromDir]?[fromName] else { return }
                tree[toDir, default: [:]][toName] = entry
            case .unlink(let dir, let name):
                tree[dir]?[name] = nil
            }
        }
    }

    /// A directory change not yet made durable, and the directories still to be synced before it is.
    package struct DirOp: Hashable, Sendable {
        package var seq: Int
        package var kind: DirOpKind
        package var unsyncedDirectories: Set<String>
    }

    /// What a power cut at one moment could leave: the durable state plus every change still pending.
    package struct CrashPoint: Sendable {
        /// Which moment: `before fdatasync wal/transaction.log`, `ACK 3`, ...
        package var label: String
        /// The number of workload operations acknowledged (returned success) before this moment.
        package var acknowledged: Int
        /// The number of workload operations started before this moment (one more than ``acknowledged`` inside one).
        package var attempted: Int
        /// The recorder's root.
        package var root: String
        /// The directories as durably on disk.
        package var durableTree: Tree
        /// Directory changes not yet durable, oldest first.
        package var pendingDirOps: [DirOp]
        /// Every file ever seen, by inode id.
        package var inodes: [Int: Inode]

        /// The durable tree with the first `count` pending directory changes applied (journal order).
        package func tree(keepingPending count: Int) -> Tree {
            var tree = durableTree
            for op in pendingDirOps.prefix(count) { op.kind.apply(to: &tree) }
            return tree
        }

        /// The same point with every path moved from ``root`` to `newRoot`.
        package func rerooted(to newRoot: String) -> CrashPoint {
            func move(_ path: String) -> String { path == root ? newRoot : newRoot + path.dropFirst(root.count) }
            var copy = self
            copy.root = newRoot
            copy.durableTree = Dictionary(uniqueKeysWithValues: durableTree.map { (move($0.key), $0.value) })
            copy.pendingDirOps = pendingDirOps.map { op in
                var op = op
                op.unsyncedDirectories = Set(op.unsyncedDirectories.map(move))
                switch op.kind {
                case .create(let dir, let name, let inode): op.kind = .create(dir: move(dir), name: name, inode: inode)
                case .mkdir(let dir, let name): op.kind = .mkdir(dir: move(dir), name: name)
                case .unlink(let dir, let name): op.kind = .unlink(dir: move(dir), name: name)
                case .rename(let a, let x, let b, let y):
                    op.kind = .rename(fromDir: move(a), fromName: x, toDir: move(b), toName: y)
                case .link(let a, let x, let b, let y):
                    op.kind = .link(fromDir: move(a), fromName: x, toDir: move(b), toName: y)
                }
                return op
            }
            return copy
        }

        /// Whether anything at all is pending.
        package var hasPending: Bool { !pendingDirOps.isEmpty || inodes.values.contains { !$0.pending.isEmpty } }
    }

    /// An open descriptor of a modelled file.
    private struct Descriptor {
        var inode: Int
        var append: Bool
        var path: String
    }

    // MARK: - State

    /// The directory whose contents are modelled (normalised, no trailing `/`).
    package let root: String

    private let base = RealFileIO()
    private let mutex = PThreadMutex()
    private var durableTree: Tree = [:]
    private var currentTree: Tree = [:]
    private var inodes: [Int: Inode] = [:]
    private var pendingDirOps: [DirOp] = []
    private var descriptors: [Int32: Descriptor] = [:]
    private var nextInode = 1
    private var seq = 0
    private var version = 0
    private var capturedVersion = -1
    private var capturedAck = -1
    private var ignoreAllDirectorySyncs = false
    private var ignoredFileFragments: [String] = []
    private var ignoredDirectorySuffixes: [String] = []
    private var recordedPoints: [CrashPoint] = []
    private var counters = (acknowledged: 0, attempted: 0)
    private var modelProblems: [String] = []

    /// Starts recording: everything now under `root` (which must exist) is taken as durable.
    package init(root: String) {
        self.root = RecordingFileIO.normalize(root)
        durableTree[self.root] = [:]
        var inodeOfRealInode: [UInt64: Int] = [:]
        scan(self.root, inodeOfRealInode: &inodeOfRealInode)
        currentTree = durableTree
    }

    /// Resumes recording after a *process* crash at `point`: the files under `root` must be the point's state with
    /// every pending change kept (the page cache survived), while only what was durable at the point counts as
    /// durable. This models a crash, a recovery, and then a power cut (R12: recovery must sync what it relies on).
    package init(resuming point: CrashPoint, at root: String) {
        let moved = point.rerooted(to: RecordingFileIO.normalize(root))
        self.root = moved.root
        durableTree = moved.durableTree
        pendingDirOps = moved.pendingDirOps
        inodes = moved.inodes
        currentTree = moved.tree(keepingPending: moved.pendingDirOps.count)
        nextInode = (inodes.keys.max() ?? 0) + 1
        seq = (moved.pendingDirOps.map(\.seq) + inodes.values.flatMap { $0.pending.map(\.seq) }).max() ?? 0
    }

    private func scan(_ dir: String, inodeOfRealInode: inout [UInt64: Int]) {
        for name in base.listDirectory(dir) {
            let path = RecordingFileIO.join(dir, name)
            guard let status = base.stat(path) else { continue }
            if status.isDirectory {
                durableTree[dir, default: [:]][name] = .directory
                durableTree[path] = [:]
                scan(path, inodeOfRealInode: &inodeOfRealInode)
                continue
            }
            if let id = inodeOfRealInode[status.inode] {
                durableTree[dir, default: [:]][name] = .file(inode: id)
                continue
            }
            let id = nextInode
            nextInode += 1
            inodeOfRealInode[status.inode] = id
            inodes[id] = Inode(durable: (try? base.readFile(path)) ?? [], pending: [])
            durableTree[dir, default: [:]][name] = .file(inode: id)
        }
    }

    // MARK: - Test controls

    /// Every moment saved so far, oldest first.
    package var points: [CrashPoint] { mutex.withLock { recordedPoints } }

    /// Problems the recorder found in its own model (a call it could not model, a failed write).
    package var problems: [String] { mutex.withLock { modelProblems } }

    /// Marks the start of a workload operation (an API call the test is about to make).
    package func beginOperation() {
        mutex.withLock { counters.attempted += 1 }
    }

    /// Marks the end of a successful workload operation (its ACK) and saves a crash point there.
    package func acknowledge() {
        mutex.withLock {
            counters.acknowledged = counters.attempted
            capture("ACK \(counters.acknowledged)")
        }
    }

    /// Mutation switch: pretend every directory sync did not happen (the real call still runs).
    package var ignoreDirectorySyncs: Bool {
        get { mutex.withLock { ignoreAllDirectorySyncs } }
        set { mutex.withLock { ignoreAllDirectorySyncs = newValue } }
    }

    /// Mutation switch: pretend every `fsync`/`fdatasync` of a file whose path contains `fragment` did not happen,
    /// e.g. `"transaction.log"` (the WAL sync before acknowledging) or `".tmp-"` (the temp-file sync before rename).
    package func ignoreFileSyncs(pathContaining fragment: String) {
        mutex.withLock { ignoredFileFragments.append(fragment) }
    }

    /// Mutation switch: pretend every sync of a directory whose path ends with `suffix` did not happen,
    /// e.g. `"/data"` (the directory sync in `save()`).
    package func ignoreDirectorySyncs(pathSuffix suffix: String) {
        mutex.withLock { ignoredDirectorySuffixes.append(suffix) }
    }

    /// The files the model says exist now (path relative to ``root`` → content), to compare with the real disk.
    package func modelledFiles() -> [String: [UInt8]] {
        mutex.withLock {
            var files: [String: [UInt8]] = [:]
            RecordingFileIO.walk(currentTree, from: root) { path, entry in
                if case .file(let id) = entry {
                    files[String(path.dropFirst(root.count + 1))] = inodes[id]?.current ?? []
                }
            }
            return files
        }
    }

    /// Visits every reachable entry of `tree` below `dir`, parents before children, names in order.
    package static func walk(_ tree: Tree, from dir: String, _ visit: (String, Entry) -> Void) {
        for (name, entry) in (tree[dir] ?? [:]).sorted(by: { $0.key < $1.key }) {
            let path = join(dir, name)
            visit(path, entry)
            if entry == .directory { walk(tree, from: path, visit) }
        }
    }

    // MARK: - Recording (mutex held)

    private func capture(_ label: String) {
        if version == capturedVersion && counters.acknowledged == capturedAck { return }
        capturedVersion = version
        capturedAck = counters.acknowledged
        recordedPoints.append(CrashPoint(
            label: label, acknowledged: counters.acknowledged, attempted: counters.attempted, root: root,
            durableTree: durableTree, pendingDirOps: pendingDirOps, inodes: inodes))
    }

    private func nextSeq() -> Int {
        seq += 1
        version += 1
        return seq
    }

    private func isModelled(_ path: String) -> Bool { path.hasPrefix(root + "/") }

    private func relative(_ path: String) -> String { isModelled(path) ? String(path.dropFirst(root.count + 1)) : path }

    private func isIgnored(_ path: String, directory: Bool) -> Bool {
        if directory { return ignoreAllDirectorySyncs || ignoredDirectorySuffixes.contains { path.hasSuffix($0) } }
        return ignoredFileFragments.contains { path.contains($0) }
    }

    private func addDirOp(_ kind: DirOpKind) {
        capture("before \(kind)".replacingOccurrences(of: root + "/", with: ""))
        let op = DirOp(seq: nextSeq(), kind: kind, unsyncedDirectories: kind.directories)
        kind.apply(to: &currentTree)
        pendingDirOps.append(op)
    }

    private func addDataOp(inode: Int, _ what: String, _ make: (Int) -> DataOp) {
        capture("before \(what)")
        let op = make(nextSeq())
        inodes[inode]?.pending.append(op)
    }

    private func syncInode(_ id: Int) {
        guard var inode = inodes[id], !inode.pending.isEmpty else { return }
        inode.durable = inode.current
        inode.pending = []
        inodes[id] = inode
        version += 1
    }

    private func syncDirectoryModel(_ dir: String) {
        var changed = false
        for i in pendingDirOps.indices where pendingDirOps[i].unsyncedDirectories.contains(dir) {
            pendingDirOps[i].unsyncedDirectories.remove(dir)
            changed = true
        }
        guard changed else { return }
        for op in pendingDirOps where op.unsyncedDirectories.isEmpty { op.kind.apply(to: &durableTree) }
        pendingDirOps.removeAll { $0.unsyncedDirectories.isEmpty }
        version += 1
    }

    private func entry(_ path: String) -> Entry? {
        let (dir, name) = RecordingFileIO.split(path)
        return currentTree[dir]?[name]
    }

    // MARK: - FileIO

    package func open(_ path: String, flags: Int32, mode: mode_t) throws(LineDBError) -> Int32 {
        try mutex.withLock { () throws(LineDBError) -> Int32 in
            let p = RecordingFileIO.normalize(path)
            let fd = try base.open(path, flags: flags, mode: mode)
            descriptors[fd] = nil
            guard isModelled(p), flags & O_DIRECTORY == 0 else { return fd }
            let (dir, name) = RecordingFileIO.split(p)
            var id: Int
            switch entry(p) {
            case .file(let existing)?:
                id = existing
                if flags & O_TRUNC != 0, flags & O_ACCMODE != O_RDONLY, !(inodes[id]?.current.isEmpty ?? true) {
                    addDataOp(inode: id, "O_TRUNC \(relative(p))") { .truncate(seq: $0, size: 0) }
                }
            case .directory?:
                return fd
            case nil:
                guard flags & O_CREAT != 0 else {
                    modelProblems.append("open \(relative(p)): exists on disk but not in the model")
                    return fd
                }
                id = nextInode
                nextInode += 1
                inodes[id] = Inode(durable: [], pending: [])
                addDirOp(.create(dir: dir, name: name, inode: id))
            }
            descriptors[fd] = Descriptor(inode: id, append: flags & O_APPEND != 0, path: p)
            return fd
        }
    }

    package func close(_ fd: Int32, path: String) throws(LineDBError) {
        try mutex.withLock { () throws(LineDBError) in
            descriptors[fd] = nil
            try base.close(fd, path: path)
        }
    }

    package func write(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws(LineDBError) {
        try mutex.withLock { () throws(LineDBError) in
            guard let d = descriptors[fd] else { return try base.write(fd, bytes, path: path) }
            let offset: Int
            if d.append {
                offset = inodes[d.inode]?.current.count ?? 0
            } else {
                offset = Int(lseek(fd, 0, SEEK_CUR))
            }
            do throws(LineDBError) {
                try base.write(fd, bytes, path: path)
            } catch {
                modelProblems.append(
                    "write to \(relative(d.path)) failed: \(error); the model may differ from the disk")
                throw error
            }
            let data = Array(bytes)
            let durableSize = inodes[d.inode]?.durable.count ?? 0
            addDataOp(inode: d.inode, "write \(relative(d.path))") {
                .write(seq: $0, offset: offset, bytes: data, durableSizeBefore: durableSize)
            }
        }
    }

    package func pread(_ fd: Int32, count: Int, offset: Int, path: String) throws(LineDBError) -> [UInt8] {
        try base.pread(fd, count: count, offset: offset, path: path)
    }

    package func fsync(_ fd: Int32, path: String) throws(LineDBError) {
        try syncFile(fd, path: path, call: "fsync") { () throws(LineDBError) in try base.fsync(fd, path: path) }
    }

    package func fdatasync(_ fd: Int32, path: String) throws(LineDBError) {
        try syncFile(fd, path: path, call: "fdatasync") { () throws(LineDBError) in try base.fdatasync(fd, path: path) }
    }

    private func syncFile(_ fd: Int32, path: String, call: String, _ body: () throws(LineDBError) -> Void)
        throws(LineDBError)
    {
        try mutex.withLock { () throws(LineDBError) in
            guard let d = descriptors[fd] else { return try body() }
            let what = "\(call) \(relative(d.path))"
            capture("before \(what)")
            try body()
            if isIgnored(d.path, directory: false) { return }
            syncInode(d.inode)
            capture("after \(what)")
        }
    }

    package func ftruncate(_ fd: Int32, size: Int, path: String) throws(LineDBError) {
        try mutex.withLock { () throws(LineDBError) in
            try base.ftruncate(fd, size: size, path: path)
            if let d = descriptors[fd] {
                addDataOp(inode: d.inode, "ftruncate \(relative(d.path))") { .truncate(seq: $0, size: size) }
            }
        }
    }

    package func rename(_ from: String, _ to: String) throws(LineDBError) {
        try mutex.withLock { () throws(LineDBError) in
            try base.rename(from, to)
            let (a, b) = (RecordingFileIO.normalize(from), RecordingFileIO.normalize(to))
            guard isModelled(a) && isModelled(b) else {
                if isModelled(a) || isModelled(b) { modelProblems.append("rename \(from) -> \(to) crosses the root") }
                return
            }
            let (fromDir, fromName) = RecordingFileIO.split(a)
            let (toDir, toName) = RecordingFileIO.split(b)
            addDirOp(.rename(fromDir: fromDir, fromName: fromName, toDir: toDir, toName: toName))
        }
    }

    package func link(_ from: String, _ to: String) throws(LineDBError) {
        try mutex.withLock { () throws(LineDBError) in
            try base.link(from, to)
            let (a, b) = (RecordingFileIO.normalize(from), RecordingFileIO.normalize(to))
            guard isModelled(a) && isModelled(b) else {
                if isModelled(b) { modelProblems.append("link \(from) -> \(to) crosses the root") }
                return
            }
            let (fromDir, fromName) = RecordingFileIO.split(a)
            let (toDir, toName) = RecordingFileIO.split(b)
            addDirOp(.link(fromDir: fromDir, fromName: fromName, toDir: toDir, toName: toName))
        }
    }

    package func unlink(_ path: String) throws(LineDBError) {
        try mutex.withLock { () throws(LineDBError) in
            try base.unlink(path)
            let p = RecordingFileIO.normalize(path)
            guard isModelled(p) else { return }
            let (dir, name) = RecordingFileIO.split(p)
            addDirOp(.unlink(dir: dir, name: name))
        }
    }

    package func mkdir(_ path: String) throws(LineDBError) {
        try mutex.withLock { () throws(LineDBError) in
            try base.mkdir(path)
            let p = RecordingFileIO.normalize(path)
            guard isModelled(p), entry(p) == nil else { return }
            let (dir, name) = RecordingFileIO.split(p)
            addDirOp(.mkdir(dir: dir, name: name))
        }
    }

    package func syncDirectory(_ path: String) throws(LineDBError) {
        try mutex.withLock { () throws(LineDBError) in
            let p = RecordingFileIO.normalize(path)
            guard p == root || isModelled(p) else { return try base.syncDirectory(path) }
            let what = "syncDirectory \(p == root ? "." : relative(p))"
            capture("before \(what)")
            try base.syncDirectory(path)
            if isIgnored(p, directory: true) { return }
            syncDirectoryModel(p)
            capture("after \(what)")
        }
    }

    package func stat(_ path: String) -> FileStatus? { base.stat(path) }
    package func lstat(_ path: String) -> FileStatus? { base.lstat(path) }
    package func writeAccess(_ path: String) -> Int32 { base.writeAccess(path) }
    package func fstat(_ fd: Int32) -> FileStatus? { base.fstat(fd) }
    package func flock(_ fd: Int32, _ operation: Int32) -> Int32 { base.flock(fd, operation) }
    package func listDirectory(_ path: String) -> [String] { base.listDirectory(path) }

    // MARK: - Paths

    /// `path` without repeated `/`, `.` components or a trailing `/`.
    package static func normalize(_ path: String) -> String {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true).filter { $0 != "." }
        let joined = parts.joined(separator: "/")
        return path.hasPrefix("/") ? "/" + joined : joined
    }

    /// The parent directory and the last component of a normalised path.
    package static func split(_ path: String) -> (String, String) {
        guard let slash = path.lastIndex(of: "/") else { return (".", path) }
        let dir = slash == path.startIndex ? "/" : String(path[..<slash])
        return (dir, String(path[path.index(after: slash)...]))
    }

    package static func join(_ dir: String, _ name: String) -> String { dir == "/" ? "/" + name : dir + "/" + name }
}
