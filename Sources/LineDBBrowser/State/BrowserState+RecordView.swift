import LineDB

/// Where the record view (`v`, issue 14 item 10) is scrolled: the first line shown. Its cursor is the grid's:
/// the record is the cursor's row (``BrowserState/row``) and the field under the cursor is the cursor's column.
public struct RecordView: Sendable, Equatable {
    /// The first line shown (an index into the record's ``RecordLines``).
    public internal(set) var top = 0
}

/// The record view: the cursor's record, one field a line (name, type, the whole value wrapped, `json`
/// pretty-printed), in the grid's place. j/k (↑↓) move between fields, PgUp/PgDn and Ctrl-U/Ctrl-D scroll, g/G go
/// to the first/last field, J/K show the next/previous record of the view; Enter or `e` edits the field (pending,
/// as in the grid); Esc, `q` or `v` go back to the grid on the same record.
extension BrowserState {
    /// The actions that work in the record view as they do in the grid (on the record shown).
    static let recordViewPassThrough: Set<Action> = [
        .edit, .editRecord, .undo, .redo, .save, .help, .preview, .discard, .delete, .add,
        .setNull, .copyCell, .copyRecord, .paste, .duplicate, .messages, .palette, .recordHistory,
    ]

    /// `v` in the grid: opens the record view on the cursor's record.
    mutating func openRecordView() {
        guard table != nil, row < view.count else { return say("no record to show") }
        recordView = RecordView()
        ensureFieldShown()
        say("record view: \(keyMap.names(for: .nextRecord, limit: 1))/\(keyMap.names(for: .previousRecord, limit: 1)) next/previous record, Esc back")
    }

    /// The record view's lines for the current width (the grid's area).
    var recordLines: RecordLines? {
        guard let table, row < view.count else { return nil }
        return RecordLines(columns: table.schema.columns, values: table.rows[view[row]], width: layout.grid.width)
    }

    /// Lines of values the record view shows at once (the area less its title line).
    var recordPageHeight: Int { max(1, layout.grid.height - 1) }

    /// A key in the record view: `nil` when its action works as in the grid (``recordViewPassThrough``).
    mutating func handleRecordView(_ action: Action, key: Key) -> [Effect]? {
        guard var rv = recordView else { return nil }
        if key == .control("c") { return nil }  // always quits
        let fields = table?.schema.columns.count ?? 0
        let height = recordPageHeight
        switch action {
        case .cancel, .quit, .recordView:
            recordView = nil
            say("back to the grid")
            return []
        case .up, .down:
            column = max(0, min(fields - 1, column + (action == .up ? -1 : 1)))
            ensureFieldShown()
        case .firstRow, .firstColumn:
            column = 0
            recordView?.top = 0
        case .lastRow, .lastColumn:
            column = max(0, fields - 1)
            ensureFieldShown()
        case .pageDown, .pageUp, .halfPageDown, .halfPageUp:
            guard let lines = recordLines else { return [] }
            let step = action == .pageDown || action == .pageUp ? height : max(1, height / 2)
            let down = action == .pageDown || action == .halfPageDown
            let from = max(0, min(rv.top, lines.lines.count - height))  // (the screen may have grown since)
            rv.top = max(0, min(from + (down ? step : -step), max(0, lines.lines.count - height)))
            recordView = rv
            // The cursor stays on its field while any of it shows; otherwise it goes to the first field shown.
            let shown = rv.top..<(rv.top + height)
            if !shown.overlaps(lines.starts[column]..<lines.end(column)) {
                column = lines.field(atLine: down ? rv.top : min(lines.lines.count - 1, rv.top + height - 1))
            }
        case .nextRecord, .previousRecord:
            let to = row + (action == .nextRecord ? 1 : -1)
            guard to >= 0 && to < view.count else {
                say(to < 0 ? "this is the first record" : "this is the last record")
                return []
            }
            row = to
            recordView = RecordView()
            ensureFieldShown()
            say("record \(row + 1) of \(view.count)")
        case .open:
            beginEdit()
        case .left, .right:
            break
        default:
            if BrowserState.recordViewPassThrough.contains(action) { return nil }
            let back = keyMap.names(for: .recordView, limit: 1)
            fail("\(KeyName.symbol(key)) does not work in the record view (Esc or \(back) goes back to the grid)")
        }
        return []
    }

    /// Scrolls the record view so that the cursor's field shows (its first lines when it is taller than the view).
    mutating func ensureFieldShown() {
        guard recordView != nil, let lines = recordLines, column < lines.starts.count else { return }
        let height = recordPageHeight
        let start = lines.starts[column], end = lines.end(column)
        var top = recordView!.top
        if start < top { top = start }
        if end > top + height { top = max(0, min(start, end - height)) }
        top = max(0, min(top, max(0, lines.lines.count - height)))
        recordView!.top = top
    }
}
