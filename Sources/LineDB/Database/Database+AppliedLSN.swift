/// Where a handle's tables stand in the WAL (for tools that read the tables and then follow the WAL from there, such
/// as `linedb replicate`).
extension Database {
    /// The LSN of the last WAL entry this handle's tables reflect: a writer's last written entry; for a read-only
    /// handle, the last entry it read when it opened or last refreshed (it does not move in between). When the live
    /// WAL held no entry, the last LSN of the archives (0 for a database that never wrote one).
    ///
    /// ```swift
    /// let reader = try Database(path: "data/university", options: DatabaseOptions(syncMode: .full, readOnly: true))
    /// let lsn = try reader.appliedLSN()   // the tables below are the database as of this entry
    /// let rows = try reader.select("student")
    /// ```
    ///
    /// - Throws: ``LineDBError/io(operation:path:errno:)`` reading the archives' bounds.
    public func appliedLSN() throws(LineDBError) -> Int {
        let known = try state.withLock { () throws(LineDBError) -> Int? in
            try requireOpen()
            return wal.map { $0.nextLSN - 1 } ?? follow?.lastLSN
        }
        if let known { return known }
        guard let paths else { return 0 }
        let log = try HistoryLog(io: io, paths: paths, nowLSN: Int.max)
        return log.files.filter { !$0.isLive }.compactMap(\.lastLSN).max() ?? 0
    }
}
