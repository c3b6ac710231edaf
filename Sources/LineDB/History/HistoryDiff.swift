/// What changed in one table between two moments (``Database/diff(from:to:tables:)``).
public struct TableDiff: Sendable {
    /// The table.
    public var table: String
    /// Records that exist at the end and did not at the start, in key order.
    public var inserted: [Record] = []
    /// Records that existed at the start and do not at the end, in key order.
    public var deleted: [Record] = []
    /// Records that exist at both ends and differ, in key order: first state against last.
    public var updated: [RecordUpdate] = []
    /// The table was created in the range (and exists at the end).
    public var created = false
    /// The table was dropped in the range: its records at the start are not all listed as deleted.
    public var dropped = false

    /// Whether nothing changed.
    public var isEmpty: Bool { inserted.isEmpty && deleted.isEmpty && updated.isEmpty && !created && !dropped }
}

/// One record that differs between two moments.
public struct RecordUpdate: Sendable {
    /// Its primary key.
    public var key: JSONValue
    /// The record at the start and at the end.
    public var old: Record
    /// The record at the end.
    public var new: Record
    /// The columns that differ.
    public var changes: [ColumnChange]
}

/// What changed between two moments (``Database/diff(from:to:tables:)``).
public struct HistoryDiff: Sendable {
    /// The range: after `fromLSN`, up to and including `toLSN`.
    public var fromLSN: Int
    /// The end of the range (inclusive).
    public var toLSN: Int
    /// The timestamps of the entries at both ends, when known.
    public var fromTime: String?
    /// The timestamp of the entry at ``toLSN``.
    public var toTime: String?
    /// Per table that changed, by name.
    public var tables: [TableDiff]
    /// The number of entries that took effect in the range.
    public var entries: Int
    /// What a reader should know: tables whose records cannot be listed (no primary key), archives left out, clocks
    /// that went back.
    public var notes: [String] = []
}

/// What ``Database/revert(from:to:tables:force:dryRun:)`` did, or would do.
public struct RevertSummary: Sendable {
    /// What is undone: the changes of the range.
    public var diff: HistoryDiff
    /// Records changed again after the range (table, key, the LSN of the first such change): the revert is refused
    /// while any are listed, unless forced.
    public var conflicts: [(table: String, key: JSONValue, lsn: Int)]
    /// The LSN of the transaction's `COMMIT`, or `nil` when nothing was written (a dry run, nothing to undo).
    public var committedLSN: Int?
}

/// A change to one record, first state against last, while walking a range of entries.
private struct Span {
    var first: Row?
    var last: Row?
}

extension Database {
    /// What changed between two moments, per table: records inserted, deleted and updated, each record once,
    /// its state at the start against its state at the end (as `git diff A B`).
    ///
    /// ```swift
    /// let d = try db.diff(from: .lsn(120))
    /// for t in d.tables { print(t.table, t.inserted.count, t.updated.count, t.deleted.count) }
    /// ```
    ///
    /// - Parameters:
    ///   - from: the start (exclusive: changes after it).
    ///   - to: the end (inclusive); now by default.
    ///   - names: only these tables (all by default).
    /// - Throws: as ``state(asOf:tables:)``; also when `to` is before `from`.
    public func diff(from: HistoryMoment, to: HistoryMoment? = nil, tables names: [String]? = nil)
        throws(LineDBError) -> HistoryDiff
    {
        let (log, copies) = try historySnapshot()
        return try diff(log: log, copies: copies, from: from, to: to, names: names).diff
    }

    private func diff(
        log: HistoryLog, copies: [String: (TableState, [Row?])], from: HistoryMoment, to: HistoryMoment?, names: [String]?
    ) throws(LineDBError) -> (diff: HistoryDiff, after: [HistoryEntry]) {
        let a = try log.resolve(from)
        let b = try to.map { (m) throws(LineDBError) in try log.resolve(m) } ?? log.nowLSN
        guard a <= b else {
            throw .invalidInput(reason: "--to (lsn \(b)) is before --from (lsn \(a)): give the earlier moment first")
        }
        var schemas: [String: TableSchema] = copies.mapValues(\.0.schema)
        var spans: [String: [JSONValue: Span]] = [:]
        var order: [String: [JSONValue]] = [:]
        var created = Set<String>(), dropped = Set<String>()
        var after: [HistoryEntry] = []
        var count = 0
        var keyless: [String: Int] = [:]
        /// Tables with an entry whose record before it the entry does not hold (the seed's UPDATE without
        /// old_record): their first states are read from the state at the start.
        var unknownBefore = Set<String>()
        var fromTime: String? = nil, toTime: String? = nil
        var index = log.firstFile(after: a)
        if index > 0, log.files[index - 1].lastLSN == a { fromTime = log.files[index - 1].lastTime }
        var inRange: [HistoryEntry] = []
        while index < log.files.count {
            for h in try log.entries(ofFile: index) {
                if h.entry.lsn == a { fromTime = h.entry.timestamp }
                if h.entry.lsn == b { toTime = h.entry.timestamp }
                guard let e = h.effectiveLSN, e > a else { continue }
                if e > b { after.append(h); continue }
                inRange.append(h)
            }
            index += 1
        }
        // Entries of a transaction take effect together at its COMMIT: in effective order.
        inRange.sort { ($0.effectiveLSN!, $0.entry.lsn) < ($1.effectiveLSN!, $1.entry.lsn) }
        for h in inRange {
            let e = h.entry
            guard let op = e.operationKind, let name = e.table, names == nil || names!.contains(name) else { continue }
            count += 1
            switch op {
            case .createTable:
                created.insert(name)
                var ignored: [String] = []
                if case .object(let o) = e.record,
                    let s = try? TableSchema(object: o, path: nil, expectedName: name, warnings: &ignored)
                {
                    schemas[name] = s
                }
            case .dropTable:
                dropped.insert(name)
                created.remove(name)
            case .insert, .update, .delete:
                guard let schema = schemas[name], let pk = schema.primaryKey else {
                    if schemas[name] != nil { keyless[name, default: 0] += 1 }
                    continue
                }
                let scratch = TableState(schema: schema)
                func key(_ o: JSONObject?) -> JSONValue? {
                    guard let v = o?[pk.name], !v.isNull else { return nil }
                    if case .double(let d) = v, pk.type == .int, let i = Int(exactly: d) { return .int(i) }
                    return v
                }
                func row(_ o: JSONObject?) -> Row? { o.flatMap { try? scratch.rowFromStored($0) } }
                let new = e.record.objectValue, old = e.oldRecord.objectValue
                func touch(_ k: JSONValue, before: Row?, after: Row?) {
                    if spans[name]?[k] == nil {
                        spans[name, default: [:]][k] = Span(first: before, last: after)
                        order[name, default: []].append(k)
                    } else {
                        spans[name]![k]!.last = after
                    }
                }
                switch op {
                case .insert:
                    if let k = key(new) { touch(k, before: nil, after: row(new)) }
                case .delete:
                    if let k = key(old) ?? key(new) { touch(k, before: row(old ?? new), after: nil) }
                default:
                    guard let kNew = key(new) ?? key(old) else { continue }
                    let kOld = key(old) ?? kNew
                    if spans[name]?[kOld] == nil, old == nil || old!.count < schema.columns.count {
                        unknownBefore.insert(name)
                    }
                    var whole = new
                    if let n = new, n.count < schema.columns.count, let prior = spans[name]?[kOld]?.last ?? row(old) {
                        var merged = TableState.record(prior, schema: schema)
                        for (k, v) in n { merged[k] = v }
                        whole = merged
                    }
                    if kOld != kNew {
                        touch(kOld, before: row(old), after: nil)
                        touch(kNew, before: nil, after: row(whole))
                    } else {
                        touch(kNew, before: row(old), after: row(whole))
                    }
                }
            case .commit, .checkpoint:
                continue
            }
        }
        if !unknownBefore.isEmpty {
            // Both states of each record the range touched, from the states at the two ends.
            let names = Array(unknownBefore)
            let start = try pastState(log: log, copies: copies, lsn: a, names: nil)
            let end = try pastState(log: log, copies: copies, lsn: b, names: nil)
            for name in names {
                let (x, y) = (start.table(name), end.table(name))
                for k in spans[name].map({ Array($0.keys) }) ?? [] {
                    spans[name]![k]!.first = x.flatMap { t in t.index(ofKey: k).map { t.rows[$0] } }
                    spans[name]![k]!.last = y.flatMap { t in t.index(ofKey: k).map { t.rows[$0] } }
                }
            }
        }
        var out: [TableDiff] = []
        let tableNames = Set(spans.keys).union(created).union(dropped).sorted()
        for name in tableNames {
            var d = TableDiff(table: name)
            d.created = created.contains(name)
            d.dropped = dropped.contains(name)
            if let schema = schemas[name], let pk = schema.primaryKeyIndex {
                let keys = (order[name] ?? []).sorted { JSONValue.compare($0, $1) < 0 }
                for k in keys {
                    let s = spans[name]![k]!
                    switch (s.first, s.last) {
                    case (nil, let r?): d.inserted.append(TableState.record(r, schema: schema))
                    case (let r?, nil): d.deleted.append(TableState.record(r, schema: schema))
                    case (let x?, let y?) where x != y:
                        let (o, n) = (TableState.record(x, schema: schema), TableState.record(y, schema: schema))
                        d.updated.append(RecordUpdate(key: y.values[pk], old: o, new: n, changes: ColumnChange.between(o, n)))
                    default: break
                    }
                }
            }
            if !d.isEmpty { out.append(d) }
        }
        var diff = HistoryDiff(fromLSN: a, toLSN: b, fromTime: fromTime, toTime: toTime, tables: out, entries: count)
        diff.notes = log.notes + keyless.sorted { $0.key < $1.key }.map {
            "table '\($0.key)' has no primary key: its records cannot be matched between two moments, so its \($0.value) changes in the range are not listed (compare the two states instead)"
        }
        return (diff, after)
    }

    /// Undoes what changed between two moments by writing, as one new transaction, the inverse of the
    /// ``diff(from:to:tables:)`` of that range (as `git revert`: the past is not rewritten, the revert is itself in
    /// the history).
    ///
    /// Refused, listing them, when records it would change were changed again after the range (unless `force`),
    /// and when a table was created or dropped in the range.
    ///
    /// ```swift
    /// let r = try db.revert(from: .lsn(120), to: .lsn(180))
    /// print("reverted at lsn \(r.committedLSN ?? 0)")
    /// ```
    ///
    /// - Parameters:
    ///   - from: the start (exclusive).
    ///   - to: the end (inclusive); now by default.
    ///   - names: only these tables (all by default).
    ///   - force: write even over later changes (the record becomes its state at the start of the range).
    ///   - dryRun: check and report, write nothing.
    /// - Throws: ``LineDBError/invalidInput(reason:)`` naming the conflicting records; ``LineDBError/readOnly(reason:)``;
    ///   what a write throws (a UNIQUE value taken since, ...): nothing is then written.
    @discardableResult
    public func revert(
        from: HistoryMoment, to: HistoryMoment? = nil, tables names: [String]? = nil, force: Bool = false,
        dryRun: Bool = false
    ) throws(LineDBError) -> RevertSummary {
        if !dryRun { try state.withLock { () throws(LineDBError) in try requireWritable() } }
        let (log, copies) = try historySnapshot()
        let (d, after) = try diff(log: log, copies: copies, from: from, to: to, names: names)
        if let t = d.tables.first(where: { $0.created || $0.dropped }) {
            throw .invalidInput(
                reason: "table '\(t.table)' was \(t.created ? "created" : "dropped") in the range: a revert changes records, not tables; narrow the range or name other tables")
        }
        // Later changes to the same records.
        var touched: [String: Set<JSONValue>] = [:]
        for t in d.tables {
            guard let pk = copies[t.table]?.0.schema.primaryKey?.name else { continue }
            for r in t.inserted + t.deleted { if let k = r[pk] { touched[t.table, default: []].insert(k) } }
            for u in t.updated { touched[t.table, default: []].insert(u.key) }
        }
        var conflicts: [(table: String, key: JSONValue, lsn: Int)] = []
        var seen = Set<String>()
        for h in after {
            guard let name = h.entry.table, let keys = touched[name], let pk = copies[name]?.0.schema.primaryKey?.name
            else { continue }
            for o in [h.entry.record.objectValue, h.entry.oldRecord.objectValue] {
                guard let k = o?[pk], keys.contains(k), seen.insert("\(name)\u{0}\(k)").inserted else { continue }
                conflicts.append((name, k, h.entry.lsn))
            }
        }
        var summary = RevertSummary(diff: d, conflicts: conflicts, committedLSN: nil)
        if !conflicts.isEmpty && !force {
            let listed = conflicts.prefix(10).map { "\($0.table) \($0.key) (lsn \($0.lsn))" }.joined(separator: ", ")
            let more = conflicts.count > 10 ? " and \(conflicts.count - 10) more" : ""
            throw .invalidInput(
                reason: "\(conflicts.count) record(s) the range changed were changed again after it: \(listed)\(more); LineDB changed nothing (--force reverts them to their state at the start of the range anyway)")
        }
        if dryRun || d.tables.isEmpty { return summary }
        let expectedNow = log.nowLSN
        try write(transaction: true) { (batch) throws(LineDBError) in
            guard let w = wal, w.nextLSN - 1 == expectedNow else {
                throw .invalidInput(reason: "the database changed while the revert was being prepared; LineDB changed nothing, run it again")
            }
            for t in d.tables {
                let table = try writableTable(t.table)
                guard let pk = table.schema.primaryKey?.name else { continue }
                // Deletes first (a key an insert of the range took, a UNIQUE value), then restores.
                for r in t.inserted { if let k = r[pk], table.slot(forKey: k) != nil { _ = try batch.delete(table, key: k) } }
                for r in t.deleted {
                    if let k = r[pk], table.slot(forKey: k) != nil {
                        _ = try batch.update(table, key: k, changes: r)
                    } else {
                        _ = try batch.insert(table, r)
                    }
                }
                for u in t.updated {
                    if table.slot(forKey: u.key) != nil {
                        _ = try batch.update(table, key: u.key, changes: u.old)
                    } else {
                        _ = try batch.insert(table, u.old)
                    }
                }
            }
        }
        summary.committedLSN = try state.withLock { () throws(LineDBError) -> Int? in wal.map { $0.nextLSN - 1 } }
        return summary
    }
}
