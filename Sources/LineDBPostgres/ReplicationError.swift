/// Why replication stopped. Nothing is skipped: each case leaves PostgreSQL as of its last committed position.
public enum ReplicationError: Error, CustomStringConvertible, Sendable {
    /// A problem with what was asked: an unknown table, a table that exists in PostgreSQL already, a replication
    /// started with other `--tables`.
    case usage(String)
    /// PostgreSQL refused a change (the message names the LSN and the record), or the replica no longer matches
    /// (a row a change needs is missing).
    case refused(String)
    /// The WAL entries after the replicated position are no longer in `wal/` (archives removed), or the position
    /// is ahead of the database (another database by the same id).
    case cannotResume(String)

    /// The message, as printed.
    public var description: String {
        switch self {
        case .usage(let m), .refused(let m), .cannotResume(let m): return m
        }
    }
}
