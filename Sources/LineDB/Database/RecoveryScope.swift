/// Which files a writer's recovery may repair when table writers share the database (TableLocks.swift): while
/// another process writes other tables, only the files of the tables this one holds; otherwise all of them.
extension Database {
    /// Whether recovery may finish an interrupted step (an in-place save's redo, a storage switch) on `table`'s
    /// files: always for a database writer or the only table writer open; else only for a table this one holds.
    func mayRepairFiles(of table: String) -> Bool {
        guard let locks = tableLocks, !isOnlyTableWriter else { return true }
        return locks.held[table] != nil
    }
}
