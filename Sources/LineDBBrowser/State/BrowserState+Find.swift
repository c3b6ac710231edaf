import LineDB

/// Search, filter and sort. Each starts a ``ViewTask`` that runs in slices between key reads (see
/// ``BrowserState/work(until:chunk:)``), with its progress in the status line; Esc cancels it and leaves the view
/// as it was. On a small table the first slice finishes it.
extension BrowserState {
    /// Starts a search for `text` with the prompt's options (plain text or a regular expression, ignoring case, in
    /// every column or one): looks for the first match at or after the cursor and moves there as soon as it is
    /// found; the matches are then counted in the background. A bad regular expression is refused with its
    /// position, and nothing changes.
    mutating func startSearch(_ text: String) {
        guard !text.isEmpty else {
            search = nil
            counter = nil
            return
        }
        let pattern = SearchPattern(text, isRegex: searchInfo.draftRegex, column: searchInfo.draftColumn)
        if case .failure(let error) = SearchMatcher.make(pattern) {
            // The prompt stays open with the text to fix (and its toggles).
            mode = .prompt(Prompt(purpose: .search, editor: LineEditor(text)))
            return fail(error.description)
        }
        start(.seek(search: pattern, forward: true, inclusive: true, isNew: true))
    }

    /// Moves to the next (or previous) matching cell, row by row, wrapping around (and saying so).
    mutating func findNext(forward: Bool) {
        guard let pattern = searchPattern else {
            say("no search: press / first")
            return
        }
        start(.seek(search: pattern, forward: forward, inclusive: false, isNew: false))
    }

    /// Sorts the rows by the current column; the cursor goes to the first row.
    mutating func sortBy(descending: Bool) {
        guard table != nil else { return }
        start(.sort([ViewTask.SortOrder(column: column, descending: descending)]))
    }

    /// Starts a task over `input` (by default the current view); it replaces a task already running.
    mutating func start(_ goal: ViewTask.Goal, input: [Int]? = nil) {
        guard let table else { return }
        let types = table.schema.columns.map(\.type)
        task = ViewTask(goal, rows: table.rows, types: types, keyColumn: table.keyColumn, input: input ?? view,
                        cursor: (row, column), expressions: expressionContext)
    }

    /// Whether a search, filter, sort or count is running.
    public var isWorking: Bool {
        task != nil || counter != nil || runningQuery != nil || selectionJob != nil || runningHistory != nil
    }

    /// Runs the task, then the count of search matches, in chunks of `chunk` units of work, until both are done
    /// or `deadline` has passed (at least one chunk). The event loop calls it between key reads.
    public mutating func work(until deadline: ContinuousClock.Instant, chunk: Int = 20_000) {
        checkQuery(until: deadline)
        checkRecordHistory(until: deadline)
        repeat {
            if task != nil {
                if task!.step(budget: chunk) { finishTask() } else { showEarlyMatches() }
            } else if selectionJob != nil {
                if stepSelectionJob(budget: chunk) { finishSelectionJob() }
            } else if counter != nil {
                if counter!.generation != viewGeneration, let table {
                    // (No rank: the cursor need not be on a match in the changed view.)
                    counter = MatchCounter(matcher: counter!.matcher, rows: table.rows, input: view,
                                           generation: viewGeneration)
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
        cancelRecordHistory()
        cancelSelectionJob()
        guard let task else { return }
        self.task = nil
        if let early = task.shownEarly { restore(early) }
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
        case (.filter(_, _, let stack), .view(let v)):
            finishFilter(stack: stack, view: v, shownEarly: done.shownEarly != nil)
        case (.filter(let list, _, _), .failed(let error)):
            if let early = done.shownEarly { restore(early) }
            filterFailed(list.last, error: error)
        case (.sort(_, clearsFilter: true), .view(let v)):
            let kept = tableRowUnderCursor
            filters = []
            view = v
            placeCursor(onTableRow: kept)
            say("filter cleared: \(view.count) rows")
        case (.sort(let orders, _), .view(let v)):
            finishSort(orders, view: v, names: names)
        case (.seek(let pattern, let forward, _, let isNew), .found(let r, let c, let wrapped)):
            found(pattern, row: r, column: c, forward: forward, wrapped: wrapped, isNew: isNew)
        case (.seek(let pattern, _, _, let isNew), .notFound):
            if isNew {
                search = pattern.text
                searchInfo.adopt(pattern)
                searchMatches = 0
                counter = nil
            }
            fail("no match for \(BrowserState.quoted(pattern.text))\(searchInfo.scopeNote(of: pattern, names: names))")
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
        searchInfo.cells = done.cells
        searchInfo.generation = done.generation
        searchInfo.rank = done.rank
        searchInfo.rankAt = done.rank == nil ? nil : done.target
        if message.hasPrefix(BrowserState.quoted(done.search) + ": ") && !messageIsError { sayMatches() }
    }
}
