/// One record an as-of step changed: in `table`, the record with `key` went from `before` to `after` (`nil`: absent).
package struct PastStepChange: Sendable {
    package var table: String
    package var key: JSONValue
    package var before: Row?
    package var after: Row?
}

/// What one step of an as-of view did.
package struct PastStepResult: Sendable {
    /// The records changed, in the order they were changed.
    package var changes: [PastStepChange] = []
    /// Tables that appeared (a `CREATE_TABLE` stepped over forwards) or went (stepped back over, or a `DROP_TABLE`).
    package var tablesChanged = false
    /// The entries stepped over (for the message: "lsn 41 UPDATE student id=7").
    package var entries: [HistoryEntry] = []
}

/// The database as of one LSN that moves one entry at a time (the browser's as-of view: `,` and `.`).
///
/// Built once (``Database/pastStepper(asOf:)``) like ``Database/state(asOf:tables:)``; each step then applies (or
/// undoes) only the entries that took effect at the LSN crossed, on the ``PastTable``s (``PastTable/set(key:to:)``,
/// key order kept), never rebuilding the state. The entries of the file around the position are kept; a step into
/// another file reads that one file.
package struct PastStepper: Sendable {
    /// The state at ``lsn``.
    package private(set) var state: PastState
    /// The history's files (as when the stepper was built: now does not move while it is used).
    let files: [HistoryFile]
    let log: HistoryLogBox
    /// The files read so far, by index (at most a few kept).
    private var loaded: [Int: LoadedFile] = [:]

    /// One file's entries (in LSN order) and, by effective LSN, the positions of those that took effect then: a
    /// step looks up the one LSN it crosses instead of reading the file's entries again.
    private struct LoadedFile {
        var entries: [HistoryEntry]
        var byEffectiveLSN: [Int: [Int]] = [:]

        init(_ entries: [HistoryEntry]) {
            self.entries = entries
            byEffectiveLSN.reserveCapacity(entries.count)
            for (i, h) in entries.enumerated() {
                if let e = h.effectiveLSN { byEffectiveLSN[e, default: []].append(i) }
            }
        }

        /// The position of the first entry with an LSN above `lsn` (binary search).
        func firstIndex(after lsn: Int) -> Int {
            var lo = 0, hi = entries.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if entries[mid].entry.lsn <= lsn { lo = mid + 1 } else { hi = mid }
            }
            return lo
        }
    }

    /// The LSN the state is taken just after.
    package var lsn: Int { state.lsn }
    /// The earliest and latest LSN the view can step to.
    package let earliestLSN: Int
    package let latestLSN: Int

    init(state: PastState, log: HistoryLog) {
        self.state = state
        self.files = log.files
        self.log = HistoryLogBox(log)
        let reach = log.reach
        earliestLSN = reach.earliestLSN
        latestLSN = log.nowLSN
    }

    /// Reads the entries of the file holding ``lsn`` and of the next one ahead of time (the build does this, off
    /// the thread that draws, so that the first steps read nothing).
    package mutating func preload() throws(LineDBError) {
        let i = log.value.firstFile(after: max(0, lsn - 1))
        if i < files.count { _ = try entries(ofFile: i) }
        if i + 1 < files.count, lsn == files[i].lastLSN { _ = try entries(ofFile: i + 1) }
    }

    private mutating func entries(ofFile i: Int) throws(LineDBError) -> LoadedFile {
        if let e = loaded[i] { return e }
        let e = LoadedFile(try log.value.entries(ofFile: i))
        if loaded.count >= 3, let far = loaded.keys.max(by: { abs($0 - i) < abs($1 - i) }) { loaded[far] = nil }
        loaded[i] = e
        return e
    }

    /// The file index holding the entry with `lsn` (or the first after it).
    private func fileIndex(holding lsn: Int) -> Int? {
        for (i, f) in files.enumerated() {
            if let first = f.firstLSN, let last = f.lastLSN, first <= lsn, lsn <= last { return i }
            if let first = f.firstLSN, first > lsn { return i }
        }
        return nil
    }

    /// Moves one entry forwards (`forward`) or backwards: to the next (previous) LSN the history holds, applying
    /// (undoing) the entries that took effect between. Returns what changed; `nil` when there is no entry that way
    /// (now, or the earliest moment the history reaches).
    ///
    /// - Throws: ``LineDBError/invalidInput(reason:)`` when a step back crosses a `DROP_TABLE` (the dropped
    ///   table's records are not in the entry: build the state again at the target), or a damaged file.
    package mutating func step(forward: Bool) throws(LineDBError) -> PastStepResult? {
        let from = lsn
        guard let target = try neighbour(of: from, forward: forward) else { return nil }
        let (lo, hi) = forward ? (from, target) : (target, from)
        // Entries that took effect in (lo, hi]: in the files from the one holding lo + 1 (a transaction's entries
        // precede its COMMIT, in the same file) to the one holding hi.
        var crossing: [HistoryEntry] = []
        var timestamp: String? = nil
        guard var i = fileIndex(holding: lo + 1) ?? fileIndex(holding: hi) else { return nil }
        while i < files.count {
            let file = try entries(ofFile: i)
            if hi - lo <= 64 {
                // (A transaction's entries are before its COMMIT, anywhere in the file: found by their effective LSN.)
                var positions: [Int] = []
                for l in (lo + 1)...hi { positions += file.byEffectiveLSN[l] ?? [] }
                for p in positions.sorted() { crossing.append(file.entries[p]) }
            } else {
                for h in file.entries {
                    if let e = h.effectiveLSN, e > lo, e <= hi { crossing.append(h) }
                }
            }
            let at = file.firstIndex(after: target - 1)
            if at < file.entries.count, file.entries[at].entry.lsn == target { timestamp = file.entries[at].entry.timestamp }
            if let last = files[i].lastLSN, last >= hi { break }
            i += 1
        }
        if timestamp == nil, target > 0, let j = fileIndex(holding: target) {
            // (A step back across the start of a file: the entry at the target ends the file before.)
            let file = try entries(ofFile: j)
            let at = file.firstIndex(after: target - 1)
            if at < file.entries.count, file.entries[at].entry.lsn == target { timestamp = file.entries[at].entry.timestamp }
        }
        var result = PastStepResult(entries: crossing)
        if forward {
            for h in crossing { try apply(h, forward: true, into: &result) }
        } else {
            for h in crossing.reversed() { try apply(h, forward: false, into: &result) }
        }
        state = PastState(lsn: target, timestamp: timestamp,
                          tables: state.tables, notes: state.notes)
        return result
    }

    /// The LSN of the next (previous) entry the history holds, within the reach and up to now.
    package mutating func neighbour(of lsn: Int, forward: Bool) throws(LineDBError) -> Int? {
        if forward {
            guard lsn < latestLSN else { return nil }
            guard let i = fileIndex(holding: lsn + 1) else { return nil }
            for j in i..<files.count {
                let file = try entries(ofFile: j)
                let at = file.firstIndex(after: lsn)
                if at < file.entries.count { return min(file.entries[at].entry.lsn, latestLSN) }
            }
            return nil
        }
        guard lsn > earliestLSN else { return nil }
        guard var j = fileIndex(holding: lsn) else { return nil }
        if let first = files[j].firstLSN, first >= lsn { j -= 1 }
        while j >= 0 {
            let file = try entries(ofFile: j)
            let at = file.firstIndex(after: lsn - 1)  // the first at or after lsn: the one before it is below
            if at > 0 { return max(file.entries[at - 1].entry.lsn, earliestLSN) }
            j -= 1
        }
        return earliestLSN
    }

    /// Applies one entry (forwards) or undoes it (backwards) on the tables.
    private mutating func apply(_ h: HistoryEntry, forward: Bool, into result: inout PastStepResult) throws(LineDBError) {
        let e = h.entry
        guard let op = e.operationKind, let name = e.table else { return }
        switch op {
        case .commit, .checkpoint:
            return
        case .createTable, .dropTable:
            let creates = (op == .createTable) == forward
            if creates {
                guard op == .createTable else {
                    throw .invalidInput(reason: "stepping back over lsn \(e.lsn) (DROP_TABLE '\(name)') needs the dropped table's records, which the entry does not hold")
                }
                guard case .object(let o) = e.record else {
                    throw .invalidInput(reason: "lsn \(e.lsn) (CREATE_TABLE '\(name)') carries no schema")
                }
                var ignored: [String] = []
                let schema = try TableSchema(object: o, path: nil, expectedName: name, warnings: &ignored)
                state.tables.removeAll { String.exactlyEqual($0.schema.name, name) }
                let at = state.tables.firstIndex { $0.schema.name > name } ?? state.tables.count
                state.tables.insert(PastTable(schema: schema, rows: []), at: at)
            } else {
                state.tables.removeAll { String.exactlyEqual($0.schema.name, name) }
            }
            result.tablesChanged = true
        case .insert, .update, .delete:
            guard let t = state.tables.firstIndex(where: { String.exactlyEqual($0.schema.name, name) }) else { return }
            let schema = state.tables[t].schema
            guard let pk = schema.primaryKeyIndex, let pkName = schema.primaryKey?.name else { return }
            let reader = TableState(schema: schema)  // (reads the entries' objects as the table stores rows)
            func key(_ o: JSONObject?) throws(LineDBError) -> JSONValue? {
                guard let v = o?[pkName], !v.isNull else { return nil }
                return try schema.normalizeStored(v, column: pk)
            }
            let new = e.record.objectValue
            let old = e.oldRecord.objectValue
            // (The table is changed where it is: a copy would copy its million rows.)
            func set(_ k: JSONValue, _ row: Row?) {
                let before = state.tables[t].index(ofKey: k).map { state.tables[t].rows[$0] }
                state.tables[t].set(key: k, to: row)
                result.changes.append(PastStepChange(table: name, key: k, before: before, after: row))
            }
            /// An object logged with only some fields (the seed's updates): the rest as the record stands.
            func whole(_ o: JSONObject, _ k: JSONValue) -> JSONObject {
                guard o.count < schema.columns.count, let i = state.tables[t].index(ofKey: k) else { return o }
                var o = o
                for (c, v) in state.tables[t].record(at: i) where o[c] == nil { o[c] = v }
                return o
            }
            let newKey = try key(new)
            let oldKey = try key(old)
            switch (op, forward) {
            case (.insert, true):
                if let k = newKey, let new { set(k, try reader.rowFromStored(new)) }
            case (.insert, false):
                if let k = newKey { set(k, nil) }
            case (.delete, true):
                if let k = oldKey ?? newKey { set(k, nil) }
            case (.delete, false):
                if let k = oldKey ?? newKey, let o = old ?? new { set(k, try reader.rowFromStored(o)) }
            default:  // update
                guard let after = newKey ?? oldKey, let before = oldKey ?? Optional(after) else { break }
                if forward {
                    guard let new else { break }
                    let row = try reader.rowFromStored(whole(new, before))
                    if before != after { set(before, nil) }
                    set(after, row)
                } else {
                    guard let old else { break }
                    let row = try reader.rowFromStored(whole(old, after))
                    if before != after { set(after, nil) }
                    set(before, row)
                }
            }
        }
    }
}

/// The history log, shared by copies of a stepper (it is read-only).
final class HistoryLogBox: @unchecked Sendable {  // (never changed after init)
    let value: HistoryLog
    init(_ value: HistoryLog) { self.value = value }
}

extension Database {
    /// The database as of a moment, ready to step one entry at a time (the browser's as-of view).
    ///
    /// - Throws: as ``state(asOf:tables:)``.
    package func pastStepper(asOf moment: HistoryMoment) throws(LineDBError) -> PastStepper {
        let (log, copies) = try historySnapshot()
        let lsn = try log.resolve(moment)
        let state = try pastState(log: log, copies: copies, lsn: lsn, names: nil)
        var stepper = PastStepper(state: state, log: log)
        try stepper.preload()
        return stepper
    }
}
