import LineDB

/// One line of the command palette: an ``Action`` (by its config name), or a command with no action of its own.
public struct PaletteItem: Sendable, Equatable {
    /// What the line runs.
    public enum Command: Sendable, Equatable {
        case action(Action)
        /// Opens a table in the grid (`open student`).
        case openTable(String)
    }

    public var command: Command
    /// The name typed to find it: the action's config name (`sort-ascending`), or `open TABLE`.
    public var name: String
    /// What it does (the help's summary).
    public var summary: String
}

/// The command palette (Space): every action by name, filtered as the user types, best match first; Enter runs
/// the chosen one as its key would, Esc closes. Actions without a key are there too, and `open TABLE` for each
/// table.
extension BrowserState {
    /// Every line the palette offers, in a fixed order: the actions as ``Action/allCases`` lists them (so that
    /// new actions appear with no change here), then `open TABLE` for each table.
    var paletteItems: [PaletteItem] {
        var items = Action.allCases.filter { $0 != .palette }.map {
            PaletteItem(command: .action($0), name: $0.rawValue, summary: $0.summary)
        }
        for t in tables {
            items.append(PaletteItem(command: .openTable(t.name), name: "open " + VisibleText.escaped(t.name),
                                     summary: "open this table (\(t.count) rows)"))
        }
        return items
    }

    /// The lines matching `query`, best first (all of them, in order, for an empty query).
    func paletteMatches(_ query: String) -> [PaletteItem] {
        let items = paletteItems
        let words = query.lowercased().split(separator: " ").map(String.init)
        guard !words.isEmpty else { return items }
        let scored = items.enumerated().compactMap { (i, item) -> (Int, Int, PaletteItem)? in
            PaletteMatch.score(words, name: item.name.lowercased(), summary: item.summary.lowercased())
                .map { ($0, i, item) }
        }
        return scored.sorted { $0.0 != $1.0 ? $0.0 > $1.0 : $0.1 < $1.1 }.map(\.2)
    }

    /// The keys bound to a palette line's action, as the help shows them ("" for none).
    func paletteKeys(_ item: PaletteItem) -> String {
        guard case .action(let action) = item.command else { return "" }
        let names = keyMap.keys(for: action).prefix(2).map(KeyName.symbol)
        return names.joined(separator: " ")
    }

    /// The palette's chosen line: `selected` while the text is what it was chosen for, else the first.
    static func paletteSelection(_ prompt: Prompt) -> Int {
        guard case .palette(let selected, let query) = prompt.purpose else { return 0 }
        return query == prompt.editor.string ? selected : 0
    }

    mutating func openPalette() {
        mode = .prompt(Prompt(purpose: .palette(selected: 0, query: ""), editor: LineEditor()))
    }

    /// A key in the palette (typing went to its text already, in ``handle(_:context:)``): ↑ ↓ PgUp PgDn Home End
    /// Tab choose, Enter runs, Esc closes.
    mutating func handlePalette(_ prompt: Prompt, key: Key, context: BrowserDataSource) -> [Effect] {
        let query = prompt.editor.string
        let matches = paletteMatches(query)
        var selected = Self.paletteSelection(prompt)
        let page = max(1, viewport.rows - 8)
        switch key {
        case .up, .backTab: selected -= 1
        case .down, .tab: selected += 1
        case .pageUp: selected -= page
        case .pageDown: selected += page
        case .escape, .control("c"):
            mode = .normal
            return []
        case .enter:
            guard matches.indices.contains(selected) else {
                // Nothing to run: the text stays, to be corrected.
                fail("no command matches \"\(VisibleText.escaped(query))\" (Esc closes)")
                return []
            }
            mode = .normal
            message = ""
            messageIsError = false
            return runPaletteItem(matches[selected], context: context)
        default: break
        }
        selected = max(0, min(selected, matches.count - 1))
        var changed = prompt
        changed.purpose = .palette(selected: selected, query: query)
        mode = .prompt(changed)
        return []
    }

    /// Runs a palette line: an action as its key does in the pane that has the focus (with the same refusals).
    mutating func runPaletteItem(_ item: PaletteItem, context: BrowserDataSource) -> [Effect] {
        switch item.command {
        case .action(let action):
            // As its first key would. A key-less action runs under no key: a refusal then names the action.
            guard let key = keyMap.keys(for: action).first else {
                let none = Key.unknown(-1)
                if let refusal = paneRefusal(action, key: none) {
                    fail(action.rawValue + refusal.dropFirst(KeyName.symbol(none).count))
                    return []
                }
                return handleNormal(none, context: context, as: action)
            }
            return handleNormal(key, context: context, as: action)
        case .openTable(let name):
            guard tables.contains(where: { String.exactlyEqual($0.name, name) }) else {
                fail("no table \(VisibleText.escaped(name)) any more")
                return []
            }
            closeAllSheets(context: context)
            open(name, context: context)
            focus = .grid
            return []
        }
    }
}

/// How well a palette line matches what was typed.
enum PaletteMatch {
    /// A score (higher is better) when every word typed is found in the line, else `nil`: the name equal to the
    /// word, then starting with it, then one of its `-` parts starting with it, then holding it, then the summary
    /// holding it, then the word's letters in order in the name (fuzzy: `srtd` finds `sort-descending`).
    static func score(_ words: [String], name: String, summary: String) -> Int? {
        var total = 0
        for word in words {
            guard let s = score(word, name: name, summary: summary) else { return nil }
            total += s
        }
        return total
    }

    static func score(_ word: String, name: String, summary: String) -> Int? {
        if name == word { return 1000 }
        if name.hasPrefix(word) { return 900 - name.count }
        if name.split(separator: "-").contains(where: { $0.hasPrefix(word) }) { return 800 - name.count }
        if name.contains(word) { return 700 - name.count }
        if summary.contains(word) { return 500 - summary.count }
        if let spread = subsequenceSpread(word, in: name) { return 300 - spread }
        return nil
    }

    /// How many characters of `text` the letters of `word` span, in order; `nil` when they are not all there.
    static func subsequenceSpread(_ word: String, in text: String) -> Int? {
        var start: Int?
        var position = 0
        var iterator = word.makeIterator()
        guard var wanted = iterator.next() else { return 0 }
        for c in text {
            if c == wanted {
                if start == nil { start = position }
                guard let next = iterator.next() else { return position - (start ?? 0) + 1 }
                wanted = next
            }
            position += 1
        }
        return nil
    }
}
