/// Loads one records file into a table and sorts every line that is not simply a record: the one definition of the
/// records-file rules of recovery (the DocC article "Durability and recovery", "What open does"), which the open,
/// `linedb recover` and `linedb check` each apply with their own policy.
///
/// - Blanks without a newline at the end of the file: ignored (``Finding/Kind/tornBlankTail``).
/// - An unreadable last line without a newline (``Finding/Kind/tornLastRecord``), or NULs without a newline at the
///   end (``Finding/Kind/tornBlankTail``): perhaps a torn append, perhaps a saved record cut by damage. A save
///   appends only records inserted since the file was last written, after syncing the WAL, and a checkpoint
///   archives the WAL only once the records files are synced: so a torn append is harmless only when the current
///   WAL holds an INSERT for the table. Returned as the ``TornAppend/tail`` for
///   ``judgeTornAppends(_:tables:walBytes:walPath:)``; when not so explained it is damage.
/// - The first unreadable complete line that holds NUL bytes: perhaps an append whose blocks reached the disk out of
///   order (R4), harmless when the WAL inserts every record from there on; returned as the ``TornAppend/region``,
///   and the later lines are judged with it.
/// - Any other unreadable line, or a repeated primary key: damage (``Finding/Kind/bad``).
///
/// With the ``Policy/salvage`` policy nothing is judged against the WAL: every such line is a finding.
struct RecordsFileLoad {
    /// What to do with damage.
    enum Policy {
        /// Throw at the first damaged line (a plain open).
        case refuse
        /// Report every damaged line, NUL-holding ones included, and go on without it (`linedb recover`).
        case salvage
        /// Report every damaged line and go on; treat a NUL-holding one as the open does (`linedb check`).
        case report
    }

    /// A line that is not simply a record.
    struct Finding {
        enum Kind {
            /// Blanks or NULs without a newline at the end of the file.
            case tornBlankTail
            /// An unreadable last line without a newline.
            case tornLastRecord
            /// A damaged complete line, or a repeated primary key.
            case bad
        }
        var kind: Kind
        /// 1-based line.
        var line: Int
        /// 1-based column of the error in the line, when known.
        var column: Int?
        /// Byte offset of the line (or of the error, when the column is known) in the file; unknown for a
        /// repeated key.
        var byteOffset: Int?
        /// Why the line is not a record.
        var reason: String
        /// The line's bytes (for the quarantine).
        var bytes: [UInt8]

        /// A torn last line in words, for messages: "an incomplete last record (14 bytes without a newline)".
        var tailDescription: String {
            kind == .tornLastRecord ? "an \(reason)" : "\(bytes.count) NUL or blank bytes without a newline"
        }
    }

    /// What a load found besides the rows.
    struct Outcome {
        /// What may be a torn append (a NUL-holding damaged line and what follows it, or a torn last line), to be
        /// judged against the WAL; never set with the ``Policy/salvage`` policy.
        var tornAppend: TornAppend?
        /// Lines that end in `\n` (what `wc -l` counts).
        var completeLines = 0
    }

    /// Loads the records file open on `fd` into `t` (with the parallel ``RecordsFileParser``), calling `found` for
    /// each line that is not a record.
    static func load(
        into t: TableState, io: FileIO, fd: Int32, path: String, policy: Policy,
        gzip: GzipInflater? = nil, progress: ((LoadProgress) -> Void)? = nil,
        found: (Finding) throws(LineDBError) -> Void
    ) throws(LineDBError) -> Outcome {
        var outcome = Outcome()
        let size = io.fstat(fd)?.size ?? 0
        let table = t.schema.name
        progress?(LoadProgress(table: table, bytesRead: 0, totalBytes: size))
        var lineBase = 0
        var reserved = false
        var lastLineIncomplete = false
        var inTornRegion = false  // outcome.tornAppend?.region != nil, kept in a Bool for the per-row loop
        var lineStarts: [Int] = []  // per slot loaded, for its RecordsLineSpans
        var linePads: [UInt32] = []
        var end = 0
        try RecordsFileParser.parse(
            io: io, fd: fd, path: path, schema: t.schema, gzip: gzip,
            progress: progress.map { report in { report(LoadProgress(table: table, bytesRead: $0, totalBytes: size)) } }
        ) { (chunk) throws(LineDBError) in
            if !reserved {
                reserved = true
                // Room for the whole file's rows, estimated from the first segment's lines.
                let lines = chunk.lines
                let expected = chunk.bytes.isEmpty ? lines : Int(Double(lines) * Double(size) / Double(chunk.bytes.count))
                t.reserve(expected)
                lineStarts.reserveCapacity(expected + 16)
                linePads.reserveCapacity(expected + 16)
            }
            end = chunk.base + chunk.bytes.count
            if chunk.hadBOM { t.needsRewrite = true }
            if chunk.sawCR || chunk.unterminatedRow { t.needsRewrite = true }  // never append after such a file
            lastLineIncomplete = chunk.unterminatedRow || (chunk.events.last.map { !$0.complete } ?? false)
            var r = 0
            let k = t.uniqueColumns.count  // the stride of chunk.uniqueTags
            let prefetchAhead = 8  // rows: about one cache miss's worth of indexing work
            func addRows(upTo limit: Int, eventsBefore: Int) throws(LineDBError) {
                while r < limit {
                    let row = chunk.rows[r]
                    let key = t.key(of: row)
                    if inTornRegion { outcome.tornAppend!.region!.laterKeys.append(key) }
                    if k > 0 && r + prefetchAhead < chunk.rows.count {
                        t.prefetchIndexes(tags: chunk.uniqueTags, at: (r + prefetchAhead) * k)
                    }
                    if t.appendLoaded(row, tags: chunk.uniqueTags, at: r * k) {
                        lineStarts.append(chunk.base + chunk.rowStarts[r])
                        linePads.append(chunk.rowPads[r])
                    } else {
                        if inTornRegion { r += 1; continue }  // part of the torn region: judged with it
                        let line = lineBase + r + eventsBefore + 1
                        let error = LineDBError.duplicateValue(
                            table: t.schema.name, column: t.schema.primaryKey?.name ?? "?", value: key.brief)
                        if policy == .refuse {
                            throw .corrupt(
                                path: path, line: line, column: nil, byteOffset: nil, reason: error.description,
                                hint: Database.recordsHint)
                        }
                        var w = JSONWriter()
                        t.encode(row, into: &w)
                        t.needsRewrite = true
                        try found(Finding(
                            kind: .bad, line: line, column: nil, byteOffset: nil, reason: error.description,
                            bytes: w.bytes))
                    }
                    r += 1
                }
            }
            for (e, event) in chunk.events.enumerated() {
                try addRows(upTo: event.rowsBefore, eventsBefore: e)
                let line = lineBase + event.line
                let lineBytes = Array(chunk.bytes[event.start..<event.end])
                t.needsRewrite = true
                switch event.kind {
                case .blank(let bytes):
                    if !event.complete && bytes > 0 {
                        let finding = Finding(
                            kind: .tornBlankTail, line: line, column: nil, byteOffset: chunk.base + event.start,
                            reason: "\(bytes) trailing NUL or blank bytes (torn write)", bytes: lineBytes)
                        // NULs where a record was: only an append the WAL restores may leave them.
                        if policy != .salvage && lineBytes.contains(0) {
                            outcome.tornAppend = outcome.tornAppend ?? TornAppend(path: path)
                            outcome.tornAppend!.tail = finding
                            continue
                        }
                        try found(finding)
                    }
                case .bad(let error):
                    if !event.complete {
                        let finding = Finding(
                            kind: .tornLastRecord, line: line, column: nil, byteOffset: chunk.base + event.start,
                            reason: "incomplete last record (\(event.end - event.start) bytes without a newline)",
                            bytes: lineBytes)
                        if policy == .salvage {
                            try found(finding)
                        } else {
                            outcome.tornAppend = outcome.tornAppend ?? TornAppend(path: path)
                            outcome.tornAppend!.tail = finding
                        }
                        continue
                    }
                    let (column, reason): (Int?, String)
                    switch error {
                    case .json(let e): (column, reason) = (e.offset + 1, "invalid JSON: \(e.message)")
                    case .constraint(let e): (column, reason) = (nil, e.description)
                    }
                    let byteOffset = chunk.base + event.start + (column.map { $0 - 1 } ?? 0)
                    let damage = LineDBError.corrupt(
                        path: path, line: line, column: column, byteOffset: byteOffset, reason: reason,
                        hint: Database.recordsHint)
                    if inTornRegion && policy != .salvage { continue }  // judged with the torn region
                    // Not refused yet if it holds NUL bytes: an append whose blocks reached the disk out of order
                    // (R4) leaves a zero-filled block, and is harmless when the WAL holds every record from here
                    // on. A damaged line without NULs (an edit, a bit flip) is damage at once.
                    if policy != .salvage && lineBytes.contains(0) {
                        outcome.tornAppend = TornAppend(
                            region: TornAppend.Region(rowsBefore: t.slots.count, line: line, error: damage),
                            path: path)
                        inTornRegion = true
                        continue
                    }
                    if policy == .refuse { throw damage }
                    try found(Finding(
                        kind: .bad, line: line, column: column, byteOffset: byteOffset, reason: reason,
                        bytes: lineBytes))
                }
            }
            try addRows(upTo: chunk.rows.count, eventsBefore: chunk.events.count)
            lineBase += chunk.lines
        }
        t.savedSlots = t.slots.count
        // Any line that is not simply a record makes the next save rewrite the file: its spans are only needed when
        // every line is one.
        t.lineSpans =
            t.needsRewrite || lineStarts.count != t.slots.count
            ? nil : RecordsLineSpans(starts: lineStarts, pads: linePads, end: end)
        outcome.completeLines = lineBase - (lastLineIncomplete ? 1 : 0)
        return outcome
    }

    /// What an interrupted append may have left in a records file; see
    /// ``judgeTornAppends(_:tables:walBytes:walPath:)``.
    struct TornAppend {
        /// A NUL-holding damaged complete line, with what follows it.
        struct Region {
            /// Rows loaded before the damaged line.
            var rowsBefore: Int
            var line: Int
            /// The refusal, if the WAL does not explain the damage.
            var error: LineDBError
            /// Keys of the readable records after the damaged line.
            var laterKeys: [JSONValue] = []
        }
        /// The first NUL-holding damaged complete line and what follows it, if any.
        var region: Region?
        /// The last line, when it has no newline and is unreadable (``Finding/Kind/tornLastRecord``) or NULs
        /// (``Finding/Kind/tornBlankTail``).
        var tail: Finding?

        /// The records file.
        var path: String

        /// The refusal when the WAL does not explain the tail: damage, not a torn append.
        var tailRefusal: LineDBError? {
            guard let tail else { return nil }
            return .corrupt(
                path: path, line: tail.line, column: nil, byteOffset: tail.byteOffset,
                reason: "\(tail.tailDescription) and no INSERT of the table in the current WAL: not a torn append "
                    + "(an append holds only records the WAL still inserts) but damage to saved records",
                hint: "run `linedb recover DB` to set the line aside into quarantine/; LineDB changed nothing")
        }
    }

    /// How ``judgeTornAppends(_:tables:walBytes:walPath:)`` judged one records file.
    struct TornVerdict {
        /// Why the NUL-holding region is damage (the open refuses, readers too); `nil` when there is none or the
        /// WAL restores it (its rows are then dropped).
        var regionRefusal: LineDBError?
        /// Why the tail is damage (a writer refuses, a reader warns); `nil` when there is none or it is a torn
        /// append.
        var tailRefusal: LineDBError?
    }

    /// A torn append can only hold records whose INSERT is still in the current WAL (a save appends only records
    /// inserted since the file was last written, and syncs the WAL first; a checkpoint archives the WAL only after
    /// the records files are synced). So:
    ///
    /// - a damaged line followed only by records that the current WAL inserts is what an interrupted append whose
    ///   blocks reached the disk out of order leaves (appends are not atomic): the region is dropped, the WAL brings
    ///   its records back, and the next save rewrites the file;
    /// - an incomplete last line (or NULs at the end without a newline) is a torn append only when the current WAL
    ///   holds at least one INSERT of the table; otherwise a saved record was cut by damage.
    ///
    /// Returns a verdict per table (seed WALs, without LSNs or checksums, record INSERTs too; a missing WAL holds
    /// none).
    static func judgeTornAppends(
        _ torn: NameMap<TornAppend>, tables: NameMap<TableState>, walBytes: [UInt8], walPath: String
    ) -> NameMap<TornVerdict> {
        var inserted = NameMap<Set<JSONValue>>()
        var inserts = NameMap<Int>()
        walBytes.withUnsafeBufferPointer { buffer in
            _ = WALScanner.scan(buffer, path: walPath, firstImpliedLSN: 1) { entry in
                guard entry.operation == "INSERT", let name = entry.table, torn[name] != nil else { return }
                inserts[name, default: 0] += 1
                guard let pk = tables[name]?.schema.primaryKey?.name, let key = entry.record.objectValue?[pk]
                else { return }
                inserted[name, default: []].insert(key)
            }
        }
        var verdicts = NameMap<TornVerdict>()
        for (name, found) in torn {
            var verdict = TornVerdict()
            if let region = found.region {
                let covered = region.laterKeys.allSatisfy { inserted[name]?.contains($0) == true }
                if covered && !(inserted[name]?.isEmpty ?? true) {
                    tables[name]!.dropSlots(from: region.rowsBefore)
                } else {
                    verdict.regionRefusal = region.error
                }
            }
            if (inserts[name] ?? 0) == 0 { verdict.tailRefusal = found.tailRefusal }
            verdicts[name] = verdict
        }
        return verdicts
    }
}
