import LineDB

/// One committed WAL transaction: a single entry, or a multi-entry transaction's entries (without its `COMMIT`).
public struct WALTransaction: Sendable {
    /// The entries that change something, in WAL order.
    public var entries: [WALEntry]
    /// The LSN at which it took effect: the single entry's, or the `COMMIT`'s.
    public var lastLSN: Int
}

/// Turns WAL entries, in order, into committed transactions: entries tagged `txn` are held until their `COMMIT`;
/// a transaction without one is never returned (it never took effect). Fed by ``WALFollower`` (which already holds
/// transactions back until they commit) and by the archives' entries (which it does not).
struct WALTransactionGrouper {
    private var pending: [Int: [WALEntry]] = [:]

    /// The transactions `entry` completes (none, or one).
    mutating func add(_ entry: WALEntry) -> WALTransaction? {
        if entry.operationKind == .commit, let txn = entry.txn {
            return WALTransaction(entries: pending.removeValue(forKey: txn) ?? [], lastLSN: entry.lsn)
        }
        if let txn = entry.txn {
            pending[txn, default: []].append(entry)
            return nil
        }
        return WALTransaction(entries: [entry], lastLSN: entry.lsn)
    }
}
