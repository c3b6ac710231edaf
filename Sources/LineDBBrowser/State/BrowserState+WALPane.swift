import LineDB

/// The WAL pane's own place: a cursor on one entry, scrolling, a filter, and the count of entries that arrived
/// while the cursor was away from the newest.
public struct WALPane: Sendable, Equatable {
    /// The entry under the cursor (an index into ``BrowserState/wal``), or `nil` when the cursor follows the newest
    /// entry shown (new entries then move it along).
    public internal(set) var cursor: Int?
    /// The first entry shown (an index into ``BrowserState/wal``) while the cursor does not follow.
    var top = 0
    /// Entries (of the filter) that arrived while the cursor was away from the newest: "N new".
    public internal(set) var unseen = 0
    /// What the pane shows, when filtered (`f` in the WAL pane).
    public internal(set) var filter: WALFilter?

    public init() {}

    /// The log was rotated (checkpoint): the cursor follows again; the filter stays.
    mutating func rotated() {
        cursor = nil
        top = 0
        unseen = 0
    }
}

/// One WAL entry shown whole (Enter in the WAL pane): its JSON pretty-printed, scrollable.
public struct WALEntryView: Sendable, Equatable {
    public var entry: WALEntry
    /// Its position in the pane, for the title ("entry 812 of 1000").
    public var position: Int
    /// How many entries the pane shows (its filter's).
    public var count: Int
    /// The lines shown: the time, then the entry's JSON, pretty-printed, hidden characters made visible, wrapped.
    public var lines: [String]
    /// The first line shown.
    public internal(set) var scroll = 0
}

extension BrowserState {
    /// The primary key column of the table an entry names.
    func walKeyColumn(_ entry: WALEntry) -> String? {
        entry.table.flatMap { t in tables.first { String.exactlyEqual($0.name, t) }?.keyColumn }
    }

    /// The entries the pane shows (indices into ``wal``): those of the filter, oldest first.
    var walShown: [Int] {
        guard let filter = walPane.filter else { return Array(wal.indices) }
        return wal.indices.filter { filter.matches(wal[$0], keyColumn: walKeyColumn(wal[$0])) }
    }

    /// Lines of entries in the WAL pane (its height less the title).
    var walPaneHeight: Int { max(1, (layout.wal?.height ?? 2) - 1) }

    /// The cursor's position in `shown` and the first position shown, for a pane `height` lines high.
    func walWindow(_ shown: [Int], height: Int) -> (cursor: Int, top: Int)? {
        guard !shown.isEmpty else { return nil }
        guard let cursor = walPane.cursor else { return (shown.count - 1, max(0, shown.count - height)) }
        let p = shown.firstIndex { $0 >= cursor } ?? shown.count - 1
        var top = shown.firstIndex { $0 >= walPane.top } ?? 0
        if p < top { top = p }
        if p >= top + height { top = p - height + 1 }
        return (p, max(0, min(top, shown.count - height, p)))
    }

    /// New entries came (and `dropped` of the oldest went): a following cursor moves along; one away from the
    /// newest stays on its entry and counts the new ones.
    mutating func walPaneAppended(_ entries: [WALEntry], dropped: Int) {
        guard var cursor = walPane.cursor else { return }
        cursor -= dropped
        if cursor < 0 { cursor = 0 }
        walPane.cursor = cursor
        walPane.top = max(0, walPane.top - dropped)
        let filter = walPane.filter
        walPane.unseen += entries.reduce(0) { n, e in
            n + ((filter?.matches(e, keyColumn: walKeyColumn(e)) ?? true) ? 1 : 0)
        }
    }

    /// A move key in the WAL pane: moves its cursor; at the newest entry it follows again.
    mutating func moveWALCursor(_ action: Action, by steps: Int = 1) {
        let shown = walShown
        let height = walPaneHeight
        guard let (position, top) = walWindow(shown, height: height) else { return }
        var p = position
        switch action {
        case .up: p -= steps
        case .down: p += steps
        case .pageUp: p -= height * steps
        case .pageDown: p += height * steps
        case .firstRow: p = 0
        case .lastRow: p = shown.count - 1
        default: return
        }
        setWALCursor(max(0, min(p, shown.count - 1)), shown: shown, top: top, height: height)
    }

    /// Puts the WAL pane's cursor on position `p` of `shown`, scrolling as little as needed.
    mutating func setWALCursor(_ p: Int, shown: [Int], top: Int, height: Int) {
        if p >= shown.count - 1 {
            walPane.cursor = nil
            walPane.unseen = 0
            return
        }
        walPane.cursor = shown[p]
        var t = top
        if p < t { t = p }
        if p >= t + height { t = p - height + 1 }
        walPane.top = shown[max(0, t)]
    }

    /// The WAL pane's title: the position ("entry 812 of 1000"), the new entries and the filter.
    var walTitle: String {
        let shown = walShown
        var parts: [String] = []
        if let (p, _) = walWindow(shown, height: walPaneHeight) {
            parts.append("WAL: entry \(p + 1) of \(shown.count)" + (walPane.filter == nil ? "" : " (of \(wal.count))"))
        } else {
            parts.append(wal.isEmpty ? "WAL: no entries" : "WAL: none of \(wal.count) entries match")
        }
        if walPane.unseen > 0 { parts.append("\(walPane.unseen) new") }
        if let filter = walPane.filter { parts.append("filter: " + VisibleText.escaped(filter.text)) }
        return parts.joined(separator: " · ")
    }

    // MARK: - Filter

    mutating func beginWALFilter() {
        mode = .prompt(Prompt(purpose: .walFilter, editor: LineEditor(walPane.filter?.text ?? "")))
    }

    /// The filter typed: applied, or refused with the prompt kept open on the text (nothing typed is lost).
    mutating func applyWALFilter(_ text: String) {
        do {
            let filter = try WALFilter.parse(text)
            walPane.filter = filter
            walPane.cursor = nil
            walPane.unseen = 0
            let n = walShown.count
            if let filter {
                say("WAL pane: \(n) of \(wal.count) entries match \(VisibleText.escaped(filter.text))")
            } else {
                say("WAL pane: filter removed")
            }
        } catch {
            mode = .prompt(Prompt(purpose: .walFilter, editor: LineEditor(text)))
            fail(error.description)
        }
    }

    // MARK: - The entry view

    /// Enter in the WAL pane: the entry under the cursor, whole.
    mutating func openWALEntry() {
        let shown = walShown
        guard let (p, _) = walWindow(shown, height: walPaneHeight) else {
            return say(wal.isEmpty ? "the WAL pane has no entries" : "no entry matches the WAL filter")
        }
        let entry = wal[shown[p]]
        let width = max(10, viewport.columns - 6)
        mode = .walEntry(WALEntryView(entry: entry, position: p + 1, count: shown.count,
                                      lines: WALEntryText.lines(entry, width: width)))
    }

    /// Lines of the entry view's text on screen.
    var walEntryHeight: Int { max(1, viewport.rows - 3) }

    mutating func handleWALEntry(_ view: WALEntryView, key: Key, context: BrowserDataSource) -> [Effect] {
        var view = view
        let page = walEntryHeight
        switch key == .escape || key == .enter || key == .character("q") ? .cancel : action(of: key) {
        case .cancel?, .quit?:
            mode = .normal
            return []
        case .up?: view.scroll -= 1
        case .down?: view.scroll += 1
        case .pageUp?: view.scroll -= page
        case .pageDown?: view.scroll += page
        case .firstRow?: view.scroll = 0
        case .lastRow?: view.scroll = view.lines.count
        default:
            if key == .character("o") { return openWALRecord(view.entry, context: context) }
            if key == .character("a") { return beginAsOf(entry: view.entry) }  // the database as of this entry
            return []
        }
        view.scroll = max(0, min(view.scroll, view.lines.count - page))
        mode = .walEntry(view)
        return []
    }

    /// `o` in the entry view: the entry's record in the grid (its table opened, the cursor on its key), or a
    /// message saying why not (no table, no key, the record gone).
    mutating func openWALRecord(_ entry: WALEntry, context: BrowserDataSource) -> [Effect] {
        guard let name = entry.table else {
            fail("a \(entry.operation) entry names no record")
            return []
        }
        let shownName = VisibleText.escaped(name)
        guard tables.contains(where: { String.exactlyEqual($0.name, name) }) else {
            fail("table \(shownName) no longer exists")
            return []
        }
        let keyColumn = walKeyColumn(entry)
        guard let keyColumn, let key = WALFilter.key(of: entry, keyColumn: keyColumn),
              entry.operationKind != .createTable, entry.operationKind != .dropTable else {
            fail("this \(entry.operation) entry names no record of \(shownName)")
            return []
        }
        mode = .normal
        closeAllSheets(context: context)
        open(name, context: context)
        guard let table, table.name == name else { return [] }  // (the failure to open it was said)
        focus = .grid
        let keyText = "\(VisibleText.escaped(keyColumn))=\(ValueText.display(key, width: 40))"
        guard let r = table.rowIndex(forKey: key), !table.isDeleted(row: r),
              let i = view.count == table.rows.count && view[r] == r ? r : view.firstIndex(of: r) else {
            fail("record \(keyText) of \(shownName) no longer exists")
            return []
        }
        row = i
        say("\(shownName): record \(keyText)")
        return []
    }
}
