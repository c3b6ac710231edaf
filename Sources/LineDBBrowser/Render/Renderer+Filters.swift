import LineDB

/// The filter stack on screen, in the grid's title line: `flights: 1,234 of 336,776, by dep_delay ↓ │ origin =
/// JFK › dep_delay > 60`. When the filters do not fit, the oldest give way first (`… › `): the last one is the one
/// `Backspace` removes.
extension Renderer {
    /// "flights: 1,234 of 336,776" (rows shown of rows in the table).
    /// While a filter's first matches are shown before it ends: "flights: ≥50 of 336,776".
    static func filteredHeading(_ state: BrowserState, _ table: TableData) -> String {
        let early = state.task?.shownEarly != nil ? "≥" : ""
        return "\(table.name): \(early)\(BrowserState.grouped(state.view.count)) of \(BrowserState.grouped(table.rows.count))"
    }

    /// " │ f1 › f2 › f3" fitted to `width` display columns (empty without filters): the newest filters are kept,
    /// the oldest replaced by `…`; a single filter too long for the room is cut with `…`.
    static func filterList(_ state: BrowserState, names: [String], width: Int) -> String {
        let filters = state.filtersShown
        guard !filters.isEmpty else { return "" }
        let lead = " │ "
        let room = width - DisplayWidth.of(lead)
        guard room > 2 else { return "" }
        // Each filter's text, cut to the room (a pasted expression can be long): one line, no control characters.
        let texts = filters.map { filter -> String in
            let text = String(filter.describe(names: names).prefix(DisplayWidth.scalarBudget(forWidth: room)))
            return DisplayWidth.clip(String(text.map { $0.isNewline || $0 == "\t" ? " " : $0 }), to: room)
        }
        // The newest always shows (cut when it must, leaving room for "… › " when there are older ones).
        var kept = [DisplayWidth.clip(texts[texts.count - 1], to: room - (texts.count > 1 ? 4 : 0))]
        var used = DisplayWidth.of(kept[0])
        for text in texts.dropLast().reversed() {
            let more = DisplayWidth.of(text) + 3
            // Room for this one, and for "… › " if older ones are left out.
            let older = kept.count + 1 < texts.count ? 4 : 0
            guard used + more + older <= room else { break }
            kept.insert(text, at: 0)
            used += more
        }
        let dropped = texts.count - kept.count
        var list = kept.joined(separator: " › ")
        if dropped > 0 {
            list = "… › " + list
            if DisplayWidth.of(list) > room { list = DisplayWidth.clip(list, to: room) }
        }
        return lead + list
    }
}
