/// Where a replication stands, kept in PostgreSQL itself: one row per replicated database in the table
/// `linedb_replication`, updated in the same transaction as the changes it counts, so that the position and the data
/// can never disagree (exactly once, whichever side is killed).
public struct ReplicationState: Sendable, Equatable {
    /// The table that keeps the positions.
    public static let tableName = "linedb_replication"

    /// Names the replicated database (by default its directory's name).
    public var databaseID: String
    /// The LSN of the last WAL entry whose effect PostgreSQL holds.
    public var lsn: Int
    /// The replicated tables, as given with `--tables` (comma-separated), or `*` for all.
    public var tables: String

    static let createSQL = """
        CREATE TABLE IF NOT EXISTS linedb_replication (\
        database_id text PRIMARY KEY, lsn bigint NOT NULL, tables text NOT NULL, \
        updated_at timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP)
        """

    /// The row of `databaseID`, if replication of it has started.
    static func read(_ pg: PGConnection, databaseID: String) throws(PGError) -> ReplicationState? {
        let rows = try pg.query(
            "SELECT lsn, tables FROM linedb_replication WHERE database_id = $1", [databaseID])
        guard let row = rows.first, let lsnText = row[0], let lsn = Int(lsnText) else { return nil }
        return ReplicationState(databaseID: databaseID, lsn: lsn, tables: row[1] ?? "*")
    }

    /// The statement that moves the position from `$3` to `$2` (0 rows: another replicator moved it).
    static let advanceSQL =
        "UPDATE linedb_replication SET lsn = $2, updated_at = CURRENT_TIMESTAMP WHERE database_id = $1 AND lsn = $3"

    /// The statement that records the position after the initial copy.
    static let insertSQL = "INSERT INTO linedb_replication (database_id, lsn, tables) VALUES ($1, $2, $3)"
}
