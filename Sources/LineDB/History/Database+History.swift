#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One version of a record: what one WAL entry did to it (``Database/history(of:key:limit:)``).
public struct RecordVersion: Sendable {
    /// The entry's LSN.
    public var lsn: Int
    /// When it took effect: its own LSN, or its transaction's `COMMIT`.
    public var effectiveLSN: Int
    /// The entry's timestamp, as written (local time).
    public var timestamp: String
    /// `INSERT`, `UPDATE` or `DELETE`.
    public var operation: WALEntry.Operation
    /// The record's key after the entry (before it, for a delete).
    public var key: JSONValue
    /// The key before the entry, when an update changed it.
    public var oldKey: JSONValue?
    /// The record after the entry (`nil` after a delete).
    public var record: Record?
    /// The record before it (`nil` before an insert).
    public var oldRecord: Record?
    /// The columns the entry changed, in the record's column order.
    public var changes: [ColumnChange]
    /// The file in `wal/` that holds the entry, its 1-based line and byte offset.
    public var file: String
    /// The entry's 1-based line in ``file``.
    public var line: Int
    /// The entry's byte offset in ``file``.
    public var byteOffset: Int
}

/// One column's value before and after a change (`nil`: the record did not exist, or had no such field).
public struct ColumnChange: Sendable, Hashable {
    /// The column (or field) name.
    public var column: String
    /// The value before.
    public var old: JSONValue?
    /// The value after.
    public var new: JSONValue?

    /// A change of `column` from `old` to `new`.
    public init(column: String, old: JSONValue?, new: JSONValue?) {
        self.column = column
        self.old = old
        self.new = new
    }

    /// The changes between two versions of a record, in column order (`new`'s members first, then those only
    /// `old` has).
    public static func between(_ old: Record?, _ new: Record?) -> [ColumnChange] {
        var out: [ColumnChange] = []
        for (k, v) in new ?? [:] where old?[k] != v {
            out.append(ColumnChange(column: k, old: old?[k], new: v))
        }
        for (k, v) in old ?? [:] where new?[k] == nil {
            out.append(ColumnChange(column: k, old: v, new: nil))
        }
        return out
    }
}

/// Time travel (issue 15): every record's history, the database as of any moment, what changed between two.
extension Database {
    /// The current tables (rows copied: copy-on-write, so nothing is duplicated until the writer changes them),
    /// and the history log up to the same instant.
    func historySnapshot() throws(LineDBError) -> (HistoryLog, [String: (TableState, [Row?])]) {
        let (now, copies) = try state.withLock { () throws(LineDBError) -> (Int?, [String: (TableState, [Row?])]) in
            try requireOpen()
            var copies: [String: (TableState, [Row?])] = [:]
            for (name, t) in tables {
                // A private table object for keys and conversions; the live one belongs to the lock.
                copies[name] = (TableState(schema: t.schema), t.slots)
                if let reason = t.readOnlyReason { copies[name]!.0.readOnlyReason = reason }
            }
            let now = wal.map { $0.nextLSN - 1 } ?? follow?.lastLSN
            return (now, copies)
        }
        guard let paths else {
            throw .invalidInput(reason: "an in-memory database keeps no history")
        }
        var log = try HistoryLog(io: io, paths: paths, nowLSN: now ?? Int.max)
        if now == nil {
            log = try HistoryLog(io: io, paths: paths, nowLSN: log.files.last?.lastLSN ?? 0)
        }
        return (log, copies)
    }

    /// The history's files (archives oldest first, then the live WAL) and how far back it reaches.
    ///
    /// ```swift
    /// let (files, reach) = try db.historyFiles()
    /// print("history from lsn \(reach.earliestLSN) (\(reach.earliestTime ?? "-")), \(files.count) files")
    /// ```
    public func historyFiles() throws(LineDBError) -> (files: [HistoryFile], reach: HistoryReach) {
        let (log, _) = try historySnapshot()
        return (log.files, log.reach)
    }

    /// The LSN a moment names: the LSN itself, or for a time the last entry written before the clock passed it.
    ///
    /// - Throws: ``LineDBError/invalidInput(reason:)`` for a moment before the earliest the history reaches
    ///   (naming it and why) or after the last entry.
    public func resolve(_ moment: HistoryMoment) throws(LineDBError) -> Int {
        let (log, _) = try historySnapshot()
        return try log.resolve(moment)
    }

    /// Every version of one record, newest first, from the archives and the live WAL.
    ///
    /// A key changed by an update is followed: older versions are those of the old key. A record deleted and
    /// inserted again shows both lives. Entries of transactions that never committed are left out.
    ///
    /// ```swift
    /// for v in try db.history(of: "student", key: 7) {
    ///     print(v.lsn, v.timestamp, v.operation, v.changes.map(\.column))
    /// }
    /// ```
    ///
    /// - Parameters:
    ///   - table: the table (as it is now, or was: a dropped table's history is read too).
    ///   - key: the primary key.
    ///   - limit: at most this many versions (the newest).
    /// - Throws: ``LineDBError/corrupt(path:line:column:byteOffset:reason:hint:)`` for a damaged archive, naming
    ///   file, line and byte; the versions newer than the damage are in the error's message.
    public func history(of table: String, key: JSONValue, limit: Int? = nil) throws(LineDBError) -> [RecordVersion] {
        let (log, copies) = try historySnapshot()
        if let t = copies[table], t.0.schema.primaryKey == nil {
            throw .invalidInput(reason: "table '\(table)' has no primary key: a record's history is found by its key, and its records have none (as of a moment and diff still show the table)")
        }
        let pkName = copies[table]?.0.schema.primaryKey?.name
        var tracked = copies[table].map { normalize(key, $0.0) } ?? key
        var out: [RecordVersion] = []
        let start = log.breaks.last?.fileIndex ?? 0
        var fileIndex = log.files.count - 1
        // Only lines that hold the text of a key followed (or a COMMIT, for transactions) are decoded; the others are
        // still checked (checksum, LSN sequence). A key change found in a file adds the old key and reads it again.
        var needles: Set<JSONValue> = [tracked]
        /// Takes one entry (newest first) into the history; `true` once `limit` versions are found.
        func consider(_ h: HistoryEntry) -> Bool {
            guard let effective = h.effectiveLSN, h.entry.table == table,
                let op = h.entry.operationKind, op == .insert || op == .update || op == .delete
            else { return false }
            let pk = pkName ?? Self.guessKeyName(h.entry)
            guard let pk else { return false }
            let new = h.entry.record.objectValue
            let old = h.entry.oldRecord.objectValue
            let newKey = new?[pk]
            let oldKey = old?[pk]
            let touches = (op != .delete && newKey == tracked) || (op != .insert && oldKey == tracked)
                || (op == .delete && oldKey == nil && newKey == tracked)
            guard touches else { return false }
            var version = RecordVersion(
                lsn: h.entry.lsn, effectiveLSN: effective, timestamp: h.entry.timestamp, operation: op,
                key: tracked, oldKey: nil, record: op == .delete ? nil : new, oldRecord: op == .insert ? nil : old,
                changes: [], file: h.file, line: h.entry.line, byteOffset: h.entry.byteOffset)
            if op == .update {
                // The seed may log only the changed fields: show the record whole where the next version knows it.
                if var partial = version.record, let previous = out.last?.oldRecord, partial.count < previous.count {
                    for (k, v) in previous where partial[k] == nil { partial[k] = v }
                    version.record = partial
                }
                if let oldKey, oldKey != tracked {
                    version.oldKey = oldKey
                    tracked = oldKey
                    needles.insert(oldKey)
                }
            }
            if op == .delete, version.oldRecord == nil { version.oldRecord = new }
            version.changes = ColumnChange.between(version.oldRecord, version.record)
            out.append(version)
            // One more than asked: a seed update that logged no old record takes it from the version before.
            if let limit, out.count > limit { return true }
            return false
        }
        while fileIndex >= start {
            // An archive with a fresh index: only the lines that touch the key (ArchiveIndex+History.swift).
            let (count, key) = (out.count, tracked)
            var rebuildIndex = false
            switch historyThroughIndex(
                log: log, fileIndex: fileIndex, table: table, keyColumn: pkName ?? "id", key: { tracked },
                consider: consider)
            {
            case .limitReached: return Self.completingPartialUpdates(out, limit: limit)
            case .done: fileIndex -= 1; continue
            case .unavailable(let rebuild):
                (out, tracked) = (Array(out.prefix(count)), key)  // a line did not match: read the archive whole
                rebuildIndex = rebuild
            }
            let entries: [HistoryEntry]
            let (outBefore, trackedBefore) = (out.count, tracked)
            let texts = needles.map { Array(JSONWriter.encode($0).utf8) } + [Array(#""COMMIT""#.utf8)]
            do {
                // Rebuilding the archive's index needs every line decoded; otherwise only the key's.
                entries = rebuildIndex
                    ? try log.entries(ofFile: fileIndex)
                    : try log.entries(ofFile: fileIndex, skipping: { line in !texts.contains { Self.holds(line, $0) } })
            } catch {
                if out.isEmpty { throw error }
                // The versions asked for are all newer than the damage (the extra one read ahead is only for a
                // seed update's old record).
                if let limit, out.count >= limit { return Self.completingPartialUpdates(out, limit: limit) }
                throw Self.withNewerVersions(error, out)
            }
            if rebuildIndex { indexOnTheFly(log: log, fileIndex: fileIndex, entries: entries, copies: copies) }
            var reachedLimit = false
            for h in entries.reversed() where consider(h) { reachedLimit = true; break }
            if !reachedLimit, !texts.dropLast().contains(Array(JSONWriter.encode(tracked).utf8)) {
                // The key changed in this file: its older lines under the old key were not decoded; read it again.
                out.removeLast(out.count - outBefore)
                tracked = trackedBefore
                continue
            }
            if reachedLimit { return Self.completingPartialUpdates(out, limit: limit) }
            fileIndex -= 1
        }
        if let problem = log.damaged[start - 1], !(limit.map { out.count >= $0 } ?? false) {
            // The reach starts after a file that exists but cannot be read: the record's older versions may be in it.
            throw Self.withNewerVersions(problem, out)
        }
        return Self.completingPartialUpdates(out, limit: limit)
    }

    /// A damaged file's error, saying how many newer versions of the record were read before it.
    private static func withNewerVersions(_ error: LineDBError, _ newer: [RecordVersion]) -> LineDBError {
        let unaffected = "the \(newer.count) newer versions\(newer.last.map { " (down to lsn \($0.lsn))" } ?? "") are unaffected"
        guard case .corrupt(let path, let line, let column, let byte, let reason, _) = error else {
            return .invalidInput(reason: "\(error); \(unaffected)")
        }
        return .corrupt(path: path, line: line, column: column, byteOffset: byte, reason: "\(reason); \(unaffected)",
                        hint: "reading history changes nothing")
    }

    /// Whether `line` holds the bytes `text`.
    private static func holds(_ line: UnsafeBufferPointer<UInt8>, _ text: [UInt8]) -> Bool {
        guard let base = line.baseAddress, let first = text.first, line.count >= text.count else { return false }
        let last = line.count - text.count
        var i = 0
        while i <= last {
            // memchr to the next candidate first byte, then compare the rest.
            guard let hit = memchr(base + i, Int32(first), last - i + 1) else { return false }
            let at = UnsafeRawPointer(base).distance(to: UnsafeRawPointer(hit))
            var k = 1
            while k < text.count, line[at + k] == text[k] { k += 1 }
            if k == text.count { return true }
            i = at + 1
        }
        return false
    }

    /// Versions (newest first) whose UPDATE logged only the changed fields, or no old_record (the seed's), shown
    /// whole from the version before them.
    /// Then keeps the newest `limit` (one more was read, for the oldest one's version before it).
    private static func completingPartialUpdates(_ versions: [RecordVersion], limit: Int?) -> [RecordVersion] {
        var out = versions
        var i = out.count - 2
        while i >= 0 {
            defer { i -= 1 }
            guard out[i].operation == .update, let before = out[i + 1].record else { continue }
            var changed = false
            if out[i].oldRecord == nil { out[i].oldRecord = before; changed = true }
            if let partial = out[i].record, let old = out[i].oldRecord, partial.count < old.count {
                var whole = old  // in the record's column order, with the fields the update logged
                for (k, v) in partial { whole[k] = v }
                out[i].record = whole
                changed = true
            }
            if changed { out[i].changes = ColumnChange.between(out[i].oldRecord, out[i].record) }
        }
        if let limit, out.count > limit { out.removeLast(out.count - limit) }
        return out
    }

    /// A key as the table stores it (an int column's `3.0` is `3`).
    private func normalize(_ key: JSONValue, _ t: TableState) -> JSONValue {
        if case .double(let d) = key, t.schema.primaryKey?.type == .int, let i = Int(exactly: d) { return .int(i) }
        if case .string(let s) = key, t.schema.primaryKey?.type == .int, let i = Int(s) { return .int(i) }
        return key
    }

    /// For a dropped table's entries: the `id` member, the seed's usual key.
    private static func guessKeyName(_ entry: WALEntry) -> String? {
        if let o = entry.record.objectValue ?? entry.oldRecord.objectValue, o["id"] != nil { return "id" }
        return nil
    }

    /// The database as it was just after a moment: the tables that existed then, their schemas and records.
    ///
    /// Built from today's state backwards through each entry's `old_record`; where that cannot reach (a table
    /// dropped since: its records are not in the log), forwards from the first entry when the history holds
    /// every entry from the beginning. The result equals what the database held then, record for record.
    ///
    /// ```swift
    /// let monday = try db.state(asOf: .parse("2026-12-07T09:00"))
    /// print(monday.table("student")?.count ?? 0)
    /// ```
    ///
    /// - Parameters:
    ///   - moment: an LSN or a time (``HistoryMoment``).
    ///   - names: only these tables (all by default).
    /// - Throws: ``LineDBError/invalidInput(reason:)`` for a moment the history does not reach (naming the earliest
    ///   it does) or a table that did not exist then; ``LineDBError/corrupt(path:line:column:byteOffset:reason:hint:)``
    ///   for a damaged archive on the way.
    public func state(asOf moment: HistoryMoment, tables names: [String]? = nil) throws(LineDBError) -> PastState {
        let (log, copies) = try historySnapshot()
        let lsn = try log.resolve(moment)
        return try pastState(log: log, copies: copies, lsn: lsn, names: names)
    }

    func pastState(log: HistoryLog, copies: [String: (TableState, [Row?])], lsn: Int, names: [String]?)
        throws(LineDBError) -> PastState
    {
        var undo = PastBuilder(copies: copies)
        var timestamp: String? = nil
        var index = log.firstFile(after: lsn)
        var later: [HistoryEntry] = []
        // The entry at `lsn` (for its time) may be in the file before.
        if index > 0, let last = log.files[index - 1].lastLSN, last == lsn { timestamp = log.files[index - 1].lastTime }
        while index < log.files.count {
            for h in try log.entries(ofFile: index) {
                if h.entry.lsn == lsn { timestamp = h.entry.timestamp }
                if let e = h.effectiveLSN, e > lsn { later.append(h) }
            }
            index += 1
        }
        for h in later.reversed() { try undo.undo(h) }
        var past: PastState
        if !undo.unknown.isEmpty, log.reachesTheBeginning {
            past = try forwardState(log: log, copies: copies, lsn: lsn, names: names, timestamp: timestamp)
        } else {
            past = try undo.finish(lsn: lsn, timestamp: timestamp, names: names)
        }
        past.notes = log.notes + past.notes
        return past
    }

    /// The state at `lsn` replayed from the first entry (for tables dropped since, whose records only the log
    /// before the drop holds).
    private func forwardState(
        log: HistoryLog, copies: [String: (TableState, [Row?])], lsn: Int, names: [String]?, timestamp: String?
    ) throws(LineDBError) -> PastState {
        var replay = Replay(database: self, tables: NameMap<TableState>(), walPath: log.walDir)
        var done = false
        for i in log.files.indices where !done {
            for h in try log.entries(ofFile: i) {
                if h.entry.lsn > lsn { done = true; break }
                if h.entry.operationKind == .createTable, h.entry.record == .null, let name = h.entry.table,
                    let current = copies[name]
                {
                    var e = h.entry
                    e.record = .object(current.0.schema.jsonObject)
                    try replay.apply(e)
                    continue
                }
                try replay.apply(h.entry)
            }
        }
        var notes = replay.finish().filter { !$0.contains("without COMMIT") }
        var tables: [PastTable] = []
        for (name, t) in replay.tables.sorted(by: { $0.key < $1.key }) where names == nil || names!.contains(name) {
            guard t.schema.primaryKeyIndex != nil else {
                // Replay skips its writes (they cannot be applied by key): its rows here would be none, not its past.
                let why = "table '\(name)' has no primary key: its past cannot be rebuilt from the log"
                if names != nil { throw .invalidInput(reason: "table '\(name)' as of lsn \(lsn) cannot be built: \(why)") }
                notes.append("\(why); it is left out")
                continue
            }
            tables.append(PastTable(schema: t.schema, rows: PastBuilder.sortedByKey(Array(t.rows), t.schema)))
        }
        try PastBuilder.requireNamed(names, in: tables, lsn: lsn)
        return PastState(lsn: lsn, timestamp: timestamp, tables: tables, notes: notes)
    }
}

/// Undoes entries, newest first, over a copy of today's tables: only the records the entries touched are held
/// apart (`overrides`), the rest are today's rows as they are.
struct PastBuilder {
    struct TableUndo {
        var scratch: TableState
        var schema: TableSchema
        var exists = true
        /// Today's rows, or none when the table was created after the moment.
        var base: [Row?]
        var overrides: [JSONValue: Row?] = [:]
    }
    var tables: [String: TableUndo] = [:]
    /// Tables whose records before an entry the log cannot give (dropped since), with why.
    var unknown: [String: String] = [:]

    init(copies: [String: (TableState, [Row?])]) {
        for (name, c) in copies { tables[name] = TableUndo(scratch: c.0, schema: c.0.schema, base: c.1) }
    }

    /// The table's value for `key` as the undo stands: an override, or today's row.
    private func current(_ u: TableUndo, _ key: JSONValue) -> Row? {
        if let o = u.overrides[key] { return o }
        guard let pk = u.schema.primaryKeyIndex else { return nil }
        return u.base.lazy.compactMap { $0 }.first { $0.values[pk] == key }
    }

    mutating func undo(_ h: HistoryEntry) throws(LineDBError) {
        let e = h.entry
        guard let op = e.operationKind, let name = e.table else { return }
        switch op {
        case .createTable:
            // Before it, the table did not exist (or existed as an earlier life, dropped before: the DROP says).
            tables[name]?.exists = false
            tables[name]?.base = []
            tables[name]?.overrides = [:]
        case .dropTable:
            // Before it, the table existed with records the log does not hold here.
            var schema: TableSchema? = nil
            var ignored: [String] = []
            if case .object(let o) = e.record { schema = try? TableSchema(object: o, path: nil, expectedName: name, warnings: &ignored) }
            if let schema {
                tables[name] = TableUndo(scratch: TableState(schema: schema), schema: schema, base: [])
            } else {
                tables[name] = nil
            }
            unknown[name] = "table '\(name)' was dropped at lsn \(e.lsn); its records before that are only in the history before it"
        case .insert, .update, .delete:
            // Taken out of `tables` while it changes: a copy left there would make every change below copy the
            // whole `overrides` dictionary (quadratic over the entries undone).
            guard var u = tables.removeValue(forKey: name) else { return }
            defer { tables[name] = u }
            guard u.schema.primaryKeyIndex != nil, let pk = u.schema.primaryKey?.name else {
                unknown[name] = "table '\(name)' has no primary key: its entries cannot be undone"
                return
            }
            let new = e.record.objectValue
            let old = e.oldRecord.objectValue
            func key(_ o: JSONObject?) -> JSONValue? {
                guard let v = o?[pk], !v.isNull else { return nil }
                if case .double(let d) = v, u.schema.primaryKey?.type == .int, let i = Int(exactly: d) { return .int(i) }
                return v
            }
            switch op {
            case .insert:
                if let k = key(new) { u.overrides[k] = .some(nil) }
            case .delete:
                let k = key(old) ?? key(new)
                if let k, let o = old ?? new { u.overrides[k] = .some(try u.scratch.rowFromStored(o)) }
            default:  // update
                let after = key(new) ?? key(old)
                let before = key(old) ?? after
                guard let after, let before, var o = old else {
                    // The seed's UPDATE may log no old_record: the record before it is only in the log before it.
                    unknown[name] = "the UPDATE at lsn \(e.lsn) (wal/\(h.file) line \(e.line)) logs no old_record; the record before it is only in the history before it"
                    return
                }
                if o.count < u.schema.columns.count, let now = current(u, after) {
                    // The seed may log only the changed fields: the rest is as the record stands after the entry.
                    let whole = TableState.record(now, schema: u.schema)
                    if o.count < whole.count { for (k, v) in whole where o[k] == nil { o[k] = v } }
                }
                if before != after { u.overrides[after] = .some(nil) }
                u.overrides[before] = .some(try u.scratch.rowFromStored(o))
            }
        case .commit, .checkpoint:
            return
        }
    }

    func finish(lsn: Int, timestamp: String?, names: [String]?) throws(LineDBError) -> PastState {
        var out: [PastTable] = []
        var notes: [String] = []
        for (name, u) in tables.sorted(by: { $0.key < $1.key }) where u.exists && (names == nil || names!.contains(name)) {
            if let why = unknown[name] {
                if names != nil {
                    throw .invalidInput(reason: "table '\(name)' as of lsn \(lsn) cannot be built: \(why), which is no longer kept")
                }
                notes.append("table '\(name)' is left out: \(why), which is no longer kept")
                continue
            }
            guard let pk = u.schema.primaryKeyIndex else {
                out.append(PastTable(schema: u.schema, rows: u.base.compactMap { $0 }))
                continue
            }
            var rows: [Row] = []
            rows.reserveCapacity(u.base.count)
            if u.overrides.isEmpty {
                for case let r? in u.base { rows.append(r) }
            } else {
                for case let r? in u.base where u.overrides[r.values[pk]] == nil { rows.append(r) }
                // Today's rows are usually in key order already: sort only the few undone ones, then merge.
                var undone: [Row] = []
                for case let r?? in u.overrides.values { undone.append(r) }
                undone.sort { JSONValue.compare($0.values[pk], $1.values[pk]) < 0 }
                rows = PastBuilder.merged(PastBuilder.sortedByKey(rows, u.schema), undone, pk: pk)
            }
            out.append(PastTable(schema: u.schema, rows: PastBuilder.sortedByKey(rows, u.schema)))
        }
        try PastBuilder.requireNamed(names, in: out, lsn: lsn)
        return PastState(lsn: lsn, timestamp: timestamp, tables: out, notes: notes)
    }

    static func requireNamed(_ names: [String]?, in tables: [PastTable], lsn: Int) throws(LineDBError) {
        for name in names ?? [] where !tables.contains(where: { $0.schema.name == name }) {
            throw .tableNotFound(table: name, suggestion: nil).explained("table '\(name)' did not exist as of lsn \(lsn)")
        }
    }

    /// Two runs of rows in key order (no key in both) as one, in key order.
    static func merged(_ a: [Row], _ b: [Row], pk: Int) -> [Row] {
        if b.isEmpty { return a }
        var out: [Row] = []
        out.reserveCapacity(a.count + b.count)
        var i = 0, j = 0
        while i < a.count && j < b.count {
            if JSONValue.compare(a[i].values[pk], b[j].values[pk]) <= 0 {
                out.append(a[i]); i += 1
            } else {
                out.append(b[j]); j += 1
            }
        }
        out.append(contentsOf: a[i...])
        out.append(contentsOf: b[j...])
        return out
    }

    /// Rows in key order; a check first, since today's rows are usually in key order already.
    static func sortedByKey(_ rows: [Row], _ schema: TableSchema) -> [Row] {
        guard let pk = schema.primaryKeyIndex else { return rows }
        var sorted = true
        var i = 1
        while i < rows.count {
            if JSONValue.compare(rows[i - 1].values[pk], rows[i].values[pk]) > 0 { sorted = false; break }
            i += 1
        }
        if sorted { return rows }
        return rows.sorted { JSONValue.compare($0.values[pk], $1.values[pk]) < 0 }
    }
}

extension LineDBError {
    /// The same failure with a message a user can act on (for refusals whose case is right but whose default
    /// text is not).
    func explained(_ reason: String) -> LineDBError { .invalidInput(reason: reason) }
}

