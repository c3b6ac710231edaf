import LineDB

/// Search, filter and sort. Each starts a ``ViewTask`` that runs in slices between key reads (see
/// ``BrowserState/work(until:chunk:)``), with its progress in the status line; Esc cancels it and leaves the view
/// as it was. On a small table the first slice finishes it.
extension BrowserState {
    /// Starts a search for `text` (case-insensitive substring of any cell): looks for the first match at or after
    /// the cursor and moves there as soon as it is found; the matching rows are then counted in the background.
    mutating func startSearch(_ text: String) {
        guard !text.isEmpty else {
            search = nil
            counter = nil
            return
        }
        start(.seek(search: text, forward: true, inclusive: true, isNew: true))
    }

    /// Moves to the next (or previous) matching cell, row by row, wrapping around.
    mutating func findNext(forward: Bool) {
        guard let search else {
            say("no search: press / first")
            return
        }
        start(.seek(search: search, forward: forward, inclusive: false, isNew: false))
    }

    /// Applies a filter typed for the current column.
    mutating func applyFilter(_ text: String, column c: Int) {
        guard let table else { return }
        guard !text.isEmpty else {
            clearFilter()
            return
        }
        let f = RowFilter(column: c, text: text)
        let column = table.schema.columns[c]
        if let problem = f.problem(column: column.name, type: column.type) {
            return fail(problem + (filter == nil ? "; nothing filtered" : "; the filter is unchanged"))
        }
        if filter == nil {
            // The view is every row (in the sort's order, if any): filtering it keeps that order.
            start(.filter(f, sort: nil))
        } else {
            // A new filter replaces the old one: start from every row, then sort again.
            let order = sort.map { ViewTask.SortOrder(column: $0.column, descending: $0.descending) }
            start(.filter(f, sort: order), input: Array(table.rows.indices))
        }
    }

    /// Shows every row again (sorted again, in slices, when a sort is set; Esc keeps the filter).
    mutating func clearFilter() {
        guard filter != nil, let table else { return }
        if let sort {
            let order = ViewTask.SortOrder(column: sort.column, descending: sort.descending)
            start(.sort(order, clearsFilter: true), input: Array(table.rows.indices))
            return
        }
        let key = currentKey
        filter = nil
        recomputeView(keeping: key)
        say("filter cleared: \(view.count) rows")
    }

    /// Sorts the rows by the current column; the cursor goes to the first row.
    mutating func sortBy(descending: Bool) {
        guard table != nil else { return }
        start(.sort(ViewTask.SortOrder(column: column, descending: descending)))
    }

    /// Starts a task over `input` (by default the current view); it replaces a task already running.
    mutating func start(_ goal: ViewTask.Goal, input: [Int]? = nil) {
        guard let table else { return }
        let types = table.schema.columns.map(\.type)
        task = ViewTask(goal, rows: table.rows, types: types, keyColumn: table.keyColumn, input: input ?? view,
                        cursor: (row, column))
    }

    /// Whether a search, filter, sort or count is running.
    public var isWorking: Bool { task != nil || counter != nil || runningQuery != nil }

    /// Runs the task, then the count of search matches, in chunks of `chunk` units of work, until both are done
    /// or `deadline` has passed (at least one chunk). The event loop calls it between key reads.
    public mutating func work(until deadline: ContinuousClock.Instant, chunk: Int = 20_000) {
        checkQuery(until: deadline)
        repeat {
            if task != nil {
                if task!.step(budget: chunk) { finishTask() }
            } else if counter != nil {
                if counter!.generation != viewGeneration, let table, let search {
                    counter = MatchCounter(search: search, rows: table.rows, input: view, generation: viewGeneration)
                }
                if counter!.step(budget: chunk) { finishCount() }
            } else {
                return
            }
        } while ContinuousClock.now < deadline
    }

    /// Runs everything that is running to its end (tests; small tables).
    public mutating func finishWork() {
        // (A query is waited for, not polled.)
        while isWorking { work(until: .now + .seconds(3600), chunk: 1 << 30) }
    }

    /// Esc while a task runs: drops it; the view, cursor and search stay as they were.
    mutating func cancelTask() {
        cancelQuery()
        guard let task else { return }
        self.task = nil
        say("\(task.label) cancelled")
    }

    /// Applies what a finished task found.
    private mutating func finishTask() {
        guard let done = task, let outcome = done.outcome, let table else {
            task = nil
            return
        }
        task = nil
        let names = table.schema.columns.map(\.name)
        switch (done.goal, outcome) {
        case (.filter(let f, _), .view(let v)):
            filter = f
            view = v
            row = 0
            top = 0
            say("filter \(f.describe(names[f.column])): \(view.count) of \(table.rows.count) rows")
        case (.sort(_, clearsFilter: true), .view(let v)):
            let key = currentKey
            filter = nil
            view = v
            if let key, let pk = table.keyColumn, let i = view.firstIndex(where: { table.rows[$0][pk] == key }) {
                row = i
            }
            clampCursor()
            say("filter cleared: \(view.count) rows")
        case (.sort(let order, _), .view(let v)):
            sort = (order.column, order.descending)
            view = v
            row = 0
            top = 0
            say("sorted by \(names[order.column]) \(order.descending ? "descending" : "ascending")")
        case (.seek(let text, _, _, let isNew), .found(let r, let c)):
            row = r
            column = c
            if isNew || counter == nil && search != text {
                search = text
                searchMatches = 0
                counter = MatchCounter(search: text, rows: table.rows, input: view, generation: viewGeneration)
            }
            sayMatches()
        case (.seek(let text, _, _, let isNew), .notFound):
            if isNew {
                search = text
                searchMatches = 0
                counter = nil
            }
            fail("no match for \"\(text)\"")
        case (_, .sheet(let rows)):
            openSheet(for: done.goal, rows: rows)
        default:
            break
        }
    }

    private mutating func finishCount() {
        guard let done = counter else { return }
        counter = nil
        searchMatches = done.matches
        if message.hasPrefix("\"\(done.search)\": ") && !messageIsError { sayMatches() }
    }

    /// "\"text\": 12 matching rows" (or "counting…" while the count runs).
    private mutating func sayMatches() {
        guard let search else { return }
        if counter != nil {
            say("\"\(search)\": counting matching rows…")
        } else {
            say("\"\(search)\": \(searchMatches) matching row\(searchMatches == 1 ? "" : "s")")
        }
    }
}
