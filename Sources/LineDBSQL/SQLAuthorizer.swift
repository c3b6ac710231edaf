import CSQLite

/// What SQL may do to a LineDB database: read and change rows, not the schema. SQLite asks this authorizer about
/// every action while it compiles a statement; a denied one fails with the session's message, which names the
/// LineDB command that does it instead.
enum SQLAuthorizer {
    /// PRAGMAs that only read (allowed without an argument).
    static let readingPragmas: Set<String> = [
        "table_info", "table_xinfo", "table_list", "function_list", "collation_list", "compile_options",
        "module_list", "pragma_list",
    ]

    /// Why `action` is refused, or `nil` when it is allowed.
    static func refusal(action: Int32, first: String?, second: String?) -> String? {
        switch action {
        case SQLITE_CREATE_INDEX, SQLITE_CREATE_TABLE, SQLITE_CREATE_TEMP_INDEX, SQLITE_CREATE_TEMP_TABLE,
            SQLITE_CREATE_TEMP_TRIGGER, SQLITE_CREATE_TEMP_VIEW, SQLITE_CREATE_TRIGGER, SQLITE_CREATE_VIEW,
            SQLITE_CREATE_VTABLE:
            return "CREATE is refused: linedb sql reads and changes rows, not the schema; tables are made with "
                + "`linedb create-table` or `linedb import --create`"
        case SQLITE_DROP_INDEX, SQLITE_DROP_TABLE, SQLITE_DROP_TEMP_INDEX, SQLITE_DROP_TEMP_TABLE,
            SQLITE_DROP_TEMP_TRIGGER, SQLITE_DROP_TEMP_VIEW, SQLITE_DROP_TRIGGER, SQLITE_DROP_VIEW, SQLITE_DROP_VTABLE:
            return "DROP is refused: linedb sql reads and changes rows, not the schema (DELETE FROM removes rows)"
        case SQLITE_ALTER_TABLE:
            return "ALTER TABLE is refused: linedb sql reads and changes rows, not the schema"
        case SQLITE_ATTACH, SQLITE_DETACH:
            return "ATTACH is refused: linedb sql sees this database's tables only (bring a SQLite file in with "
                + "`linedb import-sqlite`)"
        case SQLITE_SAVEPOINT:
            return "SAVEPOINT is refused: one linedb sql is one transaction (BEGIN, COMMIT and ROLLBACK are allowed)"
        case SQLITE_REINDEX, SQLITE_ANALYZE:
            return "REINDEX and ANALYZE are refused: LineDB keeps its own indexes"
        case SQLITE_PRAGMA:
            let name = (first ?? "").lowercased()
            if second == nil && readingPragmas.contains(name) { return nil }
            if readingPragmas.contains(name) && (name == "table_info" || name == "table_xinfo") { return nil }
            return "PRAGMA \(first ?? "") is refused: linedb sql allows only the PRAGMAs that read ("
                + readingPragmas.sorted().joined(separator: ", ") + ")"
        default:
            return nil
        }
    }

    /// Whether the SQL at `text` begins with ALTER (after blanks and comments): SQLite refuses ALTER on a virtual
    /// table before it asks the authorizer, with a message that does not say what to do instead.
    static func startsWithAlter(_ text: UnsafePointer<CChar>, count: Int) -> Bool {
        let bytes = UnsafeBufferPointer(start: text, count: count).lazy.map { UInt8(bitPattern: $0) }
        var i = bytes.startIndex
        while i < bytes.endIndex {
            let c = bytes[i]
            if c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D {
                i += 1
            } else if c == UInt8(ascii: "-"), i + 1 < bytes.endIndex, bytes[i + 1] == UInt8(ascii: "-") {
                while i < bytes.endIndex && bytes[i] != 0x0A { i += 1 }
            } else {
                break
            }
        }
        let word = String(decoding: bytes[i..<min(i + 5, bytes.endIndex)], as: UTF8.self)
        return word.uppercased() == "ALTER"
    }

    /// The `sqlite3_set_authorizer` callback; its user data is the ``SQLSession``.
    static let callback:
        @convention(c) (
            UnsafeMutableRawPointer?, Int32, UnsafePointer<CChar>?, UnsafePointer<CChar>?, UnsafePointer<CChar>?,
            UnsafePointer<CChar>?
        ) -> Int32 = { data, action, a, b, _, _ in
            let session = Unmanaged<SQLSession>.fromOpaque(data!).takeUnretainedValue()
            if session.isDeclaring { return SQLITE_OK }
            guard let reason = refusal(action: action, first: a.map { String(cString: $0) }, second: b.map { String(cString: $0) })
            else { return SQLITE_OK }
            session.deny(reason)
            return SQLITE_DENY
        }
}
