import LineDB

/// The WAL pane and the key-hint line (the Tables and Schema panes: Renderer+TablesAndSchema; the status line:
/// StatusLine).
extension Renderer {
    static func drawWAL(_ state: BrowserState, in r: Rect, on grid: inout ScreenGrid) {
        title(state.walTitle, focused: state.focus == .wal, in: r, on: &grid)
        let height = r.height - 1
        let indices = state.walShown
        let (cursor, top) = state.walWindow(indices, height: height) ?? (-1, 0)
        for (i, p) in (top..<min(indices.count, top + height)).enumerated() {
            let entry = state.wal[indices[p]]
            let y = r.row + 1 + i
            if p == cursor && (state.focus == .wal || state.walPane.cursor != nil) {
                // The WAL pane's cursor: a marker, and the line highlighted while the pane has the focus (without
                // it, the marker alone, dim, when the cursor stays away from the newest entry).
                let focused = state.focus == .wal
                if focused { grid.fill(row: y, column: r.column, height: 1, width: r.width, style: .selected) }
                grid.put("▶", row: y, column: r.column, style: focused ? .cursor : .dim)
            }
            var x = r.column + 1
            x += grid.put(shortTime(entry.timestamp), row: y, column: x, style: .dim) + 1
            let op = entry.operation
            let opStyle: CellStyle = op == "DELETE" ? .error : (op == "UPDATE" ? .pending : .header)
            field(op, row: y, column: x, width: 7, style: opStyle, on: &grid)
            x += 8
            field(entry.table ?? "-", row: y, column: x, width: 12, style: .normal, on: &grid)
            x += 13
            let key = entry.table.flatMap { t in state.tables.first { String.exactlyEqual($0.name, t) }?.keyColumn }
            grid.put(DisplayWidth.clip(WALText.change(entry, keyColumn: key), to: r.width - x), row: y, column: x,
                     width: r.column + r.width - x)
        }
    }

    /// "43%".
    static func percent(_ fraction: Double) -> String {
        "\(Int((max(0, min(1, fraction)) * 100).rounded(.down)))%"
    }

    static func drawHints(_ state: BrowserState, in r: Rect, on grid: inout ScreenGrid) {
        let text: String
        switch state.mode {
        case .normal:
            let keys = state.keyMap
            func hint(_ actions: [Action], _ what: String) -> String? {
                // Only keys that work now: read-only, nothing that writes (issue 14 item 8).
                let names = actions.filter(state.hintShows).compactMap { keys.keys(for: $0).first.map(KeyName.symbol) }
                return names.isEmpty ? nil : names.joined(separator: " ") + " " + what
            }
            // Hints in the order shown, each with its rank: when the line is too narrow for all of them, the
            // lowest ranks (higher numbers) give way first, so `? help`, `q quit` and `s save` always show.
            let parts: [(String?, Int)]
            switch state.focus {
            case .grid where state.recordHistory != nil:
                parts = recordHistoryHints(hint)
            case _ where state.asOf != nil && state.sheet == nil && state.recordView == nil:
                // The past (the as-of view): stepping, the diff, the way back; nothing that writes.
                parts = [(hint([.help], "help"), 0), (hint([.cancel], "now"), 0),
                         (hint([.asOfPrevious, .asOfNext], "step"), 0), (hint([.asOfDiff], "diff to now"), 1),
                         (hint([.search], "search"), 2), (hint([.filter], "filter"), 3),
                         (hint([.sortAscending, .sortDescending], "sort"), 3), (hint([.quit], "quit"), 0)]
            case .grid where state.recordView != nil:
                // The record view: only what works there.
                parts = [(hint([.help], "help"), 0), (hint([.cancel], "back"), 0), (hint([.up, .down], "field"), 1),
                         (hint([.nextRecord, .previousRecord], "record"), 1), (hint([.edit], "edit"), 1),
                         (hint([.pageUp, .pageDown], "scroll"), 3), (hint([.save], "save"), 0),
                         (hint([.undo], "undo"), 2)]
            case .grid where state.sheet != nil:
                // On a sheet: what Enter does there, and the way back.
                let enter: String
                switch state.sheet!.kind {
                case .frequency: enter = "filter to value"
                case .describe: enter = "frequency"
                case .query: enter = "open record"
                case .asOfDiff: enter = "go to record"
                }
                parts = [(hint([.help], "help"), 0), (hint([.cancel], "back"), 0), (hint([.open], enter), 1),
                         (hint([.search], "search"), 2), (hint([.sortAscending, .sortDescending], "sort"), 2),
                         (hint([.export], "export"), 1), (hint([.frequency], "frequency"), 3),
                         (hint([.quit], "quit"), 0)]
            case .tables:
                parts = [(hint([.help], "help"), 0), (hint([.quit], "quit"), 0), (hint([.open], "open"), 1),
                         ("↑↓ move", 4), (hint([.nextPane], "pane"), 5), (hint([.search], "search"), 3),
                         (hint([.save], "save"), 0), (hint([.export], "export"), 2),
                         (hint([.checkpoint], "checkpoint"), 2)]
            case .wal:
                // Only what works here: the grid's keys (edit, delete...) wait for the grid's focus.
                parts = [(hint([.help], "help"), 0), (hint([.quit], "quit"), 0), ("↑↓ move", 1),
                         (hint([.open], "entry"), 1), (hint([.filter], "filter"), 2),
                         (hint([.nextPane], "pane"), 1), (hint([.search], "search"), 3), (hint([.save], "save"), 0),
                         (hint([.undo], "undo"), 2), (hint([.checkpoint], "checkpoint"), 2)]
            default:
                parts = [(hint([.help], "help"), 0), (hint([.quit], "quit"), 0), (hint([.edit], "edit"), 1),
                         (hint([.add], "add"), 2), (hint([.delete], "delete"), 2), (hint([.undo], "undo"), 2),
                         (hint([.search], "search"), 1), (hint([.filter], "filter"), 3),
                         (hint([.sortAscending, .sortDescending], "sort"), 3), (hint([.save], "save"), 0),
                         (hint([.preview], "preview"), 4), (hint([.frequency], "frequency"), 5),
                         (hint([.query], "SQL"), 5)]
            }
            let takeOver = [(hint([.takeOver], "take over as writer"), 0)]  // shown once the writer has exited
            text = fitting((takeOver + parts).compactMap { text, rank in text.map { ($0, rank) } }, width: r.width - 1)
        case .help, .messages:
            let scrolls = overlayLineCount(state) > overlayPage(state)
            text = scrolls ? "Esc close  ↑↓ PgUp PgDn scroll" : "Esc close"
        case .preview: text = "Esc close"
        case .walEntry: text = "↑↓ PgUp PgDn scroll  o open its record in the grid  a as of this entry  Esc back"
        case .prompt(let prompt):
            grid.fill(row: r.row, column: r.column, height: 1, width: r.width, style: .normal)
            let x = grid.put(state.label(of: prompt), row: r.row, column: r.column, style: .header)
            drawEditorText(prompt.editor, row: r.row, column: r.column + x, width: r.width - x, on: &grid)
            return
        case .edit(let edit):
            let name = state.table?.schema.columns[edit.column].name ?? ""
            text = edit.refusal == nil
                ? "Editing \(name): Enter accept  Esc cancel  Ctrl-N null  ←→ Home End move"
                : "Refused: fix the text, Enter tries again; Esc drops the edit  Ctrl-N null"
        case .form: text = "Add a record: Tab/↓ next field  ↑ previous  Enter add  Esc cancel  Ctrl-N null"
        case .confirm(let question):
            // The choices always show: a question too long for the line is shortened before them.
            let (asked, choices) = state.questionParts(question)
            let room = r.width - DisplayWidth.of(choices)
            text = DisplayWidth.of(asked) <= room ? asked + choices : DisplayWidth.clip(asked, to: max(room, 1)) + choices
        }
        let style: CellStyle = if case .confirm = state.mode { .error } else { .keyHint }
        field(text, row: r.row, column: r.column, width: r.width, style: style, on: &grid)
    }

    /// The hints joined by two spaces, leaving out those of the lowest rank (then the next) until they fit `width`.
    static func fitting(_ hints: [(String, Int)], width: Int) -> String {
        var kept = hints
        func joined() -> String { kept.map(\.0).joined(separator: "  ") }
        while DisplayWidth.of(joined()) > width, let worst = kept.map(\.1).max(), worst > 0 {
            // Drop the last hint of the lowest rank.
            if let i = kept.lastIndex(where: { $0.1 == worst }) { kept.remove(at: i) }
        }
        return joined()
    }

    /// The editor's text with the cursor cell highlighted, scrolled so the cursor is visible.
    ///
    /// Costs in proportion to `width`, not to the length of the text: the first character shown is found by
    /// walking back from the cursor (at most `width` characters: every character takes at least one column, see
    /// ``editorGlyph(_:)``), and drawing stops at the edge.
    static func drawEditorText(_ editor: LineEditor, row: Int, column: Int, width: Int, on grid: inout ScreenGrid) {
        guard width > 1 else { return }
        grid.fill(row: row, column: column, height: 1, width: width, style: .normal)
        if editor.isNull && editor.text.isEmpty {
            // Null, not text: the null glyph under the cursor (typing replaces it).
            grid.put(ValueText.nullGlyph, row: row, column: column, style: .cursor)
            return
        }
        let text = editor.text
        let cursor = min(max(0, editor.cursor), text.count)
        // The text before the cursor that fits in `width - 1` columns (the cursor's own cell is the last column).
        var start = cursor
        var used = 0
        while start > 0 {
            let w = DisplayWidth.of(editorGlyph(text[start - 1]))
            if used + w > width - 1 { break }
            used += w
            start -= 1
        }
        var x = column
        var i = start
        while x < column + width {
            let isCursor = i == cursor
            if i == text.count {
                if isCursor { grid.put(" ", row: row, column: x, style: .cursor) }
                break
            }
            let used = grid.put(editorGlyph(text[i]), row: row, column: x, width: column + width - x,
                                style: isCursor ? .cursor : .normal)
            if used == 0 { break }  // no room left for this character
            x += used
            i += 1
        }
    }

    /// How the editor shows a character: as itself, or when it would take no column (a control character, a
    /// format character such as a bidi override, a lone combining mark) as a visible mark (`↵` for a line break,
    /// `⇥` for a tab, `·` otherwise), so that the cursor can stand on it and every character takes a column.
    static func editorGlyph(_ character: Character) -> String {
        if DisplayWidth.of(character) > 0 { return String(character) }
        switch character.unicodeScalars.first {
        case "\n": return "↵"
        case "\t": return "⇥"
        case "\r": return "␍"
        default: return "·"  // one column, where VisibleText's `\u{…}` would take several
        }
    }
}

/// The compact text of a WAL entry's change.
enum WALText {
    /// "id=7  name: "A" → "B"": the entry's key (by `keyColumn`, the table's primary key; else its record's
    /// first field), then what changed.
    ///
    /// A long value shows its first ``Change/summaryValueLimit`` bytes and `…`: the pane redraws its entries at
    /// every frame, and a 50 MB insert must not cost 50 MB each time.
    static func change(_ entry: WALEntry, keyColumn: String? = nil) -> String {
        let key = keyText(entry, keyColumn: keyColumn)
        func json(_ value: JSONValue) -> String {
            let (text, more) = ValueText.json(value, limit: Change.summaryValueLimit)
            return more ? text + "…" : text
        }
        switch entry.operationKind {
        case .update:
            guard case .object(let new) = entry.record, case .object(let old) = entry.oldRecord else {
                return key + json(entry.record)
            }
            let diffs = new.compactMap { (name, value) -> String? in
                old[name] == value ? nil : "\(name): \(json(old[name] ?? .null)) → \(json(value))"
            }
            return key + diffs.joined(separator: ", ")
        case .delete: return key
        case .insert: return key + json(entry.record)
        case .commit: return "txn \(entry.txn.map(String.init) ?? "")"
        default: return json(entry.record)
        }
    }

    static func keyText(_ entry: WALEntry, keyColumn: String?) -> String {
        let record = entry.record.objectValue ?? entry.oldRecord.objectValue
        guard let record else { return "" }
        if let keyColumn, let value = record[keyColumn] {
            return "\(keyColumn)=\(ValueText.display(value, width: 40))  "
        }
        guard let name = record.keys.first, let value = record.values.first else { return "" }
        return "\(name)=\(ValueText.display(value, width: 40))  "
    }
}
