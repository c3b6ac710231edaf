import LineDB

/// Key handling: the dispatcher by mode, the panes' keys, and moving around.
extension BrowserState {
    /// Applies one key. Reads tables through `context` when one is opened; returns what the app must do.
    public mutating func handle(_ key: Key, context: BrowserDataSource) -> [Effect] {
        if key == .resize { return [] }
        switch mode {
        case .normal: return handleNormal(key, context: context)
        case .help, .preview:
            if [.escape, .character("q"), .character("?"), .character("p"), .enter].contains(key) {
                mode = .normal
            }
            return []
        case .prompt(let prompt): return handlePrompt(prompt, key: key)
        case .edit(let edit):
            handleEdit(edit, key: key)
            return []
        case .form(let form):
            handleForm(form, key: key)
            return []
        case .confirm(let question): return answer(question, key: key)
        }
    }

    /// Whether `key` pressed several times in a row is handled as one move (see ``handle(_:repeat:context:)``):
    /// a vertical move in the grid.
    public func movesInOne(_ key: Key) -> Bool {
        mode == .normal && (focus == .grid || focus == .schema)
            && [.up, .down, .pageUp, .pageDown, .character("j"), .character("k")].contains(key)
    }

    /// Applies a key pressed `count` times in a row (keys queued while a frame was drawn). A vertical move in the
    /// grid (``movesInOne(_:)``) is done once, by `count` rows or pages; anything else is handled `count` times.
    public mutating func handle(_ key: Key, repeat count: Int, context: BrowserDataSource) -> [Effect] {
        if count > 1 && movesInOne(key) {
            message = ""
            messageIsError = false
            moveGridCursor(key, times: count)
            return []
        }
        var effects: [Effect] = []
        for _ in 0..<max(1, count) { effects += handle(key, context: context) }
        return effects
    }

    private mutating func handleNormal(_ key: Key, context: BrowserDataSource) -> [Effect] {
        if task != nil && !keyWhileBusy(key) { return [] }
        message = ""
        messageIsError = false
        switch key {
        case .character("q"), .control("c"):
            if pending.isEmpty { return [.quit] }
            mode = .confirm(.quit)
            return []
        case .character("?"): mode = .help
        case .escape:
            search = nil  // and the message, cleared above
            counter = nil
        case .tab: cycleFocus(by: 1)
        case .backTab: cycleFocus(by: -1)
        case .character("/"): mode = .prompt(Prompt(purpose: .search, editor: LineEditor(search ?? "")))
        case .character("n"): findNext(forward: true)
        case .character("N"): findNext(forward: false)
        case .character("f"):
            if table != nil { mode = .prompt(Prompt(purpose: .filter(column: column), editor: LineEditor())) }
        case .character("F"): clearFilter()
        case .character("["): sortBy(descending: false)
        case .character("]"): sortBy(descending: true)
        case .character("e"): beginEdit()
        case .character("E"): return beginRecordEdit()
        case .character("a"): beginAdd()
        case .character("d"): beginDelete()
        case .character("u"): undo()
        case .control("r"): redo()
        case .character("p"):
            if pending.isEmpty { say("no pending changes") } else { mode = .preview }
        case .character("D"):
            if pending.isEmpty { say("no pending changes") } else { mode = .confirm(.discard) }
        case .character("s"), .control("s"): return save(thenQuit: false)
        case .character("c"):
            if isReadOnly { fail("read-only: only the writer can checkpoint") } else { mode = .confirm(.checkpoint) }
        case .character("x"):
            if table != nil { mode = .confirm(.exportFormat) }
        case .enter:
            if focus == .tables {
                if tableCursor < tables.count {
                    open(tables[tableCursor].name, context: context)
                    focus = .grid
                }
            } else if focus == .grid {
                beginEdit()
            }
        case .character("T"): toggle(.tables)
        case .character("S"): toggle(.schema)
        case .character("W"): toggle(.wal)
        case .unknown(let code):
            fail("unknown key (code \(code)); ? shows the keys")
        default:
            switch focus {
            case .tables: moveTableCursor(key)
            case .grid, .schema: moveGridCursor(key)
            case .wal: scrollWAL(key)
            }
        }
        return []
    }

    /// While a search, filter or sort runs: Esc cancels it (the view stays as it was), q and Ctrl-C cancel it and
    /// go on as usual, moves and the help work on the current view; other keys wait for the task (ignored).
    /// Returns whether `key` is handled as usual.
    private mutating func keyWhileBusy(_ key: Key) -> Bool {
        switch key {
        case .escape:
            cancelTask()
            return false
        case .character("q"), .control("c"):
            task = nil
            return true
        case .up, .down, .left, .right, .pageUp, .pageDown, .home, .end, .tab, .backTab,
             .character("h"), .character("j"), .character("k"), .character("l"), .character("g"),
             .character("G"), .character("0"), .character("$"), .character("?"):
            return true
        default:
            return false
        }
    }

    /// The panes that are on screen at the current size, in Tab order.
    var visibleFocuses: [Focus] {
        let layout = layout
        var out: [Focus] = []
        if layout.tables != nil { out.append(.tables) }
        out.append(.grid)
        if layout.schema != nil { out.append(.schema) }
        if layout.wal != nil { out.append(.wal) }
        return out
    }

    /// The panes' places for the current size and the panes the user hid.
    public var layout: Layout { Layout(rows: viewport.rows, columns: viewport.columns, hiding: hiddenPanes) }

    /// Hides or shows a pane; the grid takes the room. The focus leaves a pane that goes.
    mutating func toggle(_ pane: Focus) {
        if hiddenPanes.insert(pane).inserted {
            if focus == pane { focus = .grid }
            say("\(pane) pane hidden (press \(pane == .tables ? "T" : pane == .schema ? "S" : "W") to show it)")
        } else {
            hiddenPanes.remove(pane)
            say("\(pane) pane shown")
        }
    }

    mutating func cycleFocus(by step: Int) {
        let order = visibleFocuses
        let i = order.firstIndex(of: focus) ?? 0
        focus = order[(i + step + order.count) % order.count]
    }

    private mutating func moveTableCursor(_ key: Key) {
        guard !tables.isEmpty else { return }
        switch key {
        case .up, .character("k"): tableCursor -= 1
        case .down, .character("j"): tableCursor += 1
        case .character("g"), .home: tableCursor = 0
        case .character("G"), .end: tableCursor = tables.count - 1
        case .pageUp: tableCursor -= pageSize
        case .pageDown: tableCursor += pageSize
        case .right, .character("l"): focus = .grid
        default: return
        }
        tableCursor = max(0, min(tableCursor, tables.count - 1))
    }

    /// Data rows visible in the grid.
    var pageSize: Int {
        max(1, layout.grid.height - 2)
    }

    mutating func moveGridCursor(_ key: Key, times: Int = 1) {
        guard let table else { return }
        let lastColumn = table.schema.columns.count - 1
        switch key {
        case .up, .character("k"): row -= times
        case .down, .character("j"): row += times
        case .left, .character("h"):
            if column == 0 && focus == .grid && visibleFocuses.contains(.tables) { focus = .tables }
            column -= 1
        case .right, .character("l"): column += 1
        case .pageUp:
            row -= pageSize * times
            top -= pageSize * times
        case .pageDown:
            row += pageSize * times
            top += pageSize * times
        case .character("g"), .home: row = 0
        case .character("G"), .end: row = view.count - 1
        case .character("0"):
            column = 0
            left = 0
        case .character("$"): column = lastColumn
        default: return
        }
        clampCursor()
        top = max(0, min(top, max(0, view.count - pageSize)))
    }

    private mutating func scrollWAL(_ key: Key) {
        let height = max(1, (layout.wal?.height ?? 2) - 1)
        switch key {
        case .up, .character("k"): walScroll += 1
        case .down, .character("j"): walScroll -= 1
        case .pageUp: walScroll += height
        case .pageDown: walScroll -= height
        case .character("g"), .home: walScroll = wal.count
        case .character("G"), .end: walScroll = 0
        default: return
        }
        walScroll = max(0, min(walScroll, max(0, wal.count - height)))
    }

    /// Makes the cursor visible: vertical scroll by rows, horizontal by the column widths on screen.
    public mutating func scrollToCursor() {
        let layout = layout
        let height = max(1, layout.grid.height - 2)
        if row < top { top = row }
        if row >= top + height { top = row - height + 1 }
        top = max(0, min(top, max(0, view.count - height)))
        guard let table else { return }
        let pk = table.keyColumn
        if column == pk { return }
        if column < left { left = column }
        while left < column {
            let placed = GridGeometry(state: self, width: layout.grid.width)
            if placed.columns.contains(where: { $0.index == column && $0.fits }) { break }
            left += 1
        }
    }
}
