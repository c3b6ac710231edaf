/// Reads a WAL file and decides which entries count (recovery's WAL scan; the DocC article "Durability and
/// recovery", "What open does").
///
/// The valid prefix `V` is every line up to the first invalid one: a line is valid when it parses, its CRC
/// matches if it is sealed, and its `lsn` is the previous one + 1. After the first invalid line `i`:
/// - nothing valid after it, and `i` is incomplete (no newline) or holds NUL bytes: a **torn tail** (an append
///   that never completely reached the disk), cut off by a writer;
/// - nothing valid after it, and `i` is complete without NUL bytes: **damage** to an entry that was written whole
///   (a torn append leaves an incomplete line, or NULs where a block was lost; it cannot leave a complete line
///   that fails its checksum), so a writer refuses to open rather than cut off an acknowledged write;
/// - a valid line after it whose `synced` watermark reaches `i`'s LSN: `i` was already durable, so this is
///   **corruption**, and the database refuses to open;
/// - valid lines after it that were all written before `i` was durable, and `i` is incomplete or holds NUL bytes:
///   part of a batch that never fully reached the disk, so also a torn tail; if `i` is complete without NUL
///   bytes, it is **damage** as above (a lost block of an append reads back as NULs, not as other text).
/// A checksum-valid line whose `lsn` breaks the sequence cannot come from a crash and is always corruption.
struct WALScanner {
    /// How the scan ended.
    enum Outcome {
        case clean
        case tornTail(TornTail)
        /// Complete lines at the end of the file, without NUL bytes, that fail their checksum or do not parse:
        /// media damage or an edit, not a torn append. A writer refuses to open (`error`); a reader stops before
        /// them with a warning; point-in-time recovery cuts them off (``Result/cut``) as it would a torn tail.
        case damagedTail(LineDBError)
        case corrupt(LineDBError)
    }

    /// The part of the file after the valid prefix, to be quarantined and cut off.
    struct TornTail {
        var line: Int
        var byteOffset: Int
        var byteCount: Int
        var reason: String
        /// The LSN the first dropped line would have had.
        var expectedLSN: Int
        /// How many complete lines after it were dropped with it.
        var droppedLines: Int
        /// Damage that `linedb recover --to-point-in-time` cuts off with everything after it, rather than a torn
        /// append: only the message differs.
        var setAside = false
    }

    struct Result {
        var outcome: Outcome = .clean
        /// Byte offset where the valid prefix ends.
        var validEnd = 0
        /// Number of valid lines.
        var validLines = 0
        /// LSN of the last valid line, if any.
        var lastLSN: Int?
        /// Whether any valid line was sealed (written by LineDB).
        var sawSealed = false
        /// Unless the scan was clean: the region from the first invalid line to the end of the file, which a
        /// writer cuts off (a torn tail) or point-in-time recovery does (damage), moving it to `quarantine/`.
        var cut: TornTail?
    }

    /// What to run when the last entry is damaged.
    static let damagedTailHint =
        "run `linedb recover DB --to-point-in-time` to keep the entries before it and move it to quarantine/; LineDB changed nothing"

    /// Scans `bytes` (the whole file), calling `visit` for each entry of the valid prefix, in order.
    ///
    /// - Parameters:
    ///   - path: the file, for messages.
    ///   - firstImpliedLSN: the LSN a legacy first line gets (1, or the archive's last LSN + 1).
    ///   - hint: what to run when the file is corrupt.
    ///   - skip: lines for which it returns `true` are checked (seal, checksum, LSN in sequence) but neither decoded
    ///     nor visited, when they are sealed (``WALLine/skimLSN(_:)``); others are decoded as usual.
    static func scan(
        _ bytes: UnsafeBufferPointer<UInt8>, path: String, firstImpliedLSN: Int,
        hint: String = "run `linedb recover DB --to-point-in-time` to keep the entries before it and move the rest to quarantine/",
        skip: ((UnsafeBufferPointer<UInt8>) -> Bool)? = nil,
        visit: (WALEntry) throws -> Void
    ) rethrows -> Result {
        try scan(
            bytes, path: path, firstImpliedLSN: firstImpliedLSN, hint: hint, skip: skip,
            decode: { line, info, implied in
                WALLine.decode(line, lineNumber: info.number, byteOffset: info.start, impliedLSN: implied)
            },
            sequence: { ($0.lsn, $0.isLegacy) }, visit: visit)
    }

    /// ``scan(_:path:firstImpliedLSN:hint:skip:visit:)`` with another decoder of the lines of the valid prefix: the
    /// replay's (``WALReplayScan``), which hands over lines decoded ahead on other threads. `decode` must accept
    /// exactly the lines ``WALLine/decode(_:lineNumber:byteOffset:impliedLSN:)`` accepts, with the same LSN and
    /// kind (legacy or sealed), which `sequence` reads back; the rules of the scan are the same.
    static func scan<Entry>(
        _ bytes: UnsafeBufferPointer<UInt8>, path: String, firstImpliedLSN: Int,
        hint: String = "run `linedb recover DB --to-point-in-time` to keep the entries before it and move the rest to quarantine/",
        skip: ((UnsafeBufferPointer<UInt8>) -> Bool)? = nil,
        decode: (UnsafeBufferPointer<UInt8>, JSONLine, Int) -> Swift.Result<Entry, WALLine.Problem>,
        sequence: (Entry) -> (lsn: Int, isLegacy: Bool),
        visit: (Entry) throws -> Void
    ) rethrows -> Result {
        var result = Result()
        var previousLSN: Int? = nil
        let count = bytes.count
        // The first invalid line, and whether it has the shape a torn append leaves.
        var invalid: (line: JSONLine, reason: String, expected: Int, tornShape: Bool)? = nil
        var outOfSequence: (line: JSONLine, reason: String)? = nil

        try JSONLines.forEach(bytes) { line in
            if line.complete && JSONLines.isBlank(bytes, line) { return true }  // blank lines carry nothing
            let expected = (previousLSN ?? (firstImpliedLSN - 1)) + 1
            if !line.complete {
                invalid = (line, "incomplete last line (no newline)", expected, true)
                return false
            }
            if let skip, skip(UnsafeBufferPointer(rebasing: bytes[line.start..<line.end])),
                let lsn = WALLine.skimLSN(UnsafeBufferPointer(rebasing: bytes[line.start..<line.end]))
            {
                if previousLSN != nil, lsn != expected {
                    outOfSequence = (line, "lsn \(lsn) where \(expected) was expected (a line is missing, duplicated or out of order)")
                    return false
                }
                previousLSN = lsn
                result.lastLSN = lsn
                result.validLines += 1
                result.validEnd = line.next
                result.sawSealed = true
                return true
            }
            let decoded = decode(UnsafeBufferPointer(rebasing: bytes[line.start..<line.end]), line, expected)
            switch decoded {
            case .failure(let problem):
                let zeros = JSONLines.holdsNUL(bytes, line)
                invalid = (line, problem.reason + (zeros ? " (the line holds NUL bytes)" : ""), expected, zeros)
                return false
            case .success(let entry):
                let (lsn, isLegacy) = sequence(entry)
                if !isLegacy, previousLSN != nil, lsn != expected {
                    // A checksum-valid line out of sequence: a duplicated, deleted or reordered line.
                    outOfSequence = (line, "lsn \(lsn) where \(expected) was expected (a line is missing, duplicated or out of order)")
                    return false
                }
                try visit(entry)
                previousLSN = lsn
                result.lastLSN = lsn
                result.validLines += 1
                result.validEnd = line.next
                if !isLegacy { result.sawSealed = true }
                return true
            }
        }

        /// The region from `line` to the end of the file.
        func region(from line: JSONLine, reason: String, droppedLines: Int) -> TornTail {
            TornTail(
                line: line.number, byteOffset: line.start, byteCount: count - line.start, reason: reason,
                expectedLSN: (previousLSN ?? (firstImpliedLSN - 1)) + 1, droppedLines: droppedLines)
        }
        if let (line, reason) = outOfSequence {
            result.cut = region(from: line, reason: reason, droppedLines: JSONLines.completeLines(bytes, from: line.next))
            result.outcome = .corrupt(.corrupt(
                path: path, line: line.number, column: nil, byteOffset: line.start, reason: reason, hint: hint))
            return result
        }
        guard let bad = invalid else { return result }

        // Look past the first invalid line: is anything after it valid, and was the bad line already durable?
        var laterValid = 0
        var laterLegacy = 0
        var maxSynced = -1
        JSONLines.forEach(bytes, from: bad.line.next, firstNumber: bad.line.number + 1) { line in
            guard line.complete else { return false }  // an incomplete line proves nothing
            guard line.end > line.start else { return true }
            if case .success(let e) = WALLine.decode(
                UnsafeBufferPointer(rebasing: bytes[line.start..<line.end]), lineNumber: line.number,
                byteOffset: line.start, impliedLSN: 0)
            {
                if e.isLegacy { laterLegacy += 1 } else { laterValid += 1; maxSynced = max(maxSynced, e.synced ?? -1) }
            }
            return true
        }
        let laterLines = JSONLines.completeLines(bytes, from: bad.line.next)
        let tail = region(from: bad.line, reason: bad.reason, droppedLines: laterValid)
        result.cut = tail
        func corrupt(_ reason: String, hint: String = hint) -> LineDBError {
            .corrupt(path: path, line: bad.line.number, column: nil, byteOffset: bad.line.start, reason: reason, hint: hint)
        }
        if laterLegacy > 0 && laterValid == 0 || (laterLegacy > 0 && maxSynced < bad.expected) {
            // Legacy lines carry no watermark: damage followed by a readable line is corruption.
            result.cut!.droppedLines = laterLines
            result.outcome = .corrupt(corrupt("\(bad.reason); \(laterLegacy + laterValid) readable entries follow it"))
            return result
        }
        if maxSynced >= bad.expected {
            result.cut!.droppedLines = laterLines
            result.outcome = .corrupt(corrupt(
                "\(bad.reason) in an entry that was already on disk (lsn \(bad.expected)); the \(laterValid) entries after it are intact"))
            return result
        }
        if !bad.tornShape {
            // Complete, without NUL bytes: written whole and damaged since, whether it is the last entry or the
            // first of a last batch whose later lines are intact (a batch that never reached the disk whole
            // leaves a lost block as NULs, or an incomplete line). The batch may have been acknowledged.
            let which = laterValid == 0
                ? "in the last entry (lsn \(bad.expected)), which is complete"
                : "in an entry (lsn \(bad.expected)) of the last batch, which is complete, with \(laterValid) intact entries after it"
            result.outcome = .damagedTail(corrupt(
                "\(bad.reason) \(which): it was damaged after it "
                    + "was written (a torn write leaves an incomplete line or NUL bytes), and it may hold an acknowledged write",
                hint: damagedTailHint))
            return result
        }
        result.outcome = .tornTail(tail)
        return result
    }
}
