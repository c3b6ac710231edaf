import LineDB

/// SQL over the database as it was at a moment (`linedb sql --as-of`).
extension SQLSession {
    /// Opens a session whose tables are those of a past state (``Database/state(asOf:tables:)``): every table that
    /// existed then, under its own name, with its records then. Read-only: a statement that writes is refused with
    /// ``SQLError/Kind/readOnly`` and changes nothing.
    ///
    /// The rows are the past table's, in key order, not copied: a scan is in key order (`ORDER BY` the key needs no
    /// sort) and an equality on the primary key is a binary search.
    ///
    /// ```swift
    /// let monday = try db.state(asOf: .parse("2026-12-07T09:00"))
    /// let session = try SQLSession(past: monday)
    /// let result = try session.query("SELECT count(*) FROM student")
    /// ```
    ///
    /// - Throws: ``SQLError`` when SQLite cannot be opened.
    public convenience init(past: PastState) throws {
        try self.init()
        readOnlyReason =
            "the database as of lsn \(past.lsn) is read-only: the past cannot be changed (run the SQL without --as-of "
            + "to write now), so nothing was written"
        for table in past.tables {
            let rows = HeldRows(
                schema: table.schema, rows: table.rows.map(\.values), keyLookup: { table.index(ofKey: $0) })
            declare(VirtualTable(name: table.schema.name, schema: table.schema, source: .held(rows), session: self))
        }
    }
}
