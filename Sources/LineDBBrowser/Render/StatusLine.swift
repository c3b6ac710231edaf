import LineDB

/// The status area: the position line (database; the table or sheet and "row k of N"; the column's name and type;
/// RW/RO; pending changes; the search) and the message, or the running work's progress in its place.
///
/// The message goes beside the position when both fit; else it takes a line or two of its own above the position
/// (the grid gives them up while it shows), wrapped at spaces; a message longer than that ends with "…" and the key
/// of the recent messages, where it can be read whole. While a prompt's text is refused, the refusal takes the
/// whole area, above the text to fix.
struct StatusLine {
    /// The position line, or empty when the message takes the whole area.
    var info: String
    var message: String
    var style: CellStyle
    /// The key that shows the recent messages ("Ctrl-P"), named when a message is cut.
    var messagesKey: String?

    /// The most lines a message takes.
    static let messageLines = 2

    /// - Parameter width: the screen's width: the position leaves out its least needed parts to fit it.
    init(_ state: BrowserState, width: Int) {
        messagesKey = state.keyMap.keys(for: .messages).first.map(KeyName.symbol)
        if case .prompt = state.mode, state.messageIsError, !state.message.isEmpty {
            info = ""
            message = state.message
            style = .error
            return
        }
        info = StatusLine.position(state, width: width)
        if let task = state.task {
            // A running search, filter or sort says how far it is instead of the last message.
            message = Renderer.busyText(work: task.label, amount: Renderer.percent(task.progress),
                                        waiting: state.typeAhead.count, width: .max)
            style = .pending
        } else if let job = state.selectionJob {
            // Selecting, or a bulk set or delete, running: how far it is.
            message = Renderer.busyText(work: job.label, amount: Renderer.percent(job.progress),
                                        waiting: state.typeAhead.count, width: .max)
            style = .pending
        } else if let run = state.runningHistory {
            message = Renderer.busyText(work: "reading history",
                                        amount: "of \(run.table) \(ValueText.display(run.key, width: 24))",
                                        waiting: state.typeAhead.count, width: .max)
            style = .pending
        } else if let query = state.runningQuery {
            message = Renderer.busyText(work: "running the query", amount: "\(query.rowsSoFar) rows",
                                        waiting: state.typeAhead.count, width: .max)
            style = .pending
        } else {
            message = state.message
            style = state.messageIsError ? .error : .title
        }
    }

    /// " testdb │ student  row 3 of 10 (filtered from 20) │ name: str │ RW │ 2 pending │ /ali: match 1 of 3".
    ///
    /// When that is wider than `width`, the parts that matter least give way first: the database's name, then the
    /// column's name and type, then RW/RO; the table and row, the pending count, a save running and the search
    /// stay (the search is cut last, with "…").
    static func position(_ state: BrowserState, width: Int = .max) -> String {
        // (text, rank): the higher the rank, the sooner the part gives way.
        var parts: [(String, Int)] = [(" \(state.databaseName)", 3)]
        if let past = state.asOf { parts.append((past.banner, 0)) }  // the past shown: which moment, always
        if let table = state.table {
            // On a sheet: which one (and how many are stacked), in place of the table's name.
            let stack = state.sheets.count > 1 ? "\(state.sheets.count) sheets: " : ""
            var position = "\(state.sheet.map { stack + $0.label } ?? table.name)"
                + "  row \(state.view.isEmpty ? 0 : state.row + 1) of \(state.view.count)"
            if let history = state.recordHistory { position = Renderer.historyPosition(history) }
            if !state.filtersShown.isEmpty { position += " (filtered from \(table.rows.count))" }
            parts.append((position, 0))
            let columns = table.schema.columns
            if state.column < columns.count {
                let column = columns[state.column]
                parts.append((DisplayWidth.clip(sanitized(column.name), to: 24) + ": " + column.type.rawValue, 2))
            }
        }
        // The past (the as-of view) is read-only whoever holds the writer lock.
        // So is a table another process writes (the tables pane marks it with `~`).
        parts.append((state.isReadOnly || state.asOf != nil || state.openTableWriteRefusal != nil ? "RO" : "RW", 1))
        if !state.pending.isEmpty { parts.append(("\(state.pending.count) pending", 0)) }
        if let saving = state.savingStatus { parts.append((saving, 0)) }
        if let search = state.searchStatus {
            parts.append((DisplayWidth.clip(sanitized(search), to: 60), 0))  // (a pasted search may be long)
        }
        func joined() -> String {
            let text = parts.map(\.0).joined(separator: " │ ")
            return text.hasPrefix(" ") ? text : " " + text
        }
        for rank in [3, 2, 1] where DisplayWidth.of(joined()) > width {
            parts.removeAll { $0.1 == rank }
        }
        return joined()
    }

    /// What the area shows at `width`: the message beside the position (one line), or the message's own lines.
    func lines(width: Int) -> (beside: Bool, message: [String]) {
        guard !message.isEmpty else { return (true, []) }
        let text = StatusLine.sanitized(message, budget: width * (StatusLine.messageLines + 1))
        if !info.isEmpty && DisplayWidth.of(info) + 3 + DisplayWidth.of(text) <= width {
            return (true, [text])
        }
        // Each line one space in, as the status line.
        var wrapped = StatusLine.wrap(text, width: max(1, width - 1)).map { " " + $0 }
        if wrapped.count > StatusLine.messageLines {
            // The rest is in the recent messages.
            let more = "… (" + (messagesKey.map { $0 + " shows all" } ?? "cut") + ")"
            var last = wrapped[StatusLine.messageLines - 1]
            last = StatusLine.prefix(last, width: max(1, width - DisplayWidth.of(more))) + more
            wrapped = Array(wrapped.prefix(StatusLine.messageLines - 1)) + [last]
        }
        return (false, wrapped)
    }

    /// The area's height at `width`.
    func height(width: Int) -> Int {
        let (beside, message) = lines(width: width)
        return beside ? 1 : message.count + (info.isEmpty ? 0 : 1)
    }

    /// `text` with line breaks, tabs, other control and format characters (bidi overrides) as visible one-column
    /// glyphs (the editor's, ``Renderer/editorGlyph(_:)``), at most `budget` columns' worth of it.
    static func sanitized(_ text: String, budget: Int = 200) -> String {
        let (head, more) = DisplayWidth.head(text, scalars: DisplayWidth.scalarBudget(forWidth: budget))
        var out = ""
        for character in head { out += Renderer.editorGlyph(character) }
        return more ? out + "…" : out
    }

    /// The start of `text` that fits in `width` columns.
    static func prefix(_ text: String, width: Int) -> String {
        var out = ""
        var used = 0
        for character in text {
            used += DisplayWidth.of(character)
            if used > width { break }
            out.append(character)
        }
        return out
    }

    /// `text` cut into lines of at most `width` columns, at the last space that fits when there is one.
    static func wrap(_ text: String, width: Int) -> [String] {
        guard width > 1 else { return [text] }
        var lines: [String] = []
        var line = ""
        var used = 0
        for character in text {
            let w = DisplayWidth.of(character)
            if used + w > width {
                if let space = line.lastIndex(of: " "), space != line.startIndex {
                    let rest = String(line[line.index(after: space)...])
                    lines.append(String(line[..<space]))
                    line = rest
                } else {
                    lines.append(line)
                    line = ""
                }
                if character == " " && line.isEmpty {
                    used = 0
                    continue
                }
                used = DisplayWidth.of(line)
            }
            line.append(character)
            used += w
        }
        if !line.isEmpty { lines.append(line) }
        return lines
    }
}

extension Renderer {
    static func drawStatus(_ state: BrowserState, in r: Rect, on grid: inout ScreenGrid) {
        let status = StatusLine(state, width: r.width)
        let (beside, message) = status.lines(width: r.width)
        // The message's own lines first; the position stays on the last line of the area, where it always is.
        var y = r.row
        if !beside || status.info.isEmpty {
            for line in message where y < r.row + r.height - (status.info.isEmpty ? 0 : 1) {
                field(line, row: y, column: r.column, width: r.width, style: status.style, on: &grid)
                y += 1
            }
        }
        guard !status.info.isEmpty else { return }
        y = r.row + r.height - 1
        let left = DisplayWidth.clip(status.info, to: r.width)
        field(left, row: y, column: r.column, width: r.width, style: .title, on: &grid)
        if beside, let text = message.first {
            let x = min(r.width - 1, DisplayWidth.of(left) + 3)
            field(text, row: y, column: r.column + x, width: r.width - x, style: status.style, on: &grid)
        }
    }
}
