import LineDB

/// A record's history being read on a thread of its own (``Database/history(of:key:limit:)`` may read ten archives):
/// the browser looks at it between key reads, waiting at most a slice at a time, and opens the history view once it
/// is over; Esc cancels it (the read's result is then dropped). ``BrowserApp`` creates it for
/// ``Effect/recordHistory(table:key:)``.
public protocol RunningHistory: AnyObject, Sendable {
    /// The table and the key whose history is read.
    var table: String { get }
    var key: JSONValue { get }
    /// The versions, newest first, once the read is over (or why it failed); nil while it runs.
    var result: Result<[RecordVersion], HistoryReadFailure>? { get }
    /// Waits until the read is over or `deadline` has passed.
    func wait(until deadline: ContinuousClock.Instant)
    /// Drops the read (from any thread): its result is never looked at.
    func cancel()
}

/// Why a record's history could not be read: the engine's message (naming file, line and byte for a damaged
/// archive).
public struct HistoryReadFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, as the status line says it.
    public var message: String

    /// A failure saying `message`.
    public init(_ message: String) { self.message = message }

    public var description: String { message }
}

/// The history view (`r`, issue 15 section 4): the versions of one record, newest first, one block each: a header
/// line (version number, LSN, time, operation, the file in `wal/` holding the entry), then one line per field with
/// the cells that version changed marked (`*` old → new, `+` set by an insert, `-` gone with a delete) as well as
/// coloured. Shown in the grid's place, over the grid or the record view, which it goes back to.
public struct RecordHistoryView: Sendable {
    /// The table and the key of the record (as it is now).
    public let table: String
    public let key: JSONValue
    /// The table's columns when the history was read: one line each per version.
    public let columns: [Column]
    /// The versions, newest first.
    public let versions: [RecordVersion]
    /// Whether older versions were left out (``BrowserState/historyLimit`` were read).
    public let limited: Bool
    /// The version under the cursor (an index into ``versions``).
    public internal(set) var selected = 0
    /// The first screen line shown.
    public internal(set) var top = 0

    /// Lines per version: its header, then one per column.
    var blockHeight: Int { columns.count + 1 }
    /// Lines in all.
    var lineCount: Int { versions.count * blockHeight }

    /// The number of version `index` (an index into ``versions``) counted from the oldest read (1).
    func number(of index: Int) -> Int { versions.count - index }

    /// "version 3 of 5".
    func versionText(_ index: Int) -> String {
        "version \(number(of: index)) of \(versions.count)\(limited ? "+" : "")"
    }

    /// How a field shows in one version.
    enum Mark: Equatable {
        /// Unchanged by this version.
        case same
        /// Changed by it: `old` → the version's value.
        case changed(old: JSONValue)
        /// Set by it (an insert, or a field the record did not have).
        case added
        /// Gone with it (a delete, or a field removed): the value is the one before.
        case removed

        /// The marker that shows it without colour (NO_COLOR).
        var symbol: String {
            switch self {
            case .same: return " "
            case .changed: return "*"
            case .added: return "+"
            case .removed: return "-"
            }
        }
    }

    /// Field `name` in version `v`: how it changed, and its value in that version (before it, for a delete; `nil`
    /// when the record had no such field).
    static func field(_ name: String, of v: RecordVersion) -> (mark: Mark, value: JSONValue?) {
        if v.operation == .delete { return (.removed, v.oldRecord?[name]) }
        guard let change = v.changes.first(where: { String.exactlyEqual($0.column, name) }) else {
            return (.same, v.record?[name])
        }
        switch (change.old, change.new) {
        case (nil, let new): return (.added, new)
        case (let old?, nil): return (.removed, old)
        case (let old?, let new?): return (.changed(old: old), new)
        }
    }

    /// Versions that show (whole or in part) in `height` lines from ``top``.
    func shownVersions(height: Int) -> Range<Int> {
        guard blockHeight > 0, !versions.isEmpty else { return 0..<0 }
        let first = min(versions.count - 1, top / blockHeight)
        let last = min(versions.count - 1, max(first, (top + height - 1) / blockHeight))
        return first..<(last + 1)
    }
}

extension BrowserState {
    /// The most versions the history view reads (the newest).
    static let historyLimit = 10_000

    /// `r` on a record (grid or record view): asks the app to read its history in the background.
    mutating func openRecordHistory() -> [Effect] {
        if sheet != nil {
            let back = keyMap.names(for: .cancel, limit: 1)
            fail("a sheet's rows have no history: \(back) goes back to \(baseTableName ?? "the table")")
            return []
        }
        guard let table, row < view.count, let key = currentKey else {
            fail("no record here: history is of the record under the cursor")
            return []
        }
        guard table.keyColumn != nil else {
            fail("\(table.name) has no primary key: its records have no history by key")
            return []
        }
        if !isSavedKey(key) {
            fail("record \(ValueText.display(key, width: 24)) is not saved under this key yet (pending): it has no "
                 + "history (s saves it)")
            return []
        }
        say("reading the history of \(table.name) \(ValueText.display(key, width: 24))…")
        return [.recordHistory(table: table.name, key: key)]
    }

    /// Whether `key` is a record of the open table as saved (not a pending insert or a pending new key).
    private func isSavedKey(_ key: JSONValue) -> Bool {
        guard let table, let pk = table.keyColumn else { return false }
        var lo = 0, hi = table.baseRows.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if JSONValue.compare(table.baseRows[mid][pk], key) < 0 { lo = mid + 1 } else { hi = mid }
        }
        return lo < table.baseRows.count && JSONValue.compare(table.baseRows[lo][pk], key) == 0
    }

    /// The read of a history started (``BrowserApp`` made it): the status line shows it until it is over.
    public mutating func startRecordHistory(_ run: RunningHistory) {
        runningHistory = run
        say("reading the history of \(run.table) \(ValueText.display(run.key, width: 24))…")
    }

    /// Looks at the history being read, waiting for it until `deadline` at most when nothing else is to be done;
    /// opens the view once it is over. Called by ``work(until:chunk:)``.
    mutating func checkRecordHistory(until deadline: ContinuousClock.Instant) {
        guard let run = runningHistory else { return }
        if run.result == nil && task == nil && counter == nil { run.wait(until: deadline) }
        guard let result = run.result else { return }
        runningHistory = nil
        let who = "\(run.table) \(ValueText.display(run.key, width: 24))"
        switch result {
        case .failure(let failure):
            fail("history of \(who): \(failure.message)")
        case .success(let versions):
            guard !versions.isEmpty else {
                return say("\(who) has no history in the WAL or its archives (nothing written since they begin)")
            }
            guard let table, String.exactlyEqual(table.name, run.table) else {
                let again = keyMap.names(for: .recordHistory, limit: 1)
                return say("the history of \(who) came after its table was closed: \(again) reads it again")
            }
            recordHistory = RecordHistoryView(
                table: run.table, key: run.key, columns: table.schema.columns, versions: versions,
                limited: versions.count >= Self.historyLimit)
            say("history of \(who): \(versions.count) version\(versions.count == 1 ? "" : "s") (Enter restores one)")
        }
    }

    /// Esc while the history is read: drops it; nothing else changes.
    mutating func cancelRecordHistory() {
        guard let run = runningHistory else { return }
        run.cancel()
        runningHistory = nil
        say("reading the history cancelled")
    }

    /// Lines of the history view at once (the grid's area less its title line).
    var historyPageHeight: Int { max(1, layout.grid.height - 1) }

    /// A key in the history view (it takes every key but the help, the recent messages and the palette).
    mutating func handleRecordHistory(_ action: Action, key: Key) -> [Effect]? {
        guard var hv = recordHistory else { return nil }
        if key == .control("c") { return nil }  // always quits
        let height = historyPageHeight
        let maxTop = max(0, hv.lineCount - height)
        switch action {
        case .cancel, .quit, .recordHistory:
            recordHistory = nil
            say(recordView != nil ? "back to the record view" : "back to the grid")
            return []
        case .help, .messages, .palette, .preview:
            return nil
        case .up, .down:
            hv.selected = max(0, min(hv.versions.count - 1, hv.selected + (action == .up ? -1 : 1)))
            Self.showSelected(&hv, height: height)
        case .firstRow:
            hv.selected = 0
            Self.showSelected(&hv, height: height)
        case .lastRow:
            hv.selected = hv.versions.count - 1
            Self.showSelected(&hv, height: height)
        case .pageDown, .pageUp, .halfPageDown, .halfPageUp:
            let step = action == .pageDown || action == .pageUp ? height : max(1, height / 2)
            let down = action == .pageDown || action == .halfPageDown
            let from = min(hv.top, maxTop)
            hv.top = max(0, min(maxTop, from + (down ? step : -step)))
            // The cursor goes to the first version whose header shows (or the one the top line is in).
            let firstHeader = (hv.top + hv.blockHeight - 1) / hv.blockHeight
            hv.selected = min(hv.versions.count - 1,
                              firstHeader * hv.blockHeight < hv.top + height ? firstHeader : hv.top / hv.blockHeight)
        case .open:
            recordHistory = hv
            restoreHistoryVersion()
            return []
        default:
            let back = keyMap.names(for: .cancel, limit: 1)
            fail("\(KeyName.symbol(key)) does not work in the history view (Enter restores a version, \(back) goes "
                 + "back)")
            return []
        }
        recordHistory = hv
        say("history of \(hv.table) \(ValueText.display(hv.key, width: 24)): \(hv.versionText(hv.selected))")
        return []
    }

    /// Scrolls so that the selected version shows: the whole block when it fits, else from its header.
    static func showSelected(_ hv: inout RecordHistoryView, height: Int) {
        let start = hv.selected * hv.blockHeight, end = start + hv.blockHeight
        if start < hv.top { hv.top = start }
        if end > hv.top + height { hv.top = min(start, end - height) }
        hv.top = max(0, min(hv.top, max(0, hv.lineCount - height)))
    }

    /// Enter in the history view: the selected version's values become pending updates of the record (one undo
    /// step), checked like a cell edit; its key stays the record's own (a version from before a key change restores
    /// the fields only, and says so). A delete has no values: refused, as on a read-only browser.
    mutating func restoreHistoryVersion() {
        guard let hv = recordHistory, hv.selected < hv.versions.count else { return }
        let v = hv.versions[hv.selected]
        let which = "\(hv.versionText(hv.selected)) (lsn \(v.lsn))"
        let shown = ValueText.display(hv.key, width: 24)
        if let refusal = editRefusal { return fail(refusal + "; nothing changed") }
        guard let values = v.record else {
            return fail("\(which) is the record's delete: it has no values to restore (choose the version before "
                        + "it); nothing changed")
        }
        let updates: [(column: Int, old: JSONValue, new: JSONValue)]
        switch historyUpdates(record: values, key: hv.key, which: which) {
        case .failure(let refusal): return fail(refusal.description)
        case .success(let found): updates = found
        }
        var keyNote = ""
        if JSONValue.compare(v.key, hv.key) != 0 {
            keyNote = "; that version's key was \(ValueText.display(v.key, width: 24)): the record keeps its key "
                + shown
        }
        if updates.isEmpty {
            return say("record \(shown) already holds the values of \(which)\(keyNote); nothing changed")
        }
        lastChangeGroup += 1
        for update in updates {
            guard var change = self.table.map({ Change(.update(key: hv.key, column: update.column, old: update.old,
                                                                new: update.new), in: $0) }) else { break }
            change.group = updates.count > 1 ? lastChangeGroup : nil
            record(change)
        }
        recordHistory = nil
        let names = updates.compactMap { table?.schema.columns[$0.column].name }.joined(separator: ", ")
        say("record \(shown): \(which) restored, \(names) changed (pending: s saves, u undoes)\(keyNote)")
    }

    /// The updates that give record `key` the values of `record` (every column but the primary key; a field the
    /// version lacks becomes null), or why nothing changes.
    private func historyUpdates(record: Record, key: JSONValue, which: String)
        -> Result<[(column: Int, old: JSONValue, new: JSONValue)], BrowserError>
    {
        let shown = ValueText.display(key, width: 24)
        guard let table, let r = table.rowIndex(forKey: key) else {
            return .failure(.message("record \(shown) is no longer in the table; nothing changed"))
        }
        if table.isDeleted(row: r) {
            return .failure(.message("record \(shown) is deleted (pending): u undoes that first; nothing changed"))
        }
        var updates: [(column: Int, old: JSONValue, new: JSONValue)] = []
        for (i, column) in table.schema.columns.enumerated() where i != table.keyColumn {
            let value = record[column.name] ?? .null
            var typed = JSONValue.null
            if !value.isNull {
                guard let normalized = column.type.normalize(value) else {
                    let reason = "\(ValueText.display(value, width: 40)) is not \(ValueText.expectation(column.type))"
                    return .failure(.message(
                        "\(which): \(column.name): \(reason) (the schema changed since); nothing changed"))
                }
                typed = normalized
            }
            let old = table.rows[r][i]
            if typed == old { continue }
            if let problem = check(typed, column: i, exceptKey: key) {
                return .failure(.message("\(which): \(problem.description); nothing changed"))
            }
            updates.append((i, old, typed))
        }
        return .success(updates)
    }
}
