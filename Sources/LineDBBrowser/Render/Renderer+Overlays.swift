import LineDB

/// Overlays: the help's entries, the pending-changes preview, the add form and the cell editor (the help and the
/// recent messages are drawn in Renderer+ScrollingOverlays).
extension Renderer {
    /// One line of the help: the actions it covers (their keys are shown) and what they do.
    static let helpEntries: [(Action.Group, [Action], String)] = [
        (.move, [.up, .down, .left, .right], "move the cursor"), (.move, [.pageUp, .pageDown], "page up / down"),
        (.move, [.firstRow, .lastRow], "first / last row"), (.move, [.firstColumn, .lastColumn], "first / last column"),
        (.move, [.nextPane, .previousPane], "next / previous pane"), (.move, [.open], "open table / edit cell"),
        (.move, [.toggleTables, .toggleSchema, .toggleWAL], "hide tables/schema/WAL"),
        (.find, [.search], "search; ^R regex ^T col"), (.find, [.nextMatch, .previousMatch], "next / previous match"),
        (.find, [.cancel], "stop; close a sheet"), (.find, [.filter], "filter: = < > ~ or SQL"),
        (.find, [.removeLastFilter, .clearFilter], "remove last/all filters"), (.find, [.sortAscending, .sortDescending], "sort by column ↑ / ↓"),
        (.find, [.frequency, .describe], "frequency / describe"), (.find, [.query], "SQL query → sheet"),
        (.find, [.toggleSelect, .selectMatching, .invertSelection, .clearSelection], "select/all/invert/clear"),
        (.edit, [.edit], "edit the cell"), (.edit, [.editRecord], "edit record in $EDITOR"),
        (.edit, [.add, .delete], "add / delete a record"), (.edit, [.setSelected], "set column of selected"),
        (.edit, [.undo, .redo], "undo / redo"),
        (.edit, [.preview, .discard], "preview / discard edits"),
        (.edit, [.setNull, .duplicate], "null ∅ / duplicate row"),
        (.edit, [.copyCell, .copyRecord, .paste], "copy cell/record; paste"),
        (.database, [.save], "save: WAL, then files"), (.database, [.checkpoint, .takeOver], "checkpoint / take over"),
        (.database, [.export], "export table or view"), (.database, [.help, .palette], "this help / palette"),
        (.database, [.quit], "quit (asks if unsaved)"), (.database, [.messages], "recent messages"),
        (.move, [.halfPageDown, .halfPageUp], "half page down / up"), (.move, [.goToRow, .goToKey], "go to row # / key"),
        (.find, [.sortAddAscending, .sortAddDescending], "add column to sort ↑ / ↓"),
        (.find, [.naturalOrder], "natural (key) order"),
        (.view, [.recordView], "record view (Esc back)"), (.view, [.recordHistory], "history; Enter restores"), (.view, [.nextRecord, .previousRecord], "next / prev record"),
        (.view, [.hideColumn, .showColumns], "hide col / show all"), (.view, [.fitColumn], "fit column to content"),
        (.view, [.narrowColumn, .widenColumn], "narrow / widen column"),
        (.view, [.moveColumnLeft, .moveColumnRight], "move column left / right"),
        (.view, [.asOf], "as-of: view the past"), (.view, [.asOfPrevious, .asOfNext], "past: prev / next entry"),
        (.view, [.asOfDiff], "past: diff to now"),
    ]

    /// The keys of the cell editor, the add form and the prompts (fixed: the config file does not change them).
    static let editorHelp: (String, [(String, String)]) = (
        "In the editor and prompts",
        [("← → Home End", "move; also Ctrl-A/E"), ("Bksp Del", "delete a character"),
         ("Ctrl-U/K", "delete to start / end"), ("Enter Esc", "accept / cancel"),
         ("Ctrl-N", "null ∅ (empty str: \"\")"),
         ("Tab ↓ ↑", "form: next/prev field")]
    )

    /// Every key of `keyMap`, grouped, as the help overlay shows it. A line of several actions (`k j h l`) shows
    /// each action's first key, and a second line their second keys (`↑ ↓ ← →`) when they have some.
    public static func helpGroups(_ keyMap: KeyMap) -> [(String, [(String, String)])] {
        var groups = Action.Group.allCases.map { group in
            var lines: [(String, String)] = []
            for (g, actions, what) in helpEntries where g == group {
                if actions.count == 1 {
                    lines.append((keyMap.names(for: actions[0], limit: 2), what))
                    continue
                }
                let keys = actions.map { keyMap.keys(for: $0) }
                for rank in 0..<2 where rank == 0 || keys.contains(where: { $0.count > rank }) {
                    let names = keys.map { $0.count > rank ? KeyName.symbol($0[rank]) : ($0.isEmpty ? "(none)" : "·") }
                    lines.append((names.joined(separator: " "), what))
                }
            }
            if group == .move { lines.append(("Schema pane", SchemaWords.legend)) }
            return (group.rawValue, lines)
        }
        groups.append(editorHelp)
        return groups
    }

    /// The help of the standard keys.
    public static var helpGroups: [(String, [(String, String)])] { helpGroups(.standard) }

    static func box(
        _ titleText: String, height: Int, width: Int, in layout: Layout? = nil, on grid: inout ScreenGrid
    ) -> Rect {
        let h = min(height + 2, grid.rows - 1)
        let w = min(width + 4, grid.columns)
        let r = Rect(row: max(0, (grid.rows - 1 - h) / 2), column: max(0, (grid.columns - w) / 2), height: h, width: w)
        grid.fill(row: r.row, column: r.column, height: r.height, width: r.width, style: .normal)
        // The top border carries the title: ┌ Keys (Esc closes) ──────┐
        let title = DisplayWidth.clip(titleText, to: max(0, r.width - 4))
        let rule = String(repeating: "─", count: max(0, r.width - 4 - DisplayWidth.of(title)))
        grid.put("┌", row: r.row, column: r.column, style: .border)
        field(" " + title + " ", row: r.row, column: r.column + 1, width: DisplayWidth.of(title) + 2,
              style: .focusBorder, on: &grid)
        grid.put(rule + "┐", row: r.row, column: r.column + 3 + DisplayWidth.of(title), style: .border)
        for y in r.row + 1..<r.row + r.height {
            grid.put("│", row: y, column: r.column, style: .border)
            grid.put("│", row: y, column: r.column + r.width - 1, style: .border)
        }
        let bottom = String(repeating: "─", count: max(0, r.width - 2))
        grid.put("└" + bottom + "┘", row: r.row + r.height - 1, column: r.column, style: .border)
        return Rect(row: r.row + 1, column: r.column + 2, height: r.height - 2, width: r.width - 4)
    }

    static func drawPreview(_ state: BrowserState, in layout: Layout, on grid: inout ScreenGrid) {
        let n = state.pending.count
        let lines = state.pending.map(\.summary)
            + ["COMMIT  (s writes these \(n) as one transaction, all or none, then the records files)"]
        let r = box("\(n) pending change\(n == 1 ? "" : "s") → WAL entries on save (Esc closes)",
                    height: min(lines.count, grid.rows - 5), width: grid.columns - 8, in: layout, on: &grid)
        for (i, line) in lines.suffix(r.height).enumerated() {
            field(line, row: r.row + i, column: r.column, width: r.width, style: .normal, on: &grid)
        }
    }

    static func drawForm(_ state: BrowserState, _ form: RecordForm, in layout: Layout, on grid: inout ScreenGrid) {
        guard let table = state.table else { return }
        let columns = table.schema.columns
        let labelWidth = min(24, (columns.map { DisplayWidth.of($0.name) + DisplayWidth.of($0.type.rawValue) }.max()
            ?? 8) + 4)
        let r = box(form.title ?? "Add a record to \(table.name)", height: min(columns.count, grid.rows - 5),
                    width: min(grid.columns - 8, 70), in: layout, on: &grid)
        let first = max(0, form.active - r.height + 1)
        for (i, column) in columns.enumerated().dropFirst(first).prefix(r.height) {
            let y = r.row + i - first
            var label = "\(column.name) (\(column.type.rawValue))"
            if column.primaryKey { label += "*" }
            field(label, row: y, column: r.column, width: labelWidth, style: i == form.active ? .header : .dim,
                  on: &grid)
            if i == form.active {
                drawEditorText(form.fields[i], row: y, column: r.column + labelWidth + 1,
                               width: r.width - labelWidth - 1, on: &grid)
            } else {
                // Only the start of a long field is shown (and converted).
                let shown = form.fields[i].isNull ? ValueText.nullGlyph
                    : String(form.fields[i].text.prefix(DisplayWidth.scalarBudget(forWidth: r.width)))
                field(shown, row: y, column: r.column + labelWidth + 1, width: r.width - labelWidth - 1,
                      style: form.fields[i].isNull ? .null : .normal, on: &grid)
            }
        }
    }

    /// The cell editor, drawn over the cell and to the right of it.
    static func drawEditor(_ state: BrowserState, _ edit: CellEdit, in layout: Layout, on grid: inout ScreenGrid) {
        let r = layout.grid
        let geometry = GridGeometry(state: state, width: r.width)
        guard let placed = geometry.columns.first(where: { $0.index == edit.column }) else { return }
        let y = r.row + 2 + state.row - state.top
        guard y < r.row + r.height else { return }
        let x = r.column + placed.x
        // The editor stays in its cell (the text scrolls to the cursor), so the row's other cells stay in view; E
        // edits the whole record in $EDITOR.
        drawEditorText(edit.editor, row: y, column: x, width: min(r.column + r.width - x, placed.width + 1), on: &grid)
        // A refused value: the reason next to the cell (below it, or above on the last row).
        if state.messageIsError && !state.message.isEmpty {
            let below = y + 1 < r.row + r.height ? y + 1 : y - 1
            let text = DisplayWidth.clip(" " + state.message + " ", to: r.width)  // (it may quote a long value)
            let start = max(r.column, min(x, r.column + r.width - DisplayWidth.of(text)))
            field(text, row: below, column: start, width: min(DisplayWidth.of(text), r.column + r.width - start),
                  style: .error, on: &grid)
        }
    }
}
