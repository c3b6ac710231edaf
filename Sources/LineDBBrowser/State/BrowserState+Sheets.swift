import LineDB

/// Sheets: opening them (in the background, as a ``ViewTask``), Enter on their rows, and Esc back to exactly
/// where the user was.
extension BrowserState {
    /// The sheet shown, if any (the top of ``sheets``).
    public var sheet: Sheet? { sheets.last }

    /// The name of the database table under the sheets (the open table when no sheet is shown).
    var baseTableName: String? { sheets.first.map { $0.under.table?.name } ?? table?.name }

    /// `F`: the frequency sheet of the current column, over the rows shown (the filter applies).
    mutating func startFrequency() {
        guard let table, column < table.schema.columns.count else { return }
        sheetOpensBelow = false
        start(.frequency(column: column))
    }

    /// `I`: the describe sheet of every column, over the rows shown (the filter applies).
    mutating func startDescribe() {
        guard let table else { return }
        sheetOpensBelow = false
        start(.describe(names: table.schema.columns.map(\.name)))
    }

    /// Shows a sheet of `rows` built by a finished task over ``table`` and ``view``.
    mutating func openSheet(for goal: ViewTask.Goal, rows: [[JSONValue]]) {
        // The rows counted are those of the grid shown, or for Enter on a describe sheet, of the grid below it.
        let base = sheetOpensBelow ? (sheet?.under ?? self) : self
        guard let table = base.table else { return }
        let below = base.sheet?.title ?? table.name
        let scope = !base.filters.isEmpty ? " (\(base.view.count) of \(table.rows.count) rows)" : ""
        switch goal {
        case .frequency(let c):
            let column = table.schema.columns[c]
            let schema = Sheet.schema(
                name: "\(table.name)-\(column.name)-frequency",
                columns: [(column.name, column.type), ("count", .int), ("percent", .float), ("bar", .str)])
            let closes = sheetOpensBelow ? 2 : 1
            let sheet = Sheet(kind: .frequency(column: c, name: column.name, closes: closes),
                              title: "Frequency of \(column.name) in \(below)\(scope)", under: self)
            push(sheet, schema: schema, rows: rows)
            say("\(rows.count) distinct value\(rows.count == 1 ? "" : "s"); Enter filters \(table.name) to one, "
                + "Esc goes back")
        case .describe:
            let schema = Sheet.schema(
                name: "\(table.name)-describe",
                columns: [("column", .str), ("type", .str), ("count", .int), ("nulls", .int), ("distinct", .int),
                          ("min", .json), ("max", .json), ("mean", .float), ("median", .float), ("stdev", .float)])
            push(Sheet(kind: .describe, title: "Describe \(below)\(scope)", under: self), schema: schema, rows: rows)
            say("Enter on a column shows its frequency sheet; Esc goes back")
        default:
            return
        }
    }

    /// Puts `sheet` on top, showing `rows` under `schema`, cursor on the first cell.
    mutating func push(_ sheet: Sheet, schema: TableSchema, rows: [[JSONValue]]) {
        var sheet = sheet
        // What Esc puts back: as it was, with nothing running and no prompt.
        sheet.under.mode = .normal
        sheet.under.task = nil
        sheet.under.counter = nil
        sheet.under.message = ""
        sheet.under.messageIsError = false
        sheets.append(sheet)
        sheetOpensBelow = false
        table = TableData(schema: schema, rows: rows, nextAutoKey: nil)
        view = Array(rows.indices)
        search = nil
        searchMatches = 0
        counter = nil
        selection = RowSelection()
        filters = []
        sorting = []
        row = 0
        column = 0
        top = 0
        left = 0
        focus = .grid
    }

    /// Esc on a sheet: closes it and puts back what was under it (table, view, cursor, scroll, filter, sort,
    /// search and focus as they were). What belongs to the whole browser (pending changes, the WAL pane, hidden
    /// panes, the message) stays as it is now. A table that changed meanwhile (a writer followed, a save) is read
    /// again once no sheet is left.
    mutating func closeSheet(context: BrowserDataSource) {
        guard let top = sheets.last else { return }
        var back = top.under
        back.tables = tables
        back.tableCursor = min(back.tableCursor, max(0, tables.count - 1))
        back.pending = pending
        back.redoStack = redoStack
        back.saving = saving
        back.lastChangeGroup = lastChangeGroup
        carryBrowserWide(into: &back)
        back.baseIsStale = baseIsStale
        back.message = ""
        back.messageIsError = false
        if !back.visibleFocuses.contains(back.focus) { back.focus = .grid }
        self = back
        if sheets.isEmpty && baseIsStale {
            baseIsStale = false
            reload(context: context)
        }
    }

    /// Closes every sheet: back to the table.
    mutating func closeAllSheets(context: BrowserDataSource) {
        while !sheets.isEmpty { closeSheet(context: context) }
    }

    /// Enter on a sheet's row: a frequency row filters the grid below to its value; a describe row opens its
    /// column's frequency sheet.
    mutating func enterOnSheet(context: BrowserDataSource) -> [Effect] {
        guard let sheet, let table, row < view.count else { return [] }
        let values = table.rows[view[row]]
        switch sheet.kind {
        case .frequency(let c, let name, let closes):
            let value = values[0]
            for _ in 0..<closes { closeSheet(context: context) }
            filter(column: c, named: name, to: value)
        case .describe:
            guard case .string(let name) = values[0], let below = sheet.under.table,
                  let c = below.schema.index(of: name) else { return [] }
            // Counted over the grid below (its rows and filter), shown over this sheet.
            task = ViewTask(.frequency(column: c), rows: below.rows, types: below.schema.columns.map(\.type),
                            keyColumn: below.keyColumn, input: sheet.under.view, cursor: (0, 0))
            sheetOpensBelow = true
        case .query(_, let links):
            openRecord(from: links, context: context)
        case .asOfDiff:
            enterOnAsOfDiff(values, context: context)
        }
        return []
    }

    /// Filters the grid to the rows whose column `c` (named `name`) holds exactly `value`, through the filter
    /// prompt's own parser: the value is written as the text that reads back as it.
    mutating func filter(column c: Int, named name: String, to value: JSONValue) {
        guard let table, c < table.schema.columns.count else { return }
        let type = table.schema.columns[c].type
        guard let text = BrowserState.equalityFilterText(value, type: type) else {
            return fail("cannot filter \(name) to \(ValueText.display(value, width: 30)): the filter cannot "
                        + "express that value")
        }
        column = c
        applyFilter(text, column: c)
    }

    /// The filter text (`= …`) that selects exactly `value` in a column of `type`, or nil if none does: the value
    /// as ``ColumnType/text(for:)`` writes it, or, for a string the filter would read otherwise (surrounding
    /// spaces, say), as a JSON string literal.
    static func equalityFilterText(_ value: JSONValue, type: ColumnType) -> String? {
        func selects(_ text: String) -> Bool {
            let wanted = RowFilter(column: 0, text: text).compiled(type: type).wanted
            return wanted.isNull == value.isNull && JSONValue.compare(wanted, value) == 0
        }
        let plain = "= " + type.text(for: value)
        if selects(plain) { return plain }
        if case .string = value {
            let literal = "= " + JSONWriter.encode(value)
            if selects(literal) { return literal }
        }
        return nil
    }

    /// Why `action` is refused on a sheet (nil when it works there): sheets are read-only.
    func sheetRefusal(_ action: Action) -> String? {
        switch action {
        case .edit, .editRecord, .add, .delete, .undo, .redo, .discard, .save, .checkpoint, .setNull, .duplicate,
             .paste, .setSelected:
            let back = keyMap.names(for: .cancel, limit: 1)
            return "a sheet is read-only: \(back) goes back to \(baseTableName ?? "the table")"
        default:
            return nil
        }
    }
}

/// Export and the query prompt on sheets.
extension BrowserState {
    /// The effect of exporting to `path`: the sheet shown (its rows as shown), or the open table (as saved).
    func exportEffect(path: String, format: ExportFormat, overwrite: Bool = false) -> Effect {
        if let view = viewExportEffect(path: path, format: format, overwrite: overwrite) { return view }
        if sheet != nil, let table {
            return .exportSheet(SheetExport(schema: table.schema, rows: view.map { table.rows[$0] }, path: path,
                                            format: format, overwrite: overwrite))
        }
        return .export(table: table?.name ?? "", path: path, format: format, overwrite: overwrite)
    }

    /// `:`: the SQL prompt, empty, with the queries typed before on ↑.
    mutating func beginQuery() {
        mode = .prompt(Prompt(purpose: .query(history: queryHistory.count), editor: LineEditor()))
    }

    /// ↑ or ↓ in the SQL prompt: the previous or next query of the session (below the last: an empty prompt).
    func queryHistoryStep(from shown: Int, up: Bool, prompt: Prompt) -> Prompt {
        let next = max(0, min(queryHistory.count, shown + (up ? -1 : 1)))
        guard next != shown else { return prompt }
        let text = next < queryHistory.count ? queryHistory[next] : ""
        return Prompt(purpose: .query(history: next), editor: LineEditor(text))
    }

    /// Enter in the SQL prompt: the query goes into the history (once, as the latest) and is run.
    mutating func acceptQuery(_ text: String) -> [Effect] {
        let sql = text.trimmingCharacters(in: " ")
        guard !sql.isEmpty else { return [] }
        queryHistory.removeAll { $0 == sql }
        queryHistory.append(sql)
        say("running the query…")
        return [.query(sql: sql)]
    }
}

/// The query sheet: a query running in the background, its result as a sheet, Enter on a row with a table's key.
extension BrowserState {
    /// A query typed at the `:` prompt now runs (``BrowserApp`` started it): its progress is in the status line.
    public mutating func startQuery(_ run: RunningQuery) {
        runningQuery = run
        say("running the query…")
    }

    /// Looks at the running query, waiting for it until `deadline` at most when nothing else is to be done; opens
    /// its sheet once it is over. Called by ``work(until:chunk:)``.
    mutating func checkQuery(until deadline: ContinuousClock.Instant) {
        guard let run = runningQuery else { return }
        if run.result == nil && task == nil && counter == nil { run.wait(until: deadline) }
        guard let result = run.result else { return }
        runningQuery = nil
        switch result {
        case .failure(let failure):
            fail("query failed: \(failure.message)")
            reopenQueryPrompt(run.sql)
        case .success(let result):
            openQuerySheet(sql: run.sql, result: result)
        }
    }

    /// Back in the SQL prompt with `sql`, to mend it (after a refusal or an error).
    mutating func reopenQueryPrompt(_ sql: String) {
        mode = .prompt(Prompt(purpose: .query(history: queryHistory.count), editor: LineEditor(sql)))
    }

    /// Esc while a query runs: interrupts it; nothing else changes.
    mutating func cancelQuery() {
        guard let run = runningQuery else { return }
        run.cancel()
        runningQuery = nil
        say("query cancelled")
    }

    /// Shows a query's result as a sheet over what is shown.
    mutating func openQuerySheet(sql: String, result: QueryResult) {
        let columns = result.columns.enumerated().map { (i, name) in
            (name: name, type: i < result.types.count ? result.types[i] : ColumnType.json)
        }
        let schema = Sheet.schema(name: "query", columns: columns.isEmpty ? [("result", .json)] : columns)
        // Result columns that are a table's primary key as it is: Enter opens that record.
        var keys: [Sheet.RecordLink] = []
        for (i, origin) in result.origins.enumerated() {
            guard let origin, let summary = tables.first(where: { String.exactlyEqual($0.name, origin.table) }),
                  let key = summary.keyColumn, String.exactlyEqual(key, origin.column) else { continue }
            keys.append(Sheet.RecordLink(column: i, table: summary.name))
        }
        let oneLine = sql.split(whereSeparator: \.isNewline).joined(separator: " ")
        push(Sheet(kind: .query(sql: sql, links: keys), title: "Query: \(oneLine)", under: self), schema: schema,
             rows: result.columns.isEmpty ? [] : result.rows)
        var text = "\(result.rows.count) row\(result.rows.count == 1 ? "" : "s")"
        if let first = keys.first { text += "; Enter opens the \(first.table) record" }
        if !pending.isEmpty { text += "; the query reads the saved data (\(pending.count) unsaved changes not in it)" }
        say(text)
    }

    /// Enter on a query sheet's row: opens the record whose key the row holds (in the cursor's column when it is a
    /// key, else in the first key column), in its table.
    mutating func openRecord(from links: [Sheet.RecordLink], context: BrowserDataSource) {
        guard let table, row < view.count else { return }
        guard let link = links.first(where: { $0.column == column }) ?? links.first else {
            let name = keyMap.names(for: .query, limit: 1)
            return fail("no table's primary key in this result to open a record by (select it, e.g. \(name) "
                        + "SELECT id, … FROM …)")
        }
        let key = table.rows[view[row]][link.column]
        guard !key.isNull else { return fail("the \(link.table) key in this row is null: no record to open") }
        closeAllSheets(context: context)
        open(link.table, context: context)
        focus = .grid
        guard let opened = self.table, String.exactlyEqual(opened.name, link.table) else { return }
        guard let position = opened.rowIndex(forKey: key), let i = view.firstIndex(of: position) else {
            return fail("\(link.table) has no record with key \(ValueText.display(key, width: 40))")
        }
        row = i
        say("\(link.table) record \(ValueText.display(key, width: 40)); \(keyMap.names(for: .query, limit: 1)) "
            + "then ↑ runs the query again")
    }
}
