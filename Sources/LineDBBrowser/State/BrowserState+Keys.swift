import LineDB

/// Key handling: the dispatcher by mode, the panes' keys, and moving around.
extension BrowserState {
    /// Applies one key. Reads tables through `context` when one is opened; returns what the app must do.
    public mutating func handle(_ key: Key, context: BrowserDataSource) -> [Effect] {
        if key == .resize { return [] }
        return takeTyped(key, context: context)  // at once, or once the work it waits for is done
    }

    /// Applies one key now (``handle(_:context:)`` through the type-ahead).
    mutating func applyKey(_ key: Key, context: BrowserDataSource) -> [Effect] {
        if case .mouse(let event) = key { return handleMouse(event, context: context) }
        if editInPlace(key) { return [] }  // typing: the text is changed where it is, not copied
        if case .prompt(let prompt) = mode, case .palette = prompt.purpose {
            return handlePalette(prompt, key: key, context: context)
        }
        switch mode {
        case .normal: return handleNormal(key, context: context)
        case .help, .preview, .messages:
            handleOverlay(key)
            return []
        case .prompt(let prompt): return handlePrompt(prompt, key: key)
        case .edit(let edit):
            handleEdit(edit, key: key)
            return []
        case .form(let form):
            handleForm(form, key: key)
            return []
        case .confirm(let question): return answer(question, key: key)
        case .walEntry(let view): return handleWALEntry(view, key: key, context: context)
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
        guard typeAhead.isEmpty, mode == .normal, recordView == nil, recordHistory == nil,
              focus == .grid || focus == .schema,
              let action = action(of: key)
        else { return false }
        return [.up, .down, .pageUp, .pageDown, .halfPageDown, .halfPageUp].contains(action)
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

    /// A key in the panes; `chosen`: the action to run in place of the key's own (the command palette's).
    mutating func handleNormal(_ key: Key, context: BrowserDataSource, as chosen: Action? = nil) -> [Effect] {
        let action = chosen ?? action(of: key)
        if keysMustWait && !actionWhileBusy(action) { return [] }
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
        if let effects = asOfKey(action, context: context) { return effects }  // the past view (BrowserState+AsOf)
        if !sheets.isEmpty, let refusal = sheetRefusal(action) {
            fail(refusal)
            return []
        }
        if let refusal = paneRefusal(action, key: key) ?? savingRefusal(action) {
            fail(refusal)
            return []
        }
        if recordHistory != nil, let effects = handleRecordHistory(action, key: key) { return effects }
        if recordView != nil, let effects = handleRecordView(action, key: key) { return effects }
        switch action {
        case .quit:
            if saving != nil && pending.isEmpty { quitWhenSaved(discarding: false); return [] }
            if pending.isEmpty { return [.quit] }
            mode = .confirm(.quit)
            return []
        case .help:
            mode = .help
            overlayTop = 0
        case .messages: showMessages()
        case .cancel:
            if !sheets.isEmpty {
                closeSheet(context: context)
                return []
            }
            search = nil  // and the message, cleared above
            counter = nil
        case .nextPane: cycleFocus(by: 1)
        case .previousPane: cycleFocus(by: -1)
        case .search: beginSearch()
        case .nextMatch: findNext(forward: true)
        case .previousMatch: findNext(forward: false)
        case .filter: if focus == .wal { beginWALFilter() } else { beginFilter() }
        case .clearFilter: clearFilter()
        case .removeLastFilter: removeLastFilter()
        case .sortAscending: sortBy(descending: false)
        case .sortDescending: sortBy(descending: true)
        case .edit: beginEdit()
        case .editRecord: return beginRecordEdit()
        case .add: beginAdd()
        case .delete: if selection.isEmpty { beginDelete() } else { beginDeleteSelected() }
        case .toggleSelect: toggleSelect()
        case .selectMatching: selectMatching()
        case .invertSelection: invertSelection()
        case .clearSelection: clearSelection()
        case .setSelected: beginSetSelected()
        case .undo: undo()
        case .redo: redo()
        case .preview:
            if pending.isEmpty { say("no pending changes") } else { mode = .preview }
        case .discard:
            if pending.isEmpty { say("no pending changes") } else { mode = .confirm(.discard) }
        case .save: return save(thenQuit: false)
        case .checkpoint:
            if isReadOnly { fail("read-only: only the writer can checkpoint") } else { mode = .confirm(.checkpoint) }
        case .export: beginExport()
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
            } else if focus == .wal {
                openWALEntry()
            }
        case .setNull, .takeOver, .duplicate, .copyCell, .copyRecord, .paste: return editingAction(action)
        case .frequency: startFrequency()
        case .describe: startDescribe()
        case .query: beginQuery()
        case .palette: openPalette()
        case .asOf: beginAsOfPrompt()
        case .asOfPrevious: return stepAsOf(forward: false, context: context)
        case .asOfNext: return stepAsOf(forward: true, context: context)
        case .asOfDiff: openAsOfDiff(context: context)
        case .toggleTables: toggle(.tables)
        case .toggleSchema: toggle(.schema)
        case .toggleWAL: toggle(.wal)
        case .recordView: openRecordView()
        case .recordHistory: return openRecordHistory()
        case .hideColumn: hideColumn()
        case .showColumns: showColumns()
        case .fitColumn: fitColumn()
        case .narrowColumn: resizeColumn(by: -BrowserState.columnWidthStep)
        case .widenColumn: resizeColumn(by: BrowserState.columnWidthStep)
        case .moveColumnLeft: moveColumn(by: -1)
        case .moveColumnRight: moveColumn(by: 1)
        case .sortAddAscending: addToSort(descending: false)
        case .sortAddDescending: addToSort(descending: true)
        case .naturalOrder: naturalOrder()
        case .goToRow: beginGoToRow()
        case .goToKey: beginGoToKey()
        case .up, .down, .left, .right, .pageUp, .pageDown, .firstRow, .lastRow, .firstColumn, .lastColumn,
             .halfPageDown, .halfPageUp, .nextRecord, .previousRecord:
            switch focus {
            case .tables: moveTableCursor(action)
            case .grid, .schema: moveGridCursor(action)
            case .wal: moveWALCursor(action)
            }
        }
        return []
    }

    /// While a search, filter or sort runs: Esc (``Action/cancel``) cancels it (the view stays as it was), quit
    /// cancels it and goes on as usual; the other keys that get here were let through by the type-ahead
    /// (``admit(_:)``: the others wait for the work). Returns whether the key is handled as usual.
    private mutating func actionWhileBusy(_ action: Action?) -> Bool {
        switch action {
        case .cancel?:
            cancelTask()
            return false
        case .quit?:
            task = nil
            return true
        default: return true
        }
    }

    /// The panes that are on screen at the current size, in Tab order (left to right, then the WAL).
    var visibleFocuses: [Focus] {
        let layout = layout
        var out: [Focus] = []
        if layout.tables != nil { out.append(.tables) }
        if let schema = layout.schema, schema.column == 0 { out.append(.schema) }  // in the tables' place
        out.append(.grid)
        if let schema = layout.schema, schema.column > 0 { out.append(.schema) }
        if layout.wal != nil { out.append(.wal) }
        return out
    }

    /// The panes' places for the current size and the panes the user hid.
    public var layout: Layout {
        Layout(rows: viewport.rows, columns: viewport.columns, hiding: hiddenPanes, showing: shownPanes,
               statusLines: statusLines)
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
            if column == displayColumns.first && focus == .grid && visibleFocuses.contains(.tables) { focus = .tables }
            column = neighbourColumn(-1)
        case .right: column = neighbourColumn(1)
        case .pageUp:
            row -= pageSize * times
            top -= pageSize * times
        case .pageDown:
            row += pageSize * times
            top += pageSize * times
        case .halfPageDown, .halfPageUp:
            let half = max(1, pageSize / 2) * times * (action == .halfPageUp ? -1 : 1)
            row += half
            top += half
        case .nextRecord: row += times
        case .previousRecord: row -= times
        case .firstRow: row = 0
        case .lastRow: row = view.count - 1
        case .firstColumn:
            column = displayColumns.first ?? 0
            left = 0
        case .lastColumn: column = displayColumns.last ?? lastColumn
        default: return
        }
        clampCursor()
        top = max(0, min(top, max(0, view.count - pageSize)))
    }

    /// Makes the cursor visible: vertical scroll by rows, horizontal by the column widths on screen.
    public mutating func scrollToCursor() {
        let layout = layout
        let height = max(1, layout.grid.height - 2)
        if row < top { top = row }
        if row >= top + height { top = row - height + 1 }
        top = max(0, min(top, max(0, view.count - height)))
        guard table != nil else { return }
        // `left` is a place among the shown columns that scroll (all but the pinned key column).
        let scrolling = scrollingColumns
        left = max(0, min(left, scrolling.count - 1))
        guard let p = scrolling.firstIndex(of: column) else { return }
        if p < left { left = p }
        while left < p {
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
        .setNull, .duplicate, .copyCell, .copyRecord, .paste,
        .recordView, .hideColumn, .showColumns, .fitColumn, .narrowColumn, .widenColumn, .moveColumnLeft,
        .moveColumnRight, .sortAddAscending, .sortAddDescending, .naturalOrder, .goToRow, .goToKey,
        .toggleSelect, .selectMatching, .invertSelection, .setSelected, .recordHistory,
    ]

    /// Why `action` does nothing in the focused pane, or `nil` when it may run there.
    func paneRefusal(_ action: Action, key: Key) -> String? {
        guard Self.gridActions.contains(action), focus != .grid else { return nil }
        if action == .filter && focus == .wal { return nil }  // `f` filters the WAL pane there
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
