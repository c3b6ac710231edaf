import LineDB

/// The filter stack: `f` adds a filter that narrows the rows shown (a short form on the current column, or a SQL
/// expression over every column: see ``ViewFilter/read(_:column:names:)``), `Backspace` removes the last one, `F`
/// removes them all. Each runs as a ``ViewTask`` in slices, with progress; Esc cancels it and changes nothing.
extension BrowserState {
    /// The filter prompt for the current column.
    mutating func beginFilter() {
        guard table != nil else { return }
        mode = .prompt(Prompt(purpose: .filter(column: column), editor: LineEditor()))
        say("> 3, = x, text; or SQL: a > 1 AND b = 'x'")
    }

    /// Applies a filter typed in the prompt opened on column `c`: it narrows the rows shown (the view's order is
    /// kept). A short form that cannot apply is refused with a message; a SQL expression SQLite refuses reopens
    /// the prompt with the text, the cursor where SQLite points, and SQLite's message. Nothing changes either way.
    mutating func applyFilter(_ text: String, column c: Int) {
        guard let table else { return }
        guard !text.allSatisfy({ $0 == " " }) else {
            return say(filters.isEmpty ? "no filter typed" : "no filter typed: the filters are unchanged")
        }
        let names = table.schema.columns.map(\.name)
        let filter = ViewFilter.read(text, column: c, names: names)
        if let error = addFilter(filter), case .expression = filter {
            var editor = LineEditor(text)
            if let offset = error.offset { editor.cursor = min(text.count, ViewFilter.expressionStart(in: text) + offset) }
            mode = .prompt(Prompt(purpose: .filter(column: c), editor: editor))
            fail(error.shown + " (Esc cancels; ~ first finds text)")
        }
    }

    /// Adds `filter` to the stack: it narrows the rows shown, in a ``ViewTask`` (the view's order is kept). A short
    /// form that cannot apply is refused with a message; a SQL expression SQLite does not compile is returned
    /// (nothing starts). (A frequency sheet's Enter can add `.expression("\"origin\" = 'JFK'")` this way.)
    @discardableResult
    public mutating func addFilter(_ filter: ViewFilter) -> FilterExpressionError? {
        guard let table else { return nil }
        switch filter {
        case .column(let f):
            guard table.schema.columns.indices.contains(f.column) else { return nil }
            let column = table.schema.columns[f.column]
            if let problem = f.problem(column: column.name, type: column.type) {
                fail(problem + (filters.isEmpty ? "; nothing filtered" : "; the filters are unchanged"))
                return nil
            }
        case .expression(let sql):
            do {
                guard let evaluator else {
                    throw FilterExpressionError(message: "SQL expressions cannot be evaluated here (no SQL engine)")
                }
                _ = try evaluator.scanner(for: sql, schema: table.schema, rows: table.rows, input: [])
            } catch {
                let error = error as? FilterExpressionError ?? FilterExpressionError(message: "\(error)")
                fail(error.shown)
                return error
            }
        }
        // The view (sorted, or already filtered) is narrowed: its order stays.
        start(.filter([filter], sort: [], stack: filters + [filter]))
        return nil
    }

    /// Removes the last filter: the rows the others keep show again (sorted again when a sort is set).
    mutating func removeLastFilter() {
        guard let table else { return }
        guard !filters.isEmpty else { return say("no filter to remove") }
        let rest = Array(filters.dropLast())
        if rest.isEmpty { return clearFilter() }
        start(.filter(rest, sort: sorting, stack: rest), input: Array(table.rows.indices))
    }

    /// Shows every row again (sorted again, in slices, when a sort is set; Esc keeps the filters).
    mutating func clearFilter() {
        guard !filters.isEmpty, let table else { return say("no filter to clear") }
        if !sorting.isEmpty {
            start(.sort(sorting, clearsFilter: true), input: Array(table.rows.indices))
            return
        }
        let kept = tableRowUnderCursor
        filters = []
        recomputeView()
        placeCursor(onTableRow: kept)
        say("filter cleared: \(view.count) rows")
    }

    /// A filter task finished: its view shows and the stack is `stack`. A filter added goes to the first row (or
    /// stays where the user moved in its first matches, `shownEarly`); when one was removed, the cursor stays on its
    /// record.
    mutating func finishFilter(stack: [ViewFilter], view v: [Int], shownEarly: Bool = false) {
        guard let table else { return }
        let added = stack.count > filters.count
        let kept = tableRowUnderCursor
        let names = table.schema.columns.map(\.name)
        filters = stack
        view = v
        if !shownEarly {
            row = 0
            top = 0
        }
        let count = "\(Self.grouped(view.count)) of \(Self.grouped(table.rows.count)) rows"
        if added, let last = stack.last {
            say("filter \(last.describe(names: names)): \(count)")
        } else {
            placeCursor(onTableRow: kept)
            say("last filter removed: \(count)")
        }
    }

    /// A filter expression failed while it ran (SQLite's message): nothing changes; the prompt opens again with
    /// the expression to fix.
    mutating func filterFailed(_ filter: ViewFilter?, error: FilterExpressionError) {
        if mode == .normal, case .expression(let sql)? = filter {
            var editor = LineEditor(sql)
            if let offset = error.offset { editor.cursor = min(sql.count, offset) }
            mode = .prompt(Prompt(purpose: .filter(column: column), editor: editor))
        }
        fail(error.shown + "; nothing filtered")
    }

    /// While a filter that narrows the view runs on a big table: once it has found a screenful of matches, they
    /// show (the start of its result, in order) and the cursor can move in them; the rest comes when it ends. Esc
    /// puts the view back as it was.
    mutating func showEarlyMatches() {
        // (Only for a filter added: when one is removed, the cursor stays on its record, which the early rows may
        // not hold.)
        guard let running = task, running.shownEarly == nil, let matches = running.matchesSoFar,
              matches.count >= pageSize, case .filter(_, _, let stack) = running.goal, stack.count > filters.count
        else { return }
        task!.shownEarly = (view, row, top)
        view = matches
        row = 0
        top = 0
    }

    /// Puts back the view, cursor row and scroll saved when a filter's first matches were shown.
    mutating func restore(_ early: (view: [Int], row: Int, top: Int)) {
        view = early.view
        row = early.row
        top = early.top
        clampCursor()
    }

    /// The filters the screen shows: the running filter's stack while its first matches are shown early.
    var filtersShown: [ViewFilter] {
        if let running = task, running.shownEarly != nil, case .filter(_, _, let stack) = running.goal { return stack }
        return filters
    }

    /// The evaluator of SQL expressions and the open table's schema, for a ``ViewTask``.
    var expressionContext: (FilterEvaluator, TableSchema)? {
        guard let evaluator, let table else { return nil }
        return (evaluator, table.schema)
    }

    /// The prompt's label: for the filter prompt, the column when the text is a short form ("Filter gpa: ") and
    /// "Filter WHERE " when it is read as SQL.
    func label(of prompt: Prompt) -> String {
        if case .search = prompt.purpose { return searchPromptLabel }
        if case .setSelected(let c) = prompt.purpose { return setSelectedLabel(column: c) }
        guard case .filter(let c) = prompt.purpose, let table, table.schema.columns.indices.contains(c) else {
            return prompt.label
        }
        let names = table.schema.columns.map(\.name)
        if ViewFilter.isExpression(String(prompt.editor.text.prefix(512)), names: names) { return "Filter WHERE " }
        return "Filter \(DisplayWidth.clip(names[c], to: 24)): "
    }

    /// `1234567` as `1,234,567`.
    static func grouped(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (i, d) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(d)
        }
        return (n < 0 ? "-" : "") + out
    }
}
