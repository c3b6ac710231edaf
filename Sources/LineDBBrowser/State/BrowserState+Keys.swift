import LineDB

/// Key handling: the dispatcher by mode, the panes' keys, and moving around.
extension BrowserState {
    /// Applies one key. Reads tables through `context` when one is opened; returns what the app must do.
    public mutating func handle(_ key: Key, context: BrowserDataSource) -> [Effect] {
        if key == .resize { return [] }
        if editInPlace(key) { return [] }  // typing: the text is changed where it is, not copied
        switch mode {
        case .normal: return handleNormal(key, context: context)
        case .help, .preview:
            let closing: [Action] = [.cancel, .quit, .help, .preview]
            if [.escape, .character("q"), .character("?"), .character("p"), .enter].contains(key)
                || keyMap[key].map(closing.contains) == true {
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

    /// The action of a key in the panes: its binding in ``keyMap``; Ctrl-C always quits (it is also how SIGINT
    /// arrives).
    func action(of key: Key) -> Action? {
        key == .control("c") ? .quit : keyMap[key]
    }

    /// Whether `key` pressed several times in a row is handled as one move (see ``handle(_:repeat:context:)``):
    /// a vertical move in the grid.
    public func movesInOne(_ key: Key) -> Bool {
        guard mode == .normal, focus == .grid || focus == .schema, let action = action(of: key) else { return false }
        return [.up, .down, .pageUp, .pageDown].contains(action)
    }

    /// Applies a key pressed `count` times in a row (keys queued while a frame was drawn). A vertical move in the
    /// grid (``movesInOne(_:)``) is done once, by `count` rows or pages; anything else is handled `count` times.
    public mutating func handle(_ key: Key, repeat count: Int, context: BrowserDataSource) -> [Effect] {
        if count > 1 && movesInOne(key), let action = action(of: key) {
            message = ""
            messageIsError = false
            moveGridCursor(action, times: count)
            return []
        }
        var effects: [Effect] = []
        for _ in 0..<max(1, count) { effects += handle(key, context: context) }
        return effects
    }

    private mutating func handleNormal(_ key: Key, context: BrowserDataSource) -> [Effect] {
        let action = action(of: key)
        if (task != nil || runningQuery != nil) && !actionWhileBusy(action) { return [] }
        message = ""
        messageIsError = false
        guard let action else {
            if case .unknown(let code) = key {
                fail("unknown key (code \(code)); ? shows the keys")
            } else if key != .resize {
                // A key with no action: said, so a user who rebound keys sees why nothing happened.
                fail("\(KeyName.symbol(key)): no action (? shows the keys)")
            }
            return []
        }
        if !sheets.isEmpty, let refusal = sheetRefusal(action) {
            fail(refusal)
            return []
        }
        if let refusal = paneRefusal(action, key: key) ?? savingRefusal(action) {
            fail(refusal)
            return []
        }
        switch action {
        case .quit:
            if saving != nil && pending.isEmpty { quitWhenSaved(discarding: false); return [] }
            if pending.isEmpty { return [.quit] }
            mode = .confirm(.quit)
            return []
        case .help: mode = .help
        case .cancel:
            if !sheets.isEmpty {
                closeSheet(context: context)
                return []
            }
            search = nil  // and the message, cleared above
            counter = nil
        case .nextPane: cycleFocus(by: 1)
        case .previousPane: cycleFocus(by: -1)
        case .search: mode = .prompt(Prompt(purpose: .search, editor: LineEditor(search ?? "")))
        case .nextMatch: findNext(forward: true)
        case .previousMatch: findNext(forward: false)
        case .filter: beginFilter()
        case .clearFilter: clearFilter()
        case .removeLastFilter: removeLastFilter()
        case .sortAscending: sortBy(descending: false)
        case .sortDescending: sortBy(descending: true)
        case .edit: beginEdit()
        case .editRecord: return beginRecordEdit()
        case .add: beginAdd()
        case .delete: beginDelete()
        case .undo: undo()
        case .redo: redo()
        case .preview:
            if pending.isEmpty { say("no pending changes") } else { mode = .preview }
        case .discard:
            if pending.isEmpty { say("no pending changes") } else { mode = .confirm(.discard) }
        case .save: return save(thenQuit: false)
        case .checkpoint:
            if isReadOnly { fail("read-only: only the writer can checkpoint") } else { mode = .confirm(.checkpoint) }
        case .export:
            if table != nil { mode = .confirm(.exportFormat) }
        case .open:
            if focus == .tables {
                if tableCursor < tables.count {
                    closeAllSheets(context: context)
                    open(tables[tableCursor].name, context: context)
                    focus = .grid
                }
            } else if focus == .grid {
                if !sheets.isEmpty { return enterOnSheet(context: context) }
                beginEdit()
            }
        case .frequency: startFrequency()
        case .describe: startDescribe()
        case .query: beginQuery()
        case .toggleTables: toggle(.tables)
        case .toggleSchema: toggle(.schema)
        case .toggleWAL: toggle(.wal)
        case .up, .down, .left, .right, .pageUp, .pageDown, .firstRow, .lastRow, .firstColumn, .lastColumn:
            switch focus {
            case .tables: moveTableCursor(action)
            case .grid, .schema: moveGridCursor(action)
            case .wal: scrollWAL(action)
            }
        }
        return []
    }

    /// While a search, filter or sort runs: Esc (``Action/cancel``) cancels it (the view stays as it was), quit
    /// cancels it and goes on as usual, moves and the help work on the current view; other keys wait for the task
    /// (ignored). Returns whether the key is handled as usual.
    private mutating func actionWhileBusy(_ action: Action?) -> Bool {
        switch action {
        case .cancel?:
            cancelTask()
            return false
        case .quit?:
            task = nil
            return true
        case .help?: return true
        case let action?: return action.isMove || action == .nextPane || action == .previousPane
        case nil: return false
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

    private mutating func moveTableCursor(_ action: Action) {
        guard !tables.isEmpty else { return }
        switch action {
        case .up: tableCursor -= 1
        case .down: tableCursor += 1
        case .firstRow: tableCursor = 0
        case .lastRow: tableCursor = tables.count - 1
        case .pageUp: tableCursor -= pageSize
        case .pageDown: tableCursor += pageSize
        case .right: focus = .grid
        default: return
        }
        tableCursor = max(0, min(tableCursor, tables.count - 1))
    }

    /// Data rows visible in the grid.
    var pageSize: Int {
        max(1, layout.grid.height - 2)
    }

    mutating func moveGridCursor(_ action: Action, times: Int = 1) {
        guard let table else { return }
        let lastColumn = table.schema.columns.count - 1
        switch action {
        case .up: row -= times
        case .down: row += times
        case .left:
            if column == 0 && focus == .grid && visibleFocuses.contains(.tables) { focus = .tables }
            column -= 1
        case .right: column += 1
        case .pageUp:
            row -= pageSize * times
            top -= pageSize * times
        case .pageDown:
            row += pageSize * times
            top += pageSize * times
        case .firstRow: row = 0
        case .lastRow: row = view.count - 1
        case .firstColumn:
            column = 0
            left = 0
        case .lastColumn: column = lastColumn
        default: return
        }
        clampCursor()
        top = max(0, min(top, max(0, view.count - pageSize)))
    }

    private mutating func scrollWAL(_ action: Action) {
        let height = max(1, (layout.wal?.height ?? 2) - 1)
        switch action {
        case .up: walScroll += 1
        case .down: walScroll -= 1
        case .pageUp: walScroll += height
        case .pageDown: walScroll -= height
        case .firstRow: walScroll = wal.count
        case .lastRow: walScroll = 0
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

extension BrowserState {
    /// The actions that work on the grid's cell, record or column: they act only while the grid has the focus, so a
    /// key pressed in the tables or WAL pane never edits or deletes the record the grid happens to show.
    static let gridActions: Set<Action> = [
        .edit, .editRecord, .add, .delete, .filter, .sortAscending, .sortDescending, .frequency, .describe,
    ]

    /// Why `action` does nothing in the focused pane, or `nil` when it may run there.
    func paneRefusal(_ action: Action, key: Key) -> String? {
        guard Self.gridActions.contains(action), focus != .grid else { return nil }
        let pane: String
        switch focus {
        case .tables: pane = "the tables pane"
        case .schema: pane = "the schema pane"
        case .wal: pane = "the WAL pane"
        case .grid: return nil
        }
        let tab = keyMap.keys(for: .nextPane).first.map { KeyName.symbol($0) } ?? "Tab"
        return "\(KeyName.symbol(key)) acts on the records grid, not on \(pane); \(tab) moves the focus to it"
    }
}
