import LineDB

/// A read-only browser taking over from the writer it followed, once that writer has exited.
extension BrowserApp {
    /// Looks whether the writer lock is still held by another process (only when it was held at open) and tells
    /// the state when that changes.
    func checkWriter(_ state: inout BrowserState) {
        // A writer of the tables no other process writes (WriteScope.availableTables): a table another process
        // wrote becomes writable here once that process exits (its lock is taken at the first write).
        if !database.isReadOnly, database.options.writeScope == .availableTables {
            let freed = state.tables.filter { $0.writeRefusal != nil && database.writeRefusal(table: $0.name) == nil }
            if !freed.isEmpty { state.tablesFreed(freed.map(\.name), context: database) }
            return
        }
        guard state.isReadOnly, database.readOnlyCause == .lockHeld else { return }
        if database.writerLockIsHeldElsewhere { state.writerReturned() } else { state.writerDidExit() }
    }

    /// `w`: opens the database again as its writer (taking the lock) and uses that from now on; the read-only one
    /// is closed. Refused, and said why, when read-only was asked for, the files cannot be written, or another
    /// process holds the lock.
    func takeOver(on state: inout BrowserState) {
        switch database.readOnlyCause {
        case .asked?: return state.takeOverFailed("it was opened read-only (--read-only); open it again without")
        case .unwritable(let reason)?: return state.takeOverFailed(reason)
        case .lockHeld?, nil: break
        }
        let writer: Database
        do throws(LineDBError) {
            writer = try database.reopenAsWriter()
        } catch {
            if case .locked(_, let pid, _) = error {
                state.writerReturned()
                return state.takeOverFailed("another process\(pid.map { " (pid \($0))" } ?? "") still writes it")
            }
            return state.takeOverFailed("\(error)")
        }
        let reader = database
        database = writer
        try? reader.close()
        state.tookOver(context: writer)
    }
}
