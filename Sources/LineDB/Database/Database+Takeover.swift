/// Taking over from a writer: a browser that opened read-only because another process held the writer lock
/// becomes the writer once that process has exited.
extension Database {
    /// Whether another process holds this database's writer lock right now (`false` for a writer, which holds it
    /// itself, and for an in-memory database). Cheap: one open, one `flock` try and one close.
    public var writerLockIsHeldElsewhere: Bool {
        guard isReadOnly, let paths else { return false }
        return WriterLock.isHeld(io: io, path: paths.lock)
    }

    /// Opens this database again as its writer: takes the writer lock and reads the database as a new open does
    /// (recovery included). This database stays as it was (read-only); close it when the new one is in use.
    ///
    /// - Returns: the database opened as writer (``isReadOnly`` is `false`).
    /// - Throws: ``LineDBError/locked(path:pid:host:)`` when another process still (or again) holds the lock;
    ///   ``LineDBError/readOnly(reason:)`` when the files cannot be written; as ``init(path:options:)``.
    public func reopenAsWriter() throws(LineDBError) -> Database {
        guard let path else { throw .readOnly(reason: "an in-memory database has no writer lock to take") }
        var writer = options
        writer.readOnly = false
        writer.readOnlyIfLocked = false
        writer.loadProgress = nil  // (it reported the first open)
        return try Database(path: path, options: writer)
    }
}
