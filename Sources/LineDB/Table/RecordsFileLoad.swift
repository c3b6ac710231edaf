/// Loads one records file into a table and sorts every line that is not simply a record: the one definition of the
/// records-file rules of recovery (STORAGE.md "Recovery", step 4), which the open, `linedb recover` and
/// `linedb check` each apply with their own policy.
///
/// - Blanks or NULs without a newline at the end of the file: a torn write, ignored (``Finding/Kind/tornBlankTail``).
/// - An unreadable last line without a newline: a torn append, ignored and its bytes kept
///   (``Finding/Kind/tornLastRecord``).
/// - The first unreadable complete line that holds NUL bytes: perhaps an append whose blocks reached the disk out of
///   order (R4), harmless when the WAL inserts every record from there on; returned as a ``TornAppend`` for
///   ``judgeTornAppends(_:tables:walBytes:walPath:)``, and the later lines are judged with it.
/// - Any other unreadable line, or a repeated primary key: damage (``Finding/Kind/bad``).
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
    }

    /// What a load found besides the rows.
    struct Outcome {
        /// A NUL-holding damaged line and what follows it, to be judged against the WAL.
        var tornAppend: TornAppend?
        /// Lines that end in `\n` (what `wc -l` counts).
        var completeLines = 0
    }

    /// Loads the records file open on `fd` into `t` (with the parallel ``RecordsFileParser``), calling `found` for
    /// each line that is not a record.
    static func load(
        into t: TableState, io: FileIO, fd: Int32, path: String, policy: Policy,
        progress: ((LoadProgress) -> Void)? = nil, found: (Finding) throws(LineDBError) -> Void
    ) throws(LineDBError) -> Outcome {
        var outcome = Outcome()
        let size = io.fstat(fd)?.size ?? 0
        let table = t.schema.name
        progress?(LoadProgress(table: table, bytesRead: 0, totalBytes: size))
        var lineBase = 0
        var reserved = false
        var lastLineIncomplete = false
        try RecordsFileParser.parse(
            io: io, fd: fd, path: path, schema: t.schema,
            progress: progress.map { report in { report(LoadProgress(table: table, bytesRead: $0, totalBytes: size)) } }
        ) { (chunk) throws(LineDBError) in
            if !reserved {
                reserved = true
                // Room for the whole file's rows, estimated from the first segment's lines.
                let lines = chunk.lines
                t.reserve(chunk.bytes.isEmpty ? lines : Int(Double(lines) * Double(size) / Double(chunk.bytes.count)))
            }
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
                    if outcome.tornAppend != nil { outcome.tornAppend!.laterKeys.append(key) }
                    if k > 0 && r + prefetchAhead < chunk.rows.count {
                        t.prefetchIndexes(tags: chunk.uniqueTags, at: (r + prefetchAhead) * k)
                    }
                    if !t.appendLoaded(row, tags: chunk.uniqueTags, at: r * k) {
                        if outcome.tornAppend != nil { r += 1; continue }  // part of the torn region: judged with it
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
                        try found(Finding(
                            kind: .tornBlankTail, line: line, column: nil, byteOffset: chunk.base + event.start,
                            reason: "\(bytes) trailing NUL or blank bytes (torn write)", bytes: lineBytes))
                    }
                case .bad(let error):
                    if !event.complete {
                        try found(Finding(
                            kind: .tornLastRecord, line: line, column: nil, byteOffset: chunk.base + event.start,
                            reason: "torn last record (\(event.end - event.start) bytes without a newline)",
                            bytes: lineBytes))
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
                    if outcome.tornAppend != nil && policy != .salvage { continue }  // judged with the torn region
                    // Not refused yet if it holds NUL bytes: an append whose blocks reached the disk out of order
                    // (R4) leaves a zero-filled block, and is harmless when the WAL holds every record from here
                    // on. A damaged line without NULs (an edit, a bit flip) is damage at once.
                    if policy != .salvage && lineBytes.contains(0) {
                        outcome.tornAppend = TornAppend(rowsBefore: t.slots.count, line: line, error: damage)
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
        outcome.completeLines = lineBase - (lastLineIncomplete ? 1 : 0)
        return outcome
    }

    /// A damaged line in a records file, with what follows it; see
    /// ``judgeTornAppends(_:tables:walBytes:walPath:)``.
    struct TornAppend {
        /// Rows loaded before the damaged line.
        var rowsBefore: Int
        var line: Int
        /// The refusal, if the WAL does not explain the damage.
        var error: LineDBError
        /// Keys of the readable records after the damaged line.
        var laterKeys: [JSONValue] = []
    }

    /// A damaged line followed only by records that the current WAL inserts is what an interrupted append whose
    /// blocks reached the disk out of order leaves (STORAGE.md R4): the region is dropped, the WAL brings its
    /// records back, and the next save rewrites the file. Returns, per table, `nil` when so (the rows are dropped)
    /// or the refusal when not.
    static func judgeTornAppends(
        _ torn: NameMap<TornAppend>, tables: NameMap<TableState>, walBytes: [UInt8], walPath: String
    ) -> NameMap<LineDBError?> {
        var inserted = NameMap<Set<JSONValue>>()
        walBytes.withUnsafeBufferPointer { buffer in
            _ = WALScanner.scan(buffer, path: walPath, firstImpliedLSN: 1) { entry in
                guard entry.operation == "INSERT", let name = entry.table, torn[name] != nil,
                    let pk = tables[name]?.schema.primaryKey?.name, let key = entry.record.objectValue?[pk]
                else { return }
                inserted[name, default: []].insert(key)
            }
        }
        var verdicts = NameMap<LineDBError?>()
        for (name, region) in torn {
            let covered = region.laterKeys.allSatisfy { inserted[name]?.contains($0) == true }
            guard covered, !(inserted[name]?.isEmpty ?? true) else {
                verdicts[name] = .some(region.error)
                continue
            }
            tables[name]!.dropSlots(from: region.rowsBefore)
            verdicts[name] = .some(nil)
        }
        return verdicts
    }
}
