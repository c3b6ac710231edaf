import Dispatch

/// The byte format of one WAL line (the DocC article "The on-disk format", "The write-ahead log").
///
/// ```
/// {"timestamp":"…","operation":"INSERT","table":"student","record":{…},"old_record":null,"lsn":1042,"synced":1041,"crc":"9f1c2a7b"}
/// ```
/// The line is `P` + `,"crc":"` + 8 hex digits + `"}` + `\n`, and the checksum is CRC-32C over the raw bytes of
/// `P`. Verification is byte-exact on the raw line; nothing is re-serialised to verify.
enum WALLine {
    /// `,"crc":"` + 8 hex + `"}` (without the newline).
    static let sealLength = 18
    static let sealPrefix: [UInt8] = Array(#","crc":""#.utf8)

    /// Appends one sealed line to `w`.
    ///
    /// - Parameters:
    ///   - record: writes the `record` value.
    ///   - oldRecord: writes the `old_record` value.
    static func append(
        to w: inout JSONWriter, timestamp: String, operation: WALEntry.Operation, table: String?,
        record: (inout JSONWriter) -> Void, oldRecord: (inout JSONWriter) -> Void, lsn: Int, synced: Int, txn: Int?
    ) {
        let start = w.bytes.count
        w.writeRaw(#"{"timestamp":""#)
        w.writeRaw(timestamp)
        w.writeRaw(#"","operation":""#)
        w.writeRaw(operation.rawValue)
        w.writeRaw(#"","table":"#)
        if let table { w.writeString(table) } else { w.writeRaw("null") }
        w.writeRaw(#","record":"#)
        record(&w)
        w.writeRaw(#","old_record":"#)
        oldRecord(&w)
        w.writeRaw(#","lsn":"#)
        w.writeInt(lsn)
        w.writeRaw(#","synced":"#)
        w.writeInt(synced)
        if let txn {
            w.writeRaw(#","txn":"#)
            w.writeInt(txn)
        }
        let crc = w.bytes.withUnsafeBytes { raw in
            CRC32C.checksum(UnsafeRawBufferPointer(rebasing: raw[start..<raw.count]))
        }
        w.writeRaw(#","crc":""#)
        appendHex(crc, to: &w.bytes)
        w.writeRaw("\"}\n")
    }

    /// INSERT lines for many rows, encoded on several threads: chunks in order, and the size of the largest line.
    struct EncodedLines: Sendable {
        var chunks: [[UInt8]]
        /// (index, size) of the largest record of each chunk (its JSON, as in a records file, without the newline).
        var largest: [(Int, Int)]
        /// When asked for: the same rows as records-file lines (each record's JSON as the WAL line holds it, then
        /// `\n`), in order; what ``TableSchema/encodeLines(_:)`` would give, copied instead of encoded again.
        var recordLines: [[UInt8]] = []

        /// The first record over `limit`, if any: (row index, size of its JSON).
        func tooLarge(limit: Int) -> (Int, Int)? { largest.first { $0.1 > limit } }
    }

    /// The WAL lines of inserting `rows`, encoded on several threads when there are many; with `recordLines`,
    /// also the rows as records-file lines (copied out of the WAL lines, where each record is encoded once).
    static func encodeInserts(
        _ rows: [Row], schema: TableSchema, timestamp: String, firstLSN: Int, synced: Int, txn: Int?,
        recordLines: Bool = false
    ) -> EncodedLines {
        let parts = rows.count >= 4_096 ? 4 : 1
        let box = ThreadSlots(count: parts, initial: EncodedPart())
        let table = schema.name
        let work: @Sendable (Int) -> Void = { k in
            let range = (rows.count * k / parts)..<(rows.count * (k + 1) / parts)
            var w = JSONWriter(reservingCapacity: range.count * 300)
            var largest = (0, 0)
            var spans: [Range<Int>] = []
            if recordLines { spans.reserveCapacity(range.count) }
            for i in range {
                var size = 0
                append(
                    to: &w, timestamp: timestamp, operation: .insert, table: table,
                    record: { w in
                        let start = w.bytes.count
                        schema.encodeRow(rows[i], into: &w)
                        size = w.bytes.count - start
                        if recordLines { spans.append(start..<w.bytes.count) }
                    },
                    oldRecord: { $0.writeRaw("null") }, lsn: firstLSN + i, synced: synced, txn: txn)
                if size > largest.1 { largest = (i, size) }
            }
            var lines: [UInt8] = []
            if recordLines {
                lines.reserveCapacity(spans.reduce(0) { $0 + $1.count + 1 })
                w.bytes.withUnsafeBufferPointer { all in
                    for span in spans {
                        lines.append(contentsOf: UnsafeBufferPointer(rebasing: all[span]))
                        lines.append(10)
                    }
                }
            }
            box.set(k, EncodedPart(bytes: w.bytes, largest: largest, recordLines: lines))
        }
        if parts == 1 { work(0) } else { DispatchQueue.concurrentPerform(iterations: parts, execute: work) }
        let done = box.values
        return EncodedLines(
            chunks: done.map(\.bytes), largest: done.map(\.largest), recordLines: recordLines ? done.map(\.recordLines) : [])
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    static func appendHex(_ value: UInt32, to bytes: inout [UInt8]) {
        var shift: UInt32 = 28
        while true {
            bytes.append(hexDigits[Int((value >> shift) & 0xF)])
            if shift == 0 { break }
            shift -= 4
        }
    }

    /// Why a line is not valid.
    struct Problem: Error {
        var reason: String
        /// Byte offset within the line, when known.
        var offsetInLine: Int?
    }

    /// What the end of a line says: no seal (a legacy line, or a line that is invalid for another reason), a seal
    /// whose checksum matches, or a seal that is wrong.
    enum Seal {
        case none
        /// The checksum matches; the payload `P` is `line[0..<payloadEnd]`.
        case sealed(payloadEnd: Int)
        case invalid(Problem)
    }

    /// Tests the fixed seal `,"crc":"` + 8 lowercase hex digits + `"}` at the end of `line` and checks its CRC-32C
    /// over the bytes before it: the one definition of a sealed line, for
    /// ``decode(_:lineNumber:byteOffset:impliedLSN:)`` and the replay's fast path (``WALReplayLine``).
    @inline(__always)
    static func seal(of line: UnsafeBufferPointer<UInt8>) -> Seal {
        let n = line.count
        guard n > sealLength + 1, line[n - 1] == UInt8(ascii: "}"), line[n - 2] == UInt8(ascii: "\"") else { return .none }
        let s = n - sealLength
        for i in 0..<sealPrefix.count where line[s + i] != sealPrefix[i] { return .none }
        var stored: UInt32 = 0
        for i in 0..<8 {
            let c = line[s + 8 + i]
            let v: UInt32
            switch c {
            case 48...57: v = UInt32(c - 48)
            case 97...102: v = UInt32(c - 87)
            default: return .invalid(Problem(reason: "the crc is not 8 lowercase hex digits", offsetInLine: s))
            }
            stored = stored << 4 | v
        }
        let actual = CRC32C.checksum(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: line[0..<s])))
        guard actual == stored else {
            return .invalid(Problem(
                reason: "checksum mismatch (stored \(CRC32C.hex(stored)), computed \(CRC32C.hex(actual)))", offsetInLine: nil))
        }
        return .sealed(payloadEnd: s)
    }

    /// Reads one line (without its `\n`; a trailing `\r` is allowed for legacy lines).
    ///
    /// A sealed line must carry a matching CRC; a line with `lsn`, `synced` or `crc` but no valid seal is invalid;
    /// a line with none of them is a legacy (seed) line.
    static func decode(_ line: UnsafeBufferPointer<UInt8>, lineNumber: Int, byteOffset: Int, impliedLSN: Int)
        -> Result<WALEntry, Problem>
    {
        let sealed: Bool
        switch seal(of: line) {
        case .none: sealed = false
        case .sealed: sealed = true
        case .invalid(let problem): return .failure(problem)
        }
        var timestamp: String?
        var operation: String?
        var table: String?
        var record: JSONValue = .null
        var oldRecord: JSONValue = .null
        var lsn: Int?
        var synced: Int?
        var txn: Int?
        var hasCRC = false
        do {
            try JSONParser.parseObjectMembers(line, maxDepth: NestingLimit.walLine) { (key, value) throws(JSONParseError) in
                switch key {
                case "timestamp": timestamp = value.stringValue
                case "operation": operation = value.stringValue
                case "table": table = value.stringValue
                case "record": record = value
                case "old_record": oldRecord = value
                case "lsn": lsn = value.intValue ?? -1
                case "synced": synced = value.intValue ?? -1
                case "txn": txn = value.intValue ?? -1
                case "crc": hasCRC = true
                default: break
                }
            }
        } catch {
            return .failure(Problem(reason: "invalid JSON: \(error.message)", offsetInLine: error.offset))
        }
        guard let operation else { return .failure(Problem(reason: "no \"operation\" string", offsetInLine: nil)) }
        if !sealed {
            if hasCRC { return .failure(Problem(reason: "the \"crc\" member is not the line's final seal", offsetInLine: nil)) }
            if lsn != nil || synced != nil {
                return .failure(Problem(reason: "the line has \"lsn\" but no \"crc\" seal", offsetInLine: nil))
            }
            if txn != nil { return .failure(Problem(reason: "the line has \"txn\" but no \"crc\" seal", offsetInLine: nil)) }
        } else {
            guard let l = lsn, l > 0 else { return .failure(Problem(reason: "no valid \"lsn\"", offsetInLine: nil)) }
            guard let s = synced, s >= 0, s < l else {
                return .failure(Problem(reason: "no valid \"synced\" (must be below lsn)", offsetInLine: nil))
            }
            if let t = txn, t <= 0 || t > l { return .failure(Problem(reason: "invalid \"txn\"", offsetInLine: nil)) }
        }
        return .success(WALEntry(
            timestamp: timestamp ?? "", operation: operation, table: table, record: record, oldRecord: oldRecord,
            lsn: sealed ? lsn! : impliedLSN, synced: sealed ? synced : nil, txn: sealed ? txn : nil,
            isLegacy: !sealed, line: lineNumber, byteOffset: byteOffset))
    }
}

/// What one part of ``WALLine/encodeInserts(_:schema:timestamp:firstLSN:synced:txn:recordLines:)`` encoded.
private struct EncodedPart {
    var bytes: [UInt8] = []
    /// (index, size) of its largest record.
    var largest = (0, 0)
    var recordLines: [UInt8] = []
}
