/// A sealed INSERT, UPDATE or DELETE line as LineDB writes it, decoded for the replay at open without building its
/// `record` as an object: the record goes straight into a ``Row`` in column order (``TableSchema/parseStoredRow(_:namedColumns:)``,
/// the records file's parser), and of `old_record` only the primary key is kept.
///
/// This is a fast path, not a second set of rules: ``frame(_:)`` accepts only the exact layout of
/// ``WALLine/append(to:timestamp:operation:table:record:oldRecord:lsn:synced:txn:)`` with a matching seal
/// (``WALLine/seal(of:)``), and ``prepare(_:line:schema:)`` only records that the JSON parser reads whole and that
/// need none of the replay's special cases (the seed's partial updates, a key missing, a type error, a name that
/// differs only in Unicode form). Every other line, and any line whose fast decode fails, goes through
/// ``WALLine/decode(_:lineNumber:byteOffset:impliedLSN:)`` and ``Replay/apply(_:)`` as before, so messages and
/// outcomes do not change.
struct WALReplayLine {
    /// INSERT, UPDATE or DELETE.
    var operation: WALEntry.Operation
    var table: String
    var lsn: Int
    var synced: Int
    var txn: Int?
    /// `record`'s object within the line (`nil`: the value is `null`).
    var record: Range<Int>?
    /// `old_record`'s object within the line (`nil`: the value is `null`).
    var oldRecord: Range<Int>?
    /// Set by the scan: 1-based line number and byte offset of the line in the file.
    var lineNumber = 0
    var byteOffset = 0
    /// The line's length without its newline.
    var lineLength = 0
    /// What ``prepare(_:line:schema:)`` made of the record, for the table it was given.
    var prepared: Prepared?

    /// The record as a row of one table's schema, and `old_record`'s key.
    struct Prepared {
        /// The table whose schema parsed it (a later CREATE_TABLE with other columns makes another table).
        var table: ObjectIdentifier
        /// The row of `record` (INSERT, UPDATE); `nil` for DELETE.
        var row: Row?
        /// `old_record`'s primary key as written (`nil`: no `old_record`).
        var oldKey: JSONValue?
    }

    // MARK: - Frame

    /// The fixed parts of a line, in the order WALLine.append writes them.
    private static let timestampKey = Array(#"{"timestamp":""#.utf8)
    private static let operationKey = Array(#"","operation":""#.utf8)
    private static let tableKey = Array(#"","table":""#.utf8)
    private static let recordKey = Array(#"","record":"#.utf8)
    private static let oldRecordKey = Array(#","old_record":"#.utf8)
    private static let lsnKey = Array(#","lsn":"#.utf8)
    private static let syncedKey = Array(#","synced":"#.utf8)
    private static let txnKey = Array(#","txn":"#.utf8)
    private static let null = Array("null".utf8)

    /// Reads the frame of `line` (without its newline): `nil` unless it is sealed, its checksum matches, and it has
    /// exactly LineDB's layout for an INSERT, UPDATE or DELETE with an ASCII timestamp and table name without
    /// escapes. The `record` and `old_record` values are only delimited here; they are read (and so validated) by
    /// ``prepare(_:line:schema:)``, and a line whose values were not read whole must not be taken as valid.
    static func frame(_ line: UnsafeBufferPointer<UInt8>) -> WALReplayLine? {
        guard case .sealed(let end) = WALLine.seal(of: line) else { return nil }
        var p = 0
        @inline(__always) func expect(_ literal: [UInt8]) -> Bool {
            guard end - p >= literal.count else { return false }
            for i in 0..<literal.count where line[p + i] != literal[i] { return false }
            p += literal.count
            return true
        }
        /// A string's body of printable ASCII without quote or backslash; `p` ends on the closing quote.
        @inline(__always) func plainString() -> Range<Int>? {
            let start = p
            while p < end {
                let c = line[p]
                if c == UInt8(ascii: "\"") { return start..<p }
                if c < 0x20 || c >= 0x7F || c == UInt8(ascii: "\\") { return nil }
                p += 1
            }
            return nil
        }
        /// `null`, or the span of the object at `p` (its braces matched outside strings; not validated).
        @inline(__always) func objectOrNull() -> Range<Int>?? {
            if expect(null) { return .some(nil) }
            guard p < end, line[p] == UInt8(ascii: "{") else { return nil }
            let start = p
            var depth = 0
            while p < end {
                let c = line[p]
                if c == UInt8(ascii: "\"") {
                    p += 1
                    while p < end, line[p] != UInt8(ascii: "\"") { p += line[p] == UInt8(ascii: "\\") ? 2 : 1 }
                } else if c == UInt8(ascii: "{") || c == UInt8(ascii: "[") {
                    depth += 1
                } else if c == UInt8(ascii: "}") || c == UInt8(ascii: "]") {
                    depth -= 1
                    if depth == 0 {
                        p += 1
                        return .some(start..<p)
                    }
                }
                p += 1
            }
            return nil
        }
        /// A decimal integer without sign or leading zero, at most 18 digits (as the parser reads it: an `Int`).
        @inline(__always) func integer() -> Int? {
            var value = 0
            let start = p
            while p < end, line[p] >= 48, line[p] <= 57, p - start < 18 {
                value = value * 10 + Int(line[p] - 48)
                p += 1
            }
            let digits = p - start
            guard digits > 0, !(digits > 1 && line[start] == 48), p >= end || line[p] < 48 || line[p] > 57 else {
                return nil
            }
            return value
        }

        guard expect(timestampKey), plainString() != nil, expect(operationKey), let op = plainString() else { return nil }
        let operation: WALEntry.Operation
        switch op.count {
        case 6 where line[op.lowerBound] == UInt8(ascii: "I") && matches(line, op, "INSERT"): operation = .insert
        case 6 where line[op.lowerBound] == UInt8(ascii: "U") && matches(line, op, "UPDATE"): operation = .update
        case 6 where line[op.lowerBound] == UInt8(ascii: "D") && matches(line, op, "DELETE"): operation = .delete
        default: return nil
        }
        guard expect(tableKey), let name = plainString(), !name.isEmpty, expect(recordKey),
            let record = objectOrNull(), expect(oldRecordKey), let oldRecord = objectOrNull(),
            expect(lsnKey), let lsn = integer(), expect(syncedKey), let synced = integer()
        else { return nil }
        var txn: Int? = nil
        if expect(txnKey) {
            guard let t = integer() else { return nil }
            txn = t
        }
        // WALLine.decode's checks of a sealed line's numbers.
        guard p == end, lsn > 0, synced < lsn, txn.map({ $0 > 0 && $0 <= lsn }) ?? true else { return nil }
        return WALReplayLine(
            operation: operation, table: String(decoding: UnsafeBufferPointer(rebasing: line[name]), as: UTF8.self),
            lsn: lsn, synced: synced, txn: txn, record: record, oldRecord: oldRecord)
    }

    @inline(__always)
    private static func matches(_ line: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, _ word: StaticString) -> Bool {
        let w = word.utf8Start
        for i in 0..<range.count where line[range.lowerBound + i] != w[i] { return false }
        return true
    }

    // MARK: - Record

    /// Thrown out of the parser's member callback to stop reading `old_record`: the fast path does not apply.
    private struct NotFast: Error {}

    /// Reads the record (and `old_record`'s key) of a framed line with `schema`, the schema of `table`; `nil` when
    /// the line needs the general path: any parse or type error, an UPDATE that does not name every column (the
    /// seed's partial updates are completed from the current record), a DELETE with a `record`, a missing key.
    static func prepare(_ entry: WALReplayLine, line: UnsafeBufferPointer<UInt8>, schema: TableSchema, table: ObjectIdentifier)
        -> Prepared?
    {
        guard let pk = schema.primaryKeyIndex else { return nil }
        var row: Row? = nil
        switch entry.operation {
        case .insert, .update:
            guard let r = entry.record, entry.operation == .update || entry.oldRecord == nil else { return nil }
            var named = 0
            guard let parsed = try? schema.parseStoredRow(UnsafeBufferPointer(rebasing: line[r]), namedColumns: &named)
            else { return nil }
            if entry.operation == .update && named != schema.columns.count { return nil }
            row = parsed
        case .delete:
            guard entry.record == nil, entry.oldRecord != nil else { return nil }
        default:
            return nil
        }
        var oldKey: JSONValue? = nil
        if let o = entry.oldRecord {
            // Only the key is kept; the object is read whole all the same (a line is valid only if it parses). Keys
            // must be ASCII: two ASCII names are equal exactly when Swift's `==` says so, so the object holds no two
            // names that differ only in Unicode form (which the parser refuses when it builds an object).
            let pkName = schema.columns[pk].name
            guard schema.asciiNames[pk] else { return nil }
            do {
                try JSONParser.parseObjectMembers(UnsafeBufferPointer(rebasing: line[o]), maxDepth: NestingLimit.recordsLine) {
                    (key, value) throws(JSONParseError) in
                    guard key.utf8.allSatisfy({ $0 < 0x80 }) else { throw JSONParseError(offset: 0, message: "") }
                    if key == pkName { oldKey = value }  // a repeated key: the last value, as in an object
                }
            } catch {
                return nil
            }
            if oldKey?.isNull == true { oldKey = nil }
            if entry.operation == .delete && oldKey == nil { return nil }
        }
        return Prepared(table: table, row: row, oldKey: oldKey)
    }
}
