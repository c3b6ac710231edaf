import LineDB

/// The history view (`r`): in the grid's place, a title line, then one block per version, newest first: a header
/// (`▸ 5/5  lsn 42  2026-12-07 14:30:01  UPDATE  transaction.log`), then the record's fields, those the version
/// changed marked (`*` old → new, `+` set, `-` gone) and drawn in the pending style.
extension Renderer {
    static func drawRecordHistory(_ state: BrowserState, in r: Rect, on grid: inout ScreenGrid) {
        guard let hv = state.recordHistory, r.height > 0, r.width > 0 else { return }
        let focused = state.focus == .grid
        let height = max(1, r.height - 1)
        let top = max(0, min(hv.top, hv.lineCount - height))
        var heading = "\(hv.table) \(ValueText.display(hv.key, width: 24)): history, \(hv.versions.count)"
            + "\(hv.limited ? " newest" : "") version\(hv.versions.count == 1 ? "" : "s"), newest first"
        if hv.lineCount > height {
            heading += " · lines \(top + 1)-\(min(hv.lineCount, top + height)) of \(hv.lineCount)"
        }
        title(heading, focused: focused, in: r, on: &grid)
        let names = hv.columns.map { GridGeometry.headerText($0).name }
        let nameWidth = max(4, min(names.map(DisplayWidth.of).max() ?? 4, max(4, r.width / 4)))
        let valueX = r.column + 3 + nameWidth + 2
        let valueWidth = max(1, r.column + r.width - valueX - 1)
        for i in 0..<height {
            let line = top + i
            guard line < hv.lineCount else { break }
            let y = r.row + 1 + i
            let index = line / hv.blockHeight
            let version = hv.versions[index]
            let f = line % hv.blockHeight - 1
            guard f >= 0 else {
                let selected = index == hv.selected
                field(historyHeader(hv, index), row: y, column: r.column, width: r.width,
                      style: selected ? (focused ? .cursor : .selected) : .header, on: &grid)
                continue
            }
            let name = hv.columns[f].name
            let (mark, value) = RecordHistoryView.field(name, of: version)
            let changedStyle: CellStyle = mark == .same ? .normal : (mark == .removed ? .dim : .pending)
            field(" " + mark.symbol, row: y, column: r.column, width: 3, style: changedStyle, on: &grid)
            field(names[f], row: y, column: r.column + 3, width: nameWidth, style: .header, on: &grid)
            var x = valueX
            if case .changed(let old) = mark {
                let oldText = ValueText.display(old, width: max(1, (valueWidth - 3) / 2))
                x += grid.put(oldText, row: y, column: x, width: valueWidth, style: old.isNull ? .null : .dim)
                x += grid.put(" → ", row: y, column: x, width: max(0, valueX + valueWidth - x), style: .pending)
            }
            let left = max(0, valueX + valueWidth - x)
            guard left > 0 else { continue }
            guard let value else {
                grid.put("(no such field)", row: y, column: x, width: left, style: .dim)
                continue
            }
            let style: CellStyle = mark == .same ? (value.isNull ? .null : .normal) : changedStyle
            grid.put(ValueText.display(value, width: left), row: y, column: x, width: left, style: style)
        }
    }

    /// A version's header line: `▸ 5/5  lsn 42  2026-12-07 14:30:01  UPDATE  transaction.log`; a key change and a
    /// delete say so.
    static func historyHeader(_ hv: RecordHistoryView, _ index: Int) -> String {
        let v = hv.versions[index]
        var text = (index == hv.selected ? "▸ " : "  ") + "\(hv.number(of: index))/\(hv.versions.count)"
            + "  lsn \(v.lsn)  \(historyTime(v.timestamp))  \(v.operation.rawValue)"
        if let old = v.oldKey, JSONValue.compare(old, v.key) != 0 {
            text += " (key \(ValueText.display(old, width: 16)) → \(ValueText.display(v.key, width: 16)))"
        }
        if v.operation == .delete { text += " (values before it)" }
        return text + "  " + VisibleText.escaped(v.file)
    }

    /// "2026-12-07T14:30:01.123456" → "2026-12-07 14:30:01" (a timestamp of another form as it is, made visible).
    static func historyTime(_ timestamp: String) -> String {
        let head = timestamp.prefix(19)
        guard head.count == 19, head.dropFirst(10).first == "T" else { return VisibleText.escaped(timestamp) }
        return head.prefix(10) + " " + head.dropFirst(11)
    }

    /// The status line's position while the history view shows: "history of student 7: version 3 of 5".
    static func historyPosition(_ hv: RecordHistoryView) -> String {
        "history of \(sanitizedName(hv.table)) \(ValueText.display(hv.key, width: 24)): \(hv.versionText(hv.selected))"
    }

    /// A table's name as the status line shows it (hidden characters as their symbols).
    private static func sanitizedName(_ name: String) -> String { DisplayWidth.clip(VisibleText.escaped(name), to: 24) }

    /// The key hints of the history view: only what works there.
    static func recordHistoryHints(_ hint: ([Action], String) -> String?) -> [(String?, Int)] {
        [(hint([.help], "help"), 0), (hint([.cancel], "back"), 0), (hint([.up, .down], "version"), 1),
         (hint([.open], "restore (pending)"), 0), (hint([.pageUp, .pageDown], "scroll"), 2),
         (hint([.firstRow, .lastRow], "newest/oldest"), 3)]
    }
}
