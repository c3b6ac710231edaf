import LineDB

/// The search's options and position: plain or regular expression, all columns or one (the prompt's Ctrl-R and
/// Ctrl-T), and which match the cursor is on ("match k of N").
public struct SearchInfo: Sendable {
    /// The options of the search in force (``BrowserState/search``).
    public internal(set) var isRegex = false
    public internal(set) var column: Int?
    /// The options the search prompt shows, toggled there; they become the search's on Enter.
    public internal(set) var draftRegex = false
    public internal(set) var draftInColumn = false
    /// The column the prompt searches when ``draftInColumn`` (the cursor's when `/` was pressed).
    var promptColumn = 0
    /// Matching cells in the view (counted in the background), and the rank of the match at ``rankAt``.
    public internal(set) var cells = 0
    public internal(set) var rank: Int?
    var rankAt: (row: Int, column: Int)?
    /// The view generation ``rank`` was counted for.
    var generation = -1
    /// "search wrapped to the top", after the last `n`/`N`.
    var note: String?

    /// The column the prompt's search is limited to, or `nil` for every column.
    var draftColumn: Int? { draftInColumn ? promptColumn : nil }

    /// The pattern's options become the search's.
    mutating func adopt(_ pattern: SearchPattern) {
        isRegex = pattern.isRegex
        column = pattern.column
        cells = 0
        rank = nil
        rankAt = nil
        note = nil
    }

    /// " in name (regex)", what a message adds to the searched text.
    func scopeNote(of pattern: SearchPattern, names: [String]) -> String {
        var note = ""
        if let c = pattern.column, c < names.count { note += " in \(names[c])" }
        if pattern.isRegex { note += " (regex)" }
        return note
    }
}

extension BrowserState {
    /// The search in force with its options, if any.
    var searchPattern: SearchPattern? {
        search.map { SearchPattern($0, isRegex: searchInfo.isRegex, column: searchInfo.column) }
    }

    /// What the grid highlights: the search's matcher, when there is a search.
    var searchHighlighter: SearchMatcher? {
        searchPattern.flatMap { try? SearchMatcher.make($0).get() }
    }

    /// `/`: the search prompt with the last search's text and options; Ctrl-R and Ctrl-T toggle them.
    mutating func beginSearch() {
        searchInfo.draftRegex = search == nil ? searchInfo.draftRegex : searchInfo.isRegex
        searchInfo.draftInColumn = search == nil ? searchInfo.draftInColumn : searchInfo.column != nil
        searchInfo.promptColumn = column
        mode = .prompt(Prompt(purpose: .search, editor: LineEditor(search ?? "")))
    }

    /// Ctrl-R (regular expression on/off) and Ctrl-T (this column / all columns) in the search prompt; `false`
    /// for any other key.
    mutating func toggleSearchOption(_ key: Key) -> Bool {
        switch key {
        case .control("r"): searchInfo.draftRegex.toggle()
        case .control("t"): searchInfo.draftInColumn.toggle()
        default: return false
        }
        return true
    }

    /// The search prompt's label: `Search: `, `Search (regex): `, `Search name (regex): `.
    var searchPromptLabel: String {
        var label = "Search"
        if searchInfo.draftInColumn, let table, searchInfo.promptColumn < table.schema.columns.count {
            label += " " + DisplayWidth.clip(VisibleText.escaped(table.schema.columns[searchInfo.promptColumn].name),
                                             to: 20)
        }
        if searchInfo.draftRegex { label += " (regex)" }
        return label + ": "
    }

    /// A seek found a match at (view row `r`, column `c`): the cursor goes there; its rank ("match k of N") is the
    /// one before or after when the cursor was on a ranked match, else counted again in the background.
    mutating func found(_ pattern: SearchPattern, row r: Int, column c: Int, forward: Bool, wrapped: Bool,
                        isNew: Bool) {
        guard let table else { return }
        let from = (row: row, column: column)
        row = r
        column = c
        guard let matcher = try? SearchMatcher.make(pattern).get() else { return }
        if isNew || searchPattern != pattern {
            search = pattern.text
            searchInfo.adopt(pattern)
            searchMatches = 0
            counter = MatchCounter(matcher: matcher, rows: table.rows, input: view, generation: viewGeneration,
                                   target: (r, c))
        } else if counter == nil, let k = searchInfo.rank, let at = searchInfo.rankAt, at == from,
                  searchInfo.generation == viewGeneration, searchInfo.cells > 0 {
            let n = searchInfo.cells
            searchInfo.rank = forward ? (wrapped ? 1 : min(n, k + 1)) : (wrapped ? n : max(1, k - 1))
            searchInfo.rankAt = (r, c)
        } else {
            searchInfo.rank = nil
            counter = MatchCounter(matcher: matcher, rows: table.rows, input: view, generation: viewGeneration,
                                   target: (r, c))
        }
        searchInfo.note = wrapped ? (forward ? "search wrapped to the top" : "search wrapped to the bottom") : nil
        sayMatches()
    }

    /// The search text as messages quote it: control and bidi characters visible, a long (pasted) text cut.
    static func quoted(_ search: String) -> String {
        "\"" + VisibleText.escaped(String(search.prefix(200))) + "\""
    }

    /// "\"text\": match 3 of 12" (and "search wrapped to the top"), or "counting…" while the count runs.
    mutating func sayMatches() {
        guard let search = search.map(BrowserState.quoted) else { return }
        let wrapped = searchInfo.note.map { " (\($0))" } ?? ""
        if counter != nil {
            say("\(search): counting the matches…" + wrapped)
        } else if let k = searchInfo.rank {
            say("\(search): match \(k) of \(searchInfo.cells)" + wrapped)
        } else {
            say("\(search): \(searchInfo.cells) match\(searchInfo.cells == 1 ? "" : "es")" + wrapped)
        }
    }

    /// The status line's part for the search: `/text (regex) in name: match 3 of 12`.
    var searchStatus: String? {
        guard let search, let table else { return nil }
        let names = table.schema.columns.map(\.name)
        var head = "/" + VisibleText.escaped(String(search.prefix(200)))
        if searchInfo.isRegex { head += " (regex)" }
        if let c = searchInfo.column, c < names.count { head += " in " + VisibleText.escaped(names[c]) }
        if let counter, counter.search == search {
            return head + ": ≥\(counter.cells) matches, counting \(Renderer.percent(counter.progress))"
        }
        if let k = searchInfo.rank, searchInfo.generation == viewGeneration {
            return head + ": match \(k) of \(searchInfo.cells)"
        }
        return head + ": \(searchInfo.cells) match\(searchInfo.cells == 1 ? "" : "es")"
    }
}
