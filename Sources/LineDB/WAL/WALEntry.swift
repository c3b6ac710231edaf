/// One line of the write-ahead log, as read back (the seed's `replay_wal()` returns a list of these).
///
/// The seed's fields come first: ``timestamp``, ``operation``, ``table``, ``record``, ``oldRecord``.
/// LineDB adds ``lsn`` (log sequence number, +1 per line, never reset), ``synced`` (the highest LSN known
/// durable when the line was written) and ``txn`` (the first LSN of a multi-entry transaction). Lines
/// written by the seed's Python design have none of them.
public struct WALEntry: Sendable, Hashable {
    /// The operations a WAL line can carry.
    public enum Operation: String, Sendable, Hashable {
        /// A table was created; `record` holds its schema object (`null` in lines written by the seed).
        case createTable = "CREATE_TABLE"
        /// A table and its records were dropped.
        case dropTable = "DROP_TABLE"
        /// `record` was inserted.
        case insert = "INSERT"
        /// `old_record` was replaced by `record` (both whole records).
        case update = "UPDATE"
        /// `old_record` was deleted.
        case delete = "DELETE"
        /// Closes a multi-entry transaction (`record.txn` is not used; the line's ``txn`` names it).
        case commit = "COMMIT"
        /// The first line of every WAL after a checkpoint.
        case checkpoint = "CHECKPOINT"
    }

    /// Local time of the write, `YYYY-MM-DDTHH:MM:SS.ffffff`.
    public var timestamp: String
    /// The operation as written. ``operationKind`` is `nil` for an operation LineDB does not know.
    public var operation: String
    /// The table the entry applies to (`nil` for `COMMIT` and `CHECKPOINT`).
    public var table: String?
    /// The new record (INSERT, UPDATE), the schema (CREATE_TABLE) or the checkpoint's facts.
    public var record: JSONValue
    /// The previous record (UPDATE, DELETE).
    public var oldRecord: JSONValue
    /// The log sequence number; for a legacy (seed) line, its position in the log.
    public var lsn: Int
    /// The durable watermark written with the line; `nil` for legacy lines.
    public var synced: Int?
    /// The transaction this line belongs to, if it is part of a multi-entry transaction.
    public var txn: Int?
    /// Whether the line was written without `lsn`/`crc` (by the seed's design).
    public var isLegacy: Bool
    /// 1-based line number in the file it was read from.
    public var line: Int
    /// Byte offset of the line in that file.
    public var byteOffset: Int

    /// The operation, if LineDB knows it.
    public var operationKind: Operation? { Operation(rawValue: operation) }

    /// The entry as the JSON object of its line (without `crc`).
    public var jsonObject: JSONObject {
        var o = JSONObject()
        o["timestamp"] = .string(timestamp)
        o["operation"] = .string(operation)
        o["table"] = table.map { .string($0) } ?? .null
        o["record"] = record
        o["old_record"] = oldRecord
        if !isLegacy {
            o["lsn"] = .int(lsn)
            if let synced { o["synced"] = .int(synced) }
            if let txn { o["txn"] = .int(txn) }
        }
        return o
    }
}
