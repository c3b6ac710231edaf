#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One file being replaced durably: `.<name>.tmp-<pid>-<rand>` in the same directory, written, `fsync`ed,
/// closed and renamed over the final name (how `save()` writes a file). The old file is untouched until the rename.
///
/// A symbolic link at the final name is refused with an error naming it: the replace never reads through it, and
/// never silently turns it into a plain file.
///
/// The temporary name starts with `.` and does not end in `.records` or `.schema.json`, so no loader mistakes it
/// for a table. The caller fsyncs the directory once after all renames.
package final class DurableReplace {
    let io: FileIO
    let finalPath: String
    let tempPath: String
    private var fd: Int32
    private var buffer: [UInt8] = []
    private var finished = false
    /// Which named failpoints the steps mark: a save's (`save.*`), or an archive index's (`index.*`, so that a
    /// test killing a checkpoint's save is not hit by the index written after it).
    package enum Steps: Sendable { case save, archiveIndex, snapshot }
    private let steps: Steps

    package init(io: FileIO, finalPath: String, steps: Steps = .save) throws(LineDBError) {
        self.io = io
        self.finalPath = finalPath
        self.steps = steps
        let slash = finalPath.lastIndex(of: "/")
        let dir = slash.map { String(finalPath[..<$0]) } ?? "."
        let name = slash.map { String(finalPath[finalPath.index(after: $0)...]) } ?? finalPath
        tempPath = "\(dir)/.\(name).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        // The final name is described, never followed: a symbolic link there is refused (renaming over it would
        // quietly turn someone's link into a file, and its target's mode is none of this file's business).
        let existing = io.lstat(finalPath)
        if existing?.isSymbolicLink == true {
            throw .symbolicLink(
                path: finalPath, target: RealFileIO.linkTarget(finalPath),
                hint: "give the path of the file itself (the file is replaced whole, never written through a link); nothing was written")
        }
        let mode = existing.map { $0.mode & 0o777 } ?? 0o644
        Failpoint.hit(steps == .save ? "save.beforeTemp" : steps == .archiveIndex ? "index.beforeTemp" : "snapshot.beforeTemp")
        fd = try io.open(tempPath, flags: O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode: mode)
        buffer.reserveCapacity(1 << 20)
    }

    /// Appends bytes to the temporary file (buffered).
    package func write(_ bytes: UnsafeRawBufferPointer) throws(LineDBError) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= 1 << 20 { try flush() }
    }

    package func write(_ bytes: [UInt8]) throws(LineDBError) {
        if bytes.count >= 1 << 20 {
            // Large pieces go straight to the file, without a copy into the buffer.
            try flush()
            try bytes.withBytes { (raw) throws(LineDBError) in try io.write(fd, raw, path: tempPath) }
            mark("save.midTemp", "index.midTemp", "snapshot.midTemp")
            return
        }
        buffer.append(contentsOf: bytes)
        if buffer.count >= 1 << 20 { try flush() }
    }

    private func flush() throws(LineDBError) {
        if buffer.isEmpty { return }
        try buffer.withBytes { (raw) throws(LineDBError) in try io.write(fd, raw, path: tempPath) }
        buffer.removeAll(keepingCapacity: true)
        mark("save.midTemp", "index.midTemp", "snapshot.midTemp")
    }

    /// Flushes, fsyncs, closes and renames the temporary file over the final path.
    package func commit() throws(LineDBError) {
        try flush()
        mark("save.afterTempWrite", "index.afterTempWrite", "snapshot.afterTempWrite")
        try io.fsync(fd, path: tempPath)
        mark("save.afterTempFsync", "index.afterTempFsync", "snapshot.afterTempFsync")
        let toClose = fd
        fd = -1
        try io.close(toClose, path: tempPath)
        try io.rename(tempPath, finalPath)
        finished = true
        mark("save.afterRename", "index.afterRename", "snapshot.afterRename")
    }

    /// Removes the temporary file after a failure; the old file stays as it was.
    package func abandon() {
        if finished { return }
        if fd >= 0 { try? io.close(fd, path: tempPath); fd = -1 }
        try? io.unlink(tempPath)
        finished = true
    }

    deinit { abandon() }

    @inline(__always)
    private func mark(_ save: StaticString, _ index: StaticString, _ snapshot: StaticString) {
        Failpoint.hit(steps == .save ? save : steps == .archiveIndex ? index : snapshot)
    }
}
